using System.Collections.Immutable;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Endpoints;

public class EndpointSetBuilderTests
{
    private static readonly ServiceName Orders = new("shop", "orders");
    private static readonly ServicePortKey Http = new("http", TransportProtocol.Tcp);

    private static readonly ServiceSpecInfo Spec = new()
    {
        ClusterIPs = ["10.96.0.20"],
        Ports = [new ServicePortInfo("http", 80, TargetPort.FromName("web"))],
    };

    private static EndpointSliceInfo Slice(string name, int port, params Endpoint[] endpoints) =>
        new(name, AddressType.IPv4, [new EndpointPort("http", port)], [.. endpoints]);

    private static Endpoint Ready(string ip, string? node = null) => new(ip, EndpointConditions.ReadyEndpoint) { NodeName = node };

    private static Endpoint Terminating(string ip, bool serving = true) => new(ip, new EndpointConditions(false, serving, true));

    private static EndpointSetBuilder Builder(ClientTopology? client = null, EndpointSetOptions? options = null) =>
        new(Orders, client ?? ClientTopology.Unknown, options);

    [Fact]
    public void Update_MergesSlices_SortedByKey()
    {
        var state = ServiceState.Initial(Orders).WithSpec(Spec)
            .WithSlice(Slice("b", 8080, Ready("10.0.0.9"), Ready("10.0.0.10")))
            .WithSlice(Slice("a", 8080, Ready("10.0.0.2")));

        var set = Builder().Update(state)[Http];

        Assert.Equal(["10.0.0.10:8080", "10.0.0.2:8080", "10.0.0.9:8080"], set.All.Select(e => e.Key));
        Assert.Equal(EndpointSetStatus.Ready, set.Status);
        Assert.Equal(state.Version, set.Version);
    }

    [Fact]
    public void Update_NamedTargetPortResolvedDifferently_KeepsEachSlicesPort()
    {
        var state = ServiceState.Initial(Orders).WithSpec(Spec)
            .WithSlice(Slice("a", 8080, Ready("10.0.0.1")))
            .WithSlice(Slice("b", 9090, Ready("10.0.0.2")));

        var set = Builder().Update(state)[Http];

        Assert.Equal(["10.0.0.1:8080", "10.0.0.2:9090"], set.Eligible.Select(e => e.Key));
    }

    [Fact]
    public void Update_SameKeyInTwoSlices_TheNonTerminatingOneWins()
    {
        // A terminating pod and its replacement on the same IP (kube-proxy's EndpointSliceCache rule).
        var running = Ready("10.0.0.1");
        var leaving = Terminating("10.0.0.1");
        var first = ServiceState.Initial(Orders).WithSpec(Spec)
            .WithSlice(Slice("a", 8080, leaving))
            .WithSlice(Slice("b", 8080, running));
        var second = ServiceState.Initial(Orders).WithSpec(Spec)
            .WithSlice(Slice("a", 8080, running))
            .WithSlice(Slice("b", 8080, leaving));

        Assert.Same(running, Assert.Single(Builder().Update(first)[Http].All).Source);
        Assert.Same(running, Assert.Single(Builder().Update(second)[Http].All).Source);
    }

    [Fact]
    public void Update_OnlyTheFirstAddressCounts()
    {
        var two = new Endpoint(ImmutableArray.Create("10.0.0.1", "10.0.0.2"), EndpointConditions.ReadyEndpoint);
        var state = ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(Slice("a", 8080, two));

        Assert.Equal("10.0.0.1:8080", Assert.Single(Builder().Update(state)[Http].All).Key);
    }

    [Fact]
    public void Update_PortsWithoutNameOrNumber_AreSkipped()
    {
        var slice = new EndpointSliceInfo("a", AddressType.IPv4,
            [new EndpointPort(null, 8080), new EndpointPort("http", null), new EndpointPort("http", 0)], [Ready("10.0.0.1")]);
        var state = ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(slice);

        var set = Builder().Update(state)[Http];

        Assert.Empty(set.All);
        Assert.Equal(EndpointSetStatus.NoEndpoints, set.Status);
    }

