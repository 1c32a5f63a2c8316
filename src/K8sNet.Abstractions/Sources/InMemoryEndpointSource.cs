using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace K8sNet;

/// <summary>
/// An endpoint source held in memory: Services and slices are set by code (tests, static configuration, a bridge from
/// another discovery system). Always synced: a Service never set reads as absent.
/// </summary>
/// <remarks>Watchers see every change in order unless they fall behind, in which case they skip to the newest state.</remarks>
public sealed class InMemoryEndpointSource : IEndpointSource, IServiceCatalog
{
    private readonly ConcurrentDictionary<ServiceName, Entry> _services = new();

    /// <summary>Sets (adds or replaces) a Service's spec.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="spec">Its spec.</param>
    /// <returns>The new state.</returns>
    public ServiceState SetService(ServiceName service, ServiceSpecInfo spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Update(service, s => s.WithSpec(spec));
    }

    /// <summary>Deletes a Service and its slices.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>The new state (absent).</returns>
    public ServiceState RemoveService(ServiceName service) => Update(service, s => s.WithAll(null, []));

    /// <summary>Sets (adds or replaces, by name) one of a Service's slices.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="slice">The slice.</param>
    /// <returns>The new state.</returns>
    public ServiceState SetSlice(ServiceName service, EndpointSliceInfo slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        return Update(service, s => s.WithSlice(slice));
    }

    /// <summary>Removes one of a Service's slices.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="sliceName">The slice's name.</param>
    /// <returns>The new state.</returns>
    public ServiceState RemoveSlice(ServiceName service, string sliceName)
    {
        ArgumentNullException.ThrowIfNull(sliceName);
        return Update(service, s => s.WithoutSlice(sliceName));
    }

    /// <summary>Sets a Service's spec and replaces all its slices at once.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="spec">Its spec.</param>
    /// <param name="slices">Its slices.</param>
    /// <returns>The new state.</returns>
    public ServiceState Set(ServiceName service, ServiceSpecInfo spec, params IEnumerable<EndpointSliceInfo> slices)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(slices);
        return Update(service, s => s.WithAll(spec, slices));
    }

    /// <inheritdoc />
    public ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(GetEntry(service).State);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var entry = GetEntry(service);
        var channel = ServiceStateChannel.Create();
        ServiceState first;
        lock (entry)
        {
            entry.Watchers.Add(channel);
            first = entry.State;
        }

        try
        {
            yield return first;
            await foreach (var state in ServiceStateChannel.ReadNewerAsync(channel.Reader, first.Version, cancellationToken).ConfigureAwait(false))
            {
                yield return state;
            }
        }
        finally
        {
            lock (entry)
            {
                entry.Watchers.Remove(channel);
            }
        }
    }

    private Entry GetEntry(ServiceName service)
    {
        if (service.IsDefault)
        {
            throw new ArgumentException("default(ServiceName) names no Service.", nameof(service));
        }

        return _services.GetOrAdd(service, static s => new Entry(ServiceState.Initial(s).AsSynced()));
    }

    private ServiceState Update(ServiceName service, Func<ServiceState, ServiceState> change)
    {
        var entry = GetEntry(service);
        lock (entry)
        {
            entry.State = change(entry.State);
            foreach (var w in entry.Watchers)
            {
                w.Writer.TryWrite(entry.State);
            }

            return entry.State;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListServiceNamesAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        IReadOnlyList<string> names = [.. _services.Where(kv => kv.Key.Namespace == @namespace && kv.Value.State.Exists).Select(kv => kv.Key.Name).Order(StringComparer.Ordinal)];
        return ValueTask.FromResult(names);
    }

    private sealed class Entry(ServiceState state)
    {
        public ServiceState State { get; set; } = state;

        public List<Channel<ServiceState>> Watchers { get; } = [];
    }
}
