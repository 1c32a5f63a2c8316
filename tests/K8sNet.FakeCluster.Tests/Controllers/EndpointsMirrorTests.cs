using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Controllers;
using static K8sNet.Testing.Tests.Cluster.FakeClusterTests;

namespace K8sNet.Testing.Tests.Controllers;

/// <summary>
/// The legacy Endpoints mirror against upstream's endpoints controller tests
/// (kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller_test.go, commit 003e86297d18a8538c9da3619871393f9703bf70).
/// </summary>
public class EndpointsMirrorTests
{
    // TestTruncateEndpoints: subsetsReady, subsetsNotReady, expectedReady, expectedNotReady.
    public static TheoryData<string, int[], int[], int[], int[]> TruncateCases => new()
    {
        { "empty", [], [], [], [] },
        { "total endpoints < max capacity", [50, 100, 100, 100, 100], [50, 100, 100, 100, 100], [50, 100, 100, 100, 100], [50, 100, 100, 100, 100] },
        { "total endpoints = max capacity", [100, 100, 100, 100, 100], [100, 100, 100, 100, 100], [100, 100, 100, 100, 100], [100, 100, 100, 100, 100] },
        { "total ready endpoints < max capacity, but total endpoints > max capacity", [90, 110, 50, 10, 20], [101, 200, 200, 201, 298], [90, 110, 50, 10, 20], [73, 144, 144, 145, 214] },
        { "total ready endpoints > max capacity", [205, 400, 402, 400, 693], [100, 200, 200, 200, 300], [98, 191, 192, 191, 328], [0, 0, 0, 0, 0] },
    };

    [Theory]
    [MemberData(nameof(TruncateCases))]
    public void Truncate_AsUpstream(string description, int[] ready, int[] notReady, int[] expectedReady, int[] expectedNotReady)
    {
        var (gotReady, gotNotReady, truncated) = EndpointsMirror.TruncateCounts(ready, notReady);
        Assert.Equal(expectedReady, gotReady);
        Assert.Equal(expectedNotReady, gotNotReady);
        Assert.Equal(ready.Sum() + notReady.Sum() > 1000, truncated);
        Assert.NotEmpty(description);
    }

    // TestSyncServiceAddresses: phase, ready, terminating, publishNotReadyAddresses -> ready and not-ready addresses.
    public static TheoryData<string, string, bool, bool, bool, int, int> AddressCases => new()
    {
        { "pod running phase", "Running", true, false, false, 1, 0 },
        { "pod running phase being deleted", "Running", true, true, false, 0, 0 },
        { "pod unknown phase container ready", "Unknown", true, false, false, 1, 0 },
        { "pod unknown phase container ready being deleted", "Unknown", true, true, false, 0, 0 },
        { "pod pending phase container ready", "Pending", true, false, false, 1, 0 },
        { "pod pending phase container ready being deleted", "Pending", true, true, false, 0, 0 },
        { "pod unknown phase container not ready", "Unknown", false, false, false, 0, 1 },
        { "pod pending phase container not ready", "Pending", false, false, false, 0, 1 },
        { "pod failed phase", "Failed", false, false, false, 0, 0 },
        { "pod succeeded phase", "Succeeded", false, false, false, 0, 0 },
        { "pod running phase and tolerate unready", "Running", false, false, true, 1, 0 },
        { "pod running phase and tolerate unready being deleted", "Running", false, true, true, 1, 0 },
        { "pod unknown phase and tolerate unready", "Unknown", false, false, true, 1, 0 },
        { "pod unknown phase and tolerate unready being deleted", "Unknown", false, true, true, 1, 0 },
        { "pod pending phase and tolerate unready", "Pending", false, false, true, 1, 0 },
        { "pod pending phase and tolerate unready being deleted", "Pending", false, true, true, 1, 0 },
        { "pod failed phase and tolerate unready", "Failed", false, false, true, 0, 0 },
        { "pod succeeded phase and tolerate unready endpoints", "Succeeded", false, false, true, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(AddressCases))]
    public void Addresses_AsUpstream(string description, string phase, bool ready, bool terminating, bool tolerateUnready, int expectedReady, int expectedNotReady)
    {
        var service = Node($$$"""
            {"metadata":{"name":"foo","namespace":"ns"},
             "spec":{"selector":{"foo":"bar"},"publishNotReadyAddresses":{{{(tolerateUnready ? "true" : "false")}}},"type":"ClusterIP",
                     "clusterIP":"1.1.1.1","ports":[{"port":80,"protocol":"TCP"}],"ipFamilies":["IPv4"]}}
            """);
        var pod = Node($$$"""
            {"metadata":{"name":"fakepod","namespace":"ns","uid":"u1","labels":{"foo":"bar"}{{{(terminating ? ",\"deletionTimestamp\":\"2026-01-01T00:00:00Z\"" : string.Empty)}}}},
             "spec":{"containers":[{"name":"c","ports":[{"name":"port1","containerPort":8080}]}]},
             "status":{"phase":"{{{phase}}}","conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}"}],
                       "podIP":"10.1.1.1","podIPs":[{"ip":"10.1.1.1"}]}}
            """);

        var (subsets, _) = EndpointsMirror.Subsets(service, [pod]);

        Assert.Equal(expectedReady, subsets.Sum(s => (s?["addresses"] as JsonArray)?.Count ?? 0));
        Assert.Equal(expectedNotReady, subsets.Sum(s => (s?["notReadyAddresses"] as JsonArray)?.Count ?? 0));
        Assert.NotEmpty(description);
    }

