using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

public class StatefulSetTests
{
    private const string Gate = "example.com/warm";

    private static V1StatefulSet Set(int replicas, string image = "example/db:1.0", bool gated = false, bool parallel = false, int? partition = null, int? start = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default" },
        Spec = new V1StatefulSetSpec
        {
            Replicas = replicas,
            ServiceName = "db",
            PodManagementPolicy = parallel ? "Parallel" : null,
            Ordinals = start is null ? null : new V1StatefulSetOrdinals { Start = start },
            UpdateStrategy = partition is null ? null : new V1StatefulSetUpdateStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateStatefulSetStrategy { Partition = partition } },
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "db" } },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = "db", Image = image, Ports = [new V1ContainerPort { Name = "sql", ContainerPort = 5432 }] }],
                    ReadinessGates = gated ? [new V1PodReadinessGate { ConditionType = Gate }] : null,
                },
            },
        },
    };

    private static List<string> Names(FakeCluster cluster) =>
        cluster.List<V1Pod>("default", "app=db").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Name()).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task Pods_HaveStableNamesHostnamesAndSubdomain_AndTheHeadlessServiceNamesThem()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "db", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { ClusterIP = "None", Selector = new Dictionary<string, string> { ["app"] = "db" }, Ports = [new V1ServicePort { Name = "sql", Port = 5432 }] },
        });
        cluster.Create(Set(3));
        await cluster.WaitForIdleAsync();

        Assert.Equal(["db-0", "db-1", "db-2"], Names(cluster));
        var pod = cluster.Get<V1Pod>("db-1")!;
        Assert.Equal(("db-1", "db"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        Assert.Equal("db-1", pod.Labels()["statefulset.kubernetes.io/pod-name"]);
        Assert.Equal("1", pod.Labels()["apps.kubernetes.io/pod-index"]);
        var revision = pod.Labels()["controller-revision-hash"];
        Assert.StartsWith("db-", revision);

        var slice = Assert.Single(cluster.List<V1EndpointSlice>("default", "kubernetes.io/service-name=db"));
        Assert.Equal(["db-0", "db-1", "db-2"], slice.Endpoints.Select(e => e.Hostname).Order(StringComparer.Ordinal));

        var set = cluster.Get<V1StatefulSet>("db")!;
        Assert.Equal((3, 3, 3, 3), (set.Status.Replicas, set.Status.ReadyReplicas ?? 0, set.Status.CurrentReplicas ?? 0, set.Status.UpdatedReplicas ?? 0));
        Assert.Equal((revision, revision), (set.Status.CurrentRevision, set.Status.UpdateRevision));
    }

    [Fact]
    public async Task OrderedReady_CreatesOnePodAtATime_EachAfterThePreviousIsReady()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Set(3, gated: true));
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0"], Names(cluster));

        cluster.SetPodCondition("db-0", "default", Gate, true);
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0", "db-1"], Names(cluster));

        cluster.SetPodCondition("db-1", "default", Gate, true);
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0", "db-1", "db-2"], Names(cluster));
        Assert.Equal(2, cluster.Get<V1StatefulSet>("db")!.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Parallel_CreatesEveryPodAtOnce()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Set(3, gated: true, parallel: true));
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0", "db-1", "db-2"], Names(cluster));
    }

    [Fact]
    public async Task OrdinalsStart_NumbersPodsFromIt()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Set(2, start: 5));
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-5", "db-6"], Names(cluster));
    }

    [Fact]
    public async Task DeletedPod_ComesBackWithItsNameAndANewIP_OnceTheOldOneIsGone()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Set(2));
        await cluster.WaitForIdleAsync();
        var before = cluster.Get<V1Pod>("db-1")!;

        cluster.Delete<V1Pod>("db-1");
        await cluster.WaitForIdleAsync();
        Assert.NotNull(cluster.Get<V1Pod>("db-1")!.Metadata.DeletionTimestamp); // terminating: the name is still taken

        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        var after = cluster.Get<V1Pod>("db-1")!;
        Assert.Null(after.Metadata.DeletionTimestamp);
        Assert.NotEqual(before.Uid(), after.Uid());
        Assert.NotEqual(before.Status.PodIP, after.Status.PodIP);
        Assert.Equal("db-1", after.Spec.Hostname);
    }

    [Fact]
    public async Task ScaleDown_RemovesTheHighestOrdinalFirst_OneAtATime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Set(4));
        await cluster.WaitForIdleAsync();

        var set = cluster.Get<V1StatefulSet>("db")!;
        set.Spec.Replicas = 2;
        cluster.Update(set);
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0", "db-1", "db-2"], Names(cluster)); // db-3 terminating; db-2 waits for it

        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0", "db-1"], Names(cluster));

        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        Assert.Equal(["db-0", "db-1"], cluster.List<V1Pod>("default", "app=db").Select(p => p.Name()).Order(StringComparer.Ordinal));
        Assert.Equal(2, cluster.Get<V1StatefulSet>("db")!.Status.Replicas);
    }

    [Fact]
    public async Task RollingUpdate_GoesFromTheHighestOrdinalDown_AndStopsAtThePartition()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Set(3, partition: 1));
        await cluster.WaitForIdleAsync();
        var oldRevision = cluster.Get<V1StatefulSet>("db")!.Status.CurrentRevision;

        var set = cluster.Get<V1StatefulSet>("db")!;
        set.Spec.Template.Spec.Containers[0].Image = "example/db:2.0";
        cluster.Update(set);
        await cluster.WaitForIdleAsync();

        string Image(string pod) => cluster.Get<V1Pod>(pod)!.Spec.Containers[0].Image;
        Assert.NotNull(cluster.Get<V1Pod>("db-2")!.Metadata.DeletionTimestamp);
        Assert.Null(cluster.Get<V1Pod>("db-1")!.Metadata.DeletionTimestamp); // one at a time

        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        Assert.Equal("example/db:2.0", Image("db-2"));
        Assert.NotNull(cluster.Get<V1Pod>("db-1")!.Metadata.DeletionTimestamp);

        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        Assert.Equal(["example/db:1.0", "example/db:2.0", "example/db:2.0"], new[] { "db-0", "db-1", "db-2" }.Select(Image));

        var status = cluster.Get<V1StatefulSet>("db")!.Status;
        Assert.Equal(oldRevision, status.CurrentRevision); // not every pod is updated: the partition holds db-0
        Assert.NotEqual(status.CurrentRevision, status.UpdateRevision);
        Assert.Equal((1, 2), (status.CurrentReplicas ?? 0, status.UpdatedReplicas ?? 0));

        // A pod below the partition that is deleted comes back at the current revision.
        cluster.Delete<V1Pod>("db-0", gracePeriodSeconds: 0);
        await cluster.WaitForIdleAsync();
        Assert.Equal("example/db:1.0", Image("db-0"));

        // Partition 0: the rest rolls out and the update revision becomes current.
        set = cluster.Get<V1StatefulSet>("db")!;
        set.Spec.UpdateStrategy.RollingUpdate.Partition = 0;
        cluster.Update(set);
        await cluster.WaitForIdleAsync();
        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();
        Assert.Equal("example/db:2.0", Image("db-0"));
        status = cluster.Get<V1StatefulSet>("db")!.Status;
        Assert.Equal(status.UpdateRevision, status.CurrentRevision);
        Assert.Equal((3, 3), (status.CurrentReplicas ?? 0, status.UpdatedReplicas ?? 0));
    }

    [Fact]
    public async Task DeleteStatefulSet_CollectsItsPods()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Set(2));
        await cluster.WaitForIdleAsync();
        cluster.Delete<V1StatefulSet>("db");
        await cluster.WaitForIdleAsync();
        Assert.Empty(Names(cluster));
        Assert.Empty(cluster.ControllerErrors);
    }
}
