using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.Time.Testing;
using static K8sNet.Testing.Tests.Cluster.FakeClusterTests;

namespace K8sNet.Testing.Tests.Controllers;

public class EndpointSliceControllerTests
{
    private static IReadOnlyList<V1EndpointSlice> Slices(FakeCluster cluster, string service, string ns = "default") =>
        cluster.List<V1EndpointSlice>(ns, $"kubernetes.io/service-name={service}");

    [Fact]
    public async Task Service_250ReadyPods_3SlicesOfAtMost100_WithTheControllersLabelsAndOwner()
    {
        // The pods first, then the Service: one reconcile sees all 250 and packs them (as upstream does).
        await using var cluster = new FakeCluster();
        for (var i = 0; i < 250; i++)
        {
            cluster.Create(Pod($"web-{i:D3}"));
        }

        await cluster.WaitForIdleAsync();
        var svc = cluster.Create(Service("web"));
        await cluster.WaitForIdleAsync();

        var slices = Slices(cluster, "web");
        Assert.Equal([100, 100, 50], slices.Select(s => s.Endpoints.Count).OrderDescending());
        Assert.All(slices, s =>
        {
            Assert.Equal("endpointslice-controller.k8s.io", s.Labels()["endpointslice.kubernetes.io/managed-by"]);
            Assert.StartsWith("web-", s.Name());
            Assert.Equal("IPv4", s.AddressType);
            Assert.Equal(8080, s.Ports.Single().Port);
            Assert.Equal("http", s.Ports.Single().Name);
            Assert.Equal(svc.Uid(), s.OwnerReferences().Single().Uid);
            Assert.DoesNotContain("service.kubernetes.io/headless", s.Labels().Keys);
        });
        Assert.Equal(250, slices.SelectMany(s => s.Endpoints).Select(e => e.Addresses[0]).Distinct().Count());
        Assert.Empty(cluster.ControllerErrors);
    }

    [Fact]
    public async Task PodsArrivingInBatches_FillSlicesWithoutRepacking_NoneOverTheLimitAndNoneLost()
    {
        // Upstream does not repack: a batch that fits no existing slice starts a new one. Which batches the controller
        // sees depends on timing (as in a real cluster), so only the invariants are certain.
        await using var cluster = new FakeCluster();
        cluster.Create(Service("web"));
        for (var i = 0; i < 250; i++)
        {
            cluster.Create(Pod($"web-{i:D3}"));
            if (i % 60 == 59)
            {
                await cluster.WaitForIdleAsync(); // batches of 60: 60, 60 (a new slice), 60, 60, 10
            }
        }

        await cluster.WaitForIdleAsync();
        var slices = Slices(cluster, "web");
        Assert.All(slices, s => Assert.InRange(s.Endpoints.Count, 1, 100));
        Assert.Equal(250, slices.SelectMany(s => s.Endpoints).Select(e => e.Addresses[0]).Distinct().Count());
        Assert.Equal(250, slices.Sum(s => s.Endpoints.Count));
        Assert.True(slices.Count >= 3);
    }

