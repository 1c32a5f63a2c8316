using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// Node loss as upstream's node lifecycle controller, taint-based eviction and pod GC handle it: a node whose kubelet
/// stopped posting status turns <c>Ready=Unknown</c> after the node-monitor grace period and is tainted
/// <c>node.kubernetes.io/unreachable</c> (NoSchedule, NoExecute); its pods are marked not Ready (so their endpoints go
/// not-ready); each pod is evicted (deleted) when its toleration of the NoExecute taint runs out — 300 s by the
/// DefaultTolerationSeconds admission plugin. With the kubelet gone the pods stay Terminating until the node comes
/// back or is deleted; pods bound to a deleted node are force-deleted.
/// </summary>
internal sealed class NodeLifecycleController(FakeCluster cluster)
{
    internal const string UnreachableTaint = "node.kubernetes.io/unreachable";
    internal const string NotReadyTaint = "node.kubernetes.io/not-ready";

    private readonly ConcurrentDictionary<string, ITimer?> _lost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITimer> _evictions = new(StringComparer.Ordinal);

    /// <summary>Whether the node's kubelet is down (it reports nothing and acts on nothing).</summary>
    public bool IsKubeletDown(string node) => _lost.ContainsKey(node);

    public void Lose(string node)
    {
        var timer = cluster.TimeProvider.CreateTimer(
            _ => cluster.Controllers.Enqueue(() => MarkUnreachable(node)), null, cluster.Options.NodeMonitorGracePeriod, Timeout.InfiniteTimeSpan);
        if (!_lost.TryAdd(node, timer))
        {
            timer.Dispose();
        }
    }

