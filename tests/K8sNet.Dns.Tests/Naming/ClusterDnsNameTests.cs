using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Naming;

public class ClusterDnsNameTests
{
    private const string CoreDnsTestZone = "inter.webs.tests.";

    // CoreDNS plugin/kubernetes/parse_test.go TestParseRequest (the non-multicluster, non-zonal cases), as
    // query -> recordRequest.String() = "port.protocol.endpoint.cluster.service.namespace.podOrSvc".
    [Theory]
    [InlineData("_http._tcp.webs.mynamespace.svc.inter.webs.tests.", "http.tcp...webs.mynamespace.svc")]
    [InlineData("1-2-3-4.webs.mynamespace.svc.inter.webs.tests.", "..1-2-3-4..webs.mynamespace.svc")]
    [InlineData("inter.webs.tests.", "......")]
    [InlineData("svc.inter.webs.tests.", "......")]
    [InlineData("pod.inter.webs.tests.", "......")]
    [InlineData("..webs.mynamespace.svc.inter.webs.tests.", "....webs.mynamespace.svc")]
    [InlineData("us-west-2a._zone.webs.mynamespace.svc.inter.webs.tests.", "us-west-2a.zone...webs.mynamespace.svc")]
    [InlineData("us-west-2a._zone.webs.mynamespace.pod.inter.webs.tests.", "us-west-2a.zone...webs.mynamespace.pod")]
    public void TryParse_CoreDnsParseRequestCases(string query, string expected)
    {
        Assert.True(ClusterDnsName.TryParse(query, CoreDnsTestZone, out var name));

        Assert.Equal(expected, CoreDnsString(name));
    }

    // CoreDNS TestParseInvalidRequest.
    [Theory]
    [InlineData("webs.mynamespace.pood.inter.webs.tests.")]
    [InlineData("too.long.for.what.I.am.trying.to.pod.inter.webs.tests.")]
    public void TryParse_CoreDnsInvalidCases_AreInvalid(string query)
    {
        Assert.True(ClusterDnsName.TryParse(query, CoreDnsTestZone, out var name));

        Assert.Equal(ClusterDnsNameKind.Invalid, name.Kind);
    }

    [Theory]
    [InlineData("orders.shop.svc.cluster.local", ClusterDnsNameKind.Service)]
    [InlineData("ORDERS.Shop.SVC.Cluster.Local.", ClusterDnsNameKind.Service)]
    [InlineData("shop.svc.cluster.local", ClusterDnsNameKind.Namespace)]
    [InlineData("db-0.db.shop.svc.cluster.local", ClusterDnsNameKind.Endpoint)]
    [InlineData("_grpc._tcp.orders.shop.svc.cluster.local", ClusterDnsNameKind.ServicePort)]
    [InlineData("10-244-1-5.shop.pod.cluster.local", ClusterDnsNameKind.Pod)]
    [InlineData("dns-version.cluster.local", ClusterDnsNameKind.DnsVersion)]
    [InlineData("cluster.local", ClusterDnsNameKind.Apex)]
    [InlineData("orders.shop.cluster.local", ClusterDnsNameKind.Invalid)]
    public void TryParse_Kinds(string query, ClusterDnsNameKind kind)
    {
        Assert.True(ClusterDnsName.TryParse(query, "cluster.local", out var name));

        Assert.Equal(kind, name.Kind);
    }

    [Fact]
    public void TryParse_KeepsTheQuerySpelling_ButPartsAreLowerCase()
    {
        Assert.True(ClusterDnsName.TryParse("Orders.SHOP.svc.cLuStEr.LoCaL.", "cluster.local", out var name));

        Assert.Equal("Orders.SHOP.svc.cLuStEr.LoCaL", name.QueryName);
        Assert.Equal("orders", name.Service);
        Assert.Equal("shop", name.Namespace);
        Assert.True(name.TryGetService(out var service));
        Assert.Equal(new ServiceName("shop", "orders"), service);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("local")]
    [InlineData("xcluster.local")]
    [InlineData("")]
    public void TryParse_OutsideTheZone_IsFalse(string query)
    {
        Assert.False(ClusterDnsName.TryParse(query, "cluster.local", out _));
    }

    [Fact]
    public void TryGetService_InvalidServiceLabel_IsFalse()
    {
        Assert.True(ClusterDnsName.TryParse("1abc.shop.svc.cluster.local", "cluster.local", out var name));

        Assert.Equal(ClusterDnsNameKind.Service, name.Kind);
        Assert.False(name.TryGetService(out _));
    }

    private static string CoreDnsString(ClusterDnsName n) =>
        string.Join('.', n.Port ?? "", n.Protocol ?? "", n.Endpoint ?? "", "", n.Kind == ClusterDnsNameKind.Apex ? "" : n.Service ?? "",
            n.Kind == ClusterDnsNameKind.Apex ? "" : n.Namespace ?? "",
            n.Kind == ClusterDnsNameKind.Apex ? "" : n.IsPodName ? "pod" : "svc");
}
