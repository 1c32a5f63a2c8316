using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The DaemonSet controller: one pod per eligible node — a node whose labels and name the pod's node selector and
/// required node affinity accept and whose NoSchedule/NoExecute taints the pod tolerates, with the tolerations every
/// daemon pod gets — bound to its node by a <c>metadata.name</c> match field (FakeCluster binds it at once), labelled
/// with <c>controller-revision-hash</c> and <c>pod-template-generation</c>; pods on nodes that no longer fit are deleted.
/// A template change rolls out node by node within <c>maxUnavailable</c> (or, with <c>maxSurge</c>, a new pod beside
/// the old until it is ready); <c>OnDelete</c> replaces a pod only when it is deleted. Each template is kept as a
/// ControllerRevision (<c>kubectl rollout history</c>), and the status counts as upstream's does.
/// </summary>
internal sealed class DaemonSetController(FakeCluster cluster)
{
    internal const string RevisionHashLabel = "controller-revision-hash";
    internal const string GenerationLabel = "pod-template-generation";
    internal const string GenerationAnnotation = "deprecated.daemonset.template.generation";
    private static readonly EventSource Source = EventSource.Controller("daemonset-controller");

    private static readonly (string Key, string Effect)[] AutomaticTolerations =
    [
        ("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.DaemonSet)
        {
            Sync(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Pod)
        {
            foreach (var obj in new[] { e.Object, e.OldObject })
            {
                if (obj is not null && Owners.ControllerName(obj, "DaemonSet") is { } ds)
                {
                    Sync(Json.Namespace(obj), ds);
                }
            }
        }
        else if (e.Resource == ResourceType.Node)
        {
            foreach (var ds in cluster.Store.Peek(ResourceType.DaemonSet, null))
            {
                Sync(Json.Namespace(ds), Json.Name(ds));
            }
        }
    }

    private void Sync(string ns, string name)
    {
        var ds = cluster.Store.Get(ResourceType.DaemonSet, ns, name);
        if (ds is null || Json.IsDeleting(ds))
        {
            return;
        }

        var spec = ds["spec"] as JsonObject ?? [];
        var template = spec["template"] as JsonObject ?? [];
        var hash = DeploymentController.TemplateHash(template);
        var generation = Json.Str(ds["metadata"]?["annotations"]?[GenerationAnnotation]) ?? "1";
        EnsureRevision(ds, template, hash);

        var uid = Json.Uid(ds);
        var pods = cluster.Store.Peek(ResourceType.Pod, ns).Where(p => Owners.ControllerUid(p) == uid).ToList();
        var byNode = pods.Where(p => !Json.IsDeleting(p)).GroupBy(p => Json.Str(p["spec"]?["nodeName"]) ?? string.Empty).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var nodes = cluster.Store.Peek(ResourceType.Node, null);
        var eligible = nodes.Where(n => ShouldRun(template, n)).Select(Json.Name).ToHashSet(StringComparer.Ordinal);
        bool Updated(JsonObject p) => Json.Str(p["metadata"]?["labels"]?[RevisionHashLabel]) == hash;
        bool Available(JsonObject p) => Json.Str(p["status"]?["phase"]) == "Running" && ReplicaSetController.IsReady(p);

        // Pods on nodes that should not run one go; a node that should gets one.
        foreach (var (node, onNode) in byNode)
        {
            if (!eligible.Contains(node))
            {
                onNode.ForEach(p => Delete(ds, p));
            }
        }

        foreach (var node in eligible.Where(n => !byNode.ContainsKey(n)))
        {
            Create(ds, template, node, hash, generation);
        }

        // The rollout.
        if (Json.Str(spec["updateStrategy"]?["type"]) != "OnDelete")
        {
            var desired = eligible.Count;
            var rolling = spec["updateStrategy"]?["rollingUpdate"] as JsonObject ?? [];
            var maxSurge = (int)IntOrPercent.Scaled(rolling["maxSurge"], desired);
            var maxUnavailable = (int)IntOrPercent.Scaled(rolling["maxUnavailable"], desired, fallback: 1);
            var unavailable = eligible.Count(n => !byNode.TryGetValue(n, out var p) || !p.Any(Available));
            foreach (var node in eligible.Where(byNode.ContainsKey).Order(StringComparer.Ordinal))
            {
                var onNode = byNode[node];
                var old = onNode.Where(p => !Updated(p)).ToList();
                if (old.Count == 0)
                {
                    continue;
                }

                var fresh = onNode.FirstOrDefault(Updated);
                if (maxSurge > 0)
                {
                    if (fresh is null && onNode.Count < 2 && maxSurge-- > 0)
                    {
                        Create(ds, template, node, hash, generation); // beside the old one, until it is ready
                    }
                    else if (fresh is not null && Available(fresh))
                    {
                        old.ForEach(p => Delete(ds, p));
                    }
                }
                else if (!old.Any(Available) || unavailable < maxUnavailable)
                {
                    if (old.Any(Available))
                    {
                        unavailable++;
                    }

                    old.ForEach(p => Delete(ds, p));
                }
            }
        }

        UpdateStatus(ds, eligible, byNode, Available, Updated);
    }

    // NodeShouldRunDaemonPod: the node selector and required node affinity accept the node, and the pod (with the
    // daemon tolerations) tolerates its NoSchedule and NoExecute taints.
    private static bool ShouldRun(JsonObject template, JsonObject node)
    {
        var spec = template["spec"] as JsonObject ?? [];
        if (Json.Str(spec["nodeName"]) is { Length: > 0 } pinned && pinned != Json.Name(node))
        {
            return false;
        }

        var labels = node["metadata"]?["labels"] as JsonObject ?? [];
        foreach (var (key, value) in spec["nodeSelector"] as JsonObject ?? [])
        {
            if (Json.Str(labels[key]) != Json.Str(value))
            {
                return false;
            }
        }

        var terms = (spec["affinity"]?["nodeAffinity"]?["requiredDuringSchedulingIgnoredDuringExecution"]?["nodeSelectorTerms"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (terms.Count > 0 && !terms.Any(t => TermMatches(t, node, labels)))
        {
            return false;
        }

        var pod = new JsonObject { ["spec"] = new JsonObject { ["tolerations"] = Tolerations(spec) } };
        return (node["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(t => Json.Str(t["effect"]) is "NoSchedule" or "NoExecute")
            .All(t => NodeLifecycleController.Matching(pod, t).Any());
    }

    private static bool TermMatches(JsonObject term, JsonObject node, JsonObject labels)
    {
        static bool Requirement(JsonObject r, string? actual)
        {
            var values = (r["values"] as JsonArray ?? []).Select(Json.Str).ToList();
            return Json.Str(r["operator"]) switch
            {
                "In" => actual is not null && values.Contains(actual),
                "NotIn" => actual is null || !values.Contains(actual),
                "Exists" => actual is not null,
                "DoesNotExist" => actual is null,
                "Gt" => long.TryParse(actual, CultureInfo.InvariantCulture, out var a) && long.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out var b) && a > b,
                "Lt" => long.TryParse(actual, CultureInfo.InvariantCulture, out var c) && long.TryParse(values.FirstOrDefault(), CultureInfo.InvariantCulture, out var d) && c < d,
                _ => false,
            };
        }

        var expressions = (term["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var fields = (term["matchFields"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        return (expressions.Count > 0 || fields.Count > 0)
            && expressions.All(r => Requirement(r, labels[Json.Str(r["key"]) ?? string.Empty] is { } v ? Json.Str(v) : null))
            && fields.All(r => Json.Str(r["key"]) == "metadata.name" && Requirement(r, Json.Name(node)));
    }

    // The template's tolerations and the ones every daemon pod gets (each unless already tolerated).
    private static JsonArray Tolerations(JsonObject podSpec)
    {
        var tolerations = podSpec["tolerations"]?.DeepClone() as JsonArray ?? [];
        var probe = new JsonObject { ["spec"] = new JsonObject { ["tolerations"] = tolerations.DeepClone() } };
        foreach (var (key, effect) in AutomaticTolerations)
        {
            if (!NodeLifecycleController.Matching(probe, new JsonObject { ["key"] = key, ["effect"] = effect }).Any())
            {
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = effect });
            }
        }

        return tolerations;
    }

    private void Create(JsonObject ds, JsonObject template, string node, string hash, string generation)
    {
        var meta = template["metadata"] is JsonObject m ? (JsonObject)m.DeepClone() : [];
        meta.Remove("name");
        meta["generateName"] = Json.Name(ds) + "-";
        meta["namespace"] = Json.Namespace(ds);
        meta["ownerReferences"] = new JsonArray(Owners.ControllerRef(ds, ResourceType.DaemonSet));
        var labels = Json.Obj(meta, "labels");
        labels[RevisionHashLabel] = hash;
        labels[GenerationLabel] = generation;
        var spec = template["spec"]?.DeepClone() as JsonObject ?? [];
        spec["tolerations"] = Tolerations(spec);
        var affinity = Json.Obj(spec, "affinity");
        Json.Obj(affinity, "nodeAffinity")["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
        {
            ["nodeSelectorTerms"] = new JsonArray(new JsonObject
            {
                ["matchFields"] = new JsonArray(new JsonObject { ["key"] = "metadata.name", ["operator"] = "In", ["values"] = new JsonArray(node) }),
            }),
        };
        spec["nodeName"] = node; // the scheduler's binding: the match field allows one node
        var created = cluster.CreateOwned(ResourceType.Pod, new JsonObject { ["metadata"] = meta, ["spec"] = spec });
        cluster.Events.Record(ds, ResourceType.DaemonSet, Source, "Normal", "SuccessfulCreate", $"Created pod: {Json.Name(created)}");
        cluster.Events.RecordScheduler(created, "Normal", "Scheduled", "Binding", $"Successfully assigned {Json.Namespace(created)}/{Json.Name(created)} to {node}");
    }

    private void Delete(JsonObject ds, JsonObject pod)
    {
        try
        {
            cluster.Store.Delete(ResourceType.Pod, Json.Namespace(pod), Json.Name(pod));
            cluster.Events.Record(ds, ResourceType.DaemonSet, Source, "Normal", "SuccessfulDelete", $"Deleted pod: {Json.Name(pod)}");
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    // A ControllerRevision per template: <ds>-<hash>, numbered in order, owned by the DaemonSet.
    private void EnsureRevision(JsonObject ds, JsonObject template, string hash)
    {
        var ns = Json.Namespace(ds);
        var name = $"{Json.Name(ds)}-{hash}";
        var uid = Json.Uid(ds);
        var revisions = cluster.Store.Peek(ResourceType.ControllerRevision, ns).Where(r => Owners.ControllerUid(r) == uid).ToList();
        var newest = revisions.Select(r => Json.Num(r["revision"]) ?? 0).DefaultIfEmpty(0).Max();
        if (revisions.FirstOrDefault(r => Json.Name(r) == name) is { } existing)
        {
            if ((Json.Num(existing["revision"]) ?? 0) < newest)
            {
                var copy = (JsonObject)existing.DeepClone();
                copy["revision"] = newest + 1; // rolled back to it: the newest again
                TryWrite(() => cluster.Store.UpdateOwned(ResourceType.ControllerRevision, copy));
            }

            return;
        }

        var labels = template["metadata"]?["labels"]?.DeepClone() as JsonObject ?? [];
        labels[RevisionHashLabel] = hash;
        var data = new JsonObject { ["spec"] = new JsonObject { ["template"] = template.DeepClone() } };
        data["spec"]!["template"]!["$patch"] = "replace";
        TryWrite(() => cluster.Store.CreateOwned(ResourceType.ControllerRevision, new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(Owners.ControllerRef(ds, ResourceType.DaemonSet)),
            },
            ["data"] = data,
            ["revision"] = newest + 1,
        }));

        // Only revisionHistoryLimit old revisions are kept.
        var limit = Json.Num(ds["spec"]?["revisionHistoryLimit"]) ?? 10;
        foreach (var stale in revisions.OrderByDescending(r => Json.Num(r["revision"]) ?? 0).Skip((int)limit))
        {
            TryWrite(() => cluster.Store.Delete(ResourceType.ControllerRevision, ns, Json.Name(stale), gracePeriodSeconds: 0));
        }
    }

    private static void TryWrite(Func<JsonObject> write)
    {
        try
        {
            write();
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    private void UpdateStatus(JsonObject ds, HashSet<string> eligible, Dictionary<string, List<JsonObject>> byNode, Func<JsonObject, bool> available, Func<JsonObject, bool> updated)
    {
        int current = 0, ready = 0, availableCount = 0, updatedCount = 0, misscheduled = 0;
        foreach (var (node, pods) in byNode)
        {
            if (!eligible.Contains(node))
            {
                misscheduled++;
                continue;
            }

            current++;
            var oldest = pods.OrderBy(p => Json.Str(p["metadata"]?["creationTimestamp"]), StringComparer.Ordinal).First();
            if (ReplicaSetController.IsReady(oldest))
            {
                ready++;
            }

            if (available(oldest))
            {
                availableCount++;
            }

            if (pods.Any(updated))
            {
                updatedCount++;
            }
        }

        var status = new JsonObject
        {
            ["currentNumberScheduled"] = current,
            ["numberMisscheduled"] = misscheduled,
            ["desiredNumberScheduled"] = eligible.Count,
            ["numberReady"] = ready,
            ["observedGeneration"] = Json.Num(ds["metadata"]?["generation"]) ?? 1,
            ["updatedNumberScheduled"] = updatedCount,
            ["numberAvailable"] = availableCount,
        };
        if (eligible.Count - availableCount > 0)
        {
            status["numberUnavailable"] = eligible.Count - availableCount;
        }

        if (JsonNode.DeepEquals(ds["status"], status))
        {
            return;
        }

        ds["status"] = status;
        TryWrite(() => cluster.Store.UpdateOwned(ResourceType.DaemonSet, ds));
    }
}
