using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The scheduler and kubelets of FakeCluster: pods without a node go to the ready, schedulable node with the fewest pods
/// (ties by name); a scheduled pod gets an IP from its node's pod CIDR and runs; it is Ready when its readiness gates
/// (and any readiness a test set) allow; a deleted pod is removed when its grace period ends. A recreated pod gets a
/// new IP.
/// </summary>
internal sealed class PodLifecycleController
{
    private readonly FakeCluster _cluster;
    private readonly ConcurrentDictionary<string, CidrAllocator> _nodeRanges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _readinessOverrides = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ITimer> _deletions = new(StringComparer.Ordinal);

    // The scheduler's cache: each pod's node (recorded when it is bound, as upstream "assumes" a pod) and pods per node.
    private readonly Dictionary<string, string> _podNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nodeLoad = new(StringComparer.Ordinal);

    public PodLifecycleController(FakeCluster cluster) => _cluster = cluster;

    public void AddNodeRange(string node, string podCidr) => _nodeRanges[node] = new CidrAllocator(podCidr, skipFirst: 2);

    /// <summary>Sets (or, with <see langword="null"/>, clears) what a test wants a pod's readiness to be.</summary>
    public void SetReadiness(string uid, bool? ready)
    {
        if (ready is { } r)
        {
            _readinessOverrides[uid] = r;
        }
        else
        {
            _readinessOverrides.TryRemove(uid, out _);
        }
    }

