using System.Collections.Immutable;
using System.Net;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Categorization;

/// <summary>
/// Upstream's TestCategorizeEndpoints as data.
/// <list type="bullet">
/// <item>kubernetes/kubernetes pkg/proxy/topology_test.go at 6c039d9075ef18d200bb0ba7dbdb362f4d0deef0 (26 cases; the
/// newest version in the reference index; it has no node-hint cases and predates the nodeName argument, so the client
/// node is only used for locality here).</item>
/// <item>The four PreferSameNode cases from antrea-io/antrea pkg/agent/proxy/topology_test.go (ported from kube-proxy
/// v1.34.2; the upstream version of these cases was not readable), plus antrea's four externally-accessible eTP Local
/// cases.</item>
/// </list>
/// Harness rules as upstream's: a nil expected list requires a nil (default) result; otherwise lists compare as sets;
/// the expected "all" is cluster when only cluster is expected, local when only local is, else the case's own list;
/// hasAnyEndpoints is expected when "all" is non-empty or the case says only remote endpoints exist.
/// </summary>
public static class CategorizeEndpointsCases
{
    public const string LocalNode = "local-node";

    public static readonly ServicePortTraffic ClusterIPOnly = new(false, false, false);

    public static IEnumerable<Case> All => Kubernetes.Concat(Antrea);

