using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// Rolls Deployments out as upstream's deployment controller does: one ReplicaSet per pod template (named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>), RollingUpdate within maxSurge (default 25%, rounded up) and
/// maxUnavailable (default 25%, rounded down; 1 when both are 0), or Recreate; and the status fields
/// <c>kubectl rollout status</c> reads (observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas,
/// unavailableReplicas, the Available and Progressing conditions).
/// </summary>
internal sealed class DeploymentController(FakeCluster cluster)
{
    private const string HashLabel = "pod-template-hash";

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.Deployment)
        {
            Sync(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.ReplicaSet)
        {
            if (Owners.ControllerName(e.Object, "Deployment") is { } deployment)
            {
                Sync(Json.Namespace(e.Object), deployment);
            }
        }
        else if (e.Resource == ResourceType.Pod && e.Type == StoreEventType.Deleted)
        {
            // A pod gone may let a Recreate rollout start its new pods (upstream deletePod).
            var ns = Json.Namespace(e.Object);
            if (Owners.ControllerName(e.Object, "ReplicaSet") is { } rsName && cluster.Store.Get(ResourceType.ReplicaSet, ns, rsName) is { } rs &&
                Owners.ControllerName(rs, "Deployment") is { } deployment)
            {
                Sync(ns, deployment);
            }
        }
    }


    /// <summary>
    /// The pod-template-hash of a template: FNV-32a of its JSON, safely encoded (no vowels, no look-alikes). A null, an
    /// empty object and an empty list are the same as no value, as upstream hashes the stored, decoded object:
    /// <c>kubectl rollout undo</c> sends the old ReplicaSet's template as Go writes it (<c>creationTimestamp: null</c>,
    /// <c>resources: {}</c>), and it must find that ReplicaSet again.
    /// </summary>
    internal static string TemplateHash(JsonNode? template)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(WithoutNulls(template)?.ToJsonString() ?? "{}"))
        {
            hash = (hash ^ b) * 16777619u;
        }

        var digits = hash.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder(digits.Length);
        foreach (var c in digits)
        {
            sb.Append(alphabet[(c - '0' + (sb.Length * 7)) % alphabet.Length]);
        }

        return sb.ToString();
    }

    // The template as upstream hashes it once stored and decoded: null, {} and [] are all no value (storage omits empty
    // maps and lists; an empty struct decodes like an absent one).
    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (WithoutNulls(value) is { } kept && kept is not (JsonObject { Count: 0 } or JsonArray { Count: 0 }))
                    {
                        copy[key] = kept;
                    }
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(WithoutNulls)]);
            default:
                return node?.DeepClone();
        }
    }

    private void Sync(string ns, string name)
    {
        var deployment = cluster.Store.Get(ResourceType.Deployment, ns, name);
        if (deployment is null || Json.IsDeleting(deployment))
        {
            return;
        }

        var uid = Json.Uid(deployment);
        var spec = deployment["spec"] as JsonObject ?? [];
        var replicas = (int)(Json.Num(spec["replicas"]) ?? 1);
        var template = spec["template"] as JsonObject ?? [];
        var hash = TemplateHash(template);
        var sets = cluster.Store.List(ResourceType.ReplicaSet, ns).Items.Where(rs => Owners.ControllerUid(rs) == uid).ToList();
        var current = sets.FirstOrDefault(rs => Json.Str(rs["metadata"]?["labels"]?[HashLabel]) == hash);
        var old = sets.Where(rs => rs != current).ToList();
        var maxRevision = sets.Select(Revision).DefaultIfEmpty(0).Max();

        if (current is null)
        {
            current = cluster.CreateOwned(ResourceType.ReplicaSet, NewReplicaSet(deployment, template, hash, maxRevision + 1, 0));
        }
        else if (Revision(current) < maxRevision)
        {
            // Rolling back to an earlier template: its ReplicaSet becomes the newest revision again.
            current["metadata"]!["annotations"] ??= new JsonObject();
            current["metadata"]!["annotations"]![WellKnownAnnotations.DeploymentRevision] = (maxRevision + 1).ToString(CultureInfo.InvariantCulture);
            current = TryUpdate(current) ?? current;
        }

        // Availability is read from the pods themselves rather than from ReplicaSet status, which trails a scale-down
        // the ReplicaSet controller has not acted on yet: a ReplicaSet will end with min(spec, ready) ready pods,
        // because it deletes not-ready pods first.
        var pods = cluster.Store.Peek(ResourceType.Pod, ns).ToLookup(p => Owners.ControllerUid(p) ?? string.Empty);
        int SpecOf(JsonObject rs) => (int)(Json.Num(rs["spec"]?["replicas"]) ?? 0);
        int AvailableOf(JsonObject rs) => Math.Min(SpecOf(rs), pods[Json.Uid(rs)].Count(p => !Json.IsDeleting(p) && ReplicaSetController.IsReady(p)));

        var recreate = Json.Str(spec["strategy"]?["type"]) == "Recreate";
        var (maxSurge, maxUnavailable) = recreate ? (0, replicas) : Limits(spec["strategy"]?["rollingUpdate"], replicas);
        var currentReplicas = SpecOf(current);

        if (recreate)
        {
            // Recreate (upstream rolloutRecreate): scale every old ReplicaSet to zero, and start new pods only once no
            // old pod is running — terminating pods still count until they are gone.
            foreach (var rs in old.Where(rs => SpecOf(rs) != 0))
            {
                Scale(deployment, rs, 0);
            }

            var oldRunning = old.SelectMany(rs => pods[Json.Uid(rs)]).Any(p => Json.Str(p["status"]?["phase"]) is not ("Succeeded" or "Failed"));
            if (!oldRunning && currentReplicas != replicas)
            {
                Scale(deployment, current, replicas);
            }
        }
        else
        {
            // Scale the new ReplicaSet up within maxSurge (upstream NewRSNewReplicas: counts are spec replicas).
            var total = currentReplicas + old.Sum(SpecOf);
            var allowed = Math.Max(0, replicas + maxSurge - total);
            var newTarget = currentReplicas > replicas ? replicas : Math.Min(replicas, currentReplicas + allowed);
            if (newTarget != currentReplicas)
            {
                Scale(deployment, current, newTarget);
                currentReplicas = newTarget;
            }

            // Scale old ReplicaSets down (upstream reconcileOldReplicaSets): first their unhealthy replicas, within
            // allPods - minAvailable - newUnavailable; then healthy ones while more than minAvailable stay available.
            var minAvailable = replicas - maxUnavailable;
            var specs = old.ToDictionary(Json.Uid, SpecOf);
            var allPods = currentReplicas + specs.Values.Sum();
            var newUnavailable = currentReplicas - Math.Min(currentReplicas, pods[Json.Uid(current)].Count(p => !Json.IsDeleting(p) && ReplicaSetController.IsReady(p)));
            var maxScaledDown = allPods - minAvailable - newUnavailable;
            var ordered = old.OrderBy(rs => Json.Str(rs["metadata"]?["creationTimestamp"]), StringComparer.Ordinal).ThenBy(Json.Name, StringComparer.Ordinal).ToList();
            foreach (var rs in ordered)
            {
                if (maxScaledDown <= 0)
                {
                    break;
                }

                var down = Math.Min(Math.Max(0, specs[Json.Uid(rs)] - AvailableOf(rs)), maxScaledDown);
                specs[Json.Uid(rs)] -= down;
                maxScaledDown -= down;
            }

            var extra = ordered.Sum(rs => Math.Min(specs[Json.Uid(rs)], AvailableOf(rs))) + (currentReplicas - newUnavailable) - minAvailable;
            foreach (var rs in ordered)
            {
                if (extra <= 0)
                {
                    break;
                }

                var down = Math.Min(specs[Json.Uid(rs)], extra);
                specs[Json.Uid(rs)] -= down;
                extra -= down;
            }

            foreach (var rs in ordered.Where(rs => specs[Json.Uid(rs)] != SpecOf(rs)))
            {
                Scale(deployment, rs, specs[Json.Uid(rs)]);
            }
        }

        UpdateStatus(deployment, current, cluster.Store.List(ResourceType.ReplicaSet, ns).Items.Where(rs => Owners.ControllerUid(rs) == uid).ToList(), replicas);
    }

    private static (int Surge, int Unavailable) Limits(JsonNode? rolling, int replicas)
    {
        static int Resolve(JsonNode? value, int replicas, bool roundUp, int fallbackPercent)
        {
            if (Json.Num(value) is { } n)
            {
                return (int)n;
            }

            var text = Json.Str(value) ?? $"{fallbackPercent}%";
            var percent = int.Parse(text.TrimEnd('%'), CultureInfo.InvariantCulture);
            var exact = replicas * percent / 100.0;
            return roundUp ? (int)Math.Ceiling(exact) : (int)Math.Floor(exact);
        }

        var surge = Resolve(rolling?["maxSurge"], replicas, roundUp: true, 25);
        var unavailable = Resolve(rolling?["maxUnavailable"], replicas, roundUp: false, 25);
        if (surge == 0 && unavailable == 0)
        {
            unavailable = 1;
        }

        return (surge, unavailable);
    }

    private static long Revision(JsonObject rs) =>
        long.TryParse(Json.Str(rs["metadata"]?["annotations"]?[WellKnownAnnotations.DeploymentRevision]), out var r) ? r : 0;

    private JsonObject? TryUpdate(JsonObject rs)
    {
        try
        {
            return cluster.Store.UpdateOwned(ResourceType.ReplicaSet, rs);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            return null;
        }
    }

    private void Scale(JsonObject deployment, JsonObject rs, int replicas)
    {
        var copy = cluster.Store.Get(ResourceType.ReplicaSet, Json.Namespace(rs), Json.Name(rs));
        if (copy is null)
        {
            return;
        }

        var was = Json.Num(copy["spec"]?["replicas"]) ?? 1;
        copy["spec"]!["replicas"] = replicas;
        try
        {
            cluster.Store.UpdateOwned(ResourceType.ReplicaSet, copy);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            return;
        }

        if (was != replicas)
        {
            cluster.Events.Record(deployment, ResourceType.Deployment, EventSource.Controller("deployment-controller"), "Normal", "ScalingReplicaSet",
                $"Scaled {(replicas > was ? "up" : "down")} replica set {Json.Name(rs)} from {was} to {replicas}");
        }
    }

    private static JsonObject NewReplicaSet(JsonObject deployment, JsonObject template, string hash, long revision, int replicas)
    {
        var podTemplate = (JsonObject)template.DeepClone();
        var podMeta = Json.Obj(podTemplate, "metadata");
        Json.Obj(podMeta, "labels")[HashLabel] = hash;
        var selector = deployment["spec"]?["selector"]?.DeepClone() as JsonObject ?? [];
        Json.Obj(selector, "matchLabels")[HashLabel] = hash;
        var labels = podMeta["labels"]!.DeepClone();
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{Json.Name(deployment)}-{hash}",
                ["namespace"] = Json.Namespace(deployment),
                ["labels"] = labels,
                ["annotations"] = new JsonObject { [WellKnownAnnotations.DeploymentRevision] = revision.ToString(CultureInfo.InvariantCulture) },
                ["ownerReferences"] = new JsonArray(Owners.ControllerRef(deployment, ResourceType.Deployment)),
            },
            ["spec"] = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = podTemplate },
        };
    }

    private void UpdateStatus(JsonObject deployment, JsonObject current, List<JsonObject> sets, int replicas)
    {
        current = sets.FirstOrDefault(rs => Json.Uid(rs) == Json.Uid(current)) ?? current;
        int Sum(string field) => sets.Sum(rs => (int)(Json.Num(rs["status"]?[field]) ?? 0));
        var total = Sum("replicas");
        var updated = (int)(Json.Num(current["status"]?["replicas"]) ?? 0);
        var available = Sum("availableReplicas");
        var complete = updated == replicas && total == replicas && available == replicas;
        var now = ObjectStore.Timestamp(cluster.TimeProvider.GetUtcNow());
        var previous = deployment["status"]?["conditions"] as JsonArray ?? [];
        JsonObject Condition(string type, bool ok, string reason, string message)
        {
            var before = previous.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type);
            var status = ok ? "True" : "False";
            var changed = before is null || Json.Str(before["status"]) != status || Json.Str(before["reason"]) != reason;
            return new JsonObject
            {
                ["type"] = type,
                ["status"] = status,
                ["reason"] = reason,
                ["message"] = message,
                ["lastUpdateTime"] = changed ? now : Json.Str(before!["lastUpdateTime"]),
                ["lastTransitionTime"] = before is not null && Json.Str(before["status"]) == status ? Json.Str(before["lastTransitionTime"]) : now,
            };
        }

        var minAvailable = replicas - Limits(deployment["spec"]?["strategy"]?["rollingUpdate"], replicas).Unavailable;
        var rsName = Json.Name(current);
        var status = new JsonObject
        {
            ["observedGeneration"] = Json.Num(deployment["metadata"]?["generation"]) ?? 1,
            ["replicas"] = total,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = Sum("readyReplicas"),
            ["availableReplicas"] = available,
            ["unavailableReplicas"] = Math.Max(0, total - available),
            ["conditions"] = new JsonArray(
                Condition("Available", available >= minAvailable,
                    available >= minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    available >= minAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
                Condition("Progressing", true,
                    complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    complete ? $"ReplicaSet \"{rsName}\" has successfully progressed." : $"ReplicaSet \"{rsName}\" is progressing.")),
        };
        // The Deployment carries its current revision too (deployment.kubernetes.io/revision), as upstream's controller
        // writes it: kubectl rollout undo's JSON patch replaces /metadata/annotations and needs it there.
        var revision = Revision(current).ToString(CultureInfo.InvariantCulture);
        var annotations = deployment["metadata"]?["annotations"] as JsonObject;
        var revisionChanged = Json.Str(annotations?[WellKnownAnnotations.DeploymentRevision]) != revision;
        if (status.ToJsonString() == deployment["status"]?.ToJsonString() && !revisionChanged)
        {
            return;
        }

        if (revisionChanged)
        {
            Json.Obj(Json.Obj(deployment, "metadata"), "annotations")[WellKnownAnnotations.DeploymentRevision] = revision;
        }

        deployment["status"] = status;
        try
        {
            cluster.Store.UpdateOwned(ResourceType.Deployment, deployment);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }
}
