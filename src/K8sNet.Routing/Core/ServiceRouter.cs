using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace K8sNet.Routing;

/// <summary>
/// One client's view of one Service, shared by every request and call of that client (<see cref="RoutingProfile"/>):
/// follows the endpoint source (retrying a failed watch with backoff, keeping the last known endpoints), keeps the
/// <see cref="EndpointSet"/> of every Service port current, and owns the Service's policy and outlier detector. A pick
/// returns a <see cref="RoutedLease"/> whose one completion informs the policy, the outlier detector and the metrics.
/// Routers come from <see cref="ServiceRouterPool"/>, which lets a router go once it has been idle for the profile's
/// <see cref="RoutingProfile.IdleTimeout"/>; a caller that keeps one checks <see cref="IsActive"/> and asks the pool
/// again when it is not. The request path only reads.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "Owned by ServiceRouterPool, which stops it (StopAsync, Stop); users never dispose a shared router.")]
public sealed partial class ServiceRouter
{
    private readonly ServiceRouterPool _pool;
    private readonly EndpointSetBuilder _builder;
    private readonly ILoadBalancer _balancer;
    private readonly OutlierDetector _detector;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<ServiceState> _firstState = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly ITimer _idleTimer;
    private readonly bool _policyUsesTime;
    private Task _loop = Task.CompletedTask;
    private volatile ServiceState? _state;
    private volatile Routes _routes = Routes.Empty;
    private volatile bool _active = true;
    private ImmutableArray<Action<ServiceRouter>> _subscribers = [];
    private int _healthVersion;
    private int _used;
    private int _waiters;
    private int _idleTicks;
    private DateTimeOffset? _lastChange;
    private string? _lastError;

    internal ServiceRouter(ServiceName service, RoutingProfile profile, ServiceRouterPool pool, ClientTopology topology, TimeProvider time, ILogger logger)
    {
        Service = service;
        Profile = profile;
        _pool = pool;
        _time = time;
        _logger = logger;
        _builder = new EndpointSetBuilder(service, topology, profile.Endpoints);
        _balancer = profile.PolicyFactory(time) ?? throw new InvalidOperationException($"The policy factory of routing profile '{profile.Name}' returned null.");
        _policyUsesTime = _balancer is PeakEwmaBalancer or StickyBalancer;
        _detector = new OutlierDetector(profile.OutlierDetection, time);
        _detector.Ejected += OnEjected;
        _detector.Returned += OnReturned;

        // Checked twice per idle timeout: a router is let go after two checks in a row without use, so after between
        // one and one and a half idle timeouts of disuse.
        var check = profile.IdleTimeout / 2;
        _idleTimer = time.CreateTimer(static s => ((ServiceRouter)s!).CheckIdle(), this, check, check);
    }

    /// <summary>The Service followed.</summary>
    public ServiceName Service { get; }

    /// <summary>The client's profile.</summary>
    public RoutingProfile Profile { get; }

    /// <summary>The policy's name, e.g. <c>PowerOfTwoChoices</c>.</summary>
    public string PolicyName => _balancer.Name;

    /// <summary>The newest state of the Service; <see langword="null"/> before the endpoint source's first.</summary>
    public ServiceState? State => _state;

    /// <summary>
    /// <see langword="false"/> once the pool has let this router go (idle) or was disposed: its watch has stopped and
    /// its endpoints no longer change. Ask <see cref="ServiceRouterPool"/> for the Service again.
    /// </summary>
    public bool IsActive => _active;

    /// <summary>The current sets, one per Service port.</summary>
    public ImmutableDictionary<ServicePortKey, EndpointSet> Sets => _routes.Sets;

    internal RoutingMetrics Metrics => _pool.Metrics;

