using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The legacy Endpoints object of a selector Service, as upstream's endpoints controller
/// (kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller.go, syncService) builds it: one address per pod
/// that belongs (not terminal, has an IP; terminating pods only when <c>publishNotReadyAddresses</c>), of the Service's
/// first IP family; ready when the pod is Ready or the Service publishes not-ready addresses, otherwise under
/// <c>notReadyAddresses</c>; repacked so each subset holds the addresses sharing one set of ports (not-ready wins over
/// ready for an address and port), addresses sorted by IP then pod UID; truncated to 1000 addresses with the
/// <c>endpoints.kubernetes.io/over-capacity: truncated</c> annotation, ready addresses kept first and each subset cut
/// in proportion; the Service's labels plus <c>service.kubernetes.io/headless</c> when it has no cluster IP.
/// </summary>
/// <remarks>
/// Upstream orders ports within a subset, and the subsets themselves, by an MD5 of their Go debug dump; this orders
/// them by port number, name and protocol, and subsets by their first port — deterministic, and no client depends on
/// the upstream order. The <c>endpoints.kubernetes.io/last-change-trigger-time</c> annotation (a latency SLI) is not set.
/// </remarks>
internal static class EndpointsMirror
{
    public const int MaxCapacity = 1000;

    // Keyed by the stored pod object: an update stores a new object, so an entry is never stale and goes with its pod.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<JsonObject, PodFacts> Facts = new();

    /// <summary>Whether this Service gets an Endpoints object from the controller (a selector, and not ExternalName).</summary>
    public static bool IsManaged(JsonObject service) =>
        service["spec"]?["selector"] is JsonObject && Json.Str(service["spec"]?["type"]) != "ExternalName";

    /// <summary>The Endpoints object to write, or <see langword="null"/> when <paramref name="current"/> already says it.</summary>
    public static JsonObject? Desired(JsonObject service, IEnumerable<JsonObject> pods, JsonObject? current)
    {
        var (subsets, truncated) = Subsets(service, pods);
        var labels = service["metadata"]?["labels"] is JsonObject l ? (JsonObject)l.DeepClone() : [];
        var clusterIp = Json.Str(service["spec"]?["clusterIP"]);
        if (string.IsNullOrEmpty(clusterIp) || clusterIp == "None")
        {
            labels[WellKnownLabels.Headless] = string.Empty;
        }

        var annotations = current?["metadata"]?["annotations"] is JsonObject a ? (JsonObject)a.DeepClone() : [];
        if (truncated)
        {
            annotations[WellKnownAnnotations.EndpointsOverCapacity] = "truncated";
        }
        else
        {
            annotations.Remove(WellKnownAnnotations.EndpointsOverCapacity);
        }

        if (current is not null
            && JsonNode.DeepEquals(current["subsets"] ?? new JsonArray(), subsets)
            && JsonNode.DeepEquals(current["metadata"]?["labels"] ?? new JsonObject(), labels)
            && JsonNode.DeepEquals(current["metadata"]?["annotations"] ?? new JsonObject(), annotations))
        {
            return null;
        }

        var meta = current?["metadata"] is JsonObject m
            ? (JsonObject)m.DeepClone()
            : new JsonObject { ["name"] = Json.Name(service), ["namespace"] = Json.Namespace(service) };
        meta["labels"] = labels;
        if (annotations.Count > 0)
        {
            meta["annotations"] = annotations;
        }
        else
        {
            meta.Remove("annotations");
        }

        var result = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Endpoints", ["metadata"] = meta };
        if (subsets.Count > 0)
        {
            result["subsets"] = subsets;
        }

        return result;
    }

