using System.Text.Json.Nodes;

namespace K8sNet.Testing;

/// <summary>
/// Runs <see cref="EndpointSliceReconciler"/> for every Service whose inputs changed: the Service itself, a pod its
/// selector matches (before or after the change), any node (zones), or one of its managed slices. Services without a
/// selector, and ExternalName Services, get no managed slices; a deleted Service's slices are removed. As upstream's
/// work queue does, changes are coalesced: a Service touched by many changes before the controller gets to it is
/// reconciled once, against the state at that moment.
/// </summary>
internal sealed class EndpointSliceController(FakeCluster cluster, EndpointSliceReconciler reconciler)
{
    private readonly SortedSet<(string Namespace, string Name)> _dirty = [];
    private readonly Dictionary<(string Namespace, string Name), (string? Version, LabelSelector? Selector)> _selectors = [];
    private bool _scheduled;

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.Service)
        {
            MarkDirty(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Pod)
        {
            var ns = Json.Namespace(e.Object);
            var now = JsonLabels.Of(e.Object);
            var before = e.OldObject is null ? null : JsonLabels.Of(e.OldObject);
            foreach (var svc in cluster.Store.Peek(ResourceType.Service, ns))
            {
                if (Selector(svc) is { } selector && (selector.Matches(now) || (e.OldObject is not null && selector.Matches(before))))
                {
                    MarkDirty(ns, Json.Name(svc));
                }
            }
        }
        else if (e.Resource == ResourceType.Node)
        {
            foreach (var svc in cluster.Store.Peek(ResourceType.Service, null))
            {
                MarkDirty(Json.Namespace(svc), Json.Name(svc));
            }
        }
        else if (e.Resource == ResourceType.EndpointSlice
            && Json.Str(e.Object["metadata"]?["labels"]?[EndpointSliceReconciler.ManagedByLabel]) == EndpointSliceReconciler.ControllerName
            && Json.Str(e.Object["metadata"]?["labels"]?[EndpointSliceReconciler.ServiceNameLabel]) is { } owner)
        {
            MarkDirty(Json.Namespace(e.Object), owner);
        }
    }

    private void MarkDirty(string ns, string name)
    {
        _dirty.Add((ns, name));
        if (!_scheduled)
        {
            _scheduled = true;
            cluster.Controllers.Enqueue(Drain);
        }
    }

    private void Drain()
    {
        _scheduled = false;
        var batch = _dirty.ToList();
        _dirty.Clear();
        foreach (var (ns, name) in batch)
        {
            Sync(ns, name);
        }
    }

    /// <summary>The Service's selector, parsed once per version of the Service.</summary>
    private LabelSelector? Selector(JsonObject service)
    {
        var key = (Json.Namespace(service), Json.Name(service));
        var version = Json.Str(service["metadata"]?["resourceVersion"]);
        if (_selectors.TryGetValue(key, out var cached) && cached.Version == version)
        {
            return cached.Selector;
        }

        var selector = service["spec"]?["selector"] is JsonObject map && map.Count > 0 ? LabelSelector.FromMap(Json.StringMap(map)) : null;
        _selectors[key] = (version, selector);
        return selector;
    }

    private void Sync(string ns, string name)
    {
        var managed = LabelSelector.Parse($"{EndpointSliceReconciler.ServiceNameLabel}={name},{EndpointSliceReconciler.ManagedByLabel}={EndpointSliceReconciler.ControllerName}");
        var slices = cluster.Store.Peek(ResourceType.EndpointSlice, ns, managed);
        var service = cluster.Store.PeekOne(ResourceType.Service, ns, name);
        if (service is null)
        {
            _selectors.Remove((ns, name));
            foreach (var slice in slices)
            {
                TryDelete(ns, Json.Name(slice));
            }

            return;
        }

        if (Selector(service) is not { } selector || Json.Str(service["spec"]?["type"]) == "ExternalName")
        {
            return;
        }

        // Stored objects are read in place (the reconciler copies what it changes).
        var pods = cluster.Store.Peek(ResourceType.Pod, ns, selector);
        var changes = reconciler.Reconcile(service, pods, node => cluster.Store.PeekOne(ResourceType.Node, null, node), slices, cluster.TimeProvider.GetUtcNow());
        foreach (var slice in changes.Create)
        {
            cluster.Create(ResourceType.EndpointSlice, slice);
        }

        foreach (var slice in changes.Update)
        {
            try
            {
                cluster.Store.Update(ResourceType.EndpointSlice, slice);
            }
            catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
            {
                // Changed or gone meanwhile: the event that caused it brings this Service back.
            }
        }

        foreach (var sliceName in changes.Delete)
        {
            TryDelete(ns, sliceName);
        }
    }

    private void TryDelete(string ns, string name)
    {
        try
        {
            cluster.Store.Delete(ResourceType.EndpointSlice, ns, name);
        }
        catch (KubernetesStatusException ex) when (ex.Code == 404)
        {
            // already gone
        }
    }
}
