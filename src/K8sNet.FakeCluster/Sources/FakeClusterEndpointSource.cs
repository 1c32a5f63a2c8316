using System.Runtime.CompilerServices;
using System.Threading.Channels;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Sources;

/// <summary>
/// An <see cref="IEndpointSource"/> over a <see cref="FakeCluster"/>: the Services and EndpointSlices its controllers
/// maintain, as an app under test sees them through <c>services.AddK8sNet().UseFakeCluster(cluster)</c>.
/// </summary>
/// <remarks>Always synced: the cluster is in the process. Watchers that fall behind skip to the newest state.</remarks>
public sealed class FakeClusterEndpointSource : IEndpointSource, IServiceCatalog
{
    private readonly FakeCluster _cluster;

    internal FakeClusterEndpointSource(FakeCluster cluster) => _cluster = cluster;

    /// <inheritdoc />
    public ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Snapshot(service, out _));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Subscribe first and buffer, then take the snapshot: nothing between the two is missed.
        var events = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = _cluster.Store.Subscribe(e =>
        {
            if (Concerns(e, service))
            {
                events.Writer.TryWrite(e);
            }
        });
        var state = Snapshot(service, out var snapshotVersion);
        yield return state;

        while (await events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var changed = false;
            while (events.Reader.TryRead(out var e))
            {
                if (e.ResourceVersion <= snapshotVersion)
                {
                    continue;
                }

                state = Apply(state, e);
                changed = true;
            }

            if (changed)
            {
                yield return state;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ListServiceNamesAsync(string @namespace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        IReadOnlyList<string> names = [.. _cluster.Store.Peek(ResourceType.Service, @namespace).Select(Json.Name).Order(StringComparer.Ordinal)];
        return ValueTask.FromResult(names);
    }

    private static bool Concerns(StoreEvent e, ServiceName service)
    {
        if (Json.Namespace(e.Object) != service.Namespace)
        {
            return false;
        }

        if (e.Resource == ResourceType.Service)
        {
            return Json.Name(e.Object) == service.Name;
        }

        return e.Resource == ResourceType.EndpointSlice
            && (Json.Str(e.Object["metadata"]?["labels"]?[WellKnownLabels.ServiceName]) == service.Name
                || (e.OldObject is not null && Json.Str(e.OldObject["metadata"]?["labels"]?[WellKnownLabels.ServiceName]) == service.Name));
    }

    private static ServiceState Apply(ServiceState state, StoreEvent e)
    {
        if (e.Resource == ResourceType.Service)
        {
            return e.Type == StoreEventType.Deleted ? state.WithSpec(null) : state.WithSpec(StoredModels.Spec(e.Object));
        }

        var belongs = Json.Str(e.Object["metadata"]?["labels"]?[WellKnownLabels.ServiceName]) == state.Service.Name;
        return e.Type == StoreEventType.Deleted || !belongs
            ? state.WithoutSlice(Json.Name(e.Object))
            : state.WithSlice(StoredModels.Slice(e.Object));
    }

    internal ServiceState Snapshot(ServiceName service, out long version)
    {
        var selector = LabelSelector.Parse($"{WellKnownLabels.ServiceName}={service.Name}");
        var store = _cluster.Store;
        var (slices, rv, svc) = store.Atomically(() =>
        {
            var (items, listVersion) = store.List(ResourceType.EndpointSlice, service.Namespace, selector);
            return (items, listVersion, store.Get(ResourceType.Service, service.Namespace, service.Name));
        });
        version = rv;
        return ServiceState.Initial(service).WithAll(svc is null ? null : StoredModels.Spec(svc), slices.Select(StoredModels.Slice));
    }
}