    [Fact]
    public void Repack_AddressesSharingPortsShareASubset_NotReadyWinsPerPort_SortedByIp()
    {
        // Two ports; pod b serves only one of them (its named port is missing); pod c is not ready.
        var service = Node("""
            {"metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"app":"web"},"clusterIP":"10.96.0.5","ports":[
               {"name":"http","port":80,"targetPort":"http","protocol":"TCP"},
               {"name":"metrics","port":9090,"targetPort":"metrics","protocol":"TCP"}]}}
            """);
        JsonObject PodWith(string name, string ip, bool ready, bool metrics) => Node($$$"""
            {"metadata":{"name":"{{{name}}}","namespace":"default","uid":"uid-{{{name}}}"},
             "spec":{"nodeName":"node-1","containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}{{{(metrics ? ",{\"name\":\"metrics\",\"containerPort\":9100}" : string.Empty)}}}]}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}"}],"podIP":"{{{ip}}}","podIPs":[{"ip":"{{{ip}}}"}]}}
            """);

        var (subsets, truncated) = EndpointsMirror.Subsets(service, [PodWith("c", "10.0.0.3", false, true), PodWith("b", "10.0.0.2", true, false), PodWith("a", "10.0.0.1", true, true)]);

        Assert.False(truncated);
        Assert.Equal(2, subsets.Count);
        // http: a, b ready; c not ready.  metrics: a ready; c not ready.
        var http = subsets.Single(s => s!["ports"]!.AsArray().Any(p => (string?)p!["name"] == "http"))!;
        Assert.Equal(["10.0.0.1", "10.0.0.2"], http["addresses"]!.AsArray().Select(a => (string)a!["ip"]!));
        Assert.Equal(["10.0.0.3"], http["notReadyAddresses"]!.AsArray().Select(a => (string)a!["ip"]!));
        Assert.Equal(8080, (long)http["ports"]![0]!["port"]!);
        var metrics = subsets.Single(s => s!["ports"]!.AsArray().Any(p => (string?)p!["name"] == "metrics"))!;
        Assert.Equal(["10.0.0.1"], metrics["addresses"]!.AsArray().Select(a => (string)a!["ip"]!));
        Assert.Equal(9100, (long)metrics["ports"]![0]!["port"]!);
        var address = http["addresses"]![0]!;
        Assert.Equal("node-1", (string?)address["nodeName"]);
        Assert.Equal("""{"kind":"Pod","namespace":"default","name":"a","uid":"uid-a"}""", address["targetRef"]!.ToJsonString());
    }

    [Fact]
    public void HeadlessWithoutPorts_ListsAddressesWithNoPorts_AServiceWithClusterIpAndNoPortsGetsNone()
    {
        var pod = Node("""
            {"metadata":{"name":"p","namespace":"default","uid":"u"},"spec":{"hostname":"p","subdomain":"db"},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"podIP":"10.0.0.9","podIPs":[{"ip":"10.0.0.9"}]}}
            """);
        var headless = Node("""{"metadata":{"name":"db","namespace":"default"},"spec":{"selector":{"a":"b"},"clusterIP":"None"}}""");
        var (subsets, _) = EndpointsMirror.Subsets(headless, [pod]);
        var subset = Assert.Single(subsets)!.AsObject();
        Assert.False(subset.ContainsKey("ports"));
        Assert.Equal("p", (string?)subset["addresses"]![0]!["hostname"]); // subdomain names the Service
        Assert.Empty(EndpointsMirror.Subsets(Node("""{"metadata":{"name":"x","namespace":"default"},"spec":{"selector":{"a":"b"},"clusterIP":"10.96.0.9"}}"""), [pod]).Subsets);
    }

