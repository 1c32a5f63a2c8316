using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace K8sNet.Dns;

/// <summary>
/// Turns a URI into the Services it may name and the port it asks for, as this pod's resolver would: the host is
/// expanded with the pod's search path and ndots (<see cref="ResolverSearch"/>), and every query that is a Service name
/// in the cluster zone, in an allowed namespace, is a candidate, in query order.
/// </summary>
/// <remarks>
/// <para>Accepted forms:</para>
/// <list type="bullet">
/// <item><c>http://orders</c>, <c>http://orders.shop:8080/x</c>, <c>https://orders.shop.svc.cluster.local</c>: the host and an optional port number.</item>
/// <item><c>https+http://orders</c>: schemes in preference order (as Microsoft.Extensions.ServiceDiscovery writes them).</item>
/// <item><c>k8s:///orders.shop:grpc</c> or <c>k8s:///orders:50051</c>: gRPC's target form; the port may be a name.</item>
/// </list>
/// <para>
/// Only Service names count: an endpoint name such as <c>pod-0.db.shop.svc.cluster.local</c> and names outside the zone
/// give no candidate.
/// </para>
/// </remarks>
public sealed class ServiceUriResolver
{
    /// <summary>The scheme of gRPC target URIs K8sNet resolves, <c>k8s</c>.</summary>
    public const string K8sScheme = "k8s";

    private readonly ClientContext _context;
    private readonly bool _anyNamespace;
    private readonly HashSet<string> _allowed;

    /// <summary>Creates a resolver.</summary>
    /// <param name="context">This client's context (namespace, domain, search path).</param>
    /// <param name="options">Which namespaces URIs may name; only the client's own by default.</param>
    public ServiceUriResolver(ClientContext context, ServiceUriOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        var allowed = new HashSet<string>(options?.AllowedNamespaces ?? (IEnumerable<string>)[], StringComparer.Ordinal);
        _anyNamespace = allowed.Contains("*");
        allowed.Remove("*");
        if (allowed.Count == 0)
        {
            allowed.Add(context.Namespace);
        }

        foreach (var ns in allowed)
        {
            KubernetesNames.ThrowIfInvalidDns1123Label(ns, "allowed namespace");
        }

        _allowed = allowed;
    }

    /// <summary>The client context names are expanded in.</summary>
    public ClientContext Context => _context;

    /// <summary>Whether Services in <paramref name="namespace"/> may be named.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <returns><see langword="true"/> when allowed.</returns>
    public bool IsAllowed(string @namespace) => _anyNamespace || _allowed.Contains(@namespace);

    /// <summary>Reads a URI.</summary>
    /// <param name="uri">An absolute URI.</param>
    /// <param name="target">The target; check <see cref="ServiceUriTarget.HasCandidates"/>.</param>
    /// <param name="error">Why the URI cannot be read (e.g. a bad <c>k8s:///</c> target or port).</param>
    /// <returns><see langword="true"/> when the URI could be read (it may still name no Service).</returns>
    public bool TryResolve(Uri uri, [NotNullWhen(true)] out ServiceUriTarget? target, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        ArgumentNullException.ThrowIfNull(uri);
        target = null;
        if (!uri.IsAbsoluteUri)
        {
            error = new K8sNetFormatException(uri.OriginalString, "request URI", "must be absolute");
            return false;
        }

        var scheme = uri.Scheme.ToLowerInvariant();
        string host;
        ServicePortRequest port;
        ImmutableArray<string> schemes;
        if (scheme == K8sScheme)
        {
            if (!TryReadK8sTarget(uri, out host, out port, out error))
            {
                return false;
            }

            schemes = ["grpc"];
        }
        else
        {
            host = uri.IdnHost;
            schemes = [.. scheme.Split('+', StringSplitOptions.RemoveEmptyEntries)];
            var explicitPort = ExplicitPort(uri);
            port = explicitPort is { } n ? ServicePortRequest.ForNumber(n) : ServicePortRequest.ForSchemes(schemes);
        }

        target = new ServiceUriTarget(host, Candidates(host), port, schemes);
        error = null;
        return true;
    }

