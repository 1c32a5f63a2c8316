using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The EndpointSlice controller's reconciler, as upstream's (kubernetes/kubernetes staging/src/k8s.io/endpointslice,
/// reconciler.go @0204386, utils.go @115584e, trafficdist.go @19952a2): from a Service, its pods and its existing
/// slices, the slices to create, update and delete.
/// </summary>
/// <remarks>
/// Differences from upstream, all deterministic where upstream leaves order to Go maps: address types are reconciled
/// IPv4 first; endpoints are placed in pod order; the <c>service.kubernetes.io/topology-mode: Auto</c> annotation gets
/// same-zone hints like <c>trafficDistribution: PreferClose</c> (upstream's CPU-proportional topology cache is not
/// simulated). Not thread-safe: one reconciliation at a time.
/// </remarks>
internal sealed class EndpointSliceReconciler
{
    /// <summary>The controller's name, the value of the <c>endpointslice.kubernetes.io/managed-by</c> label.</summary>
    public const string ControllerName = "endpointslice-controller.k8s.io";

    private readonly int _maxEndpointsPerSlice;
    private readonly bool _preferSameTrafficDistribution;

    /// <summary>Creates a reconciler.</summary>
    /// <param name="maxEndpointsPerSlice">The most endpoints per slice (upstream default 100; 1 to 1000).</param>
    /// <param name="preferSameTrafficDistribution">The PreferSameTrafficDistribution gate (PreferSameZone, PreferSameNode).</param>
    public EndpointSliceReconciler(int maxEndpointsPerSlice = 100, bool preferSameTrafficDistribution = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEndpointsPerSlice, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxEndpointsPerSlice, 1000);
        _maxEndpointsPerSlice = maxEndpointsPerSlice;
        _preferSameTrafficDistribution = preferSameTrafficDistribution;
    }

    // Per Service (by UID): the endpoint built for each pod and address type, reused while the pod, the Service and
    // the node's zone are unchanged (objects without a resourceVersion are never reused).
    // Pods are keyed by the object itself: a stored object never changes, so the same reference is the same version.
    private readonly Dictionary<string, Dictionary<(JsonObject Pod, string AddressType), PodEntry>> _memo = new(StringComparer.Ordinal);
    private Dictionary<(JsonObject Pod, string AddressType), PodEntry>? _previous;
    private Dictionary<(JsonObject Pod, string AddressType), PodEntry>? _next;

    // Identity and the fields compared beyond it, per endpoint object of a stored slice (stored objects never change).
    private static readonly ConditionalWeakTable<JsonObject, EndpointKey> Keys = [];

    private sealed record PodEntry(bool Include, string NodeName, JsonObject? Node, string? ServiceVersion, string PortKey, JsonArray Ports, Desired? Endpoint);

    private sealed class PodKeyComparer : IEqualityComparer<(JsonObject Pod, string AddressType)>
    {
        public static readonly PodKeyComparer Instance = new();

        public bool Equals((JsonObject Pod, string AddressType) x, (JsonObject Pod, string AddressType) y) =>
            ReferenceEquals(x.Pod, y.Pod) && x.AddressType == y.AddressType;

        public int GetHashCode((JsonObject Pod, string AddressType) obj) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Pod), obj.AddressType);
    }

    private sealed record Desired(string Id, string Fingerprint, JsonObject Endpoint);

    private sealed record EndpointKey(string Id, string Fingerprint);

    /// <summary>Forgets what was cached for a Service (it is gone).</summary>
    /// <param name="serviceUid">The Service's UID.</param>
    internal void Forget(string serviceUid) => _memo.Remove(serviceUid);

    /// <summary>Reconciles one Service.</summary>
    /// <param name="service">The Service (JSON).</param>
    /// <param name="pods">The pods its selector matches, in order.</param>
    /// <param name="nodes">Node lookup by name (<see langword="null"/> when the node is missing).</param>
    /// <param name="existingSlices">The Service's existing slices (managed by this controller).</param>
    /// <param name="triggerTime">The trigger time for the annotation, or <see langword="null"/> to remove it.</param>
    /// <returns>The writes to make, creates first, then updates, then deletes.</returns>
    public EndpointSliceChanges Reconcile(
        JsonObject service, IReadOnlyList<JsonObject> pods, Func<string, JsonObject?> nodes, IReadOnlyList<JsonObject> existingSlices, DateTimeOffset? triggerTime)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(existingSlices);
        var changes = new EndpointSliceChanges();
        var supported = AddressTypes(service);
        var outerDeletes = new List<JsonObject>();
        var byType = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var slice in existingSlices)
        {
            var type = Json.Str(slice["addressType"]) ?? string.Empty;
            if (!supported.Contains(type))
            {
                outerDeletes.Add(slice);
                continue;
            }

            if (!byType.TryGetValue(type, out var list))
            {
                byType[type] = list = [];
            }

            list.Add(slice);
        }

        var uid = Json.Uid(service);
        _previous = _memo.GetValueOrDefault(uid);
        _next = new Dictionary<(JsonObject Pod, string AddressType), PodEntry>(pods.Count, PodKeyComparer.Instance);
        foreach (var type in supported)
        {
            ReconcileByAddressType(service, pods, nodes, byType.GetValueOrDefault(type) ?? [], triggerTime, type, changes);
        }

        if (uid.Length > 0)
        {
            _memo[uid] = _next;
        }

        _previous = _next = null;

        changes.Delete.AddRange(outerDeletes.Select(Json.Name));
        return changes;
    }

    /// <summary>The address types a Service gets slices for: its ipFamilies; else its cluster IP's family; else (headless) both.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>The types, IPv4 first.</returns>
    public static IReadOnlyList<string> AddressTypes(JsonObject service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var families = (service["spec"]?["ipFamilies"] as JsonArray ?? []).Select(Json.Str).Where(f => f is "IPv4" or "IPv6").Select(f => f!).Distinct().ToList();
        if (families.Count > 0)
        {
            return [.. families.OrderBy(f => f == "IPv6")];
        }

        var clusterIP = Json.Str(service["spec"]?["clusterIP"]);
        if (!string.IsNullOrEmpty(clusterIP) && clusterIP != "None")
        {
            return [IPAddress.TryParse(clusterIP, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4"];
        }

        return ["IPv4", "IPv6"];
    }

    /// <summary>Whether a pod belongs in the Service's endpoints: not terminal, and with an IP (terminating pods are kept).</summary>
    /// <param name="pod">The pod.</param>
    /// <returns><see langword="true"/> when it belongs.</returns>
    public static bool ShouldPodBeInEndpoints(JsonObject pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var phase = Json.Str(pod["status"]?["phase"]);
        if (phase is "Succeeded" or "Failed")
        {
            return false;
        }

        return !string.IsNullOrEmpty(Json.Str(pod["status"]?["podIP"])) || (pod["status"]?["podIPs"] as JsonArray)?.Count > 0;
    }

    /// <summary>
    /// The endpoint for a pod (upstream podToEndpoint): addresses of the family from <c>status.podIPs</c> (canonical),
    /// serving = the pod is Ready, terminating = it has a deletionTimestamp, ready = publishNotReadyAddresses or (serving
    /// and not terminating); node, zone from the node's label, hostname when the pod's subdomain names the Service.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <param name="node">Its node, if known.</param>
    /// <param name="service">The Service.</param>
    /// <param name="addressType">IPv4 or IPv6.</param>
    /// <returns>The endpoint (JSON).</returns>
    public static JsonObject PodToEndpoint(JsonObject pod, JsonObject? node, JsonObject service, string addressType)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(service);
        var serving = (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => Json.Str(c["type"]) == "Ready" && Json.Str(c["status"]) == "True");
        var terminating = Json.IsDeleting(pod);
        var ready = Json.Bool(service["spec"]?["publishNotReadyAddresses"]) == true || (serving && !terminating);
        var addresses = new JsonArray();
        var ips = (pod["status"]?["podIPs"] as JsonArray ?? []).Select(i => Json.Str(i?["ip"])).ToList();
        if (ips.Count == 0 && Json.Str(pod["status"]?["podIP"]) is { } single)
        {
            ips.Add(single);
        }

        foreach (var raw in ips)
        {
            if (IPAddress.TryParse(raw, out var ip))
            {
                var v6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
                if (v6 == (addressType == "IPv6"))
                {
                    addresses.Add(ip.ToString());
                }
            }
        }

        var endpoint = new JsonObject
        {
            ["addresses"] = addresses,
            ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = serving, ["terminating"] = terminating },
        };
        var hostname = Json.Str(pod["spec"]?["hostname"]);
        if (!string.IsNullOrEmpty(hostname) && Json.Str(pod["spec"]?["subdomain"]) == Json.Name(service) && Json.Namespace(pod) == Json.Namespace(service))
        {
            endpoint["hostname"] = hostname;
        }

        if (Json.Str(pod["spec"]?["nodeName"]) is { Length: > 0 } nodeName)
        {
            endpoint["nodeName"] = nodeName;
        }

        if (Json.Str(node?["metadata"]?["labels"]?[WellKnownLabels.Zone]) is { Length: > 0 } zone)
        {
            endpoint["zone"] = zone;
        }

        endpoint["targetRef"] = new JsonObject
        {
            ["kind"] = "Pod",
            ["namespace"] = Json.Namespace(pod),
            ["name"] = Json.Name(pod),
            ["uid"] = Json.Uid(pod),
        };
        return endpoint;
    }

    /// <summary>
    /// The slice ports for a pod (upstream getEndpointPorts): each Service port whose target resolves for this pod —
    /// numbers as they are; names by container port name and protocol, regular containers first, then sidecars
    /// (restartable init containers). A Service port that does not resolve is left out for this pod only.
    /// </summary>
    /// <param name="service">The Service.</param>
    /// <param name="pod">The pod.</param>
    /// <returns>The ports (JSON).</returns>
    public static JsonArray EndpointPorts(JsonObject service, JsonObject pod)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(pod);
        var result = new JsonArray();
        foreach (var sp in service["spec"]?["ports"] as JsonArray ?? [])
        {
            if (sp is not JsonObject port)
            {
                continue;
            }

            var protocol = Json.Str(port["protocol"]) ?? "TCP";
            long? number = null;
            var target = port["targetPort"];
            if (Json.Num(target) is { } n)
            {
                number = n;
            }
            else if (Json.Str(target) is { } name)
            {
                number = FindNamedPort(pod["spec"]?["containers"] as JsonArray, name, protocol, sidecarsOnly: false)
                    ?? FindNamedPort(pod["spec"]?["initContainers"] as JsonArray, name, protocol, sidecarsOnly: true);
            }
            else if (Json.Num(port["port"]) is { } p)
            {
                number = p;
            }

            if (number is null)
            {
                continue;
            }

            var ep = new JsonObject { ["name"] = Json.Str(port["name"]) ?? string.Empty, ["port"] = number, ["protocol"] = protocol };
            if (Json.Str(port["appProtocol"]) is { } app)
            {
                ep["appProtocol"] = app;
            }

            result.Add(ep);
        }

        return result;
    }

    private static long? FindNamedPort(JsonArray? containers, string name, string protocol, bool sidecarsOnly)
    {
        foreach (var c in containers ?? [])
        {
            if (sidecarsOnly && Json.Str(c?["restartPolicy"]) != "Always")
            {
                continue;
            }

            foreach (var p in c?["ports"] as JsonArray ?? [])
            {
                if (Json.Str(p?["name"]) == name && (Json.Str(p?["protocol"]) ?? "TCP") == protocol)
                {
                    return Json.Num(p?["containerPort"]);
                }
            }
        }

        return null;
    }

    private void ReconcileByAddressType(
        JsonObject service, IReadOnlyList<JsonObject> pods, Func<string, JsonObject?> nodes, List<JsonObject> existing,
        DateTimeOffset? triggerTime, string addressType, EndpointSliceChanges changes)
    {
        var toCreate = new List<JsonObject>();
        var toUpdate = new List<JsonObject>();
        var toDelete = new List<JsonObject>();
        var existingByKey = new Dictionary<string, List<JsonObject>>(StringComparer.Ordinal);
        foreach (var slice in existing)
        {
            if (OwnedBy(slice, service))
            {
                var key = PortMapKey(slice["ports"] as JsonArray);
                if (!existingByKey.TryGetValue(key, out var list))
                {
                    existingByKey[key] = list = [];
                }

                list.Add(slice);
            }
            else
            {
                toDelete.Add(slice);
            }
        }

        var desired = new Dictionary<string, (JsonArray Ports, List<Desired> Endpoints, HashSet<string> Ids)>(StringComparer.Ordinal);
        var publishNotReady = Json.Bool(service["spec"]?["publishNotReadyAddresses"]) == true;
        var serviceVersion = Json.Str(service["metadata"]?["resourceVersion"]);
        var nodeCache = new Dictionary<string, JsonObject?>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            var entry = Entry(service, serviceVersion, pod, nodes, nodeCache, addressType, publishNotReady);
            if (!entry.Include)
            {
                continue;
            }

            if (!desired.TryGetValue(entry.PortKey, out var group))
            {
                desired[entry.PortKey] = group = (entry.Ports, [], new HashSet<string>(StringComparer.Ordinal));
            }

            // A missing node: upstream skips the pod (and requeues the Service) unless not-ready addresses are published.
            if (entry.Endpoint is { } ep && group.Ids.Add(ep.Id))
            {
                group.Endpoints.Add(ep);
            }
        }

        foreach (var (key, group) in desired)
        {
            ReconcileByPortMapping(service, existingByKey.GetValueOrDefault(key) ?? [], group.Endpoints, group.Ports, addressType, toCreate, toUpdate, toDelete);
        }

        foreach (var (key, slices) in existingByKey)
        {
            if (!desired.ContainsKey(key))
            {
                toDelete.AddRange(slices);
            }
        }

        // Every address type keeps at least one slice: an empty placeholder.
        if (existing.Count == toDelete.Count && toCreate.Count < 1)
        {
            var placeholder = NewSlice(service, [], addressType);
            if (toDelete.Count == 1 && PlaceholderEqual(toDelete[0], placeholder))
            {
                toDelete.Clear();
            }
            else
            {
                toCreate.Add(placeholder);
            }
        }

        ReconcileHints(service, existing, toCreate, toUpdate, toDelete);

        // Recycle: a create paired with a delete of the same type becomes an update of the deleted slice.
        for (var i = 0; i < toDelete.Count && toCreate.Count > 0;)
        {
            var last = toCreate[^1];
            if (Json.Str(toDelete[i]["addressType"]) == Json.Str(last["addressType"]) && OwnedBy(toDelete[i], service))
            {
                var meta = ObjectStore.Metadata(last);
                meta["name"] = Json.Name(toDelete[i]);
                meta.Remove("generateName");
                meta["resourceVersion"] = Json.Str(toDelete[i]["metadata"]?["resourceVersion"]);
                toCreate.RemoveAt(toCreate.Count - 1);
                toUpdate.Add(last);
                toDelete.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }

        var deleting = Json.IsDeleting(service);
        foreach (var slice in toCreate.Concat(toUpdate))
        {
            var annotations = Json.Obj(ObjectStore.Metadata(slice), "annotations");
            if (triggerTime is { } t)
            {
                annotations[WellKnownAnnotations.LastChangeTriggerTime] = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                annotations.Remove(WellKnownAnnotations.LastChangeTriggerTime);
            }
        }

        if (!deleting)
        {
            changes.Create.AddRange(toCreate);
        }

        changes.Update.AddRange(toUpdate);
        changes.Delete.AddRange(toDelete.Select(Json.Name));
    }

    private PodEntry Entry(
        JsonObject service, string? serviceVersion, JsonObject pod, Func<string, JsonObject?> nodes, Dictionary<string, JsonObject?> nodeCache, string addressType, bool publishNotReady)
    {
        JsonObject? Node(string name)
        {
            if (!nodeCache.TryGetValue(name, out var node))
            {
                nodeCache[name] = node = nodes(name);
            }

            return node;
        }

        var memoize = serviceVersion is not null && pod["metadata"]?["resourceVersion"] is not null;
        if (memoize && _previous is not null && _previous.TryGetValue((pod, addressType), out var cached)
            && cached.ServiceVersion == serviceVersion
            && (!cached.Include || ReferenceEquals(Node(cached.NodeName), cached.Node)))
        {
            _next![(pod, addressType)] = cached;
            return cached;
        }

        PodEntry entry;
        if (!ShouldPodBeInEndpoints(pod))
        {
            entry = new PodEntry(false, string.Empty, null, serviceVersion, string.Empty, [], null);
        }
        else
        {
            var nodeName = Json.Str(pod["spec"]?["nodeName"]) ?? string.Empty;
            var node = Node(nodeName);
            var ports = EndpointPorts(service, pod);
            Desired? desired = null;
            if (node is not null || publishNotReady)
            {
                var ep = PodToEndpoint(pod, node, service, addressType);
                if (ep["addresses"] is JsonArray { Count: > 0 })
                {
                    desired = new Desired(Identity(ep), Fingerprint(ep), ep);
                }
            }

            entry = new PodEntry(true, nodeName, node, serviceVersion, PortMapKey(ports), ports, desired);
        }

        if (memoize)
        {
            _next![(pod, addressType)] = entry;
        }

        return entry;
    }

    private static EndpointKey KeyOf(JsonObject storedEndpoint) =>
        Keys.GetValue(storedEndpoint, ep => new EndpointKey(Identity(ep), Fingerprint(ep)));

    private void ReconcileByPortMapping(
        JsonObject service, List<JsonObject> existing, List<Desired> desiredList, JsonArray ports, string addressType,
        List<JsonObject> toCreate, List<JsonObject> toUpdate, List<JsonObject> toDelete)
    {
        var desired = new Dictionary<string, Desired>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var d in desiredList)
        {
            desired[d.Id] = d;
            order.Add(d.Id);
        }

        var unchanged = new List<JsonObject>();
        var updates = new List<JsonObject>();
        foreach (var slice in existing)
        {
            var kept = new List<Desired>();
            var endpointUpdated = false;
            var original = slice["endpoints"] as JsonArray ?? [];
            foreach (var e in original)
            {
                if (e is not JsonObject ep)
                {
                    continue;
                }

                var key = KeyOf(ep);
                if (desired.Remove(key.Id, out var want))
                {
                    kept.Add(want);
                    endpointUpdated |= want.Fingerprint != key.Fingerprint;
                }
            }

            var (labels, labelsChanged) = SliceLabels(slice, service);
            if (endpointUpdated || kept.Count != original.Count)
            {
                if (kept.Count == 0)
                {
                    toDelete.Add(slice);
                }
                else
                {
                    var copy = CopyWithoutEndpoints(slice);
                    copy["endpoints"] = new JsonArray([.. kept.Select(k => k.Endpoint.DeepClone())]);
                    ObjectStore.Metadata(copy)["labels"] = labels;
                    updates.Add(copy);
                }
            }
            else if (labelsChanged)
            {
                var copy = (JsonObject)slice.DeepClone();
                ObjectStore.Metadata(copy)["labels"] = labels;
                updates.Add(copy);
            }
            else
            {
                unchanged.Add(slice);
            }
        }

        var remaining = new Queue<JsonObject>(order.Where(desired.ContainsKey).Select(id => desired[id].Endpoint));

        // Top up slices already being updated, fullest first.
        if (remaining.Count > 0 && updates.Count > 0)
        {
            foreach (var slice in updates.OrderByDescending(s => (s["endpoints"] as JsonArray)?.Count ?? 0).ToList())
            {
                var eps = (JsonArray)slice["endpoints"]!;
                while (eps.Count < _maxEndpointsPerSlice && remaining.Count > 0)
                {
                    eps.Add(remaining.Dequeue().DeepClone()); // the cached endpoint stays unattached
                }
            }
        }

        while (remaining.Count > 0)
        {
            JsonObject? fill = null;
            if (remaining.Count < _maxEndpointsPerSlice && unchanged.Count > 0)
            {
                fill = SliceToFill(unchanged, remaining.Count);
            }

            JsonObject slice;
            if (fill is null)
            {
                slice = NewSlice(service, (JsonArray)ports.DeepClone(), addressType);
            }
            else
            {
                unchanged.Remove(fill);
                slice = (JsonObject)fill.DeepClone();
            }

            var eps = Json.Arr(slice, "endpoints");
            while (eps.Count < _maxEndpointsPerSlice && remaining.Count > 0)
            {
                eps.Add(remaining.Dequeue().DeepClone()); // the cached endpoint stays unattached
            }

            if (!string.IsNullOrEmpty(Json.Name(slice)))
            {
                updates.Add(slice);
            }
            else
            {
                toCreate.Add(slice);
            }
        }

        toUpdate.AddRange(updates);
        _unchanged.AddRange(unchanged);
    }

    // Slices neither updated nor deleted in this address type (for the hints stage).
    private readonly List<JsonObject> _unchanged = [];

    private JsonObject? SliceToFill(List<JsonObject> unchanged, int remaining)
    {
        JsonObject? best = null;
        var bestDiff = _maxEndpointsPerSlice;
        foreach (var slice in unchanged)
        {
            var diff = _maxEndpointsPerSlice - (remaining + ((slice["endpoints"] as JsonArray)?.Count ?? 0));
            if (diff >= 0 && diff < bestDiff)
            {
                best = slice;
                bestDiff = diff;
                if (diff == 0)
                {
                    break;
                }
            }
        }

        return best;
    }

    private void ReconcileHints(JsonObject service, List<JsonObject> existing, List<JsonObject> toCreate, List<JsonObject> toUpdate, List<JsonObject> toDelete)
    {
        var unchanged = _unchanged.Where(s => !toDelete.Any(d => Json.Name(d) == Json.Name(s)) && !toUpdate.Any(u => Json.Name(u) == Json.Name(s))).ToList();
        _unchanged.Clear();
        _ = existing;
        var distribution = Json.Str(service["spec"]?["trafficDistribution"]);
        var annotations = service["metadata"]?["annotations"] as JsonObject;
        var topologyMode = annotations?[WellKnownAnnotations.TopologyAwareHints] is { } deprecated ? Json.Str(deprecated) : Json.Str(annotations?[WellKnownAnnotations.TopologyMode]);
        var auto = topologyMode is "Auto" or "auto";
        var preferClose = auto || distribution == "PreferClose" || (_preferSameTrafficDistribution && distribution is "PreferSameZone" or "PreferSameNode");
        var nodeHints = !auto && _preferSameTrafficDistribution && distribution == "PreferSameNode";

        foreach (var slice in unchanged)
        {
            if (NeedsHintUpdate(slice, preferClose, nodeHints))
            {
                toUpdate.Add((JsonObject)slice.DeepClone());
            }
        }

        foreach (var slice in toCreate.Concat(toUpdate))
        {
            foreach (var e in slice["endpoints"] as JsonArray ?? [])
            {
                if (e is JsonObject ep)
                {
                    ApplyHints(ep, preferClose, nodeHints);
                }
            }
        }
    }

    private static bool NeedsHintUpdate(JsonObject slice, bool preferClose, bool nodeHints)
    {
        foreach (var e in slice["endpoints"] as JsonArray ?? [])
        {
            if (e is not JsonObject ep)
            {
                continue;
            }

            if (!preferClose)
            {
                if (ep["hints"] is not null)
                {
                    return true;
                }

                continue;
            }

            if (Json.Bool(ep["conditions"]?["ready"]) != true)
            {
                continue;
            }

            var zones = (ep["hints"]?["forZones"] as JsonArray ?? []).Select(z => Json.Str(z?["name"])).ToList();
            var nodes = (ep["hints"]?["forNodes"] as JsonArray ?? []).Select(z => Json.Str(z?["name"])).ToList();
            var zone = Json.Str(ep["zone"]);
            var node = Json.Str(ep["nodeName"]);
            if (zone is not null ? !(zones.Count == 1 && zones[0] == zone) : zones.Count > 0)
            {
                return true;
            }

            if (node is not null && nodeHints ? !(nodes.Count == 1 && nodes[0] == node) : nodes.Count > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static void ApplyHints(JsonObject ep, bool preferClose, bool nodeHints)
    {
        if (!preferClose)
        {
            ep.Remove("hints");
            return;
        }

        if (Json.Bool(ep["conditions"]?["ready"]) != true)
        {
            return; // not-ready endpoints keep whatever hints they had
        }

        var hints = new JsonObject();
        if (Json.Str(ep["zone"]) is { } zone)
        {
            hints["forZones"] = new JsonArray(new JsonObject { ["name"] = zone });
        }

        if (nodeHints && Json.Str(ep["nodeName"]) is { } node)
        {
            hints["forNodes"] = new JsonArray(new JsonObject { ["name"] = node });
        }

        if (hints.Count > 0)
        {
            ep["hints"] = hints;
        }
        else
        {
            ep.Remove("hints");
        }
    }

    private static JsonObject NewSlice(JsonObject service, JsonArray ports, string addressType)
    {
        var name = Json.Name(service);
        var (labels, _) = SliceLabels(new JsonObject(), service);
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["generateName"] = KubernetesNames.IsDns1123Subdomain(name + "a") ? name + "-" : name,
                ["namespace"] = Json.Namespace(service),
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Service",
                    ["name"] = name,
                    ["uid"] = Json.Uid(service),
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["addressType"] = addressType,
            ["endpoints"] = new JsonArray(),
            ["ports"] = ports,
        };
    }

    /// <summary>The labels a slice should carry and whether its non-reserved labels differ from the Service's.</summary>
    private static (JsonObject Labels, bool Changed) SliceLabels(JsonObject slice, JsonObject service)
    {
        static bool Reserved(string key) => key is WellKnownLabels.ServiceName or WellKnownLabels.EndpointSliceManagedBy or WellKnownLabels.Headless;
        var sliceLabels = Json.StringMap(slice["metadata"]?["labels"]).Where(kv => !Reserved(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var serviceLabels = Json.StringMap(service["metadata"]?["labels"]).Where(kv => !Reserved(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var changed = sliceLabels.Count != serviceLabels.Count || sliceLabels.Any(kv => !serviceLabels.TryGetValue(kv.Key, out var v) || v != kv.Value);
        var result = new JsonObject();
        foreach (var (k, v) in serviceLabels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            result[k] = v;
        }

        var clusterIP = Json.Str(service["spec"]?["clusterIP"]);
        if (clusterIP is null or "" or "None")
        {
            result[WellKnownLabels.Headless] = string.Empty;
        }

        result[WellKnownLabels.ServiceName] = Json.Name(service);
        result[WellKnownLabels.EndpointSliceManagedBy] = ControllerName;
        return (result, changed);
    }

    private static bool OwnedBy(JsonObject slice, JsonObject service) =>
        (slice["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Any(o =>
            Json.Str(o["uid"]) == Json.Uid(service) && Json.Str(o["kind"]) == "Service" && Json.Str(o["apiVersion"]) == "v1");

    private static bool PlaceholderEqual(JsonObject existing, JsonObject placeholder)
    {
        static string Normalize(JsonObject s) =>
            $"{Json.Str(s["addressType"])}|{((s["ports"] as JsonArray)?.Count ?? 0)}|{((s["endpoints"] as JsonArray)?.Count ?? 0)}|{Json.Namespace(s)}|"
            + string.Join(",", Json.StringMap(s["metadata"]?["labels"]).Where(kv => kv.Value.Length > 0 || kv.Key == WellKnownLabels.Headless).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
        return (existing["endpoints"] as JsonArray ?? []).Count == 0 && (existing["ports"] as JsonArray ?? []).Count == 0 && Normalize(existing) == Normalize(placeholder);
    }

    // Endpoint identity (upstream EndpointSet hash): sorted addresses, hostname, target namespace and name.
    private static string Identity(JsonObject ep) =>
        string.Join(",", (ep["addresses"] as JsonArray ?? []).Select(Json.Str).Order(StringComparer.Ordinal))
        + "|" + Json.Str(ep["hostname"]) + "|" + Json.Str(ep["targetRef"]?["namespace"]) + "/" + Json.Str(ep["targetRef"]?["name"]);

    // What upstream compares beyond the identity hash (endpointsEqualBeyondHash): node, zone, the three conditions, the
    // target reference; two endpoints with the same identity are equal when these strings are.
    private static string Fingerprint(JsonObject ep)
    {
        static string B(JsonNode? n) => Json.Bool(n) switch { true => "t", false => "f", null => "-" };
        var r = ep["targetRef"];
        return string.Concat(
            [Json.Str(ep["nodeName"]), "|", Json.Str(ep["zone"]), "|",
             B(ep["conditions"]?["ready"]), B(ep["conditions"]?["serving"]), B(ep["conditions"]?["terminating"]), "|",
             r is null ? "<nil>" : string.Join("|", Json.Str(r["kind"]), Json.Str(r["namespace"]), Json.Str(r["name"]), Json.Str(r["uid"]), Json.Str(r["apiVersion"]), Json.Str(r["fieldPath"]))]);
    }

    private static JsonObject CopyWithoutEndpoints(JsonObject slice)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in slice)
        {
            copy[k] = k == "endpoints" ? null : v?.DeepClone();
        }

        return copy;
    }

    // Port-group key: order-insensitive, nil and empty the same.
    private static string PortMapKey(JsonArray? ports) =>
        string.Join(";", (ports ?? []).OfType<JsonObject>()
            .Select(p => $"{Json.Str(p["name"]) ?? "<nil>"}|{Json.Str(p["protocol"]) ?? "<nil>"}|{Json.Num(p["port"])?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<nil>"}|{Json.Str(p["appProtocol"]) ?? "<nil>"}")
            .Order(StringComparer.Ordinal));
}
