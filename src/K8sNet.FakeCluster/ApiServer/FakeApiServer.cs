using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// FakeCluster's Kubernetes API on loopback (Kestrel on 127.0.0.1): discovery, list (selectors, limit/continue),
/// get, create, update, JSON merge and JSON patch, delete and watch, answered as a real API server answers, so that
/// unmodified clients (KubernetesClient, kubectl) work against the cluster. Also the faults a client must survive:
/// dropped and silent watches, expired resource versions, 429/500/503 for a while, latency, a restart.
/// </summary>
/// <remarks>
/// A watch started without <c>allowWatchBookmarks</c> on an empty collection sends nothing until the first change, and
/// KubernetesClient's <c>List...WithHttpMessagesAsync(watch: true)</c> does not complete until the first line arrives
/// (kubernetes-client/csharp#263) — as with a real server. Ask for bookmarks to get one at once.
/// </remarks>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly FakeCluster _cluster;
    private readonly ApiHandler _handler;
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<ApiRequestRecord> _requests = new();
    private readonly ConcurrentQueue<Exception> _unhandled = new();
    private WebApplication? _app;
    private Fault? _fault;

    internal FakeApiServer(FakeCluster cluster)
    {
        _cluster = cluster;
        _handler = new ApiHandler(cluster, this);
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c> (<c>https</c> with <see cref="FakeClusterOptions.ApiServerTls"/>).</summary>
    public Uri BaseAddress => new($"{(_cluster.Options.ApiServerTls ? "https" : "http")}://127.0.0.1:{Port}/");

    /// <summary>
    /// The CA that signed the server's certificate, with <see cref="FakeClusterOptions.ApiServerTls"/> (generated at the
    /// first start, kept across restarts); <see langword="null"/> without TLS.
    /// </summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? CertificateAuthority => _certificates?.Authority;

    private ApiServerCertificates? _certificates;

    /// <summary>The port (chosen at the first start; kept across restarts).</summary>
    public int Port { get; private set; }

    /// <summary>Whether the server is accepting requests.</summary>
    public bool IsRunning => _app is not null;

    /// <summary>Extra wall-clock time before each request is handled (a slow network or API server). Default none.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>How often an open watch that asked for bookmarks gets one (cluster time). Default 1 minute.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The requests answered so far (at most the last 10,000), in the order they ended: a watch is logged when it ends.</summary>
    public IReadOnlyList<ApiRequestRecord> Requests => [.. _requests];

    internal ConcurrentDictionary<WatchStream, byte> Watches { get; } = new();

    /// <summary>How many watches are open now (a test can wait for its client to be watching before a fault).</summary>
    public int OpenWatches => Watches.Count;

    /// <summary>
    /// Exceptions the server did not expect while handling a request (each answered, when it could be, with a 500
    /// InternalError Status as the real server answers a panic). Empty unless the fake has a bug: assert on it.
    /// </summary>
    public IReadOnlyList<Exception> UnhandledExceptions => [.. _unhandled];

    internal void RecordUnhandled(Exception exception)
    {
        _unhandled.Enqueue(exception);
        while (_unhandled.Count > 100 && _unhandled.TryDequeue(out _))
        {
        }
    }

    /// <summary>Ends every open watch at once, as a dropped connection or an API server restart does.</summary>
    public void DropWatches()
    {
        _cluster.Store.DropWatches();
        foreach (var w in Watches.Keys)
        {
            w.End();
        }
    }

    /// <summary>
    /// Compacts the history: watches resuming from an older resourceVersion get an ERROR event with a 410 Expired
    /// Status, exact lists at an older version and continue tokens get HTTP 410.
    /// </summary>
    public void ExpireResourceVersions()
    {
        _cluster.Store.Compact();
        _handler.ExpireContinueTokens();
    }

    /// <summary>Makes every open watch go silent: it stays open and delivers nothing more, not even bookmarks.</summary>
    public void SilenceWatches()
    {
        foreach (var w in Watches.Keys)
        {
            w.Silence();
        }
    }

    /// <summary>
    /// Answers requests with an error Status — 429 TooManyRequests, 500 InternalError, 503 ServiceUnavailable (or any
    /// 4xx/5xx) — for a while on the cluster's clock, or for the next <paramref name="count"/> requests. Open watches
    /// carry on. Disposing the result ends the fault early.
    /// </summary>
    /// <param name="statusCode">The HTTP status code.</param>
    /// <param name="duration">How long, on the cluster's clock; <see langword="null"/> until disposed (or <paramref name="count"/>).</param>
    /// <param name="count">How many requests, when given.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> to send (429 and 503 send 1 s when not given).</param>
    /// <returns>Ends the fault when disposed.</returns>
    public IDisposable FailRequests(int statusCode, TimeSpan? duration = null, int? count = null, TimeSpan? retryAfter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        var fault = new Fault(statusCode, duration is { } d ? _cluster.TimeProvider.GetUtcNow() + d : null, count, retryAfter ?? (statusCode is 429 or 503 ? TimeSpan.FromSeconds(1) : null));
        lock (_gate)
        {
            _fault = fault;
        }

        return new Ender(() =>
        {
            lock (_gate)
            {
                if (_fault == fault)
                {
                    _fault = null;
                }
            }
        });
    }

    /// <summary>Stops the server (open connections and watches end); the cluster keeps its state.</summary>
    /// <returns>A task.</returns>
    public async Task StopAsync()
    {
        WebApplication? app;
        lock (_gate)
        {
            app = _app;
            _app = null;
            IsStopping = true; // requests arriving from now on are refused; watches opened meanwhile end at once
        }

        if (app is not null)
        {
            foreach (var w in Watches.Keys)
            {
                w.End();
            }

            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the server and starts it again on the same port, with the same state.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task.</returns>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        await StartAsync(Port, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    internal bool IsStopping { get; private set; }

    internal async Task StartAsync(int port, CancellationToken cancellationToken)
    {
        IsStopping = false;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = null; // the handler answers oversized bodies with the API server's 413 Status
            o.Listen(IPAddress.Loopback, port, l =>
            {
                if (_cluster.Options.ApiServerTls)
                {
                    _certificates ??= ApiServerCertificates.Create(_cluster.Options.ClusterDomain, TimeProvider.System);
                    l.UseHttps(_certificates.Serving);
                }
            });
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(2));
        var app = builder.Build();
        app.Run(HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Urls.Select(u => new Uri(u)).First();
        Port = address.Port;
        lock (_gate)
        {
            _app = app;
        }
    }

    // As kube-apiserver's bearer token authenticator: "<scheme> <token>", the scheme in any case; the token compared in
    // constant time (digests of both, so neither the content nor the length shows in the timing).
    private static bool HasToken(string authorization, string token)
    {
        var parts = authorization.Trim().Split(' ', 3);
        if (parts.Length < 2 || !parts[0].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || parts[1].Length == 0)
        {
            return false;
        }

        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(parts[1])),
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
    }

    private async Task HandleAsync(HttpContext context)
    {
        var received = TimeProvider.System.GetUtcNow();
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, TimeProvider.System, context.RequestAborted).ConfigureAwait(false); // network time, not the cluster's clock
        }

        try
        {
            if (_cluster.Options.ApiServerToken is { } token && !HasToken(context.Request.Headers.Authorization.ToString(), token))
            {
                // As kube-apiserver with anonymous access off: no or a wrong credential fails authentication.
                await ApiHandler.WriteStatusAsync(context, new KubernetesStatusException(401, "Unauthorized", "Unauthorized")).ConfigureAwait(false);
                return;
            }

            if (IsStopping)
            {
                // As kube-apiserver during graceful termination.
                context.Response.Headers.RetryAfter = "1";
                await ApiHandler.WriteStatusAsync(context, new KubernetesStatusException(503, "ServiceUnavailable", "apiserver is shutting down")).ConfigureAwait(false);
                return;
            }

            if (TakeFault() is { } fault)
            {
                if (fault.RetryAfter is { } after)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await ApiHandler.WriteStatusAsync(context, FaultStatus(fault.StatusCode, context.Request)).ConfigureAwait(false);
                return;
            }

            await _handler.HandleAsync(context).ConfigureAwait(false);
        }
        finally
        {
            _requests.Enqueue(new ApiRequestRecord(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? string.Empty, context.Response.StatusCode)
            {
                ReceivedAt = received,
                IsList = context.Request.Method == "GET" && ApiPath.TryParse(context.Request.Path.Value ?? "/", _cluster.Kinds, out var listed) && listed.Name is null
                    && !ApiRequestRecord.WatchQuery(context.Request.QueryString.Value ?? string.Empty),
            });
            while (_requests.Count > 10_000 && _requests.TryDequeue(out _))
            {
            }
        }
    }

    private Fault? TakeFault()
    {
        lock (_gate)
        {
            if (_fault is not { } fault)
            {
                return null;
            }

            if (fault.Until is { } until && _cluster.TimeProvider.GetUtcNow() >= until)
            {
                _fault = null;
                return null;
            }

            if (fault.Remaining is { } remaining)
            {
                if (remaining <= 0)
                {
                    _fault = null;
                    return null;
                }

                fault.Remaining = remaining - 1;
            }

            return fault;
        }
    }

    private KubernetesStatusException FaultStatus(int code, HttpRequest request) => code switch
    {
        401 => new(401, "Unauthorized", "Unauthorized"),
        403 => Forbidden(request),
        429 => new(429, "TooManyRequests", "Too many requests, please try again later."),
        500 => new(500, "InternalError", "Internal error occurred: injected by FakeApiServer.FailRequests"),
        503 => new(503, "ServiceUnavailable", "The server is currently unable to handle the request"),
        504 => new(504, "Timeout", "The server was unable to return a response in the time allotted, but may still be processing the request"),
        _ => new(code, code >= 500 ? "InternalError" : "BadRequest", $"injected failure ({code})"),
    };

    // The real server's RBAC denial: `<resource>.<group> is forbidden: User "<user>" cannot <verb> resource "<resource>"
    // in API group "<group>" in the namespace "<ns>"`.
    private KubernetesStatusException Forbidden(HttpRequest request)
    {
        var user = "system:serviceaccount:default:default";
        if (!ApiPath.TryParse(request.Path.Value ?? "/", _cluster.Kinds, out var route))
        {
            return new(403, "Forbidden", $"forbidden: User \"{user}\" cannot {request.Method.ToLowerInvariant()} path \"{request.Path}\"");
        }

        var watch = request.Query["watch"] is { Count: > 0 } w && (w == "true" || w == "1");
        var verb = request.Method switch
        {
            "GET" when watch => "watch",
            "GET" => route.Name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => route.Name is null ? "deletecollection" : "delete",
            _ => request.Method.ToLowerInvariant(),
        };
        var qualified = route.Type.Group.Length == 0 ? route.Type.Plural : $"{route.Type.Plural}.{route.Type.Group}";
        var scope = route.Namespace is null ? "at the cluster scope" : $"in the namespace \"{route.Namespace}\"";
        var message = $"{qualified}{(route.Name is null ? string.Empty : $" \"{route.Name}\"")} is forbidden: User \"{user}\" cannot {verb} resource \"{route.Type.Plural}\" in API group \"{route.Type.Group}\" {scope}";
        return new(403, "Forbidden", message, route.Type.Plural, route.Name, route.Type.Group);
    }

    private sealed class Fault(int statusCode, DateTimeOffset? until, int? remaining, TimeSpan? retryAfter)
    {
        public int StatusCode { get; } = statusCode;

        public DateTimeOffset? Until { get; } = until;

        public int? Remaining { get; set; } = remaining;

        public TimeSpan? RetryAfter { get; } = retryAfter;
    }

    private sealed class Ender(Action end) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                end();
            }
        }
    }
}
