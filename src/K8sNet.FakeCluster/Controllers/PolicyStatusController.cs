using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The status a cluster's controllers give HorizontalPodAutoscalers and PodDisruptionBudgets. An autoscaler is reported
/// honestly for a cluster without metrics-server (FakeCluster has none): it reads its target's scale, computes no
/// replica count and never scales, with the conditions a real HPA controller sets then. A budget's status is the
/// disruption controller's: expected and healthy pods, the disruptions allowed, and its DisruptionAllowed condition.
/// </summary>
internal sealed class PolicyStatusController(FakeCluster cluster)
{
    private const string NoMetrics = "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

    public void Handle(StoreEvent e)
    {
        if (e.Type == StoreEventType.Deleted && (e.Resource == ResourceType.HorizontalPodAutoscaler || e.Resource == ResourceType.PodDisruptionBudget))
        {
            return;
        }

        var ns = Json.Namespace(e.Object);
        if (e.Resource == ResourceType.HorizontalPodAutoscaler)
        {
            Autoscaler(ns, Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.PodDisruptionBudget)
        {
            Budget(ns, Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Pod)
        {
            foreach (var pdb in cluster.Store.Peek(ResourceType.PodDisruptionBudget, ns))
            {
                Budget(ns, Json.Name(pdb));
            }
        }
        else if (ScaleTarget(e.Resource))
        {
            foreach (var hpa in cluster.Store.Peek(ResourceType.HorizontalPodAutoscaler, ns)
                .Where(h => Json.Str(h["spec"]?["scaleTargetRef"]?["kind"]) == e.Resource.Kind && Json.Str(h["spec"]?["scaleTargetRef"]?["name"]) == Json.Name(e.Object)))
            {
                Autoscaler(ns, Json.Name(hpa));
            }
        }
    }

    private static bool ScaleTarget(ResourceType type) => type == ResourceType.Deployment || type == ResourceType.ReplicaSet || type == ResourceType.StatefulSet;

    private void Autoscaler(string ns, string name)
    {
        var hpa = cluster.Store.Get(ResourceType.HorizontalPodAutoscaler, ns, name);
        if (hpa is null)
        {
            return;
        }

        var target = hpa["spec"]?["scaleTargetRef"] as JsonObject ?? [];
        var kind = Json.Str(target["kind"]) ?? string.Empty;
        var targetName = Json.Str(target["name"]) ?? string.Empty;
        var type = new[] { ResourceType.Deployment, ResourceType.ReplicaSet, ResourceType.StatefulSet }.FirstOrDefault(t => t.Kind == kind);
        var scaled = type is null ? null : cluster.Store.PeekOne(type, ns, targetName);
        var old = hpa["status"] as JsonObject ?? [];
        JsonObject status;
        if (scaled is null)
        {
            var resource = type is null ? kind.ToLowerInvariant() + "s" : $"{type.Plural}.{type.Group}";
            status = new JsonObject
            {
                ["currentReplicas"] = Json.Num(old["currentReplicas"]) ?? 0,
                ["desiredReplicas"] = 0,
                ["conditions"] = new JsonArray(Condition(old, "AbleToScale", "False", "FailedGetScale",
                    $"the HPA controller was unable to get the target's current scale: {resource} \"{targetName}\" not found")),
            };
        }
        else
        {
            status = new JsonObject
            {
                ["currentReplicas"] = Json.Num(scaled["status"]?["replicas"]) ?? 0,
                ["desiredReplicas"] = 0,
                ["conditions"] = new JsonArray(
                    Condition(old, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale"),
                    Condition(old, "ScalingActive", "False", "FailedGetResourceMetric", NoMetrics)),
            };
        }

        Write(ResourceType.HorizontalPodAutoscaler, hpa, status);
    }

    private void Budget(string ns, string name)
    {
        var pdb = cluster.Store.Get(ResourceType.PodDisruptionBudget, ns, name);
        if (pdb is null)
        {
            return;
        }

        var spec = pdb["spec"] as JsonObject ?? [];
        var pods = spec["selector"] is JsonObject selector
            ? cluster.Store.Peek(ResourceType.Pod, ns).Where(p => Selects(selector, p["metadata"]?["labels"] as JsonObject)).ToList()
            : [];
        var healthy = pods.Count(p => !Json.IsDeleting(p) && ReplicaSetController.IsReady(p));
        long expected = 0, desired = 0;
        if (spec["maxUnavailable"] is { } max)
        {
            expected = ControllerScale(ns, pods);
            desired = Math.Max(0, expected - IntOrPercent.Scaled(max, expected));
        }
        else if (spec["minAvailable"] is { } min)
        {
            if (min is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                expected = ControllerScale(ns, pods);
                desired = IntOrPercent.Scaled(min, expected);
            }
            else
            {
                expected = pods.Count;
                desired = Json.Num(min) ?? 0;
            }
        }

        var allowed = expected <= 0 ? 0 : Math.Max(0, healthy - desired);
        var generation = Json.Num(pdb["metadata"]?["generation"]) ?? 1;
        var old = pdb["status"] as JsonObject ?? [];
        var condition = Condition(old, "DisruptionAllowed", allowed > 0 ? "True" : "False", allowed > 0 ? "SufficientPods" : "InsufficientPods", string.Empty);
        condition["observedGeneration"] = generation;
        var status = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["disruptionsAllowed"] = allowed,
            ["currentHealthy"] = healthy,
            ["desiredHealthy"] = desired,
            ["expectedPods"] = expected,
            ["conditions"] = new JsonArray(condition),
        };
        Write(ResourceType.PodDisruptionBudget, pdb, status);
    }

    // The replicas the pods' controllers ask for (a ReplicaSet's Deployment, a StatefulSet), each counted once.
    private long ControllerScale(string ns, List<JsonObject> pods)
    {
        var total = 0L;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            JsonObject? owner = null;
            if (Owners.ControllerName(pod, "ReplicaSet") is { } rsName && cluster.Store.PeekOne(ResourceType.ReplicaSet, ns, rsName) is { } rs)
            {
                owner = Owners.ControllerName(rs, "Deployment") is { } deployment ? cluster.Store.PeekOne(ResourceType.Deployment, ns, deployment) ?? rs : rs;
            }
            else if (Owners.ControllerName(pod, "StatefulSet") is { } set)
            {
                owner = cluster.Store.PeekOne(ResourceType.StatefulSet, ns, set);
            }

            if (owner is not null && seen.Add(Json.Uid(owner)))
            {
                total += Json.Num(owner["spec"]?["replicas"]) ?? 1;
            }
        }

        return total;
    }

    private static bool Selects(JsonObject selector, JsonObject? labels) => K8sNet.Testing.Cluster.ObjectValidation.Matches(selector, labels);

    // A condition that keeps its transition time while its status stays.
    private JsonObject Condition(JsonObject oldStatus, string type, string status, string reason, string message)
    {
        var previous = (oldStatus["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type);
        var since = previous is not null && Json.Str(previous["status"]) == status ? Json.Str(previous["lastTransitionTime"]) : ObjectStore.Timestamp(cluster.TimeProvider.GetUtcNow());
        return new JsonObject { ["type"] = type, ["status"] = status, ["lastTransitionTime"] = since, ["reason"] = reason, ["message"] = message };
    }

    private void Write(ResourceType type, JsonObject obj, JsonObject status)
    {
        if (JsonNode.DeepEquals(obj["status"], status))
        {
            return;
        }

        obj["status"] = status;
        try
        {
            cluster.Store.UpdateOwned(type, obj);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }
}
