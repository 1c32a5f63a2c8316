using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DnsClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8sNet.Dns;

/// <summary>
/// An endpoint source for apps without access to the Kubernetes API: it asks cluster DNS. For each Service it sends,
/// at once, the SRV query for all the Service's ports, an SRV query per configured port name
/// (<see cref="DnsEndpointOptions.PortNames"/>) and the A and AAAA queries, and asks again when the answers' TTL runs
/// out (kept within <see cref="DnsEndpointOptions.MinTtl"/> and <see cref="DnsEndpointOptions.MaxTtl"/>) while someone
/// watches or asks.
/// </summary>
/// <remarks>
/// <para>
/// What DNS shows, and so what the states hold (Kubernetes DNS specification 1.1.0, CoreDNS): for a <b>headless</b>
/// Service, its ready endpoints (every pod with <c>publishNotReadyAddresses</c>), each with its hostname and its pod
/// ports — slices are built one per address family and port list, all endpoints ready; the spec has cluster IP
/// <c>None</c> and, as port numbers, the endpoints' (DNS does not carry the Service's own). For a Service with a
/// <b>cluster IP</b>, one endpoint per cluster IP at the Service's ports: requests go through kube-proxy, which
/// chooses the pod. An <b>ExternalName</b> Service has its target in <see cref="ServiceSpecInfo.ExternalName"/> and no
/// slices. Not-ready, serving and terminating endpoints, zones, nodes and hints are not in DNS.
/// </para>
/// <para>
/// NXDOMAIN reads as absent — which is also how DNS shows a headless Service without ready endpoints. Ports are named
/// only when asked for by name. A timeout, SERVFAIL or REFUSED keeps the last good state (asking again within
/// <see cref="DnsEndpointOptions.MaxFailureTtl"/>); before any answer, callers wait up to
/// <see cref="DnsEndpointOptions.SyncTimeout"/> and then get an <see cref="EndpointSourceException"/> saying what the
/// server answered.
/// </para>
/// </remarks>
public sealed partial class DnsEndpointSource : IEndpointSource, IEndpointSourceHealth, IAsyncDisposable
{
    private readonly ConcurrentDictionary<ServiceName, Entry> _entries = new();
    private readonly DnsServiceLookup _lookup;
    private readonly DnsSourceMetrics _metrics;
    private readonly DnsEndpointOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _zone;
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Creates the source.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for TTLs; the system's when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logs failures and recoveries.</param>
    /// <param name="meterFactory">Creates the <c>K8sNet.Dns</c> meter; a meter of its own when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public DnsEndpointSource(DnsEndpointOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
        : this(options ?? new DnsEndpointOptions(), null, timeProvider, loggerFactory, meterFactory)
    {
    }

    internal DnsEndpointSource(DnsEndpointOptions options, IDnsQuery? client, TimeProvider? timeProvider, ILoggerFactory? loggerFactory, IMeterFactory? meterFactory = null)
    {
        options.Validate();
        _options = options;
        _zone = DnsNames.NormalizeZone(options.ClusterDomain ?? DnsNames.DefaultClusterDomain);
        _metrics = new DnsSourceMetrics(meterFactory);
        _lookup = new DnsServiceLookup(client ?? DnsServiceLookup.CreateClient(options), options, _metrics);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<DnsEndpointSource>();
    }