    /// <summary>The current state, waiting for the endpoint source's first synced one up to <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait for the first state; <see cref="Timeout.InfiniteTimeSpan"/> to wait until cancelled.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The state, or <see langword="null"/> when none came in time.</returns>
    public ValueTask<ServiceState?> GetStateAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        MarkUsed();
        var state = _state;
        return state is not null && state.IsSynced ? ValueTask.FromResult<ServiceState?>(state) : WaitAsync(timeout, cancellationToken);
    }

    /// <summary>The current set of a Service port: empty, with a status saying why, when the port has none.</summary>
    /// <param name="port">The Service port.</param>
    /// <returns>The set.</returns>
    public EndpointSet GetSet(ServicePortKey port) => _routes.Sets.TryGetValue(port, out var set) ? set : _builder.GetSet(port);

    /// <summary>
    /// Picks an endpoint of <paramref name="from"/> (one of this router's sets, or a subset of one: the endpoints a
    /// transport is connected to) with the policy, avoiding ejected endpoints unless the set is in panic.
    /// </summary>
    /// <param name="from">The endpoints to pick from.</param>
    /// <param name="hashKey">The request's key for consistent hashing or stickiness, if any.</param>
    /// <param name="excluded">Endpoints already tried for this request, avoided while another is eligible.</param>
    /// <param name="scope">
    /// The set outlier detection counts the endpoint in (its ejection limit and panic): the whole port's set when
    /// <paramref name="from"/> is a subset of it; <paramref name="from"/> when <see langword="null"/>.
    /// </param>
    /// <returns>The lease (empty, <see cref="RoutedLease.Endpoint"/> <see langword="null"/>, when nothing is eligible); complete it once.</returns>
    public RoutedLease Pick(EndpointSet from, string? hashKey = null, IReadOnlyCollection<ServiceEndpoint>? excluded = null, EndpointSet? scope = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        MarkUsed();
        scope ??= from;
        var start = ReadClock();
        var context = new PickContext(hashKey is null ? null : StableHash.Hash(hashKey), excluded, _detector.IsPanic(scope), start);
        return Leased(scope, _balancer.Pick(from, context), start, excluded?.Count ?? 0);
    }

    /// <summary>
    /// Follows the Service's changes: <paramref name="onChanged"/> runs after each new state has been applied (on the
    /// router's watch, one call at a time), and the router is not let go while subscribed. Fails only when the router has
    /// already been let go: ask the pool again.
    /// </summary>
    /// <param name="onChanged">Called with this router after each change.</param>
    /// <param name="subscription">Ends the subscription when disposed.</param>
    /// <returns><see langword="false"/> when the router is no longer active.</returns>
    public bool TrySubscribe(Action<ServiceRouter> onChanged, [NotNullWhen(true)] out IDisposable? subscription)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        lock (_gate)
        {
            if (!_active)
            {
                subscription = null;
                return false;
            }

            _subscribers = _subscribers.Add(onChanged);
        }

        subscription = new Subscription(this, onChanged);
        return true;
    }

    /// <summary>The set of a port and whether it is in panic (health ignored), for the HTTP handler's pick.</summary>
    internal EndpointSet GetSet(ServicePortKey port, out bool panic)
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
            route.Panic = _detector.IsPanic(route.Set);
            route.HealthVersion = version;
        }

        panic = route.Panic;
        return route.Set;
    }

    /// <summary>The HTTP handler's pick: the port's current set, its panic state cached per health change.</summary>
    internal RoutedLease Pick(ServicePortKey port, ulong? hashKey, IReadOnlyCollection<ServiceEndpoint>? excluded)
    {
        MarkUsed();
        var set = GetSet(port, out var panic);
        var start = ReadClock();
        return Leased(set, _balancer.Pick(set, new PickContext(hashKey, excluded, panic, start)), start, excluded?.Count ?? 0);
    }

    /// <summary>
    /// The attempt's one read of the clock at its start, shared by the policy, the metrics and the trace: only when one of
    /// them needs it (PeakEwma and stickiness do; attempt durations are recorded; a trace listens). Otherwise 0, and a
    /// policy that needs the time reads it itself.
    /// </summary>
    internal long ReadClock() =>
        _policyUsesTime || _pool.Metrics.DurationEnabled || RoutingTelemetry.Source.HasListeners() ? _time.GetTimestamp() : 0;

    internal long Now() => _time.GetTimestamp();

    internal void Completed(EndpointSet set, ServiceEndpoint endpoint, EndpointOutcome outcome, long start, long end)
    {
        _detector.Report(set, endpoint, outcome);
        endpoint.Stats.RecordCompleted();
        _pool.Metrics.Request(this, outcome, start != 0 && end != 0 ? _time.GetElapsedTime(start, end).TotalSeconds : null);
    }

    private RoutedLease Leased(EndpointSet set, EndpointLease lease, long start, int resends)
    {
        if (lease.Endpoint is not { } endpoint)
        {
            return new RoutedLease(this, set, lease, start, null);
        }

        _pool.Metrics.Picked(this);
        return new RoutedLease(this, set, lease, start, RoutingTelemetry.StartAttempt(this, set.Port, endpoint, resends));
    }

    /// <summary>When the last state arrived, and the last failure following the Service since then (diagnostics).</summary>
    internal (DateTimeOffset? LastChange, string? LastError) Progress => (_lastChange, _lastError);

    /// <summary>Whether the port is in panic now (diagnostics).</summary>
    internal bool IsPanic(ServicePortKey port)
    {
        GetSet(port, out var panic);
        return panic;
    }

    internal TimeProvider Time => _time;

    internal void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops following (the pool lets the router go): the watch ends, the endpoints stay as they were.</summary>
    internal async ValueTask StopAsync()
    {
        Deactivate();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    /// <summary>Stops without waiting for the watch to finish (a synchronous container disposal).</summary>
    internal void Stop()
    {
        Deactivate();
        _stop.Cancel();
    }

    /// <summary>Lets the router go if it has not been used since the last check: the pool's idle check.</summary>
    internal bool TryRetire()
    {
        lock (_gate)
        {
            if (!_active || !_subscribers.IsEmpty || Interlocked.Exchange(ref _used, 0) != 0 || _waiters > 0)
            {
                return false;
            }

            _active = false;
            return true;
        }
    }

    // A plain read first: the request path writes the shared field only once per idle check.
    private void MarkUsed()
    {
        if (Volatile.Read(ref _used) == 0)
        {
            Volatile.Write(ref _used, 1);
        }
    }

    private void CheckIdle()
    {
        if (!_active)
        {
            return;
        }

        if (Volatile.Read(ref _used) != 0 || !_subscribers.IsEmpty || Volatile.Read(ref _waiters) > 0)
        {
            Interlocked.Exchange(ref _used, 0);
            _idleTicks = 0;
            return;
        }

        if (++_idleTicks >= 2)
        {
            _pool.Retire(this);
        }
    }

    private void Deactivate()
    {
        lock (_gate)
        {
            _active = false;
        }

        _idleTimer.Dispose();
        _detector.Dispose();
    }

    private async ValueTask<ServiceState?> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiters);
        try
        {
            return await _firstState.Task.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
            MarkUsed();
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var state in _pool.Source.WatchAsync(Service, cancellationToken).ConfigureAwait(false))
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
                _lastError = $"{_time.GetUtcNow():O}: {ex.GetType().Name}: {ex.Message}";
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
        _lastChange = _time.GetUtcNow();
        _lastError = null;
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

        foreach (var subscriber in _subscribers)
        {
            try
            {
                subscriber(this);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.SubscriberFailed(_logger, Service, ex);
            }
        }
    }

    private void Unsubscribe(Action<ServiceRouter> onChanged)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Remove(onChanged);
        }

        MarkUsed(); // idle from now on, not from the last check
    }

    private void OnEjected(ServiceEndpoint endpoint, TimeSpan duration)
    {
        Interlocked.Increment(ref _healthVersion);
        _pool.Metrics.Ejection(this);
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

    private sealed class Subscription(ServiceRouter router, Action<ServiceRouter> onChanged) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                router.Unsubscribe(onChanged);
            }
        }
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

        [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Service {Service}: a subscriber to its changes failed.")]
        public static partial void SubscriberFailed(ILogger logger, ServiceName service, Exception exception);
    }
}