    [Fact]
    public void Update_NoReadyEndpoint_FallsBackToServingTerminating()
    {
        var state = ServiceState.Initial(Orders).WithSpec(Spec)
            .WithSlice(Slice("a", 8080, Terminating("10.0.0.1"), Terminating("10.0.0.2", serving: false)));

        var set = Builder().Update(state)[Http];

        Assert.Equal(EndpointSetStatus.TerminatingFallback, set.Status);
        Assert.Equal(["10.0.0.1:8080"], set.Eligible.Select(e => e.Key));
    }

    [Fact]
    public void Update_InternalTrafficPolicyLocal_OnlyThisNodesEndpoints_OrNoneEligible()
    {
        var spec = Spec with { InternalTrafficPolicy = TrafficPolicy.Local };
        var state = ServiceState.Initial(Orders).WithSpec(spec)
            .WithSlice(Slice("a", 8080, Ready("10.0.0.1", "node-a"), Ready("10.0.0.2", "node-b")));

        var onA = Builder(new ClientTopology("node-a", null)).Update(state)[Http];
        var onC = Builder(new ClientTopology("node-c", null)).Update(state)[Http];

        Assert.Equal(["10.0.0.1:8080"], onA.Eligible.Select(e => e.Key));
        Assert.Equal(EndpointSetStatus.NoneEligible, onC.Status);
        Assert.Empty(onC.Eligible);
    }

    [Fact]
    public void Update_ZoneHints_FilterForTheClientsZone()
    {
        Endpoint Hinted(string ip, string zone) => new(ip, EndpointConditions.ReadyEndpoint) { Zone = zone, ZoneHints = [zone] };
        var state = ServiceState.Initial(Orders).WithSpec(Spec)
            .WithSlice(Slice("a", 8080, Hinted("10.0.0.1", "z1"), Hinted("10.0.0.2", "z2"), Hinted("10.0.0.3", "z1")));

        var set = Builder(new ClientTopology("n", "z1")).Update(state)[Http];

        Assert.Equal(["10.0.0.1:8080", "10.0.0.3:8080"], set.Eligible.Select(e => e.Key));
        Assert.Equal(3, set.All.Length);
    }

    [Fact]
    public void Update_ZoneAwareOptIn_PrefersTheClientsZoneWithoutHints()
    {
        var eps = Enumerable.Range(1, 8).Select(i => new Endpoint($"10.0.0.{i}", EndpointConditions.ReadyEndpoint) { Zone = i <= 4 ? "z1" : "z2" }).ToArray();
        var state = ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(Slice("a", 8080, eps));
        var options = new EndpointSetOptions();
        options.ZoneAware.Enabled = true;

        var zoneAware = Builder(new ClientTopology("n", "z1"), options).Update(state)[Http];
        var plain = Builder(new ClientTopology("n", "z1")).Update(state)[Http];
        var tooSmall = Builder(new ClientTopology("n", "z1"), options).Update(ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(Slice("a", 8080, eps[..5])))[Http];

        Assert.Equal(4, zoneAware.Eligible.Length);
        Assert.All(zoneAware.Eligible, e => Assert.Equal("z1", e.Zone));
        Assert.Equal(8, plain.Eligible.Length);
        Assert.Equal(5, tooSmall.Eligible.Length);
    }

    [Fact]
    public void Update_IPv6SlicesOfAnIPv4Service_AreIgnored_HeadlessTakesBoth()
    {
        var v6 = new EndpointSliceInfo("v6", AddressType.IPv6, [new EndpointPort("http", 8080)], [new Endpoint("fd00::1", EndpointConditions.ReadyEndpoint)]);
        var v4 = Slice("v4", 8080, Ready("10.0.0.1"));
        var state = ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(v4).WithSlice(v6);
        var headless = ServiceState.Initial(Orders).WithSpec(Spec with { ClusterIPs = ["None"] }).WithSlice(v4).WithSlice(v6);

        Assert.Equal(["10.0.0.1:8080"], Builder().Update(state)[Http].All.Select(e => e.Key));
        Assert.Equal(["10.0.0.1:8080", "[fd00::1]:8080"], Builder().Update(headless)[Http].All.Select(e => e.Key));
    }

