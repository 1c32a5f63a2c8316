using System.Text.Json.Nodes;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// Runs <see cref="EndpointSliceReconciler"/> for every Service whose inputs changed: the Service itself, a pod its
/// selector matches (before or after the change), any node (zones), or one of its managed slices. Services without a
/// selector, and ExternalName Services, get no managed slices; a deleted Service's slices are removed. As upstream's
/// work queue does, changes are coalesced: a Service touched by many changes before the controller gets to it is
/// reconciled once, against the state at that moment. From the same view it keeps each selector Service's legacy
/// Endpoints object (<see cref="EndpointsMirror"/>), deleted with the Service and put back if deleted.
/// </summary>
internal sealed class EndpointSliceController(FakeCluster cluster, EndpointSliceReconciler reconciler)
{
    private readonly SortedSet<(string Namespace, string Name)> _dirty = [];
    private readonly Dictionary<(string Namespace, string Name), (string? Uid, string? Version, LabelSelector? Selector)> _selectors = [];

    // The slices this controller wrote, at the version it wrote them: their own events need no reconcile (upstream's
    // endpointSliceTracker).
    private readonly Dictionary<(string Namespace, string Name), string?> _written = [];
    private bool _scheduled;

    // Each selector Service's pods, kept from the pod events as an informer's index would be: the controller sees the
    // cluster as of the changes it has processed, and a sync does not scan every pod of the namespace.
    private readonly Dictionary<(string Namespace, string Name), SortedDictionary<string, JsonObject>> _members = [];

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.Service)
        {
            var key = (Json.Namespace(e.Object), Json.Name(e.Object));
            _members.Remove(key); // rebuilt from the store at the next sync: the selector may have changed
            MarkDirty(key.Item1, key.Item2);
        }
        else if (e.Resource == ResourceType.Pod)
        {
            var ns = Json.Namespace(e.Object);
            var name = Json.Name(e.Object);
            var now = JsonLabels.Of(e.Object);
            foreach (var svc in cluster.Store.Peek(ResourceType.Service, ns))
            {
                if (Selector(svc) is not { } selector)
                {
                    continue;
                }

                var key = (ns, Json.Name(svc));
                var members = _members.GetValueOrDefault(key);
                var was = members?.ContainsKey(name) == true;
                if (e.Type != StoreEventType.Deleted && selector.Matches(now))
                {
                    if (members is not null)
                    {
                        members[name] = e.Object;
                    }

                    MarkDirty(ns, key.Item2);
                }
                else if (was || (members is null && e.OldObject is not null && selector.Matches(JsonLabels.Of(e.OldObject))))
                {
                    members?.Remove(name);
                    MarkDirty(ns, key.Item2);
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
        else if (e.Resource == ResourceType.Endpoints && e.Type == StoreEventType.Deleted)
        {
            MarkDirty(Json.Namespace(e.Object), Json.Name(e.Object)); // upstream onEndpointsDelete: put it back
        }
        else if (e.Resource == ResourceType.EndpointSlice
            && Json.Str(e.Object["metadata"]?["labels"]?[WellKnownLabels.EndpointSliceManagedBy]) == EndpointSliceReconciler.ControllerName
            && Json.Str(e.Object["metadata"]?["labels"]?[WellKnownLabels.ServiceName]) is { } owner
            && !IsOwnWrite(e))
        {
            MarkDirty(Json.Namespace(e.Object), owner);
        }
    }

    private bool IsOwnWrite(StoreEvent e)
    {
        var key = (Json.Namespace(e.Object), Json.Name(e.Object));
        if (_written.TryGetValue(key, out var version) && version == Json.Str(e.Object["metadata"]?["resourceVersion"]))
        {
            _written.Remove(key);
            return true;
        }

        return false;
    }

    private void Wrote(JsonObject slice) =>
        _written[(Json.Namespace(slice), Json.Name(slice))] = Json.Str(slice["metadata"]?["resourceVersion"]);

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
        _selectors[key] = (Json.Uid(service), version, selector);
        return selector;
    }

    private void Sync(string ns, string name)
    {
        var managed = LabelSelector.Parse($"{WellKnownLabels.ServiceName}={name},{WellKnownLabels.EndpointSliceManagedBy}={EndpointSliceReconciler.ControllerName}");
        var slices = cluster.Store.Peek(ResourceType.EndpointSlice, ns, managed);
        var service = cluster.Store.PeekOne(ResourceType.Service, ns, name);
        if (service is null)
        {
            _members.Remove((ns, name));
            if (_selectors.Remove((ns, name), out var gone) && gone.Uid is { } uid)
            {
                reconciler.Forget(uid);
            }

            foreach (var slice in slices)
            {
                TryDelete(ns, Json.Name(slice));
            }

            TryDeleteEndpoints(ns, name);
            return;
        }

        if (Selector(service) is not { } selector || Json.Str(service["spec"]?["type"]) == "ExternalName")
        {
            return;
        }

        // Stored objects are read in place (the reconciler copies what it changes).
        if (!_members.TryGetValue((ns, name), out var members))
        {
            members = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (var pod in cluster.Store.Peek(ResourceType.Pod, ns, selector))
            {
                members[Json.Name(pod)] = pod;
            }

            _members[(ns, name)] = members;
        }

        var pods = members.Values.ToList();
        var changes = reconciler.Reconcile(service, pods, node => cluster.Store.PeekOne(ResourceType.Node, null, node), slices, cluster.TimeProvider.GetUtcNow());
        foreach (var slice in changes.Create)
        {
            Wrote(cluster.CreateOwned(ResourceType.EndpointSlice, slice));
        }

        foreach (var slice in changes.Update)
        {
            try
            {
                Wrote(cluster.Store.UpdateOwned(ResourceType.EndpointSlice, slice));
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

        SyncEndpoints(service, members.Values);
    }

    // The legacy Endpoints mirror (upstream's endpoints controller) from the same view of the Service's pods.
    private void SyncEndpoints(JsonObject service, IEnumerable<JsonObject> pods)
    {
        var current = cluster.Store.PeekOne(ResourceType.Endpoints, Json.Namespace(service), Json.Name(service));
        if (EndpointsMirror.Desired(service, pods, current) is not { } desired)
        {
            return;
        }

        try
        {
            if (current is null)
            {
                cluster.CreateOwned(ResourceType.Endpoints, desired);
            }
            else
            {
                cluster.Store.UpdateOwned(ResourceType.Endpoints, desired);
            }
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            // Changed or gone meanwhile (or the namespace is going): the event that caused it brings this Service back.
        }
    }

    private void TryDeleteEndpoints(string ns, string name)
    {
        try
        {
            cluster.Store.Delete(ResourceType.Endpoints, ns, name);
        }
        catch (KubernetesStatusException ex) when (ex.Code == 404)
        {
        }
    }

    private void TryDelete(string ns, string name)
    {
        try
        {
            Wrote(cluster.Store.Delete(ResourceType.EndpointSlice, ns, name));
        }
        catch (KubernetesStatusException ex) when (ex.Code == 404)
        {
            // already gone
        }
    }
}
