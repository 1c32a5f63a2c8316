using System.Text.Json.Nodes;

namespace K8sNet.Testing;

/// <summary>
/// Runs <see cref="EndpointSliceReconciler"/> for every Service whose inputs changed: the Service itself, a pod its
/// selector matches (before or after the change), any node (zones), or one of its managed slices. Services without a
/// selector, and ExternalName Services, get no managed slices; a deleted Service's slices are removed.
/// </summary>
internal sealed class EndpointSliceController(FakeCluster cluster, EndpointSliceReconciler reconciler)
{
    public void Handle(StoreEvent e)
    {
        var services = new HashSet<(string Namespace, string Name)>();
        if (e.Resource == ResourceType.Service)
        {
            services.Add((Json.Namespace(e.Object), Json.Name(e.Object)));
        }
        else if (e.Resource == ResourceType.Pod)
        {
            var ns = Json.Namespace(e.Object);
            var now = ObjectStore.Labels(e.Object);
            var before = e.OldObject is null ? null : ObjectStore.Labels(e.OldObject);
            foreach (var svc in cluster.Store.List(ResourceType.Service, ns).Items)
            {
                if (Selector(svc) is { } selector && (selector.Matches(now) || (before is not null && selector.Matches(before))))
                {
                    services.Add((ns, Json.Name(svc)));
                }
            }
        }
        else if (e.Resource == ResourceType.Node)
        {
            foreach (var svc in cluster.Store.List(ResourceType.Service).Items)
            {
                services.Add((Json.Namespace(svc), Json.Name(svc)));
            }
        }
        else if (e.Resource == ResourceType.EndpointSlice
            && Json.Str(e.Object["metadata"]?["labels"]?[EndpointSliceReconciler.ManagedByLabel]) == EndpointSliceReconciler.ControllerName
            && Json.Str(e.Object["metadata"]?["labels"]?[EndpointSliceReconciler.ServiceNameLabel]) is { } owner)
        {
            services.Add((Json.Namespace(e.Object), owner));
        }

        foreach (var (ns, name) in services)
        {
            Sync(ns, name);
        }
    }

    private static LabelSelector? Selector(JsonObject service) =>
        service["spec"]?["selector"] is JsonObject map && map.Count > 0 ? LabelSelector.FromMap(Json.StringMap(map)) : null;

    private void Sync(string ns, string name)
    {
        var managed = LabelSelector.Parse($"{EndpointSliceReconciler.ServiceNameLabel}={name},{EndpointSliceReconciler.ManagedByLabel}={EndpointSliceReconciler.ControllerName}");
        var slices = cluster.Store.List(ResourceType.EndpointSlice, ns, managed).Items;
        var service = cluster.Store.Get(ResourceType.Service, ns, name);
        if (service is null)
        {
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

        var pods = cluster.Store.List(ResourceType.Pod, ns, selector).Items;
        var changes = reconciler.Reconcile(service, pods, node => cluster.Store.Get(ResourceType.Node, null, node), slices, cluster.TimeProvider.GetUtcNow());
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
