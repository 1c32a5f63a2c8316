using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using K8sNet.Dns;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8sNet.Routing;

/// <summary>
/// The Service-following core that K8sNet's HTTP handler and gRPC balancer share (and a transport of your own can):
/// one <see cref="ServiceRouter"/> per <see cref="RoutingProfile"/> and Service, created at first use, shared by every
/// request and call of that profile, and let go once idle for the profile's <see cref="RoutingProfile.IdleTimeout"/>
/// (its watch stopped), so that memory and watches stay bounded however many names clients send to. Registered as a
/// singleton by the K8sNet packages that route; disposed with the container.
/// </summary>
public sealed class ServiceRouterPool : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<(string Profile, ServiceName Service), ServiceRouter> _routers = new();
    private readonly IEnumerable<IEndpointSource> _sources;
    private readonly ClientTopology _topology;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<IEndpointSource> _source;
    private readonly DiagnosticsCapture _capture;
    private volatile bool _disposed;

    /// <summary>Creates the pool.</summary>
    /// <param name="sources">The registered endpoint sources: exactly one must be registered by the time a Service is first followed.</param>
    /// <param name="topology">This client's node and zone.</param>
    /// <param name="timeProvider">The clock (watch backoff, PeakEwma, outlier detection, idle checks).</param>
    /// <param name="loggerFactory">Loggers; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>K8sNet.Routing</c> meter; a meter of its own when <see langword="null"/>.</param>
    public ServiceRouterPool(IEnumerable<IEndpointSource> sources, ClientTopology topology, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _sources = sources;
        _topology = topology;
        _time = timeProvider;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("K8sNet.Routing.ServiceRouter");
        _source = new Lazy<IEndpointSource>(ResolveSource);
        Metrics = new RoutingMetrics(meterFactory, () => _routers.Values);
        Diagnostics = new RoutingDiagnostics((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("K8sNet.Routing.Diagnostics"), Metrics, timeProvider);
        _capture = new DiagnosticsCapture(this, timeProvider);
    }

    /// <summary>The number of Services followed now, over every profile.</summary>
    public int Count => _routers.Count;

    /// <summary>The routers followed now, over every profile.</summary>
    public IReadOnlyCollection<ServiceRouter> Routers => [.. _routers.Values.Where(r => r.IsActive)];

    /// <summary>
    /// The hosts shaped like Service names that requests were sent to but that were not routed to pods, most recent
    /// first (at most 1,024): which client, why, how often, and the message logged with the fix.
    /// </summary>
    public IReadOnlyList<PassThroughRecord> PassThroughs => Diagnostics.Snapshot();

    /// <summary>
    /// A snapshot of what routing is doing: the endpoint source, each Service followed (each endpoint's conditions,
    /// eligibility, ejection, requests in flight, latency average, and its share of the requests, all-time and recent),
    /// and the hosts not routed to pods. <c>app.MapK8sNetDiagnostics()</c> (K8sNet.AspNetCore) serves it.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public K8sNetDiagnosticsSnapshot CaptureDiagnostics() => _capture.Capture();

    internal RoutingMetrics Metrics { get; }

    internal RoutingDiagnostics Diagnostics { get; }

    internal IEndpointSource Source => _source.Value;

    /// <summary>The router of <paramref name="service"/> for <paramref name="profile"/>: the one followed now, or a new one.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="profile">The client's profile (routers are kept per profile name).</param>
    /// <returns>An active router.</returns>
    /// <exception cref="InvalidOperationException">No endpoint source is registered, or more than one.</exception>
    /// <exception cref="ObjectDisposedException">The pool is disposed.</exception>
    public ServiceRouter GetRouter(ServiceName service, RoutingProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var key = (profile.Name, service);
        while (true)
        {
            if (_routers.TryGetValue(key, out var router) && router.IsActive)
            {
                return router;
            }

            if (router is not null)
            {
                _routers.TryRemove(KeyValuePair.Create(key, router)); // let go a moment ago
                continue;
            }

            _ = Source; // fails here, naming what to register, when there is not exactly one source
            var created = new ServiceRouter(service, profile, this, _topology, _time, _logger);
            if (_routers.TryAdd(key, created))
            {
                created.Start();
                return created;
            }

            created.Stop(); // another caller added one first
        }
    }

    /// <summary>
    /// Finds the Service a URI names, as this pod's resolver would: the candidates in search order, each waited for
    /// until the endpoint source has synced it (up to <paramref name="syncTimeout"/>), the first that exists winning.
    /// </summary>
    /// <param name="target">What the URI names (<see cref="ServiceUriResolver"/>).</param>
    /// <param name="profile">The client's profile.</param>
    /// <param name="syncTimeout">How long to wait for each candidate's first state; <see cref="Timeout.InfiniteTimeSpan"/> to wait until cancelled.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The found Service's router and state; or, when none exists, the first candidate's router; or the candidate that did not sync in time.</returns>
    public async ValueTask<ServiceLookup> FindAsync(ServiceUriTarget target, RoutingProfile profile, TimeSpan syncTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(profile);
        if (!target.HasCandidates)
        {
            throw new ArgumentException("The target names no Service this client may call (no candidates).", nameof(target));
        }

        ServiceRouter? first = null;
        for (var i = 0; i < target.Candidates.Length; i++)
        {
            var router = GetRouter(target.Candidates[i], profile);
            first ??= router;
            var state = await router.GetStateAsync(syncTimeout, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                return new ServiceLookup(ServiceLookupStatus.NotSynced, router, null, i);
            }

            if (state.Exists)
            {
                return new ServiceLookup(ServiceLookupStatus.Found, router, state, i);
            }
        }

        return new ServiceLookup(ServiceLookupStatus.NotFound, first!, first!.State, 0);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var router in _routers.Values)
        {
            await router.StopAsync().ConfigureAwait(false);
        }

        _routers.Clear();
        Metrics.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        foreach (var router in _routers.Values)
        {
            router.Stop();
        }

        _routers.Clear();
        Metrics.Dispose();
    }

    /// <summary>Lets an idle router go (its own idle check asks).</summary>
    internal void Retire(ServiceRouter router)
    {
        if (!router.TryRetire())
        {
            return;
        }

        _routers.TryRemove(KeyValuePair.Create((router.Profile.Name, router.Service), router));
        _ = router.StopAsync().AsTask();
    }

    private IEndpointSource ResolveSource()
    {
        var sources = _sources.ToList();
        return sources.Count switch
        {
            1 => sources[0],
            0 => throw new InvalidOperationException(
                "K8sNet service discovery needs an endpoint source: call services.AddK8sNet().AddKubernetesEndpoints(), "
                + ".UseFakeCluster(cluster) or .AddInMemoryEndpoints(source)."),
            _ => throw new InvalidOperationException(
                $"K8sNet service discovery found {sources.Count} endpoint sources ({string.Join(", ", sources.Select(s => s.GetType().Name))}); register exactly one."),
        };
    }
}
