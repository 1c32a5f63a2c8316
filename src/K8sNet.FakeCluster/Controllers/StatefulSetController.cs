using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// StatefulSets as upstream's controller runs them: pods with stable names <c>&lt;set&gt;-&lt;ordinal&gt;</c> (from
/// <c>spec.ordinals.start</c>), hostname = pod name and subdomain = <c>spec.serviceName</c> (so the governing headless
/// Service gives each a DNS name), the labels <c>statefulset.kubernetes.io/pod-name</c>, <c>apps.kubernetes.io/pod-index</c>
/// and <c>controller-revision-hash</c>. OrderedReady (the default) creates one pod at a time in ordinal order, each
/// after the one before is Running and Ready, and removes from the highest ordinal, one at a time; Parallel does both
/// at once. RollingUpdate replaces pods from the highest ordinal down to the partition, one at a time, each after the
/// others are Ready; OnDelete replaces a pod only when it is deleted. A deleted pod comes back with its name (once the
/// old one is gone) and a new IP.
/// </summary>
internal sealed class StatefulSetController(FakeCluster cluster)
{
    internal const string RevisionLabel = "controller-revision-hash";

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.StatefulSet)
        {
            Sync(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Pod && Owners.ControllerName(e.Object, "StatefulSet") is { } set)
        {
            Sync(Json.Namespace(e.Object), set);
        }
    }

    private void Sync(string ns, string name)
    {
        var set = cluster.Store.Get(ResourceType.StatefulSet, ns, name);
        if (set is null || Json.IsDeleting(set))
        {
            return;
        }

        var spec = set["spec"] as JsonObject ?? [];
        var replicas = (int)(Json.Num(spec["replicas"]) ?? 1);
        var start = (int)(Json.Num(spec["ordinals"]?["start"]) ?? 0);
        var parallel = Json.Str(spec["podManagementPolicy"]) == "Parallel";
        var onDelete = Json.Str(spec["updateStrategy"]?["type"]) == "OnDelete";
        var partition = (int)(Json.Num(spec["updateStrategy"]?["rollingUpdate"]?["partition"]) ?? 0);
        var updateRevision = $"{name}-{DeploymentController.TemplateHash(spec["template"])}";
        var currentRevision = Json.Str(set["status"]?["currentRevision"]) ?? updateRevision;

        var uid = Json.Uid(set);
        var pods = cluster.Store.Peek(ResourceType.Pod, ns)
            .Where(p => Owners.ControllerUid(p) == uid)
            .Select(p => (Pod: p, Ordinal: Ordinal(name, Json.Name(p))))
            .Where(x => x.Ordinal >= 0)
            .ToDictionary(x => x.Ordinal, x => x.Pod);
        bool Healthy(JsonObject p) => !Json.IsDeleting(p) && Json.Str(p["status"]?["phase"]) == "Running" && ReplicaSetController.IsReady(p);
        string? RevisionOf(JsonObject p) => Json.Str(p["metadata"]?["labels"]?[RevisionLabel]);

        // Wanted ordinals, ascending; a failed pod is deleted so that it is recreated.
        var act = true;
        for (var ordinal = start; ordinal < start + replicas && act; ordinal++)
        {
            if (!pods.TryGetValue(ordinal, out var pod))
            {
                var revision = currentRevision != updateRevision && ordinal < partition ? currentRevision : updateRevision;
                if (TryCreate(set, ordinal, revision, revision == updateRevision ? spec["template"] : PreviousTemplate(set, revision)))
                {
                    act = parallel; // OrderedReady: one at a time
                }

                continue;
            }

            if (Json.Str(pod["status"]?["phase"]) == "Failed" && !Json.IsDeleting(pod))
            {
                TryDelete(pod);
                act = parallel;
            }
            else if (!parallel && !Healthy(pod))
            {
                act = false; // wait for this one before the next
            }
        }

        // Ordinals out of range go from the highest down; OrderedReady waits until every other pod is healthy.
        var condemned = pods.Keys.Where(o => o < start || o >= start + replicas).OrderDescending().ToList();
        foreach (var ordinal in condemned)
        {
            var pod = pods[ordinal];
            if (Json.IsDeleting(pod))
            {
                if (!parallel)
                {
                    break; // wait for it to go
                }

                continue;
            }

            if (!parallel && (!act || pods.Where(kv => kv.Key != ordinal).Any(kv => !Healthy(kv.Value))))
            {
                break;
            }

            TryDelete(pod);
            if (!parallel)
            {
                break;
            }
        }

        // RollingUpdate: from the highest ordinal down to the partition, one pod at a time, all others healthy.
        var inRange = pods.Where(kv => kv.Key >= start && kv.Key < start + replicas).OrderByDescending(kv => kv.Key).ToList();
        if (!onDelete && condemned.Count == 0 && inRange.Count == replicas && inRange.All(kv => Healthy(kv.Value)))
        {
            var stale = inRange.FirstOrDefault(kv => kv.Key >= partition && RevisionOf(kv.Value) != updateRevision);
            if (stale.Value is not null)
            {
                TryDelete(stale.Value);
            }
        }

        var live = pods.Values.Where(p => !Json.IsDeleting(p)).ToList();
        if (inRange.Count == replicas && inRange.All(kv => RevisionOf(kv.Value) == updateRevision))
        {
            currentRevision = updateRevision;
        }

        UpdateStatus(set, live, currentRevision, updateRevision);
    }

    private static int Ordinal(string set, string pod) =>
        pod.Length > set.Length + 1 && pod.StartsWith(set + "-", StringComparison.Ordinal) &&
        int.TryParse(pod.AsSpan(set.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : -1;

    /// <summary>The template of an earlier revision (upstream keeps it in a ControllerRevision; here the controller remembers it).</summary>
    private JsonNode? PreviousTemplate(JsonObject set, string revision) =>
        _revisions.TryGetValue((Json.Uid(set), revision), out var template) ? template : set["spec"]?["template"];

    private readonly Dictionary<(string Uid, string Revision), JsonNode> _revisions = [];

    private bool TryCreate(JsonObject set, int ordinal, string revision, JsonNode? template)
    {
        var name = $"{Json.Name(set)}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var source = template as JsonObject ?? [];
        var meta = source["metadata"] is JsonObject m ? (JsonObject)m.DeepClone() : [];
        meta.Remove("generateName");
        meta["name"] = name;
        meta["namespace"] = Json.Namespace(set);
        meta["ownerReferences"] = new JsonArray(Owners.ControllerRef(set, ResourceType.StatefulSet));
        var labels = Json.Obj(meta, "labels");
        labels[WellKnownLabels.StatefulSetPodName] = name;
        labels[WellKnownLabels.PodIndex] = ordinal.ToString(CultureInfo.InvariantCulture);
        labels[RevisionLabel] = revision;
        var podSpec = source["spec"]?.DeepClone() as JsonObject ?? [];
        podSpec["hostname"] = name;
        if (Json.Str(set["spec"]?["serviceName"]) is { Length: > 0 } service)
        {
            podSpec["subdomain"] = service;
        }

        try
        {
            cluster.CreateOwned(ResourceType.Pod, new JsonObject { ["metadata"] = meta, ["spec"] = podSpec });
            cluster.Events.Record(set, ResourceType.StatefulSet, Source, "Normal", "SuccessfulCreate", $"create Pod {name} in StatefulSet {Json.Name(set)} successful");
            return true;
        }
        catch (KubernetesStatusException ex) when (ex.Code == 409)
        {
            return false; // the previous pod of that name is still terminating
        }
    }

    private void TryDelete(JsonObject pod)
    {
        try
        {
            cluster.Store.Delete(ResourceType.Pod, Json.Namespace(pod), Json.Name(pod), uidPrecondition: Json.Uid(pod));
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            return;
        }

        if (Owners.ControllerName(pod, "StatefulSet") is { } setName && cluster.Store.PeekOne(ResourceType.StatefulSet, Json.Namespace(pod), setName) is { } set)
        {
            cluster.Events.Record(set, ResourceType.StatefulSet, Source, "Normal", "SuccessfulDelete", $"delete Pod {Json.Name(pod)} in StatefulSet {setName} successful");
        }
    }

    private static readonly EventSource Source = EventSource.Controller("statefulset-controller");

    private void UpdateStatus(JsonObject set, List<JsonObject> live, string currentRevision, string updateRevision)
    {
        // Remember each revision's template, so that pods below the partition are recreated at their revision.
        _revisions[(Json.Uid(set), updateRevision)] = set["spec"]?["template"]?.DeepClone() ?? new JsonObject();

        int Count(Func<JsonObject, bool> predicate) => live.Count(predicate);
        var ready = Count(ReplicaSetController.IsReady);
        var status = new JsonObject
        {
            ["observedGeneration"] = Json.Num(set["metadata"]?["generation"]) ?? 1,
            ["replicas"] = live.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["currentReplicas"] = Count(p => Json.Str(p["metadata"]?["labels"]?[RevisionLabel]) == currentRevision),
            ["updatedReplicas"] = Count(p => Json.Str(p["metadata"]?["labels"]?[RevisionLabel]) == updateRevision),
            ["currentRevision"] = currentRevision,
            ["updateRevision"] = updateRevision,
            ["collisionCount"] = 0,
        };
        if (JsonNode.DeepEquals(set["status"], status))
        {
            return;
        }

        set["status"] = status;
        try
        {
            cluster.Store.UpdateOwned(ResourceType.StatefulSet, set);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }
}
