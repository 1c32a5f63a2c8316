using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace K8sNet.Routing;

/// <summary>
/// One client's view of one Service: follows the endpoint source, keeps the endpoint set of every port current, and
/// owns the Service's balancer and outlier detector. The request path only reads.
/// </summary>
internal sealed partial class ServiceRouter : IAsyncDisposable, IDisposable
{
    private readonly IEndpointSource _source;
    private readonly EndpointSetBuilder _builder;
    private readonly ILogger _logger;
    private readonly RoutingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<ServiceState> _firstState = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private volatile ServiceState? _state;
    private volatile Routes _routes = Routes.Empty;
    private int _healthVersion;

    public ServiceRouter(
        ServiceName service, IEndpointSource source, ClientTopology topology, K8sNetRoutingOptions options,
        TimeProvider time, ILogger logger, RoutingMetrics metrics)
    {
        Service = service;
        _source = source;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _builder = new EndpointSetBuilder(service, topology, options.Endpoints);
        Balancer = BalancerFactory.Create(options, time);
        Detector = new OutlierDetector(options.OutlierDetection, time);
        Detector.Ejected += OnEjected;
        Detector.Returned += OnReturned;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public ServiceName Service { get; }

    public ILoadBalancer Balancer { get; }

    public OutlierDetector Detector { get; }

    public ServiceState? State => _state;

    public ImmutableDictionary<ServicePortKey, EndpointSet> Sets => _routes.Sets;

    /// <summary>The current state, waiting for the first one up to <paramref name="timeout"/>.</summary>
    public ValueTask<ServiceState?> GetStateAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var state = _state;
        return state is not null && state.IsSynced ? ValueTask.FromResult<ServiceState?>(state) : WaitAsync(timeout, cancellationToken);
    }

    /// <summary>The set of a port and whether it is in panic (health ignored).</summary>
    public EndpointSet GetSet(ServicePortKey port, out bool panic)
    {
        var routes = _routes;
        if (!routes.Ports.TryGetValue(port, out var route))
        {
            panic = false;
            return _builder.GetSet(port);
        }

        var version = Volatile.Read(ref _healthVersion);
        if (route.HealthVersion != version)
        {
            route.Panic = Detector.IsPanic(route.Set);
            route.HealthVersion = version;
        }

        panic = route.Panic;
        return route.Set;
    }

    /// <summary>Stops the watch without waiting for it to finish (a synchronous container disposal).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        Detector.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Detector.Dispose();
        _stop.Dispose();
    }

    private async ValueTask<ServiceState?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await _firstState.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var state in _source.WatchAsync(Service, cancellationToken).ConfigureAwait(false))
                {
                    Apply(state);
                    delay = TimeSpan.FromMilliseconds(500);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.WatchFailed(_logger, Service, delay, ex);
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private void Apply(ServiceState state)
    {
        var sets = _builder.Update(state);
        var ports = new Dictionary<ServicePortKey, PortRoute>(sets.Count);
        foreach (var (key, set) in sets)
        {
            ports[key] = new PortRoute(set) { HealthVersion = -1 };
        }

        _routes = new Routes(sets, ports);
        _state = state;
        if (state.IsSynced)
        {
            _firstState.TrySetResult(state);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            foreach (var set in sets.Values)
            {
                Log.EndpointsUpdated(_logger, Service, set.Port, set.Eligible.Length, set.All.Length, set.Status, state.Version);
            }
        }
    }

    private void OnEjected(ServiceEndpoint endpoint, TimeSpan duration)
    {
        Interlocked.Increment(ref _healthVersion);
        _metrics.Ejection(Service);
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            Log.EndpointEjected(_logger, Service, endpoint.Key, duration, endpoint.Stats.EjectionCount);
        }
    }

    private void OnReturned(EndpointStats stats)
    {
        Interlocked.Increment(ref _healthVersion);
        Log.EndpointReturned(_logger, Service);
    }

    private sealed class PortRoute(EndpointSet set)
    {
        public EndpointSet Set { get; } = set;

        public int HealthVersion { get; set; }

        public bool Panic { get; set; }
    }

    private sealed record Routes(ImmutableDictionary<ServicePortKey, EndpointSet> Sets, Dictionary<ServicePortKey, PortRoute> Ports)
    {
        public static readonly Routes Empty = new(ImmutableDictionary<ServicePortKey, EndpointSet>.Empty, []);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Watching Service {Service} failed; retrying in {Delay}. Routing keeps the last known endpoints.")]
        public static partial void WatchFailed(ILogger logger, ServiceName service, TimeSpan delay, Exception exception);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Service {Service} port {Port}: {Eligible} of {All} endpoints eligible ({Status}), state version {Version}.")]
        public static partial void EndpointsUpdated(ILogger logger, ServiceName service, ServicePortKey port, int eligible, int all, EndpointSetStatus status, long version);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Service {Service}: endpoint {Endpoint} ejected for {Duration} (ejection {Count}).")]
        public static partial void EndpointEjected(ILogger logger, ServiceName service, string endpoint, TimeSpan duration, int count);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Service {Service}: an ejected endpoint returned.")]
        public static partial void EndpointReturned(ILogger logger, ServiceName service);
    }
}
