using System.Collections.Immutable;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Categorization;

public class EndpointCategorizerTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in CategorizeEndpointsCases.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory, MemberData(nameof(CaseNames))]
    public void Categorize_UpstreamCase(string name)
    {
        var c = CategorizeEndpointsCases.All.Single(x => x.Name == name);
        var endpoints = c.Endpoints.Select(e => e.ToServiceEndpoint()).ToArray();

        var result = EndpointCategorizer.Categorize(endpoints, c.Traffic, new ClientTopology(c.Node, c.Zone), c.PreferSameEnabled);

        AssertList("clusterEndpoints", c.Cluster, result.Cluster);
        AssertList("localEndpoints", c.Local, result.Local);
        Assert.Equal(c.ExpectedAll.Order(StringComparer.Ordinal), Keys(result.AllReachable));
        Assert.Equal(c.ExpectedAll.Length > 0 || c.OnlyRemoteEndpoints, result.HasAnyEndpoints);
    }

    [Fact]
    public void Categorize_ReadyEndpointsWithZoneHints_ReportsTheMode()
    {
        var c = CategorizeEndpointsCases.Kubernetes.First();
        var endpoints = c.Endpoints.Select(e => e.ToServiceEndpoint()).ToArray();

        var result = EndpointCategorizer.Categorize(endpoints, c.Traffic, new ClientTopology(null, "zone-a"));

        Assert.Equal(TopologyMode.PreferSameZone, result.TopologyMode);
        Assert.Equal(["10.1.2.3:80", "10.1.2.6:80"], Keys(result.ForInternalTraffic));
    }

    [Fact]
    public void ForInternalTraffic_LocalPolicyWithNoLocalEndpoints_IsEmptyButHasAny()
    {
        var c = CategorizeEndpointsCases.Kubernetes.Single(x => x.Name == "internalTrafficPolicy: Local, but all endpoints are remote");
        var endpoints = c.Endpoints.Select(e => e.ToServiceEndpoint()).ToArray();

        var result = EndpointCategorizer.Categorize(endpoints, c.Traffic, new ClientTopology(CategorizeEndpointsCases.LocalNode, null));

        Assert.Empty(result.ForInternalTraffic);
        Assert.True(result.HasAnyEndpoints);
    }

    [Fact]
    public void ServicePortTraffic_For_FollowsKubeProxyFlags()
    {
        var nodePort = new ServicePortInfo("http", 80, NodePort: 30080);
        var plain = new ServicePortInfo("http", 80);
        var local = new ServiceSpecInfo { Type = ServiceType.NodePort, ExternalTrafficPolicy = TrafficPolicy.Local, InternalTrafficPolicy = TrafficPolicy.Local };
        var lb = new ServiceSpecInfo { Type = ServiceType.LoadBalancer, LoadBalancerIngress = [new LoadBalancerIngress("203.0.113.1")] };
        var proxyMode = new ServiceSpecInfo { Type = ServiceType.LoadBalancer, LoadBalancerIngress = [new LoadBalancerIngress("203.0.113.1", IPMode: "Proxy")] };
        var clusterLocalEtp = new ServiceSpecInfo { ExternalTrafficPolicy = TrafficPolicy.Local };

        Assert.Equal(new ServicePortTraffic(true, true, true), ServicePortTraffic.For(local, nodePort));
        Assert.True(ServicePortTraffic.For(lb, plain).ExternallyAccessible);
        Assert.False(ServicePortTraffic.For(proxyMode, plain).ExternallyAccessible);
        Assert.False(ServicePortTraffic.For(clusterLocalEtp, plain).ExternalPolicyLocal);
        Assert.False(new ServicePortTraffic(false, true, false).UsesLocalEndpoints);
        Assert.True(new ServicePortTraffic(true, false, true).UsesClusterEndpoints);
    }

    private static void AssertList(string what, string[]? expected, ImmutableArray<ServiceEndpoint> actual)
    {
        if (expected is null)
        {
            Assert.True(actual.IsDefault, $"{what}: expected nil, got [{string.Join(", ", Keys(actual))}]");
            return;
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), Keys(actual));
    }

    private static string[] Keys(ImmutableArray<ServiceEndpoint> endpoints) =>
        endpoints.IsDefault ? [] : [.. endpoints.Select(e => e.Key).Order(StringComparer.Ordinal)];
}
