using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Store;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Cluster;

public class FakeClusterTests
{
    internal static V1Pod Pod(string name, Dictionary<string, string>? labels = null, string? node = null, params V1ContainerPort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = labels ?? new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec
        {
            NodeName = node,
            Containers = [new V1Container { Name = "app", Image = "example/web:1.0", Ports = ports.Length == 0 ? null : ports }],
        },
    };

    internal static V1Service Service(string name, string? clusterIP = null, Dictionary<string, string>? selector = null, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec
        {
            ClusterIP = clusterIP,
            Selector = selector ?? new Dictionary<string, string> { ["app"] = "web" },
            Ports = ports.Length == 0 ? [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] : ports,
        },
    };

    [Fact]
    public async Task NewCluster_HasNamespacesNodesAndTheBuiltInServices()
    {
        await using var cluster = new FakeCluster();

        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], cluster.List<V1Namespace>().Select(n => n.Name()));
        var nodes = cluster.List<V1Node>();
        Assert.Equal(["node-1", "node-2", "node-3"], nodes.Select(n => n.Name()));
        Assert.Equal(["zone-a", "zone-b", "zone-c"], nodes.Select(n => n.Labels()["topology.kubernetes.io/zone"]));
        Assert.Equal("10.244.1.0/24", nodes[1].Spec.PodCIDR);
        Assert.Equal("10.96.0.10", cluster.Get<V1Service>("kube-dns", "kube-system")!.Spec.ClusterIP);
        Assert.Equal("10.96.0.1", cluster.Get<V1Service>("kubernetes")!.Spec.ClusterIP);
        Assert.Equal("default", cluster.Get<V1Namespace>("default", null)!.Labels()["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task Pod_IsScheduledGetsAnIPFromItsNodeAndBecomesReady()
    {
        await using var cluster = new FakeCluster();

        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        var pod = cluster.Get<V1Pod>("web-1")!;
        Assert.Equal("node-1", pod.Spec.NodeName);
        Assert.Equal("10.244.0.2", pod.Status.PodIP);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
        Assert.Equal("ClusterFirst", pod.Spec.DnsPolicy);
        Assert.Equal(30, pod.Spec.TerminationGracePeriodSeconds);
    }

    [Fact]
    public async Task Pods_SpreadOverNodes_AndARecreatedPodGetsANewIP()
    {
        await using var cluster = new FakeCluster();
        for (var i = 0; i < 3; i++)
        {
            cluster.Create(Pod($"web-{i}"));
            await cluster.WaitForIdleAsync();
        }

        var ip = cluster.Get<V1Pod>("web-0")!.Status.PodIP;
        cluster.Delete<V1Pod>("web-0", gracePeriodSeconds: 0);
        await cluster.WaitForIdleAsync();
        cluster.Create(Pod("web-0", node: "node-1"));
        await cluster.WaitForIdleAsync();

        Assert.Equal(["node-1", "node-2", "node-3"], cluster.List<V1Pod>("default").Where(p => p.Name() != "web-0").Select(p => p.Spec.NodeName).Prepend("node-1"));
        Assert.NotEqual(ip, cluster.Get<V1Pod>("web-0")!.Status.PodIP);
    }

    [Fact]
    public async Task DeletedPod_TerminatesAfterItsGracePeriod()
    {
        var time = new FakeTimeProvider();
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Pod>("web-1");
        await cluster.WaitForIdleAsync();
        var terminating = cluster.Get<V1Pod>("web-1");
        time.Advance(TimeSpan.FromSeconds(29));
        await cluster.WaitForIdleAsync();
        var stillThere = cluster.Get<V1Pod>("web-1");
        time.Advance(TimeSpan.FromSeconds(1));
        await cluster.WaitForIdleAsync();

        Assert.NotNull(terminating?.Metadata.DeletionTimestamp);
        Assert.Equal(30, terminating!.Metadata.DeletionGracePeriodSeconds);
        Assert.NotNull(stillThere);
        Assert.Null(cluster.Get<V1Pod>("web-1"));
    }

    [Fact]
    public async Task PodShutdownTime_ContainersThatExitOnSigterm_EndTheGracePeriodEarly()
    {
        var time = new FakeTimeProvider();
        await using var cluster = new FakeCluster(o =>
        {
            o.TimeProvider = time;
            o.PodShutdownTime = TimeSpan.FromSeconds(2);
        });
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Pod>("web-1");
        await cluster.WaitForIdleAsync();
        time.Advance(TimeSpan.FromSeconds(1.9));
        await cluster.WaitForIdleAsync();
        var stillTerminating = cluster.Get<V1Pod>("web-1");
        time.Advance(TimeSpan.FromSeconds(0.1));
        await cluster.WaitForIdleAsync();

        Assert.Equal(30, stillTerminating?.Metadata.DeletionGracePeriodSeconds); // the grace period granted is unchanged
        Assert.Null(cluster.Get<V1Pod>("web-1"));
    }

    [Fact]
    public async Task PodShutdownTime_LongerThanTheGracePeriod_TheGracePeriodWins()
    {
        var time = new FakeTimeProvider();
        await using var cluster = new FakeCluster(o =>
        {
            o.TimeProvider = time;
            o.PodShutdownTime = TimeSpan.FromMinutes(5);
        });
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Pod>("web-1", gracePeriodSeconds: 10);
        await cluster.WaitForIdleAsync();
        time.Advance(TimeSpan.FromSeconds(10));
        await cluster.WaitForIdleAsync();

        Assert.Null(cluster.Get<V1Pod>("web-1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FakeCluster(o => o.PodShutdownTime = TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public async Task SetPodReady_AndReadinessGates_DriveTheReadyCondition()
    {
        await using var cluster = new FakeCluster();
        var gated = Pod("gated");
        gated.Spec.ReadinessGates = [new V1PodReadinessGate { ConditionType = "example.com/ready" }];
        cluster.Create(Pod("web-1"));
        cluster.Create(gated);
        await cluster.WaitForIdleAsync();

        cluster.SetPodReady("web-1", "default", false);
        await cluster.WaitForIdleAsync();
        var unready = IsReady(cluster.Get<V1Pod>("web-1")!);
        var gatedBefore = IsReady(cluster.Get<V1Pod>("gated")!);
        cluster.SetPodCondition("gated", "default", "example.com/ready", true);
        await cluster.WaitForIdleAsync();

        Assert.False(unready);
        Assert.False(gatedBefore);
        Assert.True(IsReady(cluster.Get<V1Pod>("gated")!));
    }

    [Fact]
    public async Task Service_IsDefaultedAndAllocated_LikeTheApiServer()
    {
        await using var cluster = new FakeCluster();

        var cip = cluster.Create(Service("orders"));
        var np = Service("edge");
        np.Spec.Type = "NodePort";
        var nodePort = cluster.Create(np);
        var lb = Service("public");
        lb.Spec.Type = "LoadBalancer";
        var loadBalancer = cluster.Create(lb);
        var headless = cluster.Create(Service("db", clusterIP: "None"));

        Assert.Equal("ClusterIP", cip.Spec.Type);
        Assert.StartsWith("10.96.0.", cip.Spec.ClusterIP);
        Assert.Equal("TCP", cip.Spec.Ports[0].Protocol);
        Assert.Equal("None", cip.Spec.SessionAffinity);
        Assert.Equal("Cluster", cip.Spec.InternalTrafficPolicy);
        Assert.Null(cip.Spec.ExternalTrafficPolicy);
        Assert.Equal(["IPv4"], cip.Spec.IpFamilies);
        Assert.Equal(30000, nodePort.Spec.Ports[0].NodePort);
        Assert.Equal("Cluster", nodePort.Spec.ExternalTrafficPolicy);
        Assert.InRange(loadBalancer.Spec.Ports[0].NodePort!.Value, 30000, 32767);
        Assert.Equal("198.51.100.1", loadBalancer.Status.LoadBalancer.Ingress[0].Ip);
        Assert.Equal("VIP", loadBalancer.Status.LoadBalancer.Ingress[0].IpMode);
        Assert.Equal(["None"], headless.Spec.ClusterIPs);
    }

    [Fact]
    public async Task Service_TargetPortDefaultsToPort()
    {
        await using var cluster = new FakeCluster();

        var svc = cluster.Create(Service("orders", ports: new V1ServicePort { Name = "http", Port = 80 }));

        Assert.Equal("80", svc.Spec.Ports[0].TargetPort.Value);
    }

    [Fact]
    public async Task Service_InvalidName_GetsTheApiServersMessage()
    {
        await using var cluster = new FakeCluster();

        var ex = Assert.Throws<KubernetesStatusException>(() => cluster.Create(Service("Orders")));

        Assert.Equal((422, "Invalid"), (ex.Code, ex.Reason));
        Assert.Equal(
            "Service \"Orders\" is invalid: metadata.name: Invalid value: \"Orders\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            ex.Message);
    }

    [Fact]
    public async Task Service_DuplicateClusterIP_IsRejected_AndTheStoreIsUnchanged()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("a", clusterIP: "10.96.0.50"));

        var ex = Assert.Throws<KubernetesStatusException>(() => cluster.Create(Service("b", clusterIP: "10.96.0.50")));
        var outOfRange = Assert.Throws<KubernetesStatusException>(() => cluster.Create(Service("c", clusterIP: "192.168.0.1")));

        Assert.Contains("spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated", ex.Message);
        Assert.Contains("is not in the valid range", outOfRange.Message);
        Assert.Null(cluster.Get<V1Service>("b"));
    }

    [Fact]
    public async Task Service_Deleted_FreesItsClusterIP()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("a", clusterIP: "10.96.0.50"));
        cluster.Delete<V1Service>("a");

        var again = cluster.Create(Service("b", clusterIP: "10.96.0.50"));

        Assert.Equal("10.96.0.50", again.Spec.ClusterIP);
    }

    [Fact]
    public async Task Apply_MultiDocumentYaml_CreatesThenUpdates()
    {
        await using var cluster = new FakeCluster();
        const string manifest = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: orders
              namespace: shop
              labels: {tier: "backend"}
            spec:
              selector:
                app: orders
              ports:
                - name: http
                  port: 80
                  targetPort: http
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: orders
              namespace: shop
            spec:
              hostnames: ["shop.example.com"]
            """;

        var created = cluster.Apply(manifest);
        var ip = cluster.Get<V1Service>("orders", "shop")!.Spec.ClusterIP;
        cluster.Apply(manifest.Replace("tier: \"backend\"", "tier: \"api\"", StringComparison.Ordinal));

        Assert.Equal(3, created.Count);
        var svc = cluster.Get<V1Service>("orders", "shop")!;
        Assert.Equal("api", svc.Labels()["tier"]);
        Assert.Equal(ip, svc.Spec.ClusterIP);
        Assert.Equal("http", svc.Spec.Ports[0].TargetPort.Value);
        Assert.NotNull(cluster.Store.Get(ResourceType.All.Single(t => t.Kind == "HTTPRoute"), "shop", "orders"));
    }

    [Fact]
    public async Task Apply_UnknownKindOrBadYaml_IsATypedError()
    {
        await using var cluster = new FakeCluster();

        Assert.Throws<K8sNetFormatException>(() => cluster.Apply("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"));
        Assert.Throws<K8sNetFormatException>(() => cluster.Apply("apiVersion: v1\nkind: [unclosed\n"));
    }

    private static bool IsReady(V1Pod pod) => pod.Status.Conditions.Any(c => c.Type == "Ready" && c.Status == "True");
}