    public void Handle(StoreEvent e)
    {
        if (e.Resource != ResourceType.Pod)
        {
            return;
        }

        var pod = e.Object;
        var uid = Json.Uid(pod);
        if (e.Type == StoreEventType.Deleted)
        {
            Untrack(uid);
            if (IPAddress.TryParse(Json.Str(pod["status"]?["podIP"]), out var ip) && _nodeRanges.TryGetValue(Json.Str(pod["spec"]?["nodeName"]) ?? string.Empty, out var range))
            {
                range.Release(ip);
            }

            _readinessOverrides.TryRemove(uid, out _);
            if (_deletions.TryRemove(uid, out var timer))
            {
                timer.Dispose();
            }

            if (_exits.TryRemove(uid, out var exit))
            {
                exit.Dispose();
            }

            _cluster.PodLogs.Forget(uid);

            return;
        }

        // Work from the latest state: the event may be stale by the time it is handled.
        if (Json.Str(pod["spec"]?["nodeName"]) is { Length: > 0 } bound)
        {
            Track(uid, bound);
        }

        // Read in place for the checks; copied only when the kubelet may change it.
        var stored = _cluster.Store.PeekOne(ResourceType.Pod, Json.Namespace(pod), Json.Name(pod));
        if (stored is null || Json.Uid(stored) != uid)
        {
            return;
        }

        if (Json.Str(stored["spec"]?["nodeName"]) is { Length: > 0 } && !Json.IsDeleting(stored)
            && (!string.IsNullOrEmpty(Json.Str(stored["status"]?["podIP"])) || Json.Bool(stored["spec"]?["hostNetwork"]).GetValueOrDefault())
            && stored["status"] is JsonObject storedStatus && !SetConditions(stored, storedStatus, uid, dryRun: true))
        {
            return; // nothing for the kubelet to do
        }

        var current = (JsonObject)stored.DeepClone();

        // A lost node's kubelet does nothing: no IPs, no status, no finishing of deletions, until it is back.
        if (Json.Str(current["spec"]?["nodeName"]) is { Length: > 0 } boundNode && _cluster.IsKubeletDown(boundNode))
        {
            return;
        }

        if (Json.IsDeleting(current))
        {
            ScheduleFinalDeletion(current);
            return;
        }

        var phase = Json.Str(current["status"]?["phase"]);
        if (phase is "Succeeded" or "Failed")
        {
            return;
        }

        var spec = Json.Obj(current, "spec");
        var justBound = false;
        if (string.IsNullOrEmpty(Json.Str(spec["nodeName"])))
        {
            var node = ChooseNode(current);
            if (node is null)
            {
                _cluster.Events.RecordSchedulingFailure(current, Unschedulable(current)); // unschedulable until a node fits
                return;
            }

            // Bound, and started by the node's kubelet in the same write: one update instead of two (watchers see the
            // pod go from Pending straight to Running on its node, as with a fast kubelet).
            spec["nodeName"] = node;
            Track(uid, node);
            justBound = true;
        }

        var status = Json.Obj(current, "status");
        var changed = justBound;
        var started = false;
        var wasReady = ContainersReady(status);
        if (string.IsNullOrEmpty(Json.Str(status["podIP"])) && !Json.Bool(spec["hostNetwork"]).GetValueOrDefault())
        {
            var nodeName = Json.Str(spec["nodeName"])!;
            if (!_nodeRanges.TryGetValue(nodeName, out var range) || range.Allocate() is not { } ip)
            {
                if (justBound)
                {
                    _cluster.Store.UpdateOwned(ResourceType.Pod, current); // bound, waiting for an address
                }

                return;
            }

            status["podIP"] = ip.ToString();
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip.ToString() });
            status["hostIP"] = NodeAddress(nodeName);
            status["phase"] = "Running";
            status["startTime"] = ObjectStore.Timestamp(_cluster.TimeProvider.GetUtcNow());
            changed = true;
            started = true;
        }

        changed |= SetConditions(current, status, uid, dryRun: false);
        if (changed)
        {
            var written = _cluster.Store.UpdateOwned(ResourceType.Pod, current);
            RecordEvents(written, justBound, started, wasReady);
            if (started && Json.Str(written["spec"]?["restartPolicy"]) is "OnFailure" or "Never" && _cluster.Options.RunToCompletionTime is { } runTime)
            {
                ScheduleExit(uid, Json.Namespace(written), Json.Name(written), runTime);
            }
        }
    }

    private readonly ConcurrentDictionary<string, ITimer> _exits = new(StringComparer.Ordinal);

    private void ScheduleExit(string uid, string ns, string name, TimeSpan after)
    {
        var timer = _cluster.TimeProvider.CreateTimer(_ => _cluster.Controllers.Enqueue(() => Exit(uid, ns, name, 0)), null, after, Timeout.InfiniteTimeSpan);
        if (_exits.TryGetValue(uid, out var old))
        {
            old.Dispose();
        }

        _exits[uid] = timer;
    }

    /// <summary>The pod's containers exit with <paramref name="exitCode"/> (see <see cref="FakeCluster.ExitPod"/>).</summary>
    public void Exit(string uid, string ns, string name, int exitCode)
    {
        if (_exits.TryRemove(uid, out var timer))
        {
            timer.Dispose();
        }

        var pod = _cluster.Store.Get(ResourceType.Pod, ns, name);
        if (pod is null || Json.Uid(pod) != uid || Json.IsDeleting(pod) || Json.Str(pod["status"]?["phase"]) is not "Running")
        {
            return;
        }

        var now = ObjectStore.Timestamp(_cluster.TimeProvider.GetUtcNow());
        var restartPolicy = Json.Str(pod["spec"]?["restartPolicy"]) ?? "Always";
        var status = Json.Obj(pod, "status");
        var restart = restartPolicy == "Always" || (restartPolicy == "OnFailure" && exitCode != 0);
        foreach (var cs in Json.Arr(status, "containerStatuses").OfType<JsonObject>())
        {
            var terminated = new JsonObject
            {
                ["exitCode"] = exitCode,
                ["reason"] = exitCode == 0 ? "Completed" : "Error",
                ["startedAt"] = Json.Str(cs["state"]?["running"]?["startedAt"]) ?? now,
                ["finishedAt"] = now,
            };
            if (restart)
            {
                _cluster.PodLogs.Restarted(uid, Json.Str(cs["name"]) ?? string.Empty);
                cs["lastState"] = new JsonObject { ["terminated"] = terminated };
                cs["restartCount"] = (Json.Num(cs["restartCount"]) ?? 0) + 1;
                cs["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } };
            }
            else
            {
                cs["state"] = new JsonObject { ["terminated"] = terminated };
                cs["ready"] = false;
                cs["started"] = false;
            }
        }

        if (!restart)
        {
            status["phase"] = exitCode == 0 ? "Succeeded" : "Failed";
            foreach (var c in Json.Arr(status, "conditions").OfType<JsonObject>().Where(c => Json.Str(c["type"]) is "Ready" or "ContainersReady"))
            {
                c["status"] = "False";
                c["reason"] = exitCode == 0 ? "PodCompleted" : "PodFailed";
                c["lastTransitionTime"] = now;
            }
        }

        var written = _cluster.Store.UpdateOwned(ResourceType.Pod, pod);
        if (restart && restartPolicy != "Always" && _cluster.Options.RunToCompletionTime is { } runTime)
        {
            ScheduleExit(uid, ns, name, runTime); // the container runs again
        }

        if (restart)
        {
            var node = Json.Str(written["spec"]?["nodeName"]) ?? string.Empty;
            foreach (var container in (written["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var containerName = Json.Str(container["name"]) ?? string.Empty;
                _cluster.Events.Record(written, ResourceType.Pod, EventSource.Kubelet(node), "Normal", "Started", $"Started container {containerName}", $"spec.containers{{{containerName}}}");
            }
        }
    }

    private static bool? ContainersReady(JsonObject status) =>
        (status["conditions"] as JsonArray ?? []).OfType<JsonObject>().Where(c => Json.Str(c["type"]) == "ContainersReady").Select(c => Json.Str(c["status"]) == "True").Cast<bool?>().FirstOrDefault();

    // What the scheduler and the kubelet say of a pod: Scheduled when bound; per container Pulling and Pulled (or the
    // image already present), Created and Started when it starts; Unhealthy when its readiness fails.
    private void RecordEvents(JsonObject pod, bool bound, bool started, bool? wasReady)
    {
        var node = Json.Str(pod["spec"]?["nodeName"]) ?? string.Empty;
        if (bound)
        {
            _cluster.Events.RecordScheduler(pod, "Normal", "Scheduled", "Binding", $"Successfully assigned {Json.Namespace(pod)}/{Json.Name(pod)} to {node}");
        }

        var kubelet = EventSource.Kubelet(node);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (started)
        {
            foreach (var container in containers)
            {
                var name = Json.Str(container["name"]) ?? string.Empty;
                var image = Json.Str(container["image"]) ?? string.Empty;
                var path = $"spec.containers{{{name}}}";
                if (Json.Str(container["imagePullPolicy"]) == "Always")
                {
                    // The fake pulls nothing: a pull takes no time and has no size.
                    _cluster.Events.Record(pod, ResourceType.Pod, kubelet, "Normal", "Pulling", $"Pulling image {Json.Quote(image)}", path);
                    _cluster.Events.Record(pod, ResourceType.Pod, kubelet, "Normal", "Pulled", $"Successfully pulled image {Json.Quote(image)} in 0s (0s including waiting). Image size: 0 bytes.", path);
                }
                else
                {
                    _cluster.Events.Record(pod, ResourceType.Pod, kubelet, "Normal", "Pulled", $"Container image {Json.Quote(image)} already present on machine", path);
                }

                _cluster.Events.Record(pod, ResourceType.Pod, kubelet, "Normal", "Created", $"Created container: {name}", path);
                _cluster.Events.Record(pod, ResourceType.Pod, kubelet, "Normal", "Started", $"Started container {name}", path);
            }
        }

        var ready = pod["status"] is JsonObject status ? ContainersReady(status) : null;
        if (wasReady == true && ready == false && _cluster.IsNodeReady(node) && containers.Count > 0)
        {
            var probed = containers.FirstOrDefault(c => c["readinessProbe"] is not null) ?? containers[0];
            var name = Json.Str(probed["name"]) ?? string.Empty;
            var probe = probed["readinessProbe"] as JsonObject;
            var output = probe?["httpGet"] is not null ? "HTTP probe failed with statuscode: 503"
                : probe?["tcpSocket"] is JsonObject tcp ? $"dial tcp {Json.Str(pod["status"]?["podIP"])}:{tcp["port"]?.ToString()}: connect: connection refused"
                : string.Empty;
            _cluster.Events.Record(pod, ResourceType.Pod, kubelet, "Warning", "Unhealthy", $"Readiness probe failed: {output}", $"spec.containers{{{name}}}");
        }
    }

    // Sets the pod's conditions and container statuses as the kubelet would; with dryRun, only says whether it would
    // change them (the pod is then the stored object, read in place).
    private bool SetConditions(JsonObject pod, JsonObject status, string uid, bool dryRun)
    {
        var gates = (pod["spec"]?["readinessGates"] as JsonArray ?? []).Select(g => Json.Str(g?["conditionType"])).OfType<string>().ToList();
        var conditions = dryRun ? status["conditions"] as JsonArray ?? [] : Json.Arr(status, "conditions");
        bool Condition(string type) => conditions.OfType<JsonObject>().Any(c => Json.Str(c["type"]) == type && Json.Str(c["status"]) == "True");
        var nodeReady = _cluster.IsNodeReady(Json.Str(pod["spec"]?["nodeName"]) ?? string.Empty);
        var containersReady = nodeReady && (_readinessOverrides.TryGetValue(uid, out var o) ? o : true) && _cluster.Network.HasStartedServing(pod);
        var ready = containersReady && gates.All(Condition);

        var changed = false;
        changed |= Set(conditions, "PodScheduled", true, dryRun);
        changed |= Set(conditions, "Initialized", true, dryRun);
        changed |= Set(conditions, "ContainersReady", containersReady, dryRun);
        changed |= Set(conditions, "Ready", ready, dryRun);
        foreach (var c in pod["spec"]?["containers"] as JsonArray ?? [])
        {
            var statuses = dryRun ? status["containerStatuses"] as JsonArray ?? [] : Json.Arr(status, "containerStatuses");
            var name = Json.Str(c?["name"]) ?? "app";
            var cs = statuses.OfType<JsonObject>().FirstOrDefault(s => Json.Str(s["name"]) == name);
            if (dryRun)
            {
                changed |= cs is null || Json.Bool(cs["ready"]) != containersReady;
            }
            else if (cs is null)
            {
                statuses.Add(new JsonObject
                {
                    ["name"] = name,
                    ["image"] = Json.Str(c?["image"]),
                    ["ready"] = containersReady,
                    ["started"] = true,
                    ["restartCount"] = 0,
                    ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = ObjectStore.Timestamp(_cluster.TimeProvider.GetUtcNow()) } },
                });
                changed = true;
            }
            else if (Json.Bool(cs["ready"]) != containersReady)
            {
                cs["ready"] = containersReady;
                changed = true;
            }
        }

        return changed;
    }

    private bool Set(JsonArray conditions, string type, bool value, bool dryRun)
    {
        var text = value ? "True" : "False";
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type);
        if (existing is not null && Json.Str(existing["status"]) == text)
        {
            return false;
        }

        if (dryRun)
        {
            return true;
        }

        var now = ObjectStore.Timestamp(_cluster.TimeProvider.GetUtcNow());
        if (existing is null)
        {
            conditions.Add(new JsonObject { ["type"] = type, ["status"] = text, ["lastProbeTime"] = null, ["lastTransitionTime"] = now });
        }
        else
        {
            existing["status"] = text;
            existing["lastTransitionTime"] = now;
        }

        return true;
    }

    private void ScheduleFinalDeletion(JsonObject pod)
    {
        var uid = Json.Uid(pod);
        if (_deletions.ContainsKey(uid))
        {
            return;
        }

        if (Json.Str(pod["spec"]?["nodeName"]) is { Length: > 0 } node && Json.Str(pod["status"]?["phase"]) == "Running")
        {
            foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var containerName = Json.Str(container["name"]) ?? string.Empty;
                _cluster.Events.Record(pod, ResourceType.Pod, EventSource.Kubelet(node), "Normal", "Killing", $"Stopping container {containerName}", $"spec.containers{{{containerName}}}");
            }
        }

        var at = DateTimeOffset.Parse(Json.Str(pod["metadata"]?["deletionTimestamp"])!, System.Globalization.CultureInfo.InvariantCulture);
        var delay = at - _cluster.TimeProvider.GetUtcNow();
        if (_cluster.Options.PodShutdownTime is { } shutdown && shutdown < delay)
        {
            delay = shutdown; // the containers exited on SIGTERM: the kubelet is done before the grace period is
        }

        var ns = Json.Namespace(pod);
        var name = Json.Name(pod);
        void Finish()
        {
            _deletions.TryRemove(uid, out _);
            if (_cluster.IsKubeletDown(Json.Str(pod["spec"]?["nodeName"]) ?? string.Empty))
            {
                return; // finished when the node is back
            }

            try
            {
                _cluster.Store.Delete(ResourceType.Pod, ns, name, gracePeriodSeconds: 0, uidPrecondition: uid);
            }
            catch (KubernetesStatusException)
            {
                // already gone, or replaced by a pod of the same name
            }
        }

        if (delay <= TimeSpan.Zero)
        {
            Finish();
            return;
        }

        _deletions[uid] = _cluster.TimeProvider.CreateTimer(_ => _cluster.Controllers.Enqueue(Finish), null, delay, Timeout.InfiniteTimeSpan);
    }

    // The scheduler's FitError message: "0/N nodes are available: " and why, node counts per reason sorted by reason, then
    // what preemption found ("Preemption is not helpful for scheduling" for these reasons).
    private string Unschedulable(JsonObject pod)
    {
        var nodes = _cluster.Store.Peek(ResourceType.Node, null);
        if (nodes.Count == 0)
        {
            return "no nodes available to schedule pods";
        }

        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in nodes)
        {
            var untolerated = (n["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(t => Json.Str(t["effect"]) is "NoSchedule" or "NoExecute")
                .FirstOrDefault(t => !NodeLifecycleController.Matching(pod, t).Any());
            string reason;
            if (untolerated is not null)
            {
                reason = $"node(s) had untolerated taint {{{Json.Str(untolerated["key"])}: {Json.Str(untolerated["value"])}}}";
            }
            else if (Json.Bool(n["spec"]?["unschedulable"]) == true)
            {
                reason = "node(s) were unschedulable";
            }
            else if (!_cluster.IsNodeReady(Json.Name(n)))
            {
                reason = "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
            }
            else
            {
                continue;
            }

            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }

        var why = string.Join(", ", reasons.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value} {r.Key}"));
        return $"0/{nodes.Count} nodes are available: {why}. preemption: 0/{nodes.Count} nodes are available: {nodes.Count} Preemption is not helpful for scheduling.";
    }

    private string? ChooseNode(JsonObject pod)
    {
        // The least loaded ready, schedulable node whose NoSchedule/NoExecute taints the pod tolerates; ties by name.
        string? best = null;
        var bestLoad = int.MaxValue;
        foreach (var n in _cluster.Store.Peek(ResourceType.Node, null))
        {
            var name = Json.Name(n);
            var load = _nodeLoad.GetValueOrDefault(name);
            if ((load > bestLoad || (load == bestLoad && string.CompareOrdinal(name, best) >= 0))
                || !_cluster.IsNodeReady(name) || Json.Bool(n["spec"]?["unschedulable"]) == true
                || !(n["spec"]?["taints"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(t => Json.Str(t["effect"]) is "NoSchedule" or "NoExecute")
                    .All(t => NodeLifecycleController.Matching(pod, t).Any()))
            {
                continue;
            }

            (best, bestLoad) = (name, load);
        }

        return best;
    }

    private void Track(string uid, string node)
    {
        if (_podNodes.TryGetValue(uid, out var known))
        {
            if (known == node)
            {
                return;
            }

            _nodeLoad[known]--;
        }

        _podNodes[uid] = node;
        _nodeLoad[node] = _nodeLoad.GetValueOrDefault(node) + 1;
    }

    private void Untrack(string uid)
    {
        if (_podNodes.Remove(uid, out var node))
        {
            _nodeLoad[node]--;
        }
    }

    private string? NodeAddress(string node) =>
        (_cluster.Store.PeekOne(ResourceType.Node, null, node)?["status"]?["addresses"] as JsonArray ?? []) // read only
            .OfType<JsonObject>().Select(a => Json.Str(a["address"])).FirstOrDefault();
}
