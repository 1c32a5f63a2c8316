using System.Collections.Immutable;

namespace K8sNet.Abstractions.Tests.Model;

public class ServiceStateTests
{
    private static readonly ServiceName Orders = new("shop", "orders");

    [Fact]
    public void Initial_IsVersionZeroUnsyncedAndAbsent()
    {
        var state = ServiceState.Initial(Orders);

        Assert.Equal(0, state.Version);
        Assert.False(state.IsSynced);
        Assert.False(state.Exists);
        Assert.Empty(state.Slices);
    }

    [Fact]
    public void With_EachChange_IsANewVersionAndLeavesTheOldOneAlone()
    {
        var s0 = ServiceState.Initial(Orders);
        var spec = new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80)] };
        var slice = new EndpointSliceInfo("orders-abc", AddressType.IPv4, [new EndpointPort("http", 8080)], [new Endpoint("10.244.1.5")]);

        var s1 = s0.WithSpec(spec);
        var s2 = s1.WithSlice(slice);
        var s3 = s2.WithSlice(slice with { Endpoints = [] });
        var s4 = s3.WithoutSlice("orders-abc");

        Assert.Equal([0L, 1, 2, 3, 4], new[] { s0.Version, s1.Version, s2.Version, s3.Version, s4.Version });
        Assert.True(s1.IsSynced && s1.Exists);
        Assert.Single(s2.Slices["orders-abc"].Endpoints);
        Assert.Empty(s3.Slices["orders-abc"].Endpoints);
        Assert.Empty(s4.Slices);
        Assert.Empty(s0.Slices);
    }

    [Fact]
    public void WithAll_ReplacesEverySlice()
    {
        var a = new EndpointSliceInfo("a", AddressType.IPv4, [], []);
        var b = new EndpointSliceInfo("b", AddressType.IPv6, [], []);
        var state = ServiceState.Initial(Orders).WithSlice(a);

        var relisted = state.WithAll(new ServiceSpecInfo(), [b]);

        Assert.Equal<string>(["b"], relisted.Slices.Keys);
        Assert.True(relisted.IsSynced);
    }

    [Fact]
    public void Spec_IsHeadless_OnlyForClusterIPNone()
    {
        Assert.True(new ServiceSpecInfo { ClusterIPs = ["None"] }.IsHeadless);
        Assert.False(new ServiceSpecInfo { ClusterIPs = ["10.0.0.1"] }.IsHeadless);
        Assert.False(new ServiceSpecInfo { Type = ServiceType.ExternalName, ExternalName = "example.com" }.IsHeadless);
        Assert.Equal(TrafficPolicy.Cluster, new ServiceSpecInfo().EffectiveInternalTrafficPolicy);
    }

    [Fact]
    public void Endpoint_RequiresAnAddress_AndTheFirstCounts()
    {
        var e = new Endpoint(ImmutableArray.Create("10.0.0.2", "10.0.0.3"));

        Assert.Equal("10.0.0.2", e.Address);
        Assert.Throws<ArgumentException>(() => new Endpoint(ImmutableArray<string>.Empty));
    }

    [Theory]
    [InlineData(null, null, null, true, true, false)]
    [InlineData(false, null, null, false, true, false)]
    [InlineData(false, false, true, false, false, true)]
    [InlineData(true, true, false, true, true, false)]
    public void EndpointConditions_ProxyDefaults_AreKubeProxys(bool? ready, bool? serving, bool? terminating, bool r, bool s, bool t)
    {
        var c = new EndpointConditions(ready, serving, terminating);

        Assert.Equal((r, s, t), (c.ProxyReady, c.ProxyServing, c.ProxyTerminating));
    }

    [Fact]
    public void ServiceEndpoint_Key_IsJoinHostPort()
    {
        var v4 = new ServiceEndpoint(System.Net.IPAddress.Parse("10.0.0.1"), 80, new Endpoint("10.0.0.1"));
        var v6 = new ServiceEndpoint(System.Net.IPAddress.Parse("fd00::1"), 80, new Endpoint("fd00::1"));

        Assert.Equal("10.0.0.1:80", v4.Key);
        Assert.Equal("[fd00::1]:80", v6.Key);
        Assert.Equal("[fd00::1]", v6.UriHost);
    }
}
