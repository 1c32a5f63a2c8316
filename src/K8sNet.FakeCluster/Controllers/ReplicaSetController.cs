using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// Keeps each ReplicaSet's pods at its replica count: creates pods from the template (named after the ReplicaSet, owned
/// by it) and deletes extras — not-ready, unscheduled and newer pods first, as upstream ranks them — and reports
/// status (replicas, fully labeled, ready, available, observed generation).
/// </summary>
internal sealed class ReplicaSetController(FakeCluster cluster)
{
    private static readonly EventSource Source = EventSource.Controller("replicaset-controller");

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.ReplicaSet)
        {
            Sync(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Pod)
        {
            foreach (var obj in new[] { e.Object, e.OldObject })
            {
                if (obj is not null && Owners.ControllerName(obj, "ReplicaSet") is { } rs)
                {
                    Sync(Json.Namespace(obj), rs);
                }
            }
        }
    }

    private void Sync(string ns, string name)
    {
        var rs = cluster.Store.Get(ResourceType.ReplicaSet, ns, name);
        if (rs is null)
        {
            return;
        }

        var uid = Json.Uid(rs);
        var pods = cluster.Store.Peek(ResourceType.Pod, ns).Where(p => Owners.ControllerUid(p) == uid).ToList();
        var active = pods.Where(p => !Json.IsDeleting(p) && Json.Str(p["status"]?["phase"]) is not ("Succeeded" or "Failed")).ToList();
        var want = Json.IsDeleting(rs) ? 0 : (int)(Json.Num(rs["spec"]?["replicas"]) ?? 1);
        if (active.Count < want)
        {
            for (var i = active.Count; i < want; i++)
            {
                var created = cluster.CreateOwned(ResourceType.Pod, NewPod(rs));
                cluster.Events.Record(rs, ResourceType.ReplicaSet, Source, "Normal", "SuccessfulCreate", $"Created pod: {Json.Name(created)}");
            }
        }
        else if (active.Count > want)
        {
            var doomed = active
                .OrderBy(p => string.IsNullOrEmpty(Json.Str(p["spec"]?["nodeName"])) ? 0 : 1)
                .ThenBy(p => Json.Str(p["status"]?["phase"]) == "Pending" ? 0 : 1)
                .ThenBy(p => IsReady(p) ? 1 : 0)
                .ThenByDescending(p => Json.Str(p["metadata"]?["creationTimestamp"]), StringComparer.Ordinal)
                .ThenByDescending(Json.Name, StringComparer.Ordinal)
                .Take(active.Count - want);
            foreach (var pod in doomed)
            {
                try
                {
                    cluster.Store.Delete(ResourceType.Pod, ns, Json.Name(pod));
                    cluster.Events.Record(rs, ResourceType.ReplicaSet, Source, "Normal", "SuccessfulDelete", $"Deleted pod: {Json.Name(pod)}");
                }
                catch (KubernetesStatusException ex) when (ex.Code == 404)
                {
                }
            }
        }

        UpdateStatus(rs, active);
    }

    internal static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().Any(c => Json.Str(c["type"]) == "Ready" && Json.Str(c["status"]) == "True");

    private void UpdateStatus(JsonObject rs, List<JsonObject> active)
    {
        var ready = active.Count(IsReady);
        var status = new JsonObject
        {
            ["replicas"] = active.Count,
            ["fullyLabeledReplicas"] = active.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["observedGeneration"] = Json.Num(rs["metadata"]?["generation"]) ?? 1,
        };
        if (JsonNode.DeepEquals(rs["status"], status))
        {
            return;
        }

        rs["status"] = status;
        try
        {
            cluster.Store.UpdateOwned(ResourceType.ReplicaSet, rs);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    private static JsonObject NewPod(JsonObject rs)
    {
        var template = rs["spec"]?["template"] as JsonObject ?? [];
        var meta = template["metadata"] is JsonObject m ? (JsonObject)m.DeepClone() : [];
        meta["generateName"] = Json.Name(rs) + "-";
        meta["namespace"] = Json.Namespace(rs);
        meta["ownerReferences"] = new JsonArray(Owners.ControllerRef(rs, ResourceType.ReplicaSet));
        meta.Remove("name");
        return new JsonObject
        {
            ["metadata"] = meta,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
