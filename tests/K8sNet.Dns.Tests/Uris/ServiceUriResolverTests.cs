using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Uris;

public class ServiceUriResolverTests
{
    private static readonly ClientContext Web = ClientContext.Create("web");

    private static ServiceUriResolver Resolver(params string[] allowed)
    {
        var options = new ServiceUriOptions();
        foreach (var ns in allowed)
        {
            options.AllowedNamespaces.Add(ns);
        }

        return new ServiceUriResolver(Web, options);
    }

    [Fact]
    public void ShortName_IsTheServiceInTheClientsNamespace()
    {
        var target = Resolver().Resolve(new Uri("http://orders/api"));

        Assert.Equal<ServiceName>([new ServiceName("web", "orders")], target.Candidates);
        Assert.Equal<string>(["http"], target.Port.SchemeNames);
        Assert.False(target.Port.IsExplicit);
    }

    [Fact]
    public void NameDotNamespace_WithPort_WhenTheNamespaceIsAllowed()
    {
        var target = Resolver("shop").Resolve(new Uri("http://orders.shop:8080/x"));

        Assert.Equal<ServiceName>([new ServiceName("shop", "orders")], target.Candidates);
        Assert.Equal(8080, target.Port.Number);
    }

    [Fact]
    public void NameDotNamespace_NamespaceNotAllowed_NoCandidate()
    {
        var target = Resolver().Resolve(new Uri("http://orders.shop/"));

        Assert.False(target.HasCandidates);
    }

    [Fact]
    public void Fqdn_AnyCase_Resolves()
    {
        var target = Resolver("shop").Resolve(new Uri("https://Orders.Shop.SVC.cluster.local/"));

        Assert.Equal<ServiceName>([new ServiceName("shop", "orders")], target.Candidates);
        Assert.Equal<string>(["https"], target.Port.SchemeNames);
    }

    [Fact]
    public void ExampleCom_YieldsNothing_UnlessNamespaceComIsAllowed()
    {
        Assert.False(Resolver().Resolve(new Uri("http://example.com/")).HasCandidates);
        Assert.False(Resolver("shop").Resolve(new Uri("http://example.com/")).HasCandidates);
        Assert.Equal<ServiceName>([new ServiceName("com", "example")], Resolver("com").Resolve(new Uri("http://example.com/")).Candidates);
    }

    [Fact]
    public void AnyNamespace_Wildcard_AllowsEveryNamespace()
    {
        Assert.Equal<ServiceName>([new ServiceName("com", "example")], Resolver("*").Resolve(new Uri("http://example.com/")).Candidates);
    }

    [Fact]
    public void CandidatesFollowTheSearchPathOrder()
    {
        // "orders.svc" expands to orders.svc.web.svc.cluster.local (Service "svc" endpoint "orders": not a Service),
        // orders.svc.svc.cluster.local (Service "orders" in namespace "svc"), orders.svc.cluster.local (a namespace).
        var target = Resolver("*").Resolve(new Uri("http://orders.svc/"));

        Assert.Equal<ServiceName>([new ServiceName("svc", "orders")], target.Candidates);
    }

    [Fact]
    public void ShortName_WithEveryNamespaceAllowed_OwnNamespaceComesFirst()
    {
        var target = Resolver("*").Resolve(new Uri("http://orders/"));

        Assert.Equal<ServiceName>([new ServiceName("web", "orders")], target.Candidates);
    }

    [Fact]
    public void EndpointName_IsNotAServiceCandidate()
    {
        var target = Resolver("shop").Resolve(new Uri("http://db-0.db.shop.svc.cluster.local/"));

        Assert.False(target.HasCandidates);
    }

    [Fact]
    public void IPAddressHost_HasNoCandidates()
    {
        Assert.False(Resolver("*").Resolve(new Uri("http://10.0.0.1/")).HasCandidates);
        Assert.False(Resolver("*").Resolve(new Uri("http://[fd00::1]:8080/")).HasCandidates);
    }

    [Fact]
    public void K8sScheme_NamedPort()
    {
        var target = Resolver("shop").Resolve(new Uri("k8s:///orders.shop:grpc"));

        Assert.Equal<ServiceName>([new ServiceName("shop", "orders")], target.Candidates);
        Assert.Equal("grpc", target.Port.Name);
        Assert.Equal<string>(["grpc"], target.Schemes);
    }

    [Fact]
    public void K8sScheme_NumberedPort_AndNoPort()
    {
        var numbered = Resolver().Resolve(new Uri("k8s:///orders:50051"));
        var bare = Resolver().Resolve(new Uri("k8s:///orders"));

        Assert.Equal(50051, numbered.Port.Number);
        Assert.Equal<ServiceName>([new ServiceName("web", "orders")], numbered.Candidates);
        Assert.Equal<string>(["grpc"], bare.Port.SchemeNames);
    }

    [Theory]
    [InlineData("k8s:///", "k8s target")]
    [InlineData("k8s:///orders:70000", "k8s target port")]
    [InlineData("k8s:///orders:bad--name", "k8s target port name")]
    public void K8sScheme_BadTarget_IsATypedError(string uri, string field)
    {
        Assert.False(Resolver().TryResolve(new Uri(uri), out _, out var error));

        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void SchemeList_HttpsPlusHttp_TriesBothNamesInOrder()
    {
        var target = Resolver().Resolve(new Uri("https+http://orders"));

        Assert.Equal<string>(["https", "http"], target.Port.SchemeNames);
        Assert.Equal<string>(["https", "http"], target.Schemes);
    }

    [Theory]
    [InlineData("http://orders:80/", 80)]
    [InlineData("https://orders:443/", 443)]
    [InlineData("http://user@orders:80/", 80)]
    public void ExplicitDefaultPort_IsStillExplicit(string uri, int port)
    {
        var target = Resolver().Resolve(new Uri(uri));

        Assert.True(target.Port.IsExplicit);
        Assert.Equal(port, target.Port.Number);
    }

    [Fact]
    public void RelativeUri_IsATypedError()
    {
        Assert.False(Resolver().TryResolve(new Uri("/x", UriKind.Relative), out _, out var error));
        Assert.Equal("must be absolute", error.Rule);
    }

    [Fact]
    public void Musl_LongName_IsOnlyTriedAsWritten()
    {
        var context = ClientContext.Create("web", flavor: ResolverFlavor.Musl,
            resolvConf: ResolvConf.Create(search: ["web.svc.cluster.local", "svc.cluster.local"], options: ["ndots:1"]));
        var options = new ServiceUriOptions();
        options.AllowedNamespaces.Add("*");

        var target = new ServiceUriResolver(context, options).Resolve(new Uri("http://orders.shop/"));

        Assert.False(target.HasCandidates);
    }
}
