namespace K8sNet.Gateway;

/// <summary>
/// A request as a Gateway receives it: the listener port it arrived on, its scheme, the TLS server name, method, Host
/// header, path and query, and headers. Build one per request (or reuse it); <see cref="GatewayRouter.Route(GatewayRequest, Random?)"/>
/// reads it without allocating.
/// </summary>
public sealed class GatewayRequest
{
    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    /// <summary>Creates a request.</summary>
    /// <param name="method">The HTTP method (case-sensitive, as HTTP says).</param>
    /// <param name="host">The Host header (a port in it is ignored for matching); <see langword="null"/> when the request has none.</param>
    /// <param name="pathAndQuery">The request target: path, then optionally <c>?</c> and the query. Empty means <c>/</c>.</param>
    /// <param name="headers">The request headers (names case-insensitive), in order; a repeated name counts by its first value.</param>
    /// <param name="port">The Gateway port the request arrived on (a listener's <c>port</c>).</param>
    /// <param name="scheme"><c>http</c> or <c>https</c>.</param>
    /// <param name="serverName">The TLS SNI for <c>https</c>; defaults to the Host header's name.</param>
    /// <exception cref="ArgumentException">The method is empty, the target is not a path, or the port is out of range.</exception>
    public GatewayRequest(string method, string? host, string pathAndQuery, IEnumerable<KeyValuePair<string, string>>? headers = null, int port = 80, string scheme = "http", string? serverName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        ArgumentNullException.ThrowIfNull(scheme);
        if (pathAndQuery.Length > 0 && pathAndQuery[0] != '/')
        {
            throw new ArgumentException($"The request target '{pathAndQuery}' must be a path starting with '/'.", nameof(pathAndQuery));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Method = method;
        Host = string.IsNullOrWhiteSpace(host) ? null : host.Trim();
        var fragment = pathAndQuery.IndexOf('#', StringComparison.Ordinal);
        PathAndQuery = pathAndQuery.Length == 0 ? "/" : fragment >= 0 ? pathAndQuery[..fragment] : pathAndQuery;
        var query = PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        Path = query >= 0 ? PathAndQuery[..query] : PathAndQuery;
        if (Path.Length == 0)
        {
            Path = "/";
        }

        Query = query >= 0 ? PathAndQuery[(query + 1)..] : string.Empty;
        Headers = headers is null ? NoHeaders : [.. headers];
        Port = port;
        Scheme = scheme.ToLowerInvariant();
        HostName = NameOf(Host);
        ServerName = serverName ?? (Scheme == "https" ? HostName : null);
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The Host header as sent, or <see langword="null"/>.</summary>
    public string? Host { get; }

    /// <summary>The Host header's name: without a port, lower case, without a trailing dot; empty without a Host.</summary>
    public string HostName { get; }

    /// <summary>The path and query as sent (a fragment dropped).</summary>
    public string PathAndQuery { get; }

    /// <summary>The path (before <c>?</c>).</summary>
    public string Path { get; }

    /// <summary>The raw query (after <c>?</c>), empty without one.</summary>
    public string Query { get; }

    /// <summary>The headers, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The Gateway port the request arrived on.</summary>
    public int Port { get; }

    /// <summary><c>http</c> or <c>https</c>.</summary>
    public string Scheme { get; }

    /// <summary>The TLS server name (SNI), for <c>https</c>.</summary>
    public string? ServerName { get; }

    /// <summary>Whether this is a gRPC call: its <c>content-type</c> is <c>application/grpc</c> or a subtype of it.</summary>
    public bool IsGrpc => Header("content-type") is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates a GET request to a URL: the Host and port come from it unless given.</summary>
    /// <param name="url">An absolute http or https URL.</param>
    /// <param name="method">The method; GET by default.</param>
    /// <param name="headers">Headers.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">The URL is not absolute http(s).</exception>
    public static GatewayRequest Get(string url, string method = "GET", IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{url}' is not an absolute http or https URL.", nameof(url));
        }

        return new GatewayRequest(method, uri.IsDefaultPort ? uri.Host : uri.Authority, uri.PathAndQuery, headers, uri.Port, uri.Scheme);
    }

    /// <summary>Creates a gRPC call (<c>POST /{service}/{method}</c>, <c>content-type: application/grpc</c>).</summary>
    /// <param name="host">The authority.</param>
    /// <param name="service">The fully qualified service, e.g. <c>helloworld.Greeter</c>.</param>
    /// <param name="method">The method, e.g. <c>SayHello</c>.</param>
    /// <param name="headers">Further metadata.</param>
    /// <param name="port">The Gateway port.</param>
    /// <returns>The request.</returns>
    public static GatewayRequest Grpc(string? host, string service, string method, IEnumerable<KeyValuePair<string, string>>? headers = null, int port = 80)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(method);
        return new GatewayRequest("POST", host, $"/{service}/{method}", [new("content-type", "application/grpc"), .. headers ?? []], port);
    }

    /// <summary>Creates the request a Gateway receives from an <see cref="HttpRequestMessage"/>.</summary>
    /// <param name="request">The request; its URI absolute.</param>
    /// <param name="port">The Gateway port; the URI's by default.</param>
    /// <returns>The request.</returns>
    public static GatewayRequest From(HttpRequestMessage request, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri is { IsAbsoluteUri: true } u ? u : throw new ArgumentException("The request needs an absolute RequestUri.", nameof(request));
        var headers = request.Headers.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            .Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)));
        return new GatewayRequest(request.Method.Method, request.Headers.Host ?? (uri.IsDefaultPort ? uri.Host : uri.Authority), uri.PathAndQuery, headers, port ?? uri.Port, uri.Scheme);
    }

    /// <summary>The first value of a header (names compared case-insensitively), or <see langword="null"/>.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value.</returns>
    public string? Header(string name)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return Headers[i].Value;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Method} {Scheme}://{Host}{PathAndQuery} (port {Port})";

    private static string NameOf(string? host)
    {
        var name = host.AsSpan();
        if (name.StartsWith("["))
        {
            return name.ToString();
        }

        var colon = name.LastIndexOf(':');
        if (colon >= 0)
        {
            name = name[..colon];
        }

        return name.TrimEnd('.').ToString().ToLowerInvariant();
    }
}