    /// <summary>The repacked, sorted and (over 1000 addresses) truncated subsets.</summary>
    public static (JsonArray Subsets, bool Truncated) Subsets(JsonObject service, IEnumerable<JsonObject> pods)
    {
        ArgumentNullException.ThrowIfNull(service);
        var publish = Json.Bool(service["spec"]?["publishNotReadyAddresses"]) == true;
        var ports = service["spec"]?["ports"] as JsonArray;
        var headless = Json.Str(service["spec"]?["clusterIP"]) == "None";
        if (ports is not { Count: > 0 } && !headless)
        {
            return ([], false);
        }

        // port -> (address key -> ready); every address once, by IP and pod UID. What a pod contributes is kept with the
        // stored pod object (replaced, never changed, on update) for this version of the Service, so a sync of a large
        // Service reads each unchanged pod's facts back instead of working them out again.
        var byPort = new Dictionary<PortKey, Dictionary<AddressKey, bool>>();
        var addresses = new Dictionary<AddressKey, JsonObject>();
        foreach (var pod in pods)
        {
            if (!EndpointSliceReconciler.ShouldPodBeInEndpoints(pod) || (!publish && Json.IsDeleting(pod)))
            {
                continue;
            }

            if (!Facts.TryGetValue(pod, out var facts) || !ReferenceEquals(facts.Service, service))
            {
                facts = new PodFacts(service, AddressIp(service, pod), Json.Uid(pod), IsReady(pod),
                    ports is { Count: > 0 } ? [.. EndpointSliceReconciler.EndpointPorts(service, pod).OfType<JsonObject>().Select(PortKey.Of)] : [PortKey.None]);
                Facts.AddOrUpdate(pod, facts);
            }

            if (facts.Ip is not { } ip)
            {
                continue;
            }

            var key = new AddressKey(ip, facts.Uid);
            addresses.TryAdd(key, pod);
            var ready = publish || facts.Ready;
            foreach (var port in facts.Ports)
            {
                if (!byPort.TryGetValue(port, out var set))
                {
                    byPort[port] = set = [];
                }

                // Not ready wins: an address some container of which is not ready for this port is not ready.
                set[key] = set.TryGetValue(key, out var was) ? was && ready : ready;
            }
        }

        // Ports that share exactly the same addresses (and readiness) form one subset.
        var groups = new List<(List<PortKey> Ports, Dictionary<AddressKey, bool> Set)>();
        foreach (var (port, set) in byPort)
        {
            var group = groups.FindIndex(g => g.Set.Count == set.Count && g.Set.All(a => set.TryGetValue(a.Key, out var r) && r == a.Value));
            if (group < 0)
            {
                groups.Add(([port], set));
            }
            else
            {
                groups[group].Ports.Add(port);
            }
        }

        var subsets = groups
            .Select(g => (Ports: g.Ports.Order().ToList(), g.Set))
            .OrderBy(g => g.Ports[0])
            .Select(g => new Subset(
                [.. g.Set.Where(p => p.Value).Select(p => p.Key).Order()],
                [.. g.Set.Where(p => !p.Value).Select(p => p.Key).Order()],
                g.Ports))
            .ToList();
        var truncated = Truncate(subsets);

        var result = new JsonArray();
        foreach (var s in subsets)
        {
            var subset = new JsonObject();
            if (s.Ready.Count > 0)
            {
                subset["addresses"] = new JsonArray([.. s.Ready.Select(k => (JsonNode)Address(service, addresses[k], k.Ip))]);
            }

            if (s.NotReady.Count > 0)
            {
                subset["notReadyAddresses"] = new JsonArray([.. s.NotReady.Select(k => (JsonNode)Address(service, addresses[k], k.Ip))]);
            }

            if (s.Ports.Any(p => p != PortKey.None))
            {
                subset["ports"] = new JsonArray([.. s.Ports.Where(p => p != PortKey.None).Select(p => (JsonNode)p.ToJson())]);
            }

            if (subset.Count > 0)
            {
                result.Add(subset);
            }
        }

        return (result, truncated);
    }

    /// <summary>Truncation on subsets of the given sizes, for checking against upstream's TestTruncateEndpoints.</summary>
    internal static (int[] Ready, int[] NotReady, bool Truncated) TruncateCounts(int[] ready, int[] notReady)
    {
        var subsets = ready.Select((r, i) => new Subset(
            [.. Enumerable.Range(0, r).Select(k => new AddressKey($"r{i}-{k}", string.Empty))],
            [.. Enumerable.Range(0, notReady[i]).Select(k => new AddressKey($"n{i}-{k}", string.Empty))],
            [])).ToList();
        var truncated = Truncate(subsets);
        return ([.. subsets.Select(s => s.Ready.Count)], [.. subsets.Select(s => s.NotReady.Count)], truncated);
    }

    // Upstream truncateEndpoints: over capacity, ready addresses are kept first; each subset keeps its share (rounded
    // up) of what may be kept, the last ones getting what is left.
    private static bool Truncate(List<Subset> subsets)
    {
        var totalReady = subsets.Sum(s => s.Ready.Count);
        var totalNotReady = subsets.Sum(s => s.NotReady.Count);
        if (totalReady + totalNotReady <= MaxCapacity)
        {
            return false;
        }

        var truncateReady = totalReady > MaxCapacity;
        var max = truncateReady ? MaxCapacity : MaxCapacity - totalReady;
        var total = truncateReady ? totalReady : totalNotReady;
        var canBeAdded = max;
        foreach (var s in subsets)
        {
            var inSubset = truncateReady ? s.Ready.Count : s.NotReady.Count;
            var toBeAdded = Math.Min((int)Math.Ceiling((double)inSubset / total * max), canBeAdded);
            if (truncateReady)
            {
                Cut(s.Ready, toBeAdded);
                s.NotReady.Clear();
                canBeAdded -= s.Ready.Count;
            }
            else
            {
                Cut(s.NotReady, toBeAdded);
                canBeAdded -= s.NotReady.Count;
            }
        }

        return true;

        static void Cut(List<AddressKey> list, int keep)
        {
            if (list.Count > keep)
            {
                list.RemoveRange(keep, list.Count - keep);
            }
        }
    }

