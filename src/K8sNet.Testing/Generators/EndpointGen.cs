using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;

namespace K8sNet.Testing.Generators;

/// <summary>
/// FsCheck generators for what routing consumes: endpoint conditions (including absent ones), endpoints with nodes,
/// zones and hints, EndpointSlices, Service specs and client topologies. Values come from small pools so that
/// duplicates across slices, shared nodes and matching hints actually occur.
/// </summary>
public static class EndpointGen
{
    /// <summary>The nodes generated endpoints and clients are on.</summary>
    public static readonly ImmutableArray<string> Nodes = ["node-a", "node-b", "node-c", "node-d"];

    /// <summary>The zones generated endpoints and clients are in.</summary>
    public static readonly ImmutableArray<string> Zones = ["zone-1", "zone-2", "zone-3"];

    private static readonly bool?[] Tristate = [true, false, null];

    /// <summary>Raw conditions, each of ready, serving and terminating true, false or absent.</summary>
    /// <returns>The generator.</returns>
    public static Gen<EndpointConditions> Conditions() =>
        from r in Gen.Elements(Tristate)
        from s in Gen.Elements(Tristate)
        from t in Gen.Elements(Tristate)
        select new EndpointConditions(r, s, t);

    /// <summary>Conditions the EndpointSlice controller writes: ready, not ready, or terminating (ready false, serving from readiness).</summary>
    /// <returns>The generator.</returns>
    public static Gen<EndpointConditions> ControllerConditions() => Gen.Elements(
        new EndpointConditions(true, true, false),
        new EndpointConditions(false, false, false),
        new EndpointConditions(false, true, true),
        new EndpointConditions(false, false, true));

    /// <summary>IPv4 endpoints from a pool of <paramref name="addresses"/> addresses, with node, zone and optional hints.</summary>
    /// <param name="addresses">How many distinct addresses the pool holds (fewer means more duplicates).</param>
    /// <param name="conditions">The conditions generator; <see cref="Conditions"/> by default.</param>
    /// <returns>The generator.</returns>
    public static Gen<Endpoint> Endpoint(int addresses = 32, Gen<EndpointConditions>? conditions = null) =>
        from ip in Gen.Choose(1, Math.Max(1, addresses))
        from c in conditions ?? Conditions()
        from node in Gen.Elements(Nodes.ToArray())
        from zoneIndex in Gen.Choose(0, Zones.Length - 1)
        from hinted in Gen.Elements(true, false)
        from nodeHinted in Gen.Elements(true, false, false)
        select new Endpoint($"10.244.{ip / 250}.{ip % 250 + 1}", c)
        {
            NodeName = node,
            Zone = Zones[zoneIndex],
            ZoneHints = hinted ? [Zones[zoneIndex]] : [],
            NodeHints = nodeHinted ? [node] : [],
            TargetRef = new EndpointTargetRef("Pod", "default", $"pod-{ip}"),
        };

    /// <summary>IPv4 slices named from <paramref name="names"/>, with the port <c>http</c> (target 8080 or 9090) and up to <paramref name="maxEndpoints"/> endpoints.</summary>
    /// <param name="names">The slice names to draw from.</param>
    /// <param name="maxEndpoints">The most endpoints per slice.</param>
    /// <param name="addresses">The size of the address pool.</param>
    /// <returns>The generator.</returns>
    public static Gen<EndpointSliceInfo> Slice(string[]? names = null, int maxEndpoints = 8, int addresses = 32) =>
        from name in Gen.Elements(names ?? ["svc-a", "svc-b", "svc-c"])
        from port in Gen.Elements(8080, 9090)
        from count in Gen.Choose(0, maxEndpoints)
        from endpoints in Gen.ArrayOf(Endpoint(addresses), count)
        select new EndpointSliceInfo(name, AddressType.IPv4, [new EndpointPort("http", port)], [.. endpoints]);

    /// <summary>ClusterIP Service specs with the port <c>http</c> and any internal traffic policy.</summary>
    /// <returns>The generator.</returns>
    public static Gen<ServiceSpecInfo> Spec() =>
        from itp in Gen.Elements<TrafficPolicy?>(null, TrafficPolicy.Cluster, TrafficPolicy.Local)
        select new ServiceSpecInfo
        {
            ClusterIPs = ["10.96.0.10"],
            Ports = [new ServicePortInfo("http", 80, TargetPort.FromName("http"))],
            InternalTrafficPolicy = itp,
        };

    /// <summary>Clients on one of <see cref="Nodes"/> (or unknown) in one of <see cref="Zones"/> (or unknown).</summary>
    /// <returns>The generator.</returns>
    public static Gen<ClientTopology> Topology() =>
        from node in Gen.Elements([.. Nodes, (string?)null])
        from zone in Gen.Elements([.. Zones, (string?)null])
        select new ClientTopology(node, zone);

    /// <summary>
    /// The endpoint set a client sees for the port <c>http</c> of Service <c>default/orders</c>: generated slices (up to
    /// <paramref name="maxSlices"/>, each up to <paramref name="maxEndpoints"/> endpoints of any conditions, nodes, zones
    /// and hints), a generated Service spec and client topology, through K8sNet.Routing's <see cref="K8sNet.Routing.EndpointSetBuilder"/>
    /// (kube-proxy's rules: ready, then serving-terminating, topology hints, traffic policy). Empty sets, with their
    /// status, occur too.
    /// </summary>
    /// <param name="maxSlices">The most slices.</param>
    /// <param name="maxEndpoints">The most endpoints per slice.</param>
    /// <returns>The generator.</returns>
    public static Gen<EndpointSet> EndpointSet(int maxSlices = 3, int maxEndpoints = 8) =>
        from spec in Spec()
        from count in Gen.Choose(1, maxSlices)
        from slices in Gen.ArrayOf(Slice(null, maxEndpoints), count)
        from client in Topology()
        select Build(spec, slices, client);

    private static EndpointSet Build(ServiceSpecInfo spec, EndpointSliceInfo[] slices, ClientTopology client)
    {
        var service = new ServiceName("default", "orders");
        var named = slices.Select((s, i) => s with { Name = $"orders-{i}" });
        var state = ServiceState.Initial(service).WithAll(spec, named);
        var port = new ServicePortKey("http", TransportProtocol.Tcp);
        return new K8sNet.Routing.EndpointSetBuilder(service, client).Update(state).TryGetValue(port, out var set)
            ? set
            : K8sNet.EndpointSet.Empty(service, port, state.Version, EndpointSetStatus.NoEndpoints);
    }

    /// <summary>Sets of 1 to <paramref name="max"/> distinct ready IPv4 endpoints for balancer properties, in key order (as sets hold them).</summary>
    /// <param name="max">The most endpoints.</param>
    /// <returns>The generator.</returns>
    public static Gen<ServiceEndpoint[]> DistinctServiceEndpoints(int max = 64) =>
        from n in Gen.Choose(1, max)
        select Enumerable.Range(0, n)
            .Select(i => new ServiceEndpoint(
                System.Net.IPAddress.Parse($"10.0.{i / 250}.{i % 250 + 1}"),
                8080,
                new Endpoint($"10.0.{i / 250}.{i % 250 + 1}", EndpointConditions.ReadyEndpoint)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToArray();
}