    /// <inheritdoc />
    /// <exception cref="EndpointSourceException">No answer came in <see cref="DnsEndpointOptions.SyncTimeout"/>; the message says what went wrong.</exception>
    public async ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default)
    {
        var entry = GetEntry(service);
        var started = _time.GetTimestamp();
        while (true)
        {
            var state = entry.State;
            if (state.IsSynced && _time.GetTimestamp() < entry.ExpiresAt)
            {
                return state;
            }

            await entry.RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            if (entry.State.IsSynced)
            {
                return entry.State; // fresh, or the last good state while DNS fails
            }

            var left = _options.SyncTimeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw NotSynced(entry);
            }

            await Task.Delay(Min(left, _options.MaxFailureTtl), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <exception cref="EndpointSourceException">No answer came in <see cref="DnsEndpointOptions.SyncTimeout"/>; the message says what went wrong.</exception>
    public async IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entry = GetEntry(service);
        var channel = ServiceStateChannel.Create();
        var first = entry.Subscribe(channel);
        try
        {
            if (!first.IsSynced)
            {
                using var timeout = new CancellationTokenSource(_options.SyncTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                try
                {
                    do
                    {
                        first = await channel.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                    }
                    while (!first.IsSynced);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw NotSynced(entry);
                }
            }

            yield return first;
            await foreach (var state in ServiceStateChannel.ReadNewerAsync(channel.Reader, first.Version, cancellationToken).ConfigureAwait(false))
            {
                yield return state;
            }
        }
        finally
        {
            entry.Unsubscribe(channel);
        }
    }

    /// <summary>Stops asking DNS.</summary>
    /// <returns>A task that completes when every refresh loop has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        foreach (var entry in _entries.Values)
        {
            await entry.StopAsync().ConfigureAwait(false);
        }

        _metrics.Dispose();
        _disposed.Dispose();
    }

    private Entry GetEntry(ServiceName service)
    {
        if (service.IsDefault)
        {
            throw new ArgumentException("default(ServiceName) names no Service.", nameof(service));
        }

        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        return _entries.GetOrAdd(service, static (s, self) => new Entry(self, s), this);
    }

    private EndpointSourceException NotSynced(Entry entry) => new(
        entry.Service,
        $"Service '{entry.Service}' has no answer from DNS after {_options.SyncTimeout.TotalSeconds:0.###} s "
        + $"(asking {(_options.Servers.Count == 0 ? "the system resolver's servers" : string.Join(", ", _options.Servers))} about {entry.Fqdn}): "
        + (entry.LastError ?? "no answer yet") + ".");

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) => value < min ? min : value > max ? max : value;

    /// <summary>One Service: its state, when to ask again, its watchers and the loop that asks while they watch.</summary>
    /// <inheritdoc />
    /// <remarks>
    /// Healthy when every Service asked about has an answer and its last query succeeded; Degraded when some last
    /// queries failed (the last good answer is served); Unhealthy when a Service has never been answered.
    /// </remarks>
    public EndpointSourceHealth CheckHealth()
    {
        var entries = _entries.Values.ToList();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            data[e.Service.ToString()] = e.State.IsSynced
                ? e.LastError is null ? "answered" : $"serving the last answer: {e.LastError}"
                : $"no answer yet: {e.LastError ?? "waiting for the DNS server"}";
        }

        var unanswered = entries.Where(e => !e.State.IsSynced && e.LastError is not null).ToList();
        if (unanswered.Count > 0)
        {
            return new(EndpointSourceHealthStatus.Unhealthy, $"{unanswered.Count} of {entries.Count} Service(s) never answered: {unanswered[0].Service}: {unanswered[0].LastError}", data);
        }

        var failing = entries.Where(e => e.LastError is not null).ToList();
        return failing.Count > 0
            ? new(EndpointSourceHealthStatus.Degraded, $"{failing.Count} of {entries.Count} Service(s) failing, serving their last answer", data)
            : new(EndpointSourceHealthStatus.Healthy, $"{entries.Count} Service(s) answered", data);
    }

    /// <summary>Raised when a Service's refresh loop has started waiting for its TTL to run out (for tests on a fake clock).</summary>
    internal event Action<ServiceName>? RefreshParked;

    private sealed class Entry(DnsEndpointSource owner, ServiceName service)
    {
        private readonly Lock _gate = new();
        private readonly List<Channel<ServiceState>> _watchers = [];
        private string? _fingerprint;
        private Task? _refresh;
        private CancellationTokenSource? _loopCts;
        private Task? _loop;
        private bool _failing;

        public ServiceName Service { get; } = service;

        public string Fqdn { get; } = DnsNames.ServiceFqdn(service, owner._zone, absolute: true);

        public ServiceState State { get; private set; } = ServiceState.Initial(service);

        public long ExpiresAt { get; private set; }

        public string? LastError { get; private set; }

        public ServiceState Subscribe(Channel<ServiceState> watcher)
        {
            lock (_gate)
            {
                _watchers.Add(watcher);
                if (_loop is null)
                {
                    _loopCts = CancellationTokenSource.CreateLinkedTokenSource(owner._disposed.Token);
                    _loop = LoopAsync(_loopCts.Token);
                }

                return State;
            }
        }

        public void Unsubscribe(Channel<ServiceState> watcher)
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
                if (_watchers.Count == 0 && _loopCts is not null)
                {
                    _loopCts.Cancel();
                    _loopCts = null;
                    _loop = null;
                }
            }
        }

        public async Task StopAsync()
        {
            Task? loop;
            lock (_gate)
            {
                loop = _loop;
                _loopCts?.Cancel();
            }

            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }

        /// <summary>Asks DNS now, or joins the round already under way.</summary>
        public Task RefreshAsync()
        {
            lock (_gate)
            {
                return _refresh ??= RunRefreshAsync();
            }
        }

        private async Task LoopAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var wait = owner._time.GetElapsedTime(owner._time.GetTimestamp(), ExpiresAt);
                    if (wait > TimeSpan.Zero)
                    {
                        var delay = Task.Delay(wait, owner._time, cancellationToken);
                        owner.RefreshParked?.Invoke(Service); // its timer exists now: a test's clock may move on
                        await delay.ConfigureAwait(false);
                    }

                    await RefreshAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        private async Task RunRefreshAsync()
        {
            await Task.Yield(); // so that _refresh is set before this can finish
            try
            {
                DnsLookupOutcome outcome;
                using (var activity = DnsTelemetry.StartLookup(Service))
                {
                    try
                    {
                        outcome = await owner._lookup.LookupAsync(Fqdn, owner._disposed.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (owner._disposed.IsCancellationRequested)
                    {
                        return;
                    }

                    DnsTelemetry.Stop(activity, outcome);
                }

                var o = owner._options;
                var now = owner._time.GetTimestamp();
                lock (_gate)
                {
                    if (outcome.Kind == DnsLookupKind.Failed)
                    {
                        LastError = outcome.Error;
                        ExpiresAt = now + ToTicks(o.MaxFailureTtl);
                        owner._metrics.Ttl(o.MaxFailureTtl, "failed");
                        if (!_failing)
                        {
                            _failing = true;
                            Log.LookupFailed(owner._logger, Service, outcome.Error!, State.IsSynced);
                        }

                        return;
                    }

                    if (_failing)
                    {
                        _failing = false;
                        Log.LookupRecovered(owner._logger, Service);
                    }

                    LastError = null;
                    var kept = outcome.Kind == DnsLookupKind.Absent
                        ? Clamp(outcome.Ttl, Min(o.MinTtl, o.MaxFailureTtl), o.MaxFailureTtl)
                        : Clamp(outcome.Ttl, o.MinTtl, o.MaxTtl);
                    ExpiresAt = now + ToTicks(kept);
                    owner._metrics.Ttl(kept, outcome.Kind == DnsLookupKind.Absent ? "absent" : "found");
                    if (State.IsSynced && outcome.Fingerprint == _fingerprint)
                    {
                        return;
                    }

                    _fingerprint = outcome.Fingerprint;
                    State = State.WithAll(outcome.Spec, outcome.Slices);
                    Log.StateChanged(owner._logger, Service, outcome.Fingerprint);
                    foreach (var w in _watchers)
                    {
                        w.Writer.TryWrite(State);
                    }
                }
            }
            finally
            {
                lock (_gate)
                {
                    _refresh = null;
                }
            }
        }

        private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * owner._time.TimestampFrequency);
    }
}