    private static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(c => Json.Str(c["type"]) == "Ready" && Json.Str(c["status"]) == "True");

    // Upstream podToEndpointAddressForService: the pod IP of the Service's family (its first ipFamilies entry; else its
    // cluster IP's family; else, headless, the pod's primary IP's family).
    private static string? AddressIp(JsonObject service, JsonObject pod)
    {
        var primary = Json.Str(pod["status"]?["podIP"]);
        bool v6;
        if ((service["spec"]?["ipFamilies"] as JsonArray)?.FirstOrDefault() is { } family)
        {
            v6 = Json.Str(family) == "IPv6";
        }
        else if (Json.Str(service["spec"]?["clusterIP"]) is { Length: > 0 } clusterIp && clusterIp != "None")
        {
            v6 = IsV6(clusterIp);
        }
        else
        {
            v6 = primary is not null && IsV6(primary);
        }

        if (pod["status"]?["podIPs"] is JsonArray { Count: > 0 } ips)
        {
            foreach (var entry in ips)
            {
                if (Json.Str(entry?["ip"]) is { } ip && IsV6(ip) == v6)
                {
                    return ip;
                }
            }

            return null;
        }

        return primary is not null && IsV6(primary) == v6 ? primary : null;

        static bool IsV6(string s) => IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static JsonObject Address(JsonObject service, JsonObject pod, string ip)
    {
        var address = new JsonObject
        {
            ["ip"] = ip,
            ["nodeName"] = Json.Str(pod["spec"]?["nodeName"]) ?? string.Empty,
            ["targetRef"] = new JsonObject
            {
                ["kind"] = "Pod",
                ["namespace"] = Json.Namespace(pod),
                ["name"] = Json.Name(pod),
                ["uid"] = Json.Uid(pod),
            },
        };
        var hostname = Json.Str(pod["spec"]?["hostname"]);
        if (!string.IsNullOrEmpty(hostname) && Json.Str(pod["spec"]?["subdomain"]) == Json.Name(service) && Json.Namespace(pod) == Json.Namespace(service))
        {
            address["hostname"] = hostname;
        }

        return address;
    }

    // What a stored pod contributes to a Service's Endpoints (for that version of the Service).
    private sealed record PodFacts(JsonObject Service, string? Ip, string Uid, bool Ready, PortKey[] Ports);

    private sealed record Subset(List<AddressKey> Ready, List<AddressKey> NotReady, List<PortKey> Ports);

    // Upstream LessEndpointAddress: IP bytes, then the target's UID.
    private readonly record struct AddressKey(string Ip, string Uid) : IComparable<AddressKey>
    {
        public int CompareTo(AddressKey other)
        {
            var c = string.CompareOrdinal(Ip, other.Ip);
            return c != 0 ? c : string.CompareOrdinal(Uid, other.Uid);
        }
    }

    private readonly record struct PortKey(string Name, long Port, string Protocol, string? AppProtocol) : IComparable<PortKey>
    {
        // A headless Service without ports still lists its addresses, under one subset with no ports.
        public static PortKey None { get; } = new(string.Empty, -1, string.Empty, null);

        public static PortKey Of(JsonObject slicePort) =>
            new(Json.Str(slicePort["name"]) ?? string.Empty, Json.Num(slicePort["port"]) ?? 0, Json.Str(slicePort["protocol"]) ?? "TCP", Json.Str(slicePort["appProtocol"]));

        public JsonObject ToJson()
        {
            var port = new JsonObject();
            if (Name.Length > 0)
            {
                port["name"] = Name;
            }

            port["port"] = Port;
            port["protocol"] = Protocol;
            if (AppProtocol is not null)
            {
                port["appProtocol"] = AppProtocol;
            }

            return port;
        }

        public int CompareTo(PortKey other)
        {
            var c = Port.CompareTo(other.Port);
            c = c != 0 ? c : string.CompareOrdinal(Name, other.Name);
            c = c != 0 ? c : string.CompareOrdinal(Protocol, other.Protocol);
            return c != 0 ? c : string.CompareOrdinal(AppProtocol, other.AppProtocol);
        }
    }
}
