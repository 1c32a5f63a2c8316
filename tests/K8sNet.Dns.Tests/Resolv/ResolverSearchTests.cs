using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Resolv;

public class ResolverSearchTests
{
    // reference/k8s-semantics.md §b, worked examples: a pod in namespace web with
    // search web.svc.cluster.local svc.cluster.local cluster.local (plus a host search domain) and ndots:5.
    private static readonly ResolvConf PodConf = ResolvConf.ForClusterFirstPod("web", hostSearch: ["ec2.internal"]);
    private static readonly HashSet<ServiceName> Services = [new ServiceName("shop", "orders")];

    public static TheoryData<string, string[], string?> WorkedTable => new()
    {
        {
            "orders",
            ["orders.web.svc.cluster.local.", "orders.svc.cluster.local.", "orders.cluster.local.", "orders.ec2.internal.", "orders."],
            null
        },
        {
            "orders.shop",
            ["orders.shop.web.svc.cluster.local.", "orders.shop.svc.cluster.local."],
            "orders.shop.svc.cluster.local."
        },
        {
            "orders.shop.svc",
            ["orders.shop.svc.web.svc.cluster.local.", "orders.shop.svc.svc.cluster.local.", "orders.shop.svc.cluster.local."],
            "orders.shop.svc.cluster.local."
        },
        {
            "orders.shop.svc.cluster.local",
            [
                "orders.shop.svc.cluster.local.web.svc.cluster.local.", "orders.shop.svc.cluster.local.svc.cluster.local.",
                "orders.shop.svc.cluster.local.cluster.local.", "orders.shop.svc.cluster.local.ec2.internal.",
                "orders.shop.svc.cluster.local.",
            ],
            "orders.shop.svc.cluster.local."
        },
        {
            "orders.shop.svc.cluster.local.",
            ["orders.shop.svc.cluster.local."],
            "orders.shop.svc.cluster.local."
        },
    };

    [Theory, MemberData(nameof(WorkedTable))]
    public void Run_WorkedTable_QueriesExactlyThroughTheHit(string name, string[] queries, string? hit)
    {
        var result = ResolverSearch.Run(name, PodConf, ClusterLookup);

        Assert.Equal(queries, result.Queries);
        Assert.Equal(hit, result.Answered);
    }

    [Fact]
    public void Expand_NdotsReachedWithoutTrailingDot_AsIsFirstThenSearch()
    {
        var conf = ResolvConf.Create(search: ["a.example", "b.example"], options: ["ndots:1"]);

        Assert.Equal<string>(["www.corp.", "www.corp.a.example.", "www.corp.b.example."], ResolverSearch.Expand("www.corp", conf));
    }

    [Fact]
    public void Expand_RootOnTheSearchList_QueriesTheNameThereAndNotAgain()
    {
        var conf = ResolvConf.Create(search: ["a.example", ".", "b.example"], options: ["ndots:5"]);

        Assert.Equal<string>(["x.a.example.", "x.", "x.b.example."], ResolverSearch.Expand("x", conf));
    }

    [Fact]
    public void Expand_NoTldQuery_NeverQueriesADotlessName()
    {
        var conf = ResolvConf.Create(search: ["a.example"], options: ["no-tld-query"]);

        Assert.Equal<string>(["x.a.example."], ResolverSearch.Expand("x", conf));
        Assert.Equal<string>(["x.y.", "x.y.a.example."], ResolverSearch.Expand("x.y", conf));
    }

    [Fact]
    public void Expand_Musl_SearchesOnlyBelowNdots()
    {
        Assert.Equal<string>(["orders.shop.svc.cluster.local."], ResolverSearch.Expand("orders.shop.svc.cluster.local", ResolvConf.Create(search: ["web.svc.cluster.local"], options: ["ndots:4"]), ResolverFlavor.Musl));
        Assert.Equal(
            ["orders.web.svc.cluster.local.", "orders.svc.cluster.local.", "orders.cluster.local.", "orders.ec2.internal.", "orders."],
            ResolverSearch.Expand("orders", PodConf, ResolverFlavor.Musl));
    }

    [Fact]
    public void Run_ServerFailure_GlibcMovesOn_MuslStops()
    {
        var conf = ResolvConf.Create(search: ["a.example", "b.example"], options: ["ndots:5"]);
        DnsLookupStatus Lookup(string q) => q == "x.a.example." ? DnsLookupStatus.ServerFailure : q == "x.b.example." ? DnsLookupStatus.Found : DnsLookupStatus.NxDomain;

        Assert.Equal("x.b.example.", ResolverSearch.Run("x", conf, Lookup).Answered);
        Assert.Null(ResolverSearch.Run("x", conf, Lookup, ResolverFlavor.Musl).Answered);
    }

    [Fact]
    public void Run_OtherFailure_StopsTheSearch()
    {
        var conf = ResolvConf.Create(search: ["a.example", "b.example"], options: ["ndots:5"]);

        var result = ResolverSearch.Run("x", conf, _ => DnsLookupStatus.Failure);

        Assert.Equal<string>(["x.a.example."], result.Queries);
        Assert.False(result.Found);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData(".x")]
    [InlineData("a..b")]
    public void Expand_EmptyLabel_Throws(string name)
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => ResolverSearch.Expand(name, PodConf));

        Assert.Equal("DNS name", ex.Field);
    }

    private static DnsLookupStatus ClusterLookup(string query) =>
        ClusterDnsName.TryParse(query, "cluster.local", out var name) && name.Kind == ClusterDnsNameKind.Service
            && name.TryGetService(out var service) && Services.Contains(service)
            ? DnsLookupStatus.Found
            : DnsLookupStatus.NxDomain;
}
