using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8sNet.Kubernetes;

/// <summary>
/// The production <see cref="IEndpointSource"/>: Services and their EndpointSlices from the Kubernetes API through
/// KubernetesClient, followed by resilient list/watches (see <see cref="KubernetesEndpointSourceOptions"/>).
/// </summary>
/// <remarks>
/// <para>
/// A Service's list/watches start at the first call that names it and are shared by every later caller. Only the
/// routing model is kept (<see cref="ServiceSpecInfo"/>, <see cref="EndpointSliceInfo"/>), not the API objects.
/// </para>
/// <para>
/// Fail-static: while the API server cannot be reached the last good state stays published; an error never empties a
/// Service. A list after a 410 replaces the state with what the API server holds.
/// </para>
/// <para>
/// A caller waits for a Service's first sync up to <see cref="KubernetesEndpointSourceOptions.SyncTimeout"/>, then
/// gets a <see cref="KubernetesEndpointSourceException"/> saying why (at once for 401 and 403, naming the permission).
/// </para>
/// </remarks>
public sealed class KubernetesEndpointSource : IEndpointSource, IServiceCatalog, IEndpointSourceHealth, IAsyncDisposable
{
    private const string SlicesResource = "endpointslices.discovery.k8s.io";
    private const string ServicesResource = "services";

    private readonly IKubernetes _client;
    private readonly KubernetesEndpointSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ServiceName, ServiceEntry> _entries = new();
    private readonly ConcurrentDictionary<InformerKey, IInformer> _informers = new();
    private readonly Lock _startGate = new();
    private bool _disposed;

    /// <summary>Creates the source.</summary>
    /// <param name="client">The API client.</param>
    /// <param name="options">Options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for timeouts and backoff; the system clock when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Logging; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Metrics; a plain <see cref="Meter"/> when <see langword="null"/>.</param>
    public KubernetesEndpointSource(IKubernetes client, KubernetesEndpointSourceOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = options ?? new KubernetesEndpointSourceOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KubernetesEndpointSource>();
        Metrics = new SourceMetrics(meterFactory, () => Informers());
    }

    internal SourceMetrics Metrics { get; }

