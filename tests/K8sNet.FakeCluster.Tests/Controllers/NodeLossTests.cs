using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Tests.Cluster;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

public class NodeLossTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task AdvanceAsync(FakeCluster cluster, FakeTimeProvider time, TimeSpan by)
    {
        for (var left = by; left > TimeSpan.Zero; left -= TimeSpan.FromSeconds(1))
        {
            time.Advance(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
            await cluster.WaitForIdleAsync();
        }
    }

    private static V1EndpointSlice WebSlice(FakeCluster cluster) => Assert.Single(cluster.List<V1EndpointSlice>("default", "kubernetes.io/service-name=web"));

    [Fact]
    public async Task Pods_GetTheDefaultTolerationsForNotReadyAndUnreachableNodes()
    {
        await using var cluster = new FakeCluster();
        var pod = cluster.Create(FakeClusterTests.Pod("web-1"));

        Assert.Equal(
            [("node.kubernetes.io/not-ready", "Exists", "NoExecute", 300L), ("node.kubernetes.io/unreachable", "Exists", "NoExecute", 300L)],
            pod.Spec.Tolerations.Select(t => (t.Key, t.OperatorProperty, t.Effect, t.TolerationSeconds ?? -1)));

        var own = FakeClusterTests.Pod("web-2");
        own.Spec.Tolerations = [new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 5 }];
        Assert.Equal(["node.kubernetes.io/unreachable", "node.kubernetes.io/not-ready"], cluster.Create(own).Spec.Tolerations.Select(t => t.Key));
    }

    [Fact]
    public async Task LostNode_GoesUnknownAfterTheGracePeriod_EndpointsGoNotReady_PodsAreEvictedAfter300s()
    {
        var time = new FakeTimeProvider(Start);
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(FakeClusterTests.Service("web"));
        for (var i = 0; i < 3; i++)
        {
            cluster.Create(FakeClusterTests.Pod($"web-{i}"));
            await cluster.WaitForIdleAsync();
        }

        var onNode2 = cluster.List<V1Pod>("default").Single(p => p.Spec.NodeName == "node-2");
        cluster.LoseNode("node-2");
        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(49));
        Assert.True(cluster.IsNodeReady("node-2"));
        Assert.All(WebSlice(cluster).Endpoints, e => Assert.True(e.Conditions.Ready));

        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(1));
        var node = cluster.Get<V1Node>("node-2", null)!;
        var ready = node.Status.Conditions.Single(c => c.Type == "Ready");
        Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(
            [("node.kubernetes.io/unreachable", "NoSchedule"), ("node.kubernetes.io/unreachable", "NoExecute")],
            node.Spec.Taints.Select(t => (t.Key, t.Effect)));
        var lostEndpoint = WebSlice(cluster).Endpoints.Single(e => e.Addresses[0] == onNode2.Status.PodIP);
        Assert.Equal((false, false, false), (lostEndpoint.Conditions.Ready ?? true, lostEndpoint.Conditions.Serving ?? true, lostEndpoint.Conditions.Terminating ?? false));
        Assert.Equal(2, WebSlice(cluster).Endpoints.Count(e => e.Conditions.Ready == true));

        // New pods avoid the tainted node.
        cluster.Create(FakeClusterTests.Pod("web-3"));
        await cluster.WaitForIdleAsync();
        Assert.NotEqual("node-2", cluster.Get<V1Pod>("web-3")!.Spec.NodeName);

        // Eviction 300 s after the taint: the pod is deleted, and — the kubelet being gone — stays Terminating.
        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(299));
        Assert.Null(cluster.Get<V1Pod>(onNode2.Name())!.Metadata.DeletionTimestamp);
        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(1));
        Assert.NotNull(cluster.Get<V1Pod>(onNode2.Name())!.Metadata.DeletionTimestamp);
        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(60));
        Assert.NotNull(cluster.Get<V1Pod>(onNode2.Name()));
        Assert.True(WebSlice(cluster).Endpoints.Single(e => e.Addresses[0] == onNode2.Status.PodIP).Conditions.Terminating);

        // Back: the node is Ready and untainted, and the kubelet finishes the deletion.
        cluster.RestoreNode("node-2");
        await cluster.WaitForIdleAsync();
        Assert.True(cluster.IsNodeReady("node-2"));
        Assert.Empty(cluster.Get<V1Node>("node-2", null)!.Spec.Taints ?? []);
        Assert.Null(cluster.Get<V1Pod>(onNode2.Name()));
        Assert.DoesNotContain(WebSlice(cluster).Endpoints, e => e.Addresses[0] == onNode2.Status.PodIP);
        Assert.Empty(cluster.ControllerErrors);
    }

    [Fact]
    public async Task NodeBackBeforeEviction_PodsAreReadyAgain_AndNotEvicted()
    {
        var time = new FakeTimeProvider(Start);
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(FakeClusterTests.Service("web"));
        cluster.Create(FakeClusterTests.Pod("web-0", node: "node-1"));
        await cluster.WaitForIdleAsync();

        cluster.LoseNode("node-1");
        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(60));
        Assert.False(WebSlice(cluster).Endpoints[0].Conditions.Ready);

        cluster.RestoreNode("node-1");
        await cluster.WaitForIdleAsync();
        Assert.True(WebSlice(cluster).Endpoints[0].Conditions.Ready);

        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(400));
        Assert.Null(cluster.Get<V1Pod>("web-0")!.Metadata.DeletionTimestamp);
    }

    [Fact]
    public async Task Tolerations_DecideWhenAPodIsEvicted()
    {
        var time = new FakeTimeProvider(Start);
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        V1Pod Tolerating(string name, long? seconds)
        {
            var pod = FakeClusterTests.Pod(name, node: "node-1");
            pod.Spec.Tolerations = [new V1Toleration { Key = "node.kubernetes.io/unreachable", OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = seconds }];
            return pod;
        }

        cluster.Create(Tolerating("short", 10));
        cluster.Create(Tolerating("forever", null));
        var any = FakeClusterTests.Pod("all-taints", node: "node-1");
        any.Spec.Tolerations = [new V1Toleration { OperatorProperty = "Exists" }];
        cluster.Create(any);
        cluster.Create(FakeClusterTests.Pod("default", node: "node-1"));
        await cluster.WaitForIdleAsync();

        cluster.LoseNode("node-1");
        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(50 + 10));
        bool Evicted(string name) => cluster.Get<V1Pod>(name)!.Metadata.DeletionTimestamp is not null;
        Assert.True(Evicted("short"));
        Assert.False(Evicted("default"));

        await AdvanceAsync(cluster, time, TimeSpan.FromSeconds(300));
        Assert.True(Evicted("default"));
        Assert.False(Evicted("forever"));
        Assert.False(Evicted("all-taints"));
    }

    [Fact]
    public async Task DeletedNode_ItsPodsAreForceDeleted_AndADeploymentReplacesThem()
    {
        var time = new FakeTimeProvider(Start);
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 3,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "example/web:1.0" }] },
                },
            },
        });
        await cluster.WaitForIdleAsync();
        Assert.Equal(["node-1", "node-2", "node-3"], cluster.List<V1Pod>("default").Select(p => p.Spec.NodeName).Order());

        cluster.LoseNode("node-3");
        cluster.Delete<V1Node>("node-3", null);
        await cluster.WaitForIdleAsync();

        var pods = cluster.List<V1Pod>("default");
        Assert.Equal(3, pods.Count);
        Assert.DoesNotContain(pods, p => p.Spec.NodeName == "node-3");
        Assert.All(pods, p => Assert.Contains(p.Status.Conditions, c => c.Type == "Ready" && c.Status == "True"));
    }

    [Fact]
    public async Task LoseNode_UnknownNode_IsNotFound()
    {
        await using var cluster = new FakeCluster();
        var ex = Assert.Throws<KubernetesStatusException>(() => cluster.LoseNode("node-9"));
        Assert.Equal(404, ex.Code);
        Assert.Contains("node-9", ex.Message, StringComparison.Ordinal);
    }
}