    public static IEnumerable<Case> Kubernetes =>
    [
        new("should use topology since all endpoints have hints, node has a zone label and and there are endpoints for the node's zone",
            "zone-a", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a"]), Ep("10.1.2.4:80", r: true, zones: ["zone-b"]), Ep("10.1.2.5:80", r: true, zones: ["zone-c"]), Ep("10.1.2.6:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80", "10.1.2.6:80"], Local: null),
        new("externalTrafficPolicy: Local, topology ignored for Local endpoints",
            "zone-a", LocalNode, false, new(false, true, true),
            [Ep("10.1.2.3:80", r: true, l: true, zones: ["zone-a"]), Ep("10.1.2.4:80", r: true, l: true, zones: ["zone-b"]), Ep("10.1.2.5:80", r: true, zones: ["zone-c"]), Ep("10.1.2.6:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80", "10.1.2.6:80"], Local: ["10.1.2.3:80", "10.1.2.4:80"], AllEndpoints: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"]),
        new("internalTrafficPolicy: Local, topology ignored for Local endpoints",
            "zone-a", LocalNode, false, new(true, false, true),
            [Ep("10.1.2.3:80", r: true, l: true, zones: ["zone-a"]), Ep("10.1.2.4:80", r: true, l: true, zones: ["zone-b"]), Ep("10.1.2.5:80", r: true, zones: ["zone-c"]), Ep("10.1.2.6:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80", "10.1.2.6:80"], Local: ["10.1.2.3:80", "10.1.2.4:80"], AllEndpoints: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"]),
        new("empty node labels", null, LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80"], Local: null),
        new("empty zone label", "", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80"], Local: null),
        new("node in different zone, no endpoint filtering", "zone-b", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80"], Local: null),
        new("unready endpoint", "zone-a", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a"]), Ep("10.1.2.4:80", r: true, zones: ["zone-b"]), Ep("10.1.2.5:80", r: true, zones: ["zone-c"]), Ep("10.1.2.6:80", r: false, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80"], Local: null),
        new("only unready endpoints in same zone (should not filter)", "zone-a", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: false, zones: ["zone-a"]), Ep("10.1.2.4:80", r: true, zones: ["zone-b"]), Ep("10.1.2.5:80", r: true, zones: ["zone-c"]), Ep("10.1.2.6:80", r: false, zones: ["zone-a"])],
            Cluster: ["10.1.2.4:80", "10.1.2.5:80"], Local: null),
        new("missing hints, no filtering applied", "zone-a", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a"]), Ep("10.1.2.4:80", r: true, zones: ["zone-b"]), Ep("10.1.2.5:80", r: true), Ep("10.1.2.6:80", r: true, zones: ["zone-a"])],
            Cluster: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"], Local: null),
        new("multiple hints per endpoint, filtering includes any endpoint with zone included", "zone-c", LocalNode, false, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, zones: ["zone-a", "zone-b", "zone-c"]), Ep("10.1.2.4:80", r: true, zones: ["zone-b", "zone-c"]), Ep("10.1.2.5:80", r: true, zones: ["zone-b", "zone-d"]), Ep("10.1.2.6:80", r: true, zones: ["zone-c"])],
            Cluster: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.6:80"], Local: null),
        new("conflicting topology and localness require merging allEndpoints", "zone-a", LocalNode, false, new(false, true, true),
            [Ep("10.0.0.0:80", r: true, l: true, zones: ["zone-a"]), Ep("10.0.0.1:80", r: true, l: true, zones: ["zone-b"]), Ep("10.0.0.2:80", r: true, zones: ["zone-a"]), Ep("10.0.0.3:80", r: true, zones: ["zone-b"])],
            Cluster: ["10.0.0.0:80", "10.0.0.2:80"], Local: ["10.0.0.0:80", "10.0.0.1:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80", "10.0.0.2:80"]),
        new("internalTrafficPolicy: Local, with empty endpoints", null, LocalNode, false, new(true, false, false),
            [], Cluster: null, Local: []),
        new("internalTrafficPolicy: Local, but all endpoints are remote", null, LocalNode, false, new(true, false, false),
            [Ep("10.0.0.0:80", r: true), Ep("10.0.0.1:80", r: true)],
            Cluster: null, Local: [], OnlyRemoteEndpoints: true),
        new("internalTrafficPolicy: Local, all endpoints are local", null, LocalNode, false, new(true, false, false),
            [Ep("10.0.0.0:80", r: true, l: true), Ep("10.0.0.1:80", r: true, l: true)],
            Cluster: null, Local: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("internalTrafficPolicy: Local, some endpoints are local", null, LocalNode, false, new(true, false, false),
            [Ep("10.0.0.0:80", r: true, l: true), Ep("10.0.0.1:80", r: true)],
            Cluster: null, Local: ["10.0.0.0:80"]),
        new("Cluster traffic policy, endpoints not Ready", null, LocalNode, false, ClusterIPOnly,
            [Ep("10.0.0.0:80", r: false), Ep("10.0.0.1:80", r: false)],
            Cluster: [], Local: null),
        new("Cluster traffic policy, some endpoints are Ready", null, LocalNode, false, ClusterIPOnly,
            [Ep("10.0.0.0:80", r: false), Ep("10.0.0.1:80", r: true)],
            Cluster: ["10.0.0.1:80"], Local: null),
        new("Cluster traffic policy, all endpoints are terminating", null, LocalNode, false, ClusterIPOnly,
            [Ep("10.0.0.0:80", r: false, s: true, t: true, l: true), Ep("10.0.0.1:80", r: false, s: true, t: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: null),
        new("iTP: Local, eTP: Cluster, some endpoints local", null, LocalNode, false, new(true, false, true),
            [Ep("10.0.0.0:80", r: true, l: true), Ep("10.0.0.1:80", r: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: ["10.0.0.0:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("iTP: Cluster, eTP: Local, some endpoints local", null, LocalNode, false, new(false, true, true),
            [Ep("10.0.0.0:80", r: true, l: true), Ep("10.0.0.1:80", r: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: ["10.0.0.0:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("iTP: Local, eTP: Local, some endpoints local", null, LocalNode, false, new(true, true, true),
            [Ep("10.0.0.0:80", r: true, l: true), Ep("10.0.0.1:80", r: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: ["10.0.0.0:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("iTP: Local, eTP: Local, all endpoints remote", null, LocalNode, false, new(true, true, true),
            [Ep("10.0.0.0:80", r: true), Ep("10.0.0.1:80", r: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: [], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("iTP: Local, eTP: Local, all endpoints remote and terminating", null, LocalNode, false, new(true, true, true),
            [Ep("10.0.0.0:80", r: false, s: true, t: true), Ep("10.0.0.1:80", r: false, s: true, t: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: [], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"], OnlyRemoteEndpoints: true),
        new("iTP: Cluster, eTP: Local, with terminating endpoints", null, LocalNode, false, new(false, true, true),
            [Ep("10.0.0.0:80", r: true), Ep("10.0.0.1:80", r: false, l: true), Ep("10.0.0.2:80", r: false, s: true, t: true, l: true), Ep("10.0.0.3:80", r: false, s: true, t: true)],
            Cluster: ["10.0.0.0:80"], Local: ["10.0.0.2:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.2:80"]),
        new("externalTrafficPolicy ignored if not externally accessible", null, LocalNode, false, new(false, true, false),
            [Ep("10.0.0.0:80", r: true), Ep("10.0.0.1:80", r: true, l: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: null, AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("no cluster endpoints for iTP:Local internal-only service", null, LocalNode, false, new(true, false, false),
            [Ep("10.0.0.0:80", r: true), Ep("10.0.0.1:80", r: true, l: true)],
            Cluster: null, Local: ["10.0.0.1:80"], AllEndpoints: ["10.0.0.1:80"]),
    ];

    public static IEnumerable<Case> Antrea =>
    [
        new("PreferSameNode falls back to same-zone when feature gate disabled", "zone-a", "node-1", false, ClusterIPOnly,
            NodeHinted(), Cluster: ["10.1.2.3:80", "10.1.2.6:80"], Local: null),
        new("PreferSameNode available", "zone-a", "node-1", true, ClusterIPOnly,
            NodeHinted(), Cluster: ["10.1.2.3:80"], Local: null),
        new("PreferSameNode ignored if some endpoints unhinted", "zone-a", "node-1", true, ClusterIPOnly,
            [Ep("10.1.2.3:80", r: true, s: true, zones: ["zone-a"], nodes: ["node-1"]), Ep("10.1.2.4:80", r: true, s: true), Ep("10.1.2.5:80", r: true, s: true, zones: ["zone-c"], nodes: ["node-3"]), Ep("10.1.2.6:80", r: true, s: true, zones: ["zone-a"], nodes: ["node-4"])],
            Cluster: ["10.1.2.3:80", "10.1.2.4:80", "10.1.2.5:80", "10.1.2.6:80"], Local: null),
        new("PreferSameNode falls back to PreferSameZone if no endpoint for node", "zone-a", "node-0", true, ClusterIPOnly,
            NodeHinted(), Cluster: ["10.1.2.3:80", "10.1.2.6:80"], Local: null),
        new("externalTrafficPolicy: Local, externally accessible, with empty endpoints", null, LocalNode, false, new(false, true, true),
            [], Cluster: [], Local: []),
        new("externalTrafficPolicy: Local, externally accessible, but all endpoints are remote", null, LocalNode, false, new(false, true, true),
            [Ep("10.0.0.0:80", r: true, s: true), Ep("10.0.0.1:80", r: true, s: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: [], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("externalTrafficPolicy: Local, externally accessible, all endpoints are local", null, LocalNode, false, new(false, true, true),
            [Ep("10.0.0.0:80", r: true, s: true, l: true), Ep("10.0.0.1:80", r: true, s: true, l: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: ["10.0.0.0:80", "10.0.0.1:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
        new("externalTrafficPolicy: Local, externally accessible, some endpoints are local", null, LocalNode, false, new(false, true, true),
            [Ep("10.0.0.0:80", r: true, s: true, l: true), Ep("10.0.0.1:80", r: true, s: true)],
            Cluster: ["10.0.0.0:80", "10.0.0.1:80"], Local: ["10.0.0.0:80"], AllEndpoints: ["10.0.0.0:80", "10.0.0.1:80"]),
    ];

    private static EndpointSpec[] NodeHinted() =>
    [
        Ep("10.1.2.3:80", r: true, s: true, zones: ["zone-a"], nodes: ["node-1"]),
        Ep("10.1.2.4:80", r: true, s: true, zones: ["zone-b"], nodes: ["node-2"]),
        Ep("10.1.2.5:80", r: true, s: true, zones: ["zone-c"], nodes: ["node-3"]),
        Ep("10.1.2.6:80", r: true, s: true, zones: ["zone-a"], nodes: ["node-4"]),
    ];

    private static EndpointSpec Ep(string key, bool r = false, bool s = false, bool t = false, bool l = false, string[]? zones = null, string[]? nodes = null) =>
        new(key, r, s, t, l, zones, nodes);

    public sealed record EndpointSpec(string Key, bool Ready, bool Serving, bool Terminating, bool Local, string[]? ZoneHints, string[]? NodeHints)
    {
        public ServiceEndpoint ToServiceEndpoint()
        {
            var ep = IPEndPoint.Parse(Key);
            var raw = new Endpoint(ep.Address.ToString(), new EndpointConditions(Ready, Serving, Terminating))
            {
                NodeName = Local ? LocalNode : null,
                ZoneHints = ZoneHints is null ? [] : [.. ZoneHints],
                NodeHints = NodeHints is null ? [] : [.. NodeHints],
            };
            return new ServiceEndpoint(ep.Address, ep.Port, raw);
        }
    }

    public sealed record Case(
        string Name, string? Zone, string Node, bool PreferSameEnabled, ServicePortTraffic Traffic, EndpointSpec[] Endpoints,
        string[]? Cluster, string[]? Local, string[]? AllEndpoints = null, bool OnlyRemoteEndpoints = false)
    {
        public string[] ExpectedAll =>
            Cluster is not null && Local is null ? Cluster
            : Local is not null && Cluster is null ? Local
            : AllEndpoints ?? [];

        public override string ToString() => Name;
    }
}
