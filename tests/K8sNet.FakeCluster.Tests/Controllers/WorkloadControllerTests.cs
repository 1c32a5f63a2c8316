using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

public class WorkloadControllerTests
{
    private static V1Deployment Deployment(string name, int replicas, string image = "example/web:1.0", string? strategy = null, string? gate = null,
        IntOrString? maxSurge = null, IntOrString? maxUnavailable = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Strategy = strategy == "Recreate"
                ? new V1DeploymentStrategy { Type = "Recreate" }
                : new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = maxSurge is null && maxUnavailable is null ? null : new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers = [new V1Container { Name = "app", Image = image }],
                    ReadinessGates = gate is null ? null : [new V1PodReadinessGate { ConditionType = gate }],
                },
            },
        },
    };

    private static V1Deployment WithImage(V1Deployment d, string image, string? gate = null)
    {
        d.Spec.Template.Spec.Containers[0].Image = image;
        d.Spec.Template.Spec.ReadinessGates = gate is null ? null : [new V1PodReadinessGate { ConditionType = gate }];
        return d;
    }

    private static List<V1Pod> LivePods(FakeCluster cluster, string app) =>
        cluster.List<V1Pod>("default", $"app={app}").Where(p => p.Metadata.DeletionTimestamp is null).ToList();

    private static bool Ready(V1Pod p) => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    [Fact]
    public async Task Deployment_CreatesAReplicaSetNamedByTemplateHash_AndItsPods()
    {
        await using var cluster = new FakeCluster();

        cluster.Create(Deployment("web", 3));
        await cluster.WaitForIdleAsync();

        var rs = Assert.Single(cluster.List<V1ReplicaSet>("default"));
        var hash = rs.Labels()["pod-template-hash"];
        Assert.Equal($"web-{hash}", rs.Name());
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]+$", hash);
        Assert.Equal("1", rs.Annotations()["deployment.kubernetes.io/revision"]);
        Assert.Equal(hash, rs.Spec.Selector.MatchLabels["pod-template-hash"]);
        var owner = Assert.Single(rs.OwnerReferences());
        Assert.Equal(("Deployment", "web", true), (owner.Kind, owner.Name, owner.Controller ?? false));

        var pods = LivePods(cluster, "web");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.StartsWith($"web-{hash}-", p.Name());
            Assert.Equal(hash, p.Labels()["pod-template-hash"]);
            Assert.Equal(rs.Uid(), Assert.Single(p.OwnerReferences()).Uid);
            Assert.True(Ready(p));
        });

        var d = cluster.Get<V1Deployment>("web")!;
        Assert.Equal((3, 3, 3, 3), (d.Status.Replicas ?? 0, d.Status.UpdatedReplicas ?? 0, d.Status.ReadyReplicas ?? 0, d.Status.AvailableReplicas ?? 0));
        Assert.Equal(d.Metadata.Generation, d.Status.ObservedGeneration);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Available" && c.Status == "True" && c.Reason == "MinimumReplicasAvailable");
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Status == "True" && c.Reason == "NewReplicaSetAvailable");
        Assert.Equal((3, 3, 3), (rs.Status.Replicas, rs.Status.ReadyReplicas ?? 0, rs.Status.AvailableReplicas ?? 0));
    }

    [Fact]
    public async Task TemplateHash_IsStableForATemplate_AndDiffersWhenItChanges()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("a", 1));
        cluster.Create(Deployment("b", 1));
        await cluster.WaitForIdleAsync();
        var hashes = cluster.List<V1ReplicaSet>("default").ToDictionary(r => r.Labels()["app"], r => r.Labels()["pod-template-hash"]);
        Assert.NotEqual(hashes["a"], hashes["b"]); // labels differ, so templates differ

        cluster.Update(WithImage(cluster.Get<V1Deployment>("a")!, "example/web:2.0"));
        await cluster.WaitForIdleAsync();
        var sets = cluster.List<V1ReplicaSet>("default", "app=a");
        Assert.Equal(2, sets.Count);
        Assert.Equal(2, sets.Select(s => s.Labels()["pod-template-hash"]).Distinct().Count());
    }

    [Fact]
    public async Task ReplicaSet_ReplacesADeletedPod_AndScalesDownNotReadyPodsFirst()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 3));
        await cluster.WaitForIdleAsync();
        var first = LivePods(cluster, "web").Select(p => p.Name()).ToHashSet();

        var victim = first.First();
        cluster.Delete<V1Pod>(victim, gracePeriodSeconds: 0);
        await cluster.WaitForIdleAsync();
        var after = LivePods(cluster, "web");
        Assert.Equal(3, after.Count);
        Assert.DoesNotContain(victim, after.Select(p => p.Name()));
        Assert.All(after, p => Assert.True(Ready(p)));

        var notReady = after[1].Name();
        cluster.SetPodReady(notReady, "default", ready: false);
        await cluster.WaitForIdleAsync();
        var d = cluster.Get<V1Deployment>("web")!;
        Assert.Equal((2, 1), (d.Status.AvailableReplicas ?? 0, d.Status.UnavailableReplicas ?? 0));

        d.Spec.Replicas = 2;
        cluster.Update(d);
        await cluster.WaitForIdleAsync();
        var remaining = LivePods(cluster, "web");
        Assert.Equal(2, remaining.Count);
        Assert.DoesNotContain(notReady, remaining.Select(p => p.Name()));
        Assert.Equal(2, cluster.Get<V1Deployment>("web")!.Status.AvailableReplicas);
    }

    [Fact]
    public async Task RollingUpdate_StaysWithinMaxSurgeAndMaxUnavailable_UntilNewPodsAreReady()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 4));
        await cluster.WaitForIdleAsync();
        var oldNames = LivePods(cluster, "web").Select(p => p.Name()).ToHashSet();

        // New pods carry a readiness gate, so they stay unready until the test says so. Defaults for 4 replicas:
        // maxSurge 25% → 1, maxUnavailable 25% → 1.
        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:2.0", gate: "example.com/warm"));
        await cluster.WaitForIdleAsync();

        for (var round = 0; round < 10; round++)
        {
            var live = LivePods(cluster, "web");
            var newPods = live.Where(p => !oldNames.Contains(p.Name())).ToList();
            var available = live.Count(Ready);
            Assert.InRange(live.Count, 4, 5);         // never above replicas + maxSurge
            Assert.True(available >= 3, $"round {round}: {available} available"); // never below replicas - maxUnavailable
            var pending = newPods.Where(p => !Ready(p)).ToList();
            if (pending.Count == 0)
            {
                break;
            }

            // With nothing made ready the rollout stops where it is.
            await cluster.WaitForIdleAsync();
            Assert.Equal(live.Count, LivePods(cluster, "web").Count);
            foreach (var p in pending)
            {
                cluster.SetPodCondition(p.Name(), "default", "example.com/warm", true);
            }

            await cluster.WaitForIdleAsync();
        }

        var final = LivePods(cluster, "web");
        Assert.Equal(4, final.Count);
        Assert.All(final, p => Assert.DoesNotContain(p.Name(), oldNames));
        Assert.All(final, p => Assert.Equal("example/web:2.0", p.Spec.Containers[0].Image));
        var d = cluster.Get<V1Deployment>("web")!;
        Assert.Equal((4, 4, 4, 0), (d.Status.Replicas ?? 0, d.Status.UpdatedReplicas ?? 0, d.Status.AvailableReplicas ?? 0, d.Status.UnavailableReplicas ?? 0));
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable");
        var sets = cluster.List<V1ReplicaSet>("default", "app=web").OrderBy(s => s.Annotations()["deployment.kubernetes.io/revision"]).ToList();
        Assert.Equal([0, 4], sets.Select(s => s.Spec.Replicas ?? -1));
        Assert.Equal(["1", "2"], sets.Select(s => s.Annotations()["deployment.kubernetes.io/revision"]));
    }

    // kubectl rollout undo patches the Deployment with the old ReplicaSet's template, pod-template-hash label removed,
    // as Go serializes it: with "creationTimestamp": null. Issue 23: that made a third ReplicaSet (revisions 1, 2, 3
    // where a cluster shows 2, 3).
    [Fact]
    public async Task RolloutUndo_TheOldTemplateWithNullCreationTimestamp_ReusesItsReplicaSet()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 2));
        await cluster.WaitForIdleAsync();
        var first = Assert.Single(cluster.List<V1ReplicaSet>("default"));
        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:2.0"));
        await cluster.WaitForIdleAsync();

        var template = (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(first.Spec.Template))!;
        template["metadata"]!["labels"]!.AsObject().Remove("pod-template-hash");
        template["metadata"]!["creationTimestamp"] = null;
        var stored = cluster.Store.Get(Testing.Store.ResourceType.Deployment, "default", "web")!;
        stored["spec"]!["template"] = template;
        cluster.Store.Update(Testing.Store.ResourceType.Deployment, stored);
        await cluster.WaitForIdleAsync();

        var sets = cluster.List<V1ReplicaSet>("default", "app=web");
        Assert.Equal(2, sets.Count);
        Assert.Equal("3", sets.Single(s => s.Name() == first.Name()).Annotations()["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public async Task Rollback_ReusesTheEarlierReplicaSet_AsTheNewestRevision()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 2));
        await cluster.WaitForIdleAsync();
        var first = Assert.Single(cluster.List<V1ReplicaSet>("default")).Name();

        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:2.0"));
        await cluster.WaitForIdleAsync();
        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:1.0"));
        await cluster.WaitForIdleAsync();

        var sets = cluster.List<V1ReplicaSet>("default", "app=web");
        Assert.Equal(2, sets.Count);
        var back = sets.Single(s => s.Name() == first);
        Assert.Equal(("3", 2), (back.Annotations()["deployment.kubernetes.io/revision"], back.Spec.Replicas ?? 0));
        Assert.Equal(0, sets.Single(s => s.Name() != first).Spec.Replicas);
        Assert.All(LivePods(cluster, "web"), p => Assert.StartsWith(first + "-", p.Name()));
    }

    [Fact]
    public async Task RollingUpdate_ZeroSurge_ScalesOldDownBeforeNewUp()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 2, maxSurge: 0, maxUnavailable: 1));
        await cluster.WaitForIdleAsync();

        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:2.0", gate: "example.com/warm"));
        await cluster.WaitForIdleAsync();

        var live = LivePods(cluster, "web");
        Assert.Equal(2, live.Count);
        Assert.Equal(1, live.Count(Ready));
        var d = cluster.Get<V1Deployment>("web")!;
        Assert.Equal(1, d.Status.UpdatedReplicas);
        Assert.Contains(d.Status.Conditions, c => c.Type == "Available" && c.Status == "True");
        Assert.Contains(d.Status.Conditions, c => c.Type == "Progressing" && c.Reason == "ReplicaSetUpdated");
    }

    [Fact]
    public async Task Recreate_RemovesEveryOldPodBeforeStartingNewOnes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Deployment("web", 2, strategy: "Recreate"));
        await cluster.WaitForIdleAsync();
        var oldNames = LivePods(cluster, "web").Select(p => p.Name()).ToHashSet();

        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:2.0"));
        await cluster.WaitForIdleAsync();

        // Old pods are terminating (30 s grace); no new pod exists while they do.
        var all = cluster.List<V1Pod>("default", "app=web");
        Assert.All(all, p => Assert.Contains(p.Name(), oldNames));
        Assert.All(all, p => Assert.NotNull(p.Metadata.DeletionTimestamp));

        time.Advance(TimeSpan.FromSeconds(31));
        await cluster.WaitForIdleAsync();
        var fresh = cluster.List<V1Pod>("default", "app=web");
        Assert.Equal(2, fresh.Count);
        Assert.All(fresh, p => Assert.DoesNotContain(p.Name(), oldNames));
    }

    [Fact]
    public async Task DeleteDeployment_Background_CollectsReplicaSetsAndPods()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 2));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Deployment>("web");
        await cluster.WaitForIdleAsync();

        Assert.Null(cluster.Get<V1Deployment>("web"));
        Assert.Empty(cluster.List<V1ReplicaSet>("default"));
        Assert.Empty(LivePods(cluster, "web"));
        Assert.Empty(cluster.ControllerErrors);
    }

    [Fact]
    public async Task DeleteDeployment_Orphan_LeavesReplicaSetsWithoutOwner()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Deployment("web", 2));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Deployment>("web", propagation: DeletionPropagation.Orphan);
        await cluster.WaitForIdleAsync();

        Assert.Null(cluster.Get<V1Deployment>("web"));
        var rs = Assert.Single(cluster.List<V1ReplicaSet>("default"));
        Assert.Empty(rs.OwnerReferences() ?? []);
        Assert.Equal(2, LivePods(cluster, "web").Count);
    }

    [Fact]
    public async Task DeleteDeployment_Foreground_OwnerStaysUntilDependentsAreGone()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Deployment("web", 2));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Deployment>("web", propagation: DeletionPropagation.Foreground);
        await cluster.WaitForIdleAsync();

        // Pods take their grace period; the Deployment and ReplicaSet wait for them, marked for deletion.
        var d = cluster.Get<V1Deployment>("web");
        Assert.NotNull(d);
        Assert.NotNull(d!.Metadata.DeletionTimestamp);
        Assert.Contains("foregroundDeletion", d.Finalizers());
        Assert.NotNull(Assert.Single(cluster.List<V1ReplicaSet>("default")).Metadata.DeletionTimestamp);

        time.Advance(TimeSpan.FromSeconds(31));
        await cluster.WaitForIdleAsync();
        Assert.Null(cluster.Get<V1Deployment>("web"));
        Assert.Empty(cluster.List<V1ReplicaSet>("default"));
        Assert.Empty(cluster.List<V1Pod>("default", "app=web"));
    }

    [Fact]
    public async Task Pod_WithTwoOwners_LosesTheDeletedOneAndStays()
    {
        await using var cluster = new FakeCluster();
        var a = cluster.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a", NamespaceProperty = "default" } });
        var b = cluster.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b", NamespaceProperty = "default" } });
        var pod = Cluster.FakeClusterTests.Pod("shared");
        pod.Metadata.OwnerReferences =
        [
            new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "a", Uid = a.Uid() },
            new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "b", Uid = b.Uid() },
        ];
        cluster.Create(pod);
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1ConfigMap>("a");
        await cluster.WaitForIdleAsync();
        var left = cluster.Get<V1Pod>("shared")!;
        Assert.Equal(["b"], left.OwnerReferences().Select(o => o.Name));

        cluster.Delete<V1ConfigMap>("b");
        await cluster.WaitForIdleAsync();
        var gone = cluster.Get<V1Pod>("shared");
        Assert.True(gone is null || gone.Metadata.DeletionTimestamp is not null);
    }

    [Fact]
    public async Task DeploymentPods_BecomeServiceEndpoints_AndFollowTheRollout()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Cluster.FakeClusterTests.Service("web", selector: new Dictionary<string, string> { ["app"] = "web" }));
        cluster.Create(Deployment("web", 3));
        await cluster.WaitForIdleAsync();

        var slices = cluster.List<V1EndpointSlice>("default", "kubernetes.io/service-name=web");
        var ips = slices.SelectMany(s => s.Endpoints).SelectMany(e => e.Addresses).Order().ToList();
        Assert.Equal(LivePods(cluster, "web").Select(p => p.Status.PodIP).Order(), ips);
        Assert.Equal(3, ips.Count);

        cluster.Update(WithImage(cluster.Get<V1Deployment>("web")!, "example/web:2.0"));
        await cluster.WaitForIdleAsync();
        var readyIps = cluster.List<V1EndpointSlice>("default", "kubernetes.io/service-name=web")
            .SelectMany(s => s.Endpoints).Where(e => e.Conditions.Ready == true).SelectMany(e => e.Addresses).Order();
        Assert.Equal(LivePods(cluster, "web").Select(p => p.Status.PodIP).Order(), readyIps);
    }
}
