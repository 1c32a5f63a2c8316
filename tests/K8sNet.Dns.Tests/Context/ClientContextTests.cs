using K8sNet.Dns;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Dns.Tests.Context;

public class ClientContextTests
{
    private static ClientContextOptions Fake(Dictionary<string, string> env, Dictionary<string, string> files) => new()
    {
        GetEnvironmentVariable = k => env.GetValueOrDefault(k),
        ReadFile = p => files.GetValueOrDefault(p),
    };

    [Fact]
    public void FromEnvironment_InAPod_ReadsEveryPart()
    {
        var options = Fake(
            new() { ["K8SNET_NODE_NAME"] = "node-a", ["K8SNET_ZONE"] = "zone-1", ["POD_NAMESPACE"] = "ignored" },
            new()
            {
                ["/var/run/secrets/kubernetes.io/serviceaccount/namespace"] = "shop\n",
                ["/etc/resolv.conf"] = "search shop.svc.corp.local svc.corp.local corp.local\nnameserver 10.96.0.10\noptions ndots:5\n",
            });

        var context = ClientContext.FromEnvironment(options);

        Assert.Equal("shop", context.Namespace);
        Assert.Equal("corp.local", context.ClusterDomain);
        Assert.Equal(new ClientTopology("node-a", "zone-1"), context.Topology);
        Assert.Equal(5, context.ResolvConf.Ndots);
        Assert.Equal("shop.svc.corp.local", context.ResolvConf.Search[0]);
    }

    [Fact]
    public void FromEnvironment_NamespaceOrder_FileThenVariableThenSearchList()
    {
        var resolv = new Dictionary<string, string> { ["/etc/resolv.conf"] = "search web.svc.cluster.local svc.cluster.local cluster.local\n" };

        Assert.Equal("env", ClientContext.FromEnvironment(Fake(new() { ["POD_NAMESPACE"] = "env" }, resolv)).Namespace);
        Assert.Equal("web", ClientContext.FromEnvironment(Fake([], resolv)).Namespace);
        Assert.Equal("default", ClientContext.FromEnvironment(Fake([], [])).Namespace);
        Assert.Equal("explicit", ClientContext.FromEnvironment(new ClientContextOptions
        {
            Namespace = "explicit",
            GetEnvironmentVariable = _ => "env",
            ReadFile = _ => null,
        }).Namespace);
    }

    [Fact]
    public void FromEnvironment_OutsideACluster_UsesClusterFirstDefaults()
    {
        var context = ClientContext.FromEnvironment(Fake([], new() { ["/etc/resolv.conf"] = "nameserver 192.168.1.1\nsearch home.lan\n" }));

        Assert.Equal("default", context.Namespace);
        Assert.Equal("cluster.local", context.ClusterDomain);
        Assert.Equal<string>(["default.svc.cluster.local", "svc.cluster.local", "cluster.local"], context.ResolvConf.Search);
        Assert.Equal(ClientTopology.Unknown, context.Topology);
    }

    [Fact]
    public void FromEnvironment_InvalidNamespace_IsATypedError()
    {
        var ex = Assert.Throws<KubernetesNameException>(() => ClientContext.FromEnvironment(Fake(new() { ["POD_NAMESPACE"] = "Bad_NS" }, [])));

        Assert.Equal("client namespace", ex.Field);
    }

    [Fact]
    public void AddClientContext_AndServiceUris_RegisterWithOverrides()
    {
        var services = new ServiceCollection();
        services.AddK8sNet()
            .AddClientContext(o =>
            {
                o.Namespace = "web";
                o.NodeName = "node-a";
                o.Zone = "zone-1";
                o.ReadFile = _ => null;
            })
            .AddServiceUris(o => o.AllowedNamespaces.Add("shop"));
        using var provider = services.BuildServiceProvider();

        var resolver = provider.GetRequiredService<ServiceUriResolver>();

        Assert.Equal("web", provider.GetRequiredService<ClientContext>().Namespace);
        Assert.Equal(new ClientTopology("node-a", "zone-1"), provider.GetRequiredService<ClientTopology>());
        Assert.Equal<ServiceName>([new ServiceName("shop", "orders")], resolver.Resolve(new Uri("http://orders.shop")).Candidates);
        Assert.False(resolver.IsAllowed("kube-system"));
    }
}