    /// <inheritdoc />
    public async ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default)
    {
        var entry = Ensure(service);
        await WaitSyncedAsync(entry, cancellationToken).ConfigureAwait(false);
        return entry.State;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Healthy when every Service asked for is synced and connected; Degraded when some are disconnected (they serve
    /// their last state); Unhealthy when one has not synced within <see cref="KubernetesEndpointSourceOptions.SyncTimeout"/>
    /// of being asked for, or was refused (401/403).
    /// </remarks>
    public EndpointSourceHealth CheckHealth()
    {
        var statuses = GetSyncStatus();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var s in statuses)
        {
            data[s.Service.ToString()] = s.Synced
                ? s.Connected ? "synced" : $"disconnected for {s.DisconnectedFor?.TotalSeconds:0} s, serving the last state: {s.LastError}"
                : $"not synced: {s.LastError ?? "waiting for the API server"}";
        }

        var unsynced = statuses.Where(s => !s.Synced && (s.LastError is not null || s.DisconnectedFor > TimeSpan.Zero)).ToList();
        if (unsynced.Count > 0)
        {
            return new(EndpointSourceHealthStatus.Unhealthy, $"{unsynced.Count} of {statuses.Count} Service(s) not synced: {unsynced[0].Service}: {unsynced[0].LastError}", data);
        }

        var disconnected = statuses.Where(s => !s.Connected).ToList();
        return disconnected.Count > 0
            ? new(EndpointSourceHealthStatus.Degraded, $"{disconnected.Count} of {statuses.Count} Service(s) disconnected, serving their last state", data)
            : new(EndpointSourceHealthStatus.Healthy, $"{statuses.Count} Service(s) synced", data);
    }

    /// <inheritdoc />
    /// <remarks>One list of the namespace's Services (names only are kept); needs <c>list</c> on Services there.</remarks>
    public async ValueTask<IReadOnlyList<string>> ListServiceNamesAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        var list = await _client.CoreV1.ListNamespacedServiceAsync(@namespace, cancellationToken: timeout.Token).ConfigureAwait(false);
        return [.. list.Items.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entry = Ensure(service);
        await WaitSyncedAsync(entry, cancellationToken).ConfigureAwait(false);
        var channel = ServiceStateChannel.Create();
        var current = entry.Subscribe(channel);
        try
        {
            yield return current;
            await foreach (var state in ServiceStateChannel.ReadNewerAsync(channel.Reader, current.Version, cancellationToken).ConfigureAwait(false))
            {
                yield return state;
            }
        }
        finally
        {
            entry.Unsubscribe(channel);
        }
    }

    /// <summary>The sync state of every Service asked for so far (what the health check reports).</summary>
    /// <returns>One line per Service.</returns>
    public IReadOnlyList<ServiceSyncStatus> GetSyncStatus()
    {
        var now = _time.GetUtcNow();
        return [.. _entries.Values.OrderBy(e => e.Service.ToString(), StringComparer.Ordinal).Select(e =>
        {
            var informers = e.Informers;
            var error = informers.Select(i => i.LastError).FirstOrDefault(x => x is not null);
            var heard = informers.Select(i => i.LastHeard).Where(h => h is not null).DefaultIfEmpty(null).Min();
            var disconnected = informers.Select(i => i.DisconnectedSince).Where(d => d is not null).DefaultIfEmpty(null).Min();
            return new ServiceSyncStatus(
                e.Service,
                e.IsSynced,
                informers.All(i => i.IsConnected),
                heard is { } h ? now - h : null,
                disconnected is { } d ? now - d : null,
                error?.Message,
                informers.Sum(i => i.Relists),
                informers.Sum(i => i.WatchRestarts));
        })];
    }

    /// <summary>Stops every list/watch.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_startGate)
        {
            if (_disposed)
            {
                return; // the container may dispose it twice (as itself and as an IEndpointSource)
            }

            _disposed = true;
        }

        foreach (var informer in _informers.Values)
        {
            await informer.DisposeAsync().ConfigureAwait(false);
        }

        Metrics.Dispose();
    }

    internal IEnumerable<InformerSnapshot> Informers()
    {
        var now = _time.GetUtcNow();
        return _informers.Values.Select(i => new InformerSnapshot(
            i.Key.ToString(), i.IsSynced, i.IsConnected, i.LastHeard is { } h ? now - h : null, now - i.StartedAt, i.LastError, i.Relists, i.WatchRestarts));
    }

    private ServiceEntry Ensure(ServiceName service)
    {
        if (service.IsDefault)
        {
            throw new ArgumentException("default(ServiceName) names no Service.", nameof(service));
        }

        if (_options.AllowedNamespaces.Count > 0 && !_options.AllowedNamespaces.Contains(service.Namespace, StringComparer.Ordinal))
        {
            throw new KubernetesEndpointSourceException(service, KubernetesSourceError.NamespaceNotAllowed,
                $"Service '{service}': namespace '{service.Namespace}' is not in KubernetesEndpointSourceOptions.AllowedNamespaces ({string.Join(", ", _options.AllowedNamespaces)}).");
        }

        if (_entries.TryGetValue(service, out var existing) && existing.Informers.Length > 0)
        {
            return existing;
        }

        lock (_startGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entry = _entries.GetOrAdd(service, s => new ServiceEntry(s));
            if (entry.Informers.Length > 0)
            {
                return entry;
            }

            var name = _options.Scope == WatchScope.Service ? service.Name : null;
            var slices = _informers.GetOrAdd(new InformerKey(SlicesResource, service.Namespace, name), StartSlices);
            var services = _informers.GetOrAdd(new InformerKey(ServicesResource, service.Namespace, name), StartServices);
            entry.Informers = [slices, services];
            entry.RefreshSynced();
            return entry;
        }
    }

    private ServiceEntry Entry(ServiceName service)
    {
        var entry = _entries.GetOrAdd(service, s => new ServiceEntry(s));
        if (entry.Informers.Length == 0)
        {
            // Seen by a namespace-wide watch before anyone asked: it shares that namespace's informers.
            var slices = _informers.GetValueOrDefault(new InformerKey(SlicesResource, service.Namespace, null));
            var services = _informers.GetValueOrDefault(new InformerKey(ServicesResource, service.Namespace, null));
            if (slices is not null && services is not null)
            {
                entry.Informers = [slices, services];
            }
        }

        return entry;
    }

    private Informer<V1EndpointSlice> StartSlices(InformerKey key)
    {
        var selector = key.Name is null ? null : $"{WellKnownLabels.ServiceName}={key.Name}";
        return Start(
            key,
            async (next, limit, ct) =>
            {
                var list = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(key.Namespace, labelSelector: selector, limit: limit, continueParameter: next, cancellationToken: ct).ConfigureAwait(false);
                return (list.Items, list.Metadata?.ContinueProperty, list.Metadata?.ResourceVersion);
            },
            (version, seconds, onError, ct) => _client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                key.Namespace, allowWatchBookmarks: true, labelSelector: selector, resourceVersion: version, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
            new SliceHandler(this, key));
    }

    private Informer<V1Service> StartServices(InformerKey key)
    {
        var selector = key.Name is null ? null : $"metadata.name={key.Name}";
        return Start(
            key,
            async (next, limit, ct) =>
            {
                var list = await _client.CoreV1.ListNamespacedServiceAsync(key.Namespace, fieldSelector: selector, limit: limit, continueParameter: next, cancellationToken: ct).ConfigureAwait(false);
                return (list.Items, list.Metadata?.ContinueProperty, list.Metadata?.ResourceVersion);
            },
            (version, seconds, onError, ct) => _client.CoreV1.WatchListNamespacedServiceAsync(
                key.Namespace, allowWatchBookmarks: true, fieldSelector: selector, resourceVersion: version, timeoutSeconds: seconds, onError: onError, cancellationToken: ct),
            new ServiceHandler(this, key));
    }

    private Informer<T> Start<T>(
        InformerKey key,
        Func<string?, int, CancellationToken, Task<(IList<T> Items, string? Continue, string? ResourceVersion)>> listPage,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        IInformerHandler<T> handler)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = new Informer<T>(key, listPage, watch, handler, _options, _time, _logger, Metrics);
        informer.Synced.ContinueWith(_ => OnInformerSynced(key), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        informer.Start();
        Log.Started(_logger, key);
        return informer;
    }

    private void OnInformerSynced(InformerKey key)
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Service.Namespace == key.Namespace && (key.Name is null || key.Name == entry.Service.Name))
            {
                entry.RefreshSynced();
            }
        }
    }

    private async Task WaitSyncedAsync(ServiceEntry entry, CancellationToken cancellationToken)
    {
        if (entry.IsSynced)
        {
            return;
        }

        var deadline = _time.GetUtcNow() + _options.SyncTimeout;
        while (!entry.IsSynced)
        {
            if (entry.Informers.Select(i => i.LastError).FirstOrDefault(e => e?.Kind is KubernetesSourceError.Forbidden or KubernetesSourceError.Unauthorized) is { } denied)
            {
                throw new KubernetesEndpointSourceException(entry.Service, denied.Kind, $"Service '{entry.Service}' has not synced: {denied.Message}", denied.Exception);
            }

            var remaining = deadline - _time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                var why = entry.Informers.Select(i => i.LastError?.Message).FirstOrDefault(m => m is not null)
                    ?? "no answer from the API server yet";
                throw new KubernetesEndpointSourceException(entry.Service, KubernetesSourceError.NotSynced,
                    $"Service '{entry.Service}' has not synced within {_options.SyncTimeout.TotalSeconds:0.###} s (KubernetesEndpointSourceOptions.SyncTimeout): {why}.",
                    entry.Informers.Select(i => i.LastError?.Exception).FirstOrDefault(e => e is not null));
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var changes = entry.Informers.Select(i => i.WhenStatusChanges()).Append(entry.WhenSynced);
            var timeout = Task.Delay(remaining, _time, wake.Token);
            await Task.WhenAny(changes.Append(timeout)).ConfigureAwait(false);
            await wake.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>One Service's state and its watchers.</summary>
    private sealed class ServiceEntry(ServiceName service)
    {
        private readonly Lock _gate = new();
        private readonly List<Channel<ServiceState>> _watchers = [];
        private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ServiceState _state = ServiceState.Initial(service);

        public ServiceName Service { get; } = service;

        public IInformer[] Informers { get; set; } = [];

        public bool IsSynced => _synced.Task.IsCompleted;

        public Task WhenSynced => _synced.Task;

        public ServiceState State
        {
            get
            {
                lock (_gate)
                {
                    return _state;
                }
            }
        }

        public ServiceState Subscribe(Channel<ServiceState> watcher)
        {
            lock (_gate)
            {
                _watchers.Add(watcher);
                return _state;
            }
        }

        public void Unsubscribe(Channel<ServiceState> watcher)
        {
            lock (_gate)
            {
                _watchers.Remove(watcher);
            }
        }

        public void RefreshSynced()
        {
            if (Informers.Length > 0 && Informers.All(i => i.IsSynced))
            {
                lock (_gate)
                {
                    if (!_state.IsSynced)
                    {
                        _state = _state.AsSynced();
                    }
                }

                _synced.TrySetResult();
            }
        }

        public void Update(Func<ServiceState, ServiceState> change)
        {
            lock (_gate)
            {
                var next = change(_state);
                if (ReferenceEquals(next, _state))
                {
                    return;
                }

                // Until every informer has listed, nobody sees the state (WithSpec and WithAll mark it synced early;
                // RefreshSynced decides).
                _state = next;
                if (!IsSynced)
                {
                    return;
                }

                foreach (var watcher in _watchers)
                {
                    watcher.Writer.TryWrite(_state);
                }
            }
        }
    }

    private sealed class SliceHandler(KubernetesEndpointSource source, InformerKey key) : IInformerHandler<V1EndpointSlice>
    {
        // Which Service each slice belonged to (by its label), for slices that move or lose the label.
        private readonly Dictionary<string, string> _owners = new(StringComparer.Ordinal);

        public void Replace(IReadOnlyList<V1EndpointSlice> items)
        {
            var byService = items
                .Where(s => Owner(s) is not null)
                .GroupBy(s => Owner(s)!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(KubernetesModel.ToSlice).ToList(), StringComparer.Ordinal);
            _owners.Clear();
            foreach (var slice in items)
            {
                if (Owner(slice) is { } owner)
                {
                    _owners[slice.Metadata.Name] = owner;
                }
            }

            var affected = key.Name is { } one
                ? [one]
                : source._entries.Keys.Where(s => s.Namespace == key.Namespace).Select(s => s.Name).Union(byService.Keys, StringComparer.Ordinal).ToList();
            foreach (var service in affected)
            {
                var slices = byService.GetValueOrDefault(service) ?? [];
                source.Entry(new ServiceName(key.Namespace, service)).Update(s => s.WithAll(s.Spec, slices));
            }
        }

        public void Apply(WatchEventType type, V1EndpointSlice item)
        {
            var name = item.Metadata.Name;
            var owner = Owner(item);
            if (_owners.TryGetValue(name, out var previous) && previous != owner)
            {
                _owners.Remove(name);
                source.Entry(new ServiceName(key.Namespace, previous)).Update(s => s.WithoutSlice(name));
            }

            if (owner is null || (key.Name is not null && owner != key.Name))
            {
                return;
            }

            var entry = source.Entry(new ServiceName(key.Namespace, owner));
            if (type == WatchEventType.Deleted)
            {
                _owners.Remove(name);
                entry.Update(s => s.Slices.ContainsKey(name) ? s.WithoutSlice(name) : s);
                return;
            }

            _owners[name] = owner;
            var slice = KubernetesModel.ToSlice(item);
            entry.Update(s => s.WithSlice(slice));
            if (KubernetesModel.TriggerTime(item) is { } trigger)
            {
                source.Metrics.Lag(source._time.GetUtcNow() - trigger);
            }
        }

        private static string? Owner(V1EndpointSlice slice) =>
            slice.Metadata?.Labels?.TryGetValue(WellKnownLabels.ServiceName, out var owner) == true && !string.IsNullOrEmpty(owner) ? owner : null;
    }

    private sealed class ServiceHandler(KubernetesEndpointSource source, InformerKey key) : IInformerHandler<V1Service>
    {
        public void Replace(IReadOnlyList<V1Service> items)
        {
            var specs = items.ToDictionary(s => s.Metadata.Name, KubernetesModel.ToSpec, StringComparer.Ordinal);
            var affected = key.Name is { } one
                ? [one]
                : source._entries.Keys.Where(s => s.Namespace == key.Namespace).Select(s => s.Name).Union(specs.Keys, StringComparer.Ordinal).ToList();
            foreach (var service in affected)
            {
                var spec = specs.GetValueOrDefault(service);
                source.Entry(new ServiceName(key.Namespace, service)).Update(s => s.WithSpec(spec));
            }
        }

        public void Apply(WatchEventType type, V1Service item)
        {
            var spec = type == WatchEventType.Deleted ? null : KubernetesModel.ToSpec(item);
            source.Entry(new ServiceName(key.Namespace, item.Metadata.Name)).Update(s => s.WithSpec(spec));
        }
    }
}

/// <summary>How one Service's list/watches stand.</summary>
/// <param name="Service">The Service.</param>
/// <param name="Synced">Whether its first sync completed.</param>
/// <param name="Connected">Whether every list/watch for it works now.</param>
/// <param name="LastHeardAge">How long since the API server was last heard from for it.</param>
/// <param name="DisconnectedFor">How long it has been disconnected (serving its last state), if it is.</param>
/// <param name="LastError">The last failure, until the next success.</param>
/// <param name="Relists">Lists so far (the first included).</param>
/// <param name="WatchRestarts">Watches started again so far.</param>
public sealed record ServiceSyncStatus(ServiceName Service, bool Synced, bool Connected, TimeSpan? LastHeardAge, TimeSpan? DisconnectedFor, string? LastError, long Relists, long WatchRestarts);