    public void Restore(string node)
    {
        if (_lost.TryRemove(node, out var timer))
        {
            timer?.Dispose();
            cluster.Controllers.Enqueue(() => MarkReady(node));
        }
    }

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.Node && e.Type == StoreEventType.Deleted)
        {
            // Pod GC: pods bound to a node that no longer exists are deleted at once.
            var name = Json.Name(e.Object);
            if (_lost.TryRemove(name, out var timer))
            {
                timer?.Dispose();
            }

            foreach (var pod in PodsOn(name))
            {
                TryDelete(pod, gracePeriodSeconds: 0);
            }
        }
        else if (e.Resource == ResourceType.Pod)
        {
            if (e.Type == StoreEventType.Deleted)
            {
                CancelEviction(Json.Uid(e.Object));
            }
            else if (!Json.IsDeleting(e.Object) && Json.Str(e.Object["spec"]?["nodeName"]) is { Length: > 0 } node && Taint(node) is { } taint)
            {
                ScheduleEviction(e.Object, taint);
            }
        }
    }

    private void MarkUnreachable(string node)
    {
        if (!_lost.ContainsKey(node) || cluster.Store.Get(ResourceType.Node, null, node) is not { } obj)
        {
            return;
        }

        var now = ObjectStore.Timestamp(cluster.TimeProvider.GetUtcNow());
        foreach (var c in Json.Arr(Json.Obj(obj, "status"), "conditions").OfType<JsonObject>())
        {
            c["status"] = "Unknown";
            c["reason"] = "NodeStatusUnknown";
            c["message"] = "Kubelet stopped posting node status.";
            c["lastTransitionTime"] = now;
        }

        var taints = Json.Arr(Json.Obj(obj, "spec"), "taints");
        foreach (var effect in new[] { "NoSchedule", "NoExecute" })
        {
            if (!taints.OfType<JsonObject>().Any(t => Json.Str(t["key"]) == UnreachableTaint && Json.Str(t["effect"]) == effect))
            {
                var taint = new JsonObject { ["key"] = UnreachableTaint, ["effect"] = effect };
                if (effect == "NoExecute")
                {
                    taint["timeAdded"] = now;
                }

                taints.Add(taint);
            }
        }

        var written = cluster.Store.UpdateOwned(ResourceType.Node, obj);
        var controller = EventSource.Controller("node-controller");
        cluster.Events.Record(written, ResourceType.Node, controller, "Normal", "NodeNotReady", $"Node {node} status is now: NodeNotReady");

        // MarkPodsNotReady: the kubelet cannot say, so the control plane does.
        foreach (var pod in PodsOn(node))
        {
            var ready = Json.Arr(Json.Obj(pod, "status"), "conditions").OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == "Ready");
            if (ready is not null && Json.Str(ready["status"]) != "False")
            {
                ready["status"] = "False";
                ready["lastTransitionTime"] = now;
                TryUpdate(pod);
                cluster.Events.Record(pod, ResourceType.Pod, controller, "Warning", "NodeNotReady", "Node is not ready");
            }
        }
    }

    private void MarkReady(string node)
    {
        if (cluster.Store.Get(ResourceType.Node, null, node) is not { } obj)
        {
            return;
        }

        var now = ObjectStore.Timestamp(cluster.TimeProvider.GetUtcNow());
        foreach (var c in Json.Arr(Json.Obj(obj, "status"), "conditions").OfType<JsonObject>().Where(c => Json.Str(c["type"]) == "Ready"))
        {
            c["status"] = "True";
            c["reason"] = "KubeletReady";
            c["message"] = "kubelet is posting ready status";
            c["lastTransitionTime"] = now;
        }

        if (obj["spec"]?["taints"] is JsonArray taints)
        {
            foreach (var t in taints.OfType<JsonObject>().Where(t => Json.Str(t["key"]) is UnreachableTaint or NotReadyTaint).ToList())
            {
                taints.Remove(t);
            }
        }

        var back = cluster.Store.UpdateOwned(ResourceType.Node, obj);
        cluster.Events.Record(back, ResourceType.Node, EventSource.Kubelet(node), "Normal", "NodeReady", $"Node {node} status is now: NodeReady");
        foreach (var pod in PodsOn(node))
        {
            CancelEviction(Json.Uid(pod));
            cluster.ResyncPod(pod); // the kubelet reports again: readiness, and deletions it can now finish
        }
    }

    private JsonObject? Taint(string node) =>
        (cluster.Store.PeekOne(ResourceType.Node, null, node)?["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>() // read only
            .FirstOrDefault(t => Json.Str(t["effect"]) == "NoExecute" && Json.Str(t["key"]) is UnreachableTaint or NotReadyTaint);

    /// <summary>Taint manager: evicts at timeAdded + the shortest matching tolerationSeconds; never when a match has none.</summary>
    private void ScheduleEviction(JsonObject pod, JsonObject taint)
    {
        var uid = Json.Uid(pod);
        if (_evictions.ContainsKey(uid))
        {
            return;
        }

        var matching = Matching(pod, taint).ToList();
        TimeSpan delay;
        if (matching.Count == 0)
        {
            delay = TimeSpan.Zero;
        }
        else if (matching.Any(t => Json.Num(t["tolerationSeconds"]) is null))
        {
            return; // tolerated for ever
        }
        else
        {
            var seconds = Math.Max(0, matching.Min(t => Json.Num(t["tolerationSeconds"])!.Value));
            var added = DateTimeOffset.Parse(Json.Str(taint["timeAdded"]) ?? ObjectStore.Timestamp(cluster.TimeProvider.GetUtcNow()), CultureInfo.InvariantCulture);
            delay = added + TimeSpan.FromSeconds(seconds) - cluster.TimeProvider.GetUtcNow();
        }

        var ns = Json.Namespace(pod);
        var name = Json.Name(pod);
        void Evict()
        {
            _evictions.TryRemove(uid, out _);
            if (cluster.Store.Get(ResourceType.Pod, ns, name) is { } current && Json.Uid(current) == uid && !Json.IsDeleting(current) &&
                Json.Str(current["spec"]?["nodeName"]) is { } node && Taint(node) is not null)
            {
                TryDelete(current, gracePeriodSeconds: null);
            }
        }

        if (delay <= TimeSpan.Zero)
        {
            Evict();
            return;
        }

        _evictions[uid] = cluster.TimeProvider.CreateTimer(_ => cluster.Controllers.Enqueue(Evict), null, delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The pod's tolerations that tolerate a taint (upstream ToleratesTaint): same effect or none; <c>Exists</c> with the
    /// same key or no key; <c>Equal</c> (the default) with the same key and value.
    /// </summary>
    internal static IEnumerable<JsonObject> Matching(JsonObject pod, JsonObject taint)
    {
        var key = Json.Str(taint["key"]) ?? string.Empty;
        var value = Json.Str(taint["value"]) ?? string.Empty;
        var effect = Json.Str(taint["effect"]);
        return (pod["spec"]?["tolerations"] as JsonArray ?? []).OfType<JsonObject>().Where(t =>
        {
            var tEffect = Json.Str(t["effect"]);
            if (!string.IsNullOrEmpty(tEffect) && tEffect != effect)
            {
                return false;
            }

            var tKey = Json.Str(t["key"]) ?? string.Empty;
            if (tKey.Length > 0 && tKey != key)
            {
                return false;
            }

            return Json.Str(t["operator"]) switch
            {
                "Exists" => true,
                null or "" or "Equal" => tKey.Length > 0 && (Json.Str(t["value"]) ?? string.Empty) == value,
                _ => false,
            };
        });
    }

    private void CancelEviction(string uid)
    {
        if (_evictions.TryRemove(uid, out var timer))
        {
            timer.Dispose();
        }
    }

    private List<JsonObject> PodsOn(string node) =>
        cluster.Store.Peek(ResourceType.Pod, null).Where(p => Json.Str(p["spec"]?["nodeName"]) == node).Select(p => (JsonObject)p.DeepClone()).ToList();

    private void TryUpdate(JsonObject pod)
    {
        try
        {
            cluster.Store.UpdateOwned(ResourceType.Pod, pod);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    private void TryDelete(JsonObject pod, long? gracePeriodSeconds)
    {
        try
        {
            cluster.Store.Delete(ResourceType.Pod, Json.Namespace(pod), Json.Name(pod), gracePeriodSeconds, uidPrecondition: Json.Uid(pod));
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    public void Dispose()
    {
        foreach (var t in _lost.Values)
        {
            t?.Dispose();
        }

        foreach (var t in _evictions.Values)
        {
            t.Dispose();
        }
    }
}