    [Fact]
    public async Task Cluster_KeepsEndpointsBesideTheSlices_ReadyNotReady_Labels_DeletedWithTheService()
    {
        await using var cluster = new FakeCluster();
        var svc = Service("web");
        svc.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        cluster.Create(svc);
        cluster.Create(Pod("web-0"));
        cluster.Create(Pod("web-1"));
        await cluster.WaitForIdleAsync();

        var endpoints = cluster.Get<V1Endpoints>("web")!;
        var subset = Assert.Single(endpoints.Subsets);
        Assert.Equal(2, subset.Addresses.Count);
        Assert.Null(subset.NotReadyAddresses);
        Assert.Equal(("http", 8080, "TCP"), (subset.Ports.Single().Name, subset.Ports.Single().Port, subset.Ports.Single().Protocol));
        Assert.Equal("front", endpoints.Labels()["tier"]);
        Assert.DoesNotContain("service.kubernetes.io/headless", endpoints.Labels().Keys);

        cluster.SetPodReady("web-1", "default", false);
        await cluster.WaitForIdleAsync();
        subset = Assert.Single(cluster.Get<V1Endpoints>("web")!.Subsets);
        Assert.Equal("web-0", subset.Addresses.Single().TargetRef.Name);
        Assert.Equal("web-1", subset.NotReadyAddresses.Single().TargetRef.Name);

        // Deleted by someone: put back. Deleted with the Service.
        cluster.Delete<V1Endpoints>("web");
        await cluster.WaitForIdleAsync();
        Assert.NotNull(cluster.Get<V1Endpoints>("web"));
        cluster.Delete<V1Service>("web");
        await cluster.WaitForIdleAsync();
        Assert.Null(cluster.Get<V1Endpoints>("web"));
        Assert.Empty(cluster.ControllerErrors);
    }

    [Fact]
    public async Task Cluster_OverCapacity_1000AddressesAndTheAnnotation_RemovedWhenBackUnder()
    {
        await using var cluster = new FakeCluster();
        cluster.AddNode("node-4", "zone-a"); // 4 nodes' /24 pod ranges: room for 1016 pods
        cluster.Create(Service("web"));
        for (var i = 0; i < 1001; i++)
        {
            cluster.Create(Pod($"web-{i:D4}", node: $"node-{(i % 4) + 1}"));
        }

        await cluster.WaitForIdleAsync();
        var endpoints = cluster.Get<V1Endpoints>("web")!;
        Assert.Equal(1000, endpoints.Subsets.Sum(s => s.Addresses.Count));
        Assert.Equal("truncated", endpoints.Annotations()["endpoints.kubernetes.io/over-capacity"]);

        cluster.Delete<V1Pod>("web-0000", gracePeriodSeconds: 0);
        await cluster.WaitForIdleAsync();
        endpoints = cluster.Get<V1Endpoints>("web")!;
        Assert.Equal(1000, endpoints.Subsets.Sum(s => s.Addresses.Count));
        Assert.DoesNotContain("endpoints.kubernetes.io/over-capacity", endpoints.Annotations()?.Keys ?? []);
    }

    [Fact]
    public async Task Cluster_NoSelectorOrExternalName_NoEndpoints()
    {
        await using var cluster = new FakeCluster();
        var manual = Service("manual");
        manual.Spec.Selector = null;
        cluster.Create(manual);
        var external = Service("ext");
        external.Spec.Type = "ExternalName";
        external.Spec.ExternalName = "example.com";
        external.Spec.Ports = null;
        cluster.Create(external);
        cluster.Create(Pod("web-0"));
        await cluster.WaitForIdleAsync();

        Assert.Null(cluster.Get<V1Endpoints>("manual"));
        Assert.Null(cluster.Get<V1Endpoints>("ext"));
    }

    private static JsonObject Node(string json) => (JsonObject)JsonNode.Parse(json)!;
}
