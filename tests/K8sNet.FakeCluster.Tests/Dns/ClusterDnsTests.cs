using System.Net;
using k8s.Models;
using K8sNet.Dns;
using K8sNet.Testing;
using K8sNet.Testing.Store;
using static K8sNet.Testing.Tests.Cluster.FakeClusterTests;

namespace K8sNet.Testing.Tests.Dns;

/// <summary>FakeCluster's DNS answers from the live cluster: Services, their pods as they come, go and turn unready.</summary>
public class ClusterDnsTests
{
    private static string[] Addresses(ClusterDnsAnswer answer) =>
        [.. answer.Answer.OfType<AddressRecord>().Select(r => r.Address.ToString()).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ClusterIpService_HeadlessService_EndpointsAndPtr_FollowTheCluster()
    {
        await using var cluster = new FakeCluster();
        var web = cluster.Create(Service("web"));
        var headless = Service("db", clusterIP: "None", selector: new Dictionary<string, string> { ["app"] = "db" });
        cluster.Create(headless);
        var db0 = Pod("db-0", labels: new Dictionary<string, string> { ["app"] = "db" });
        db0.Spec.Hostname = "db-0";
        db0.Spec.Subdomain = "db";
        cluster.Create(db0);
        cluster.Create(Pod("db-1", labels: new Dictionary<string, string> { ["app"] = "db" }));
        await cluster.WaitForIdleAsync();
        var ip0 = cluster.Get<V1Pod>("db-0")!.Status.PodIP;
        var ip1 = cluster.Get<V1Pod>("db-1")!.Status.PodIP;

        Assert.Equal([web.Spec.ClusterIP], Addresses(cluster.Dns.Answer("web.default.svc.cluster.local", DnsRecordType.A)));
        Assert.Equal(new[] { ip0, ip1 }.Order(StringComparer.Ordinal), Addresses(cluster.Dns.Answer("db.default.svc.cluster.local", DnsRecordType.A)));
        Assert.Equal([ip0], Addresses(cluster.Dns.Answer("db-0.db.default.svc.cluster.local", DnsRecordType.A))); // hostname + subdomain
        var dashed = DnsNames.DashedAddress(IPAddress.Parse(ip1));
        Assert.Equal([ip1], Addresses(cluster.Dns.Answer($"{dashed}.db.default.svc.cluster.local", DnsRecordType.A)));

        var srv = cluster.Dns.Answer("_http._tcp.web.default.svc.cluster.local", DnsRecordType.SRV);
        Assert.Equal("web.default.svc.cluster.local.", Assert.IsType<SrvRecord>(Assert.Single(srv.Answer)).Target);
        var ptr = cluster.Dns.Answer(DnsNames.ReverseName(IPAddress.Parse(ip0), absolute: true), DnsRecordType.PTR);
        Assert.Contains(ptr.Answer.OfType<PtrRecord>(), p => p.Target == "db-0.db.default.svc.cluster.local.");
        Assert.Equal("web.default.svc.cluster.local.", Assert.IsType<PtrRecord>(Assert.Single(cluster.Dns.Answer(DnsNames.ReverseName(IPAddress.Parse(web.Spec.ClusterIP), absolute: true), DnsRecordType.PTR).Answer)).Target);

        // Unready pods leave the headless answer; with none left the name is gone.
        cluster.SetPodReady("db-1", "default", false);
        await cluster.WaitForIdleAsync();
        Assert.Equal([ip0], Addresses(cluster.Dns.Answer("db.default.svc.cluster.local", DnsRecordType.A)));
        cluster.SetPodReady("db-0", "default", false);
        await cluster.WaitForIdleAsync();
        Assert.Equal(DnsResponseCode.NameError, cluster.Dns.Answer("db.default.svc.cluster.local", DnsRecordType.A).ResponseCode);

        cluster.Delete<V1Service>("web");
        await cluster.WaitForIdleAsync();
        Assert.Equal(DnsResponseCode.NameError, cluster.Dns.Answer("web.default.svc.cluster.local", DnsRecordType.A).ResponseCode);
    }

    [Fact]
    public async Task BuiltIns_KubeDnsAndTheApiService_PodRecordsInsecure_NamespacesAsTheyExist()
    {
        await using var cluster = new FakeCluster();
        await cluster.WaitForIdleAsync();

        Assert.Equal(["10.96.0.10"], Addresses(cluster.Dns.Answer("kube-dns.kube-system.svc.cluster.local.", DnsRecordType.A)));
        Assert.Equal(["10.96.0.1"], Addresses(cluster.Dns.Answer("kubernetes.default.svc.cluster.local.", DnsRecordType.A)));
        Assert.Equal(["10.244.1.7"], Addresses(cluster.Dns.Answer("10-244-1-7.default.pod.cluster.local.", DnsRecordType.A)));
        Assert.Equal(DnsResponseCode.NoError, cluster.Dns.Answer("kube-system.svc.cluster.local.", DnsRecordType.A).ResponseCode);
        Assert.Equal(DnsResponseCode.NameError, cluster.Dns.Answer("nope.svc.cluster.local.", DnsRecordType.A).ResponseCode);
        Assert.Equal("1.1.0", Assert.IsType<TxtRecord>(Assert.Single(cluster.Dns.Answer("dns-version.cluster.local.", DnsRecordType.TXT).Answer)).Text);
    }
}

/// <summary>Names resolved from inside a pod: its namespace's search path, ndots 5, glibc's order.</summary>
public class PodDnsTests
{
    [Fact]
    public async Task ShortAndQualifiedNames_FollowThePodsSearchPath()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(ResourceType.Namespace, System.Text.Json.Nodes.JsonNode.Parse("""{"metadata":{"name":"shop"}}""")!.AsObject());
        var orders = Service("orders");
        orders.Metadata.NamespaceProperty = "shop";
        var ordersCreated = cluster.Create(orders);
        var web = cluster.Create(Service("web"));
        var client = Pod("client");
        client.Metadata.NamespaceProperty = "shop";
        cluster.Create(client);
        await cluster.WaitForIdleAsync();

        var shortName = cluster.ResolveFromPod("orders", "client", "shop");
        Assert.Equal("orders.shop.svc.cluster.local.", shortName.Search.Answered);
        Assert.Equal([ordersCreated.Spec.ClusterIP], shortName.Addresses.Select(a => a.ToString()));
        Assert.Equal<string>(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"], shortName.ResolvConf.Search);

        var otherNamespace = cluster.ResolveFromPod("web.default", "client", "shop");
        Assert.Equal(["web.default.shop.svc.cluster.local.", "web.default.svc.cluster.local."], otherNamespace.Search.Queries);
        Assert.Equal([web.Spec.ClusterIP], otherNamespace.Addresses.Select(a => a.ToString()));

        // ndots 5: a name with fewer dots is searched first, so the FQDN without a trailing dot is tried under 3 search domains before itself.
        var fqdn = cluster.ResolveFromPod("web.default.svc.cluster.local", "client", "shop");
        Assert.Equal(4, fqdn.Search.Queries.Count);
        Assert.Equal("web.default.svc.cluster.local.", fqdn.Search.Answered);
        Assert.Single(cluster.ResolveFromPod("web.default.svc.cluster.local.", "client", "shop").Search.Queries);

        var missing = cluster.ResolveFromPod("nope", "client", "shop");
        Assert.False(missing.Search.Found);
        Assert.Empty(missing.Addresses);
        Assert.Throws<KubernetesStatusException>(() => cluster.ResolveFromPod("web", "ghost", "shop"));
    }
}