    /// <summary>Reads a URI.</summary>
    /// <param name="uri">An absolute URI.</param>
    /// <returns>The target; check <see cref="ServiceUriTarget.HasCandidates"/>.</returns>
    /// <exception cref="K8sNetFormatException">The URI cannot be read.</exception>
    public ServiceUriTarget Resolve(Uri uri) => TryResolve(uri, out var target, out var error) ? target : throw error;

    /// <summary>The Services a host may name, in the order this pod's resolver would try them.</summary>
    /// <param name="host">The host as written.</param>
    /// <returns>The candidates; empty when the host names no Service in an allowed namespace.</returns>
    public ImmutableArray<ServiceName> Candidates(string host) => Candidates(host, allowed: true);

    /// <summary>
    /// The Services a host would name, in search order, were every namespace allowed, that this client may not call:
    /// what a request to the host would miss (<c>http://orders.shop</c> with <c>shop</c> not allowed). Ordinary hosts
    /// have such names too (<c>example.com</c> is Service <c>example</c> in namespace <c>com</c>): whether one exists
    /// is for the endpoint source to say.
    /// </summary>
    /// <param name="host">The host as written.</param>
    /// <returns>The Services in namespaces that are not allowed.</returns>
    public ImmutableArray<ServiceName> ExcludedCandidates(string host) => Candidates(host, allowed: false);

    private ImmutableArray<ServiceName> Candidates(string host, bool allowed)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Length == 0 || System.Net.IPAddress.TryParse(host, out _) || host.Contains("..", StringComparison.Ordinal) || host[0] == '.')
        {
            return [];
        }

        var builder = ImmutableArray.CreateBuilder<ServiceName>();
        foreach (var query in ResolverSearch.Expand(host, _context.ResolvConf, _context.ResolverFlavor))
        {
            if (ClusterDnsName.TryParse(query, _context.ClusterDomain, out var name)
                && name.Kind == ClusterDnsNameKind.Service
                && name.TryGetService(out var service)
                && IsAllowed(service.Namespace) == allowed
                && !builder.Contains(service))
            {
                builder.Add(service);
            }
        }

        return builder.ToImmutable();
    }

    private static bool TryReadK8sTarget(Uri uri, out string host, out ServicePortRequest port, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        // k8s:///orders.shop:grpc — gRPC puts the target in the path; k8s://orders.shop:50051 (authority form) is accepted too.
        var text = uri.Host.Length > 0 ? uri.Authority : Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        host = text;
        port = ServicePortRequest.ForSchemes(["grpc"]);
        if (text.Length == 0)
        {
            error = new K8sNetFormatException(uri.OriginalString, "k8s target", "must name a Service: k8s:///<service>[.<namespace>][:<port name or number>]");
            return false;
        }

        var colon = text.LastIndexOf(':');
        if (colon >= 0)
        {
            host = text[..colon];
            var portText = text[(colon + 1)..];
            if (portText.Length > 0 && portText.All(char.IsAsciiDigit))
            {
                if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535)
                {
                    error = new K8sNetFormatException(uri.OriginalString, "k8s target port", "must be between 1 and 65535, inclusive");
                    return false;
                }

                port = ServicePortRequest.ForNumber(n);
            }
            else if (KubernetesNames.IsValidPortName(portText, ignoreCase: true))
            {
                port = ServicePortRequest.ForName(portText);
            }
            else
            {
                KubernetesNames.TryValidatePortName(portText.ToLowerInvariant(), "k8s target port name", out var nameError);
                error = nameError ?? new K8sNetFormatException(uri.OriginalString, "k8s target port", "must be a port name or number");
                return false;
            }
        }

        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal))
        {
            error = new K8sNetFormatException(uri.OriginalString, "k8s target", "must name a Service: k8s:///<service>[.<namespace>][:<port name or number>]");
            return false;
        }

        error = null;
        return true;
    }

    // Uri.Port cannot tell "http://orders" from "http://orders:80"; the authority as written can.
    private static int? ExplicitPort(Uri uri)
    {
        if (!uri.IsDefaultPort)
        {
            return uri.Port;
        }

        var s = uri.OriginalString;
        var start = s.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += 3;
        var end = s.IndexOfAny(['/', '?', '#'], start);
        var authority = end < 0 ? s[start..] : s[start..end];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        var close = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        return colon > close && colon < authority.Length - 1 ? uri.Port : null;
    }
}