    [Fact]
    public async Task ReadinessFlip_UpdatesConditions_AndZoneAndNodeAreSet()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("web"));
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        cluster.SetPodReady("web-1", "default", false);
        await cluster.WaitForIdleAsync();

        var ep = Slices(cluster, "web").Single().Endpoints.Single();
        Assert.Equal((false, false, false), (ep.Conditions.Ready, ep.Conditions.Serving, ep.Conditions.Terminating));
        Assert.Equal("node-1", ep.NodeName);
        Assert.Equal("zone-a", ep.Zone);
        Assert.Equal("web-1", ep.TargetRef.Name);
    }

    [Fact]
    public async Task TerminatingPod_StaysWithReadyFalseServingTerminating_UntilItIsGone()
    {
        var time = new FakeTimeProvider();
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        cluster.Create(Service("web"));
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Pod>("web-1");
        await cluster.WaitForIdleAsync();
        var terminating = Slices(cluster, "web").Single().Endpoints.Single();
        time.Advance(TimeSpan.FromSeconds(30));
        await cluster.WaitForIdleAsync();

        Assert.Equal((false, true, true), (terminating.Conditions.Ready, terminating.Conditions.Serving, terminating.Conditions.Terminating));
        var after = Slices(cluster, "web").Single();
        Assert.Empty(after.Endpoints ?? []);
        Assert.Empty(after.Ports ?? []); // the placeholder slice
    }

    [Fact]
    public async Task NamedTargetPort_ResolvedPerPod_DifferentPortsLandInDifferentSlices()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("web", ports: new V1ServicePort { Name = "http", Port = 80, TargetPort = "web" }));
        cluster.Create(Pod("web-old", ports: new V1ContainerPort { Name = "web", ContainerPort = 8080 }));
        cluster.Create(Pod("web-new", ports: new V1ContainerPort { Name = "web", ContainerPort = 9090 }));
        cluster.Create(Pod("web-none"));
        await cluster.WaitForIdleAsync();

        var slices = Slices(cluster, "web").OrderBy(s => s.Ports?.FirstOrDefault()?.Port ?? 0).ToList();

        Assert.Equal(3, slices.Count);
        Assert.Equal((0, "web-none"), (slices[0].Ports?.Count ?? 0, slices[0].Endpoints.Single().TargetRef.Name));
        Assert.Equal((8080, "web-old"), (slices[1].Ports.Single().Port!.Value, slices[1].Endpoints.Single().TargetRef.Name));
        Assert.Equal((9090, "web-new"), (slices[2].Ports.Single().Port!.Value, slices[2].Endpoints.Single().TargetRef.Name));
    }

    [Fact]
    public async Task PublishNotReadyAddresses_MakesEveryEndpointReady()
    {
        await using var cluster = new FakeCluster();
        var svc = Service("web");
        svc.Spec.PublishNotReadyAddresses = true;
        cluster.Create(svc);
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();
        cluster.SetPodReady("web-1", "default", false);
        await cluster.WaitForIdleAsync();

        var ep = Slices(cluster, "web").Single().Endpoints.Single();

        Assert.Equal((true, false), (ep.Conditions.Ready, ep.Conditions.Serving));
    }

    [Fact]
    public async Task HeadlessService_HostnameForSubdomainPods_AndTheHeadlessLabel()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("db", clusterIP: "None"));
        var pod = Pod("db-0");
        pod.Spec.Hostname = "db-0";
        pod.Spec.Subdomain = "db";
        cluster.Create(pod);
        var other = Pod("db-x");
        other.Spec.Hostname = "db-x";
        other.Spec.Subdomain = "elsewhere";
        cluster.Create(other);
        await cluster.WaitForIdleAsync();

        var slices = Slices(cluster, "db");
        var endpoints = slices.Where(s => s.AddressType == "IPv4").SelectMany(s => s.Endpoints).ToList();

        Assert.Equal<string>(["IPv4"], slices.Select(s => s.AddressType)); // ipFamilies [IPv4], as the API server fills it on a single-stack cluster
        Assert.Equal("db-0", endpoints.Single(e => e.TargetRef.Name == "db-0").Hostname);
        Assert.Null(endpoints.Single(e => e.TargetRef.Name == "db-x").Hostname);
        Assert.All(slices, s => Assert.Equal(string.Empty, s.Labels()["service.kubernetes.io/headless"]));
    }

    [Fact]
    public async Task TrafficDistribution_PreferClose_SetsZoneHints_PreferSameNode_AlsoNodeHints()
    {
        await using var cluster = new FakeCluster();
        var close = Service("close");
        close.Spec.TrafficDistribution = "PreferClose";
        var node = Service("node");
        node.Spec.TrafficDistribution = "PreferSameNode";
        cluster.Create(close);
        cluster.Create(node);
        cluster.Create(Pod("web-1"));
        cluster.Create(Pod("web-2"));
        await cluster.WaitForIdleAsync();

        var c = Slices(cluster, "close").Single().Endpoints;
        var n = Slices(cluster, "node").Single().Endpoints;

        Assert.All(c, e => Assert.Equal([e.Zone], e.Hints.ForZones.Select(z => z.Name)));
        Assert.All(c, e => Assert.Null(e.Hints.ForNodes));
        Assert.All(n, e => Assert.Equal([e.NodeName], e.Hints.ForNodes.Select(z => z.Name)));
    }

    [Fact]
    public async Task ServiceWithoutSelector_GetsNoManagedSlices_UserSlicesAreLeftAlone()
    {
        await using var cluster = new FakeCluster();
        var svc = Service("external");
        svc.Spec.Selector = null;
        cluster.Create(svc);
        cluster.Create(new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "external-manual", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "external" } },
            AddressType = "IPv4",
            Endpoints = [new V1Endpoint { Addresses = ["192.0.2.10"] }],
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 80 }],
        });
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        Assert.Equal(["external-manual"], Slices(cluster, "external").Select(s => s.Name()));
    }

    [Fact]
    public async Task DeletedService_ItsSlicesAreRemoved()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("web"));
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        cluster.Delete<V1Service>("web");
        await cluster.WaitForIdleAsync();

        Assert.Empty(Slices(cluster, "web"));
    }

    [Fact]
    public async Task AChangeTouchesOnlyTheSlicesItMust()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("web"));
        for (var i = 0; i < 150; i++)
        {
            cluster.Create(Pod($"web-{i:D3}"));
        }

        await cluster.WaitForIdleAsync();
        var before = Slices(cluster, "web").ToDictionary(s => s.Name(), s => s.ResourceVersion());
        var target = before.Keys.First(name => Slices(cluster, "web").Single(s => s.Name() == name).Endpoints.Any(e => e.TargetRef.Name == "web-007"));

        cluster.SetPodReady("web-007", "default", false);
        await cluster.WaitForIdleAsync();

        var after = Slices(cluster, "web").ToDictionary(s => s.Name(), s => s.ResourceVersion());
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, kv => Assert.Equal(kv.Key == target, kv.Value != after[kv.Key]));
    }
}