    [Fact]
    public void Update_EndpointThatStays_KeepsItsObjectAndStats_AConditionChangeKeepsStats()
    {
        var builder = Builder();
        var s1 = ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(Slice("a", 8080, Ready("10.0.0.1"), Ready("10.0.0.2")));
        var first = builder.Update(s1)[Http];
        first.All[0].Stats.IncrementOutstanding();

        // The same endpoints rebuilt as new objects (as a watch decodes them), and 10.0.0.2 turning terminating.
        var second = builder.Update(s1.WithSlice(Slice("a", 8080, Ready("10.0.0.1"), Terminating("10.0.0.2"))))[Http];

        Assert.Same(first.All[0], second.All[0]);
        Assert.NotSame(first.All[1], second.All[1]);
        Assert.Same(first.All[1].Stats, second.All[1].Stats);
        Assert.Equal(1, second.All[0].Stats.Outstanding);
    }

    [Fact]
    public void Update_AddressTakenOverByAnotherPod_StartsWithFreshStats()
    {
        // A killed pod's IP given to its replacement: the new pod must not inherit the old one's ejection or load.
        var builder = Builder();
        var podA = Ready("10.0.0.1") with { TargetRef = new EndpointTargetRef("Pod", "shop", "orders-a", "uid-a") };
        var podB = Ready("10.0.0.1") with { TargetRef = new EndpointTargetRef("Pod", "shop", "orders-b", "uid-b") };
        var s1 = ServiceState.Initial(Orders).WithSpec(Spec).WithSlice(Slice("a", 8080, podA));
        var first = builder.Update(s1)[Http];
        first.All[0].Stats.IncrementOutstanding();

        var samePod = builder.Update(s1.WithSlice(Slice("a", 8080, podA with { Conditions = new EndpointConditions(false, true, true) })))[Http];
        var otherPod = builder.Update(s1.WithSlice(Slice("a", 8080, podB)))[Http];

        Assert.Same(first.All[0].Stats, samePod.All[0].Stats);
        Assert.NotSame(first.All[0].Stats, otherPod.All[0].Stats);
        Assert.Equal(0, otherPod.All[0].Stats.Outstanding);
    }

    [Fact]
    public void Update_UnchangedPort_KeepsItsSetObject()
    {
        var builder = Builder();
        var spec = Spec with { Ports = [new ServicePortInfo("http", 80), new ServicePortInfo("metrics", 9100)] };
        var state = ServiceState.Initial(Orders).WithSpec(spec).WithSlice(Slice("a", 8080, Ready("10.0.0.1")));
        var metricsSlice = new EndpointSliceInfo("m", AddressType.IPv4, [new EndpointPort("metrics", 9100)], [Ready("10.0.0.1")]);
        var first = builder.Update(state.WithSlice(metricsSlice));

        var second = builder.Update(builder.State!.WithSlice(Slice("a", 8080, Ready("10.0.0.1"), Ready("10.0.0.3"))));

        Assert.Same(first[new ServicePortKey("metrics", TransportProtocol.Tcp)], second[new ServicePortKey("metrics", TransportProtocol.Tcp)]);
        Assert.NotSame(first[Http], second[Http]);
    }

    [Fact]
    public void GetSet_BeforeSyncAndForUnknownPorts_SaysWhy()
    {
        var builder = Builder();

        Assert.Equal(EndpointSetStatus.NotSynced, builder.GetSet(Http).Status);
        builder.Update(ServiceState.Initial(Orders).WithSpec(Spec));
        Assert.Equal(EndpointSetStatus.UnknownService, builder.GetSet(new ServicePortKey("grpc", TransportProtocol.Tcp)).Status);
        Assert.Equal(EndpointSetStatus.NoEndpoints, builder.GetSet(Http).Status);
    }

    [Fact]
    public void Update_StateOfAnotherService_Throws()
    {
        Assert.Throws<ArgumentException>(() => Builder().Update(ServiceState.Initial(new ServiceName("shop", "other"))));
    }
}
