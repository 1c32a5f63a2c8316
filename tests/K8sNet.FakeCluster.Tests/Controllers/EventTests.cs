using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using K8sNet.Testing.Controllers;
using K8sNet.Testing.Store;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

/// <summary>
/// Events as a cluster's components write them (issue 23): the scheduler's Scheduled, the kubelet's Pulled, Created,
/// Started, Killing and Unhealthy, the ReplicaSet and Deployment controllers' SuccessfulCreate and ScalingReplicaSet,
/// the node controller's NodeNotReady; a repeat counted on one event; each gone an event TTL after its last write.
/// </summary>
public sealed class EventTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private FakeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster(o => o.TimeProvider = _time);
        _cluster.Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - {name: app, image: "web:1", readinessProbe: {httpGet: {path: /ready, port: 8080}}}
            """);
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private List<JsonObject> Events(string? reason = null) =>
        [.. _cluster.Store.List(ResourceType.Event, "default").Items.Where(e => reason is null || Json.Str(e["reason"]) == reason)];

    [Fact]
    public void ARollout_IsTold_ByTheComponentsThatDidIt()
    {
        var rs = _cluster.Store.List(ResourceType.ReplicaSet, "default").Items.Single();
        var pods = _cluster.Store.List(ResourceType.Pod, "default").Items;

        var scaling = Assert.Single(Events("ScalingReplicaSet"));
        Assert.Equal($"Scaled up replica set {Json.Name(rs)} from 0 to 2", Json.Str(scaling["message"]));
        Assert.Equal("deployment-controller", Json.Str(scaling["source"]!["component"]));
        Assert.Equal("Deployment", Json.Str(scaling["involvedObject"]!["kind"]));
        var created = Events("SuccessfulCreate");
        Assert.Equal(pods.Select(p => $"Created pod: {Json.Name(p)}").Order(), created.Select(e => Json.Str(e["message"])).Order());
        Assert.All(created, e => Assert.Equal("replicaset-controller", Json.Str(e["source"]!["component"])));

        foreach (var pod in pods)
        {
            var about = Events().Where(e => Json.Str(e["involvedObject"]!["uid"]) == Json.Uid(pod)).ToList();
            Assert.Equal(["Scheduled", "Pulled", "Created", "Started"], about.OrderBy(e => Json.Str(e["reason"]) switch { "Scheduled" => 0, "Pulled" => 1, "Created" => 2, _ => 3 }).Select(e => Json.Str(e["reason"])));
            var scheduled = about.Single(e => Json.Str(e["reason"]) == "Scheduled");
            Assert.Equal($"Successfully assigned default/{Json.Name(pod)} to {Json.Str(pod["spec"]!["nodeName"])}", Json.Str(scheduled["message"]));
            Assert.Equal("default-scheduler", Json.Str(scheduled["reportingComponent"]));
            Assert.Null(scheduled["firstTimestamp"]); // the scheduler writes events.k8s.io events: an eventTime, no counts
            Assert.NotNull(Json.Str(scheduled["eventTime"]));
            var started = about.Single(e => Json.Str(e["reason"]) == "Started");
            Assert.Equal("Started container app", Json.Str(started["message"]));
            Assert.Equal("spec.containers{app}", Json.Str(started["involvedObject"]!["fieldPath"]));
            Assert.Equal(Json.Str(pod["spec"]!["nodeName"]), Json.Str(started["source"]!["host"]));
            Assert.Equal("Created container: app", Json.Str(about.Single(e => Json.Str(e["reason"]) == "Created")["message"]));
            Assert.Equal("Container image \"web:1\" already present on machine", Json.Str(about.Single(e => Json.Str(e["reason"]) == "Pulled")["message"]));
            Assert.StartsWith($"{Json.Name(pod)}.", Json.Name(scheduled), StringComparison.Ordinal); // <object>.<hex nanoseconds>
        }
    }

    [Fact]
    public async Task UnreadyPods_AndLostNodes_AreWarnedAbout()
    {
        var pod = _cluster.Store.List(ResourceType.Pod, "default").Items[0];
        _cluster.SetPodReady(Json.Name(pod), "default", false);
        await _cluster.WaitForIdleAsync();

        var unhealthy = Assert.Single(Events("Unhealthy"));
        Assert.Equal("Warning", Json.Str(unhealthy["type"]));
        Assert.Equal("Readiness probe failed: HTTP probe failed with statuscode: 503", Json.Str(unhealthy["message"]));
        Assert.Equal("kubelet", Json.Str(unhealthy["source"]!["component"]));

        var node = Json.Str(_cluster.Store.List(ResourceType.Pod, "default").Items[^1]["spec"]!["nodeName"])!;
        _cluster.LoseNode(node);
        _time.Advance(TimeSpan.FromSeconds(51));
        await _cluster.WaitForIdleAsync();
        var notReady = Assert.Single(Events("NodeNotReady"), e => Json.Str(e["involvedObject"]!["kind"]) == "Node");
        Assert.Equal($"Node {node} status is now: NodeNotReady", Json.Str(notReady["message"]));
        Assert.Equal("node-controller", Json.Str(notReady["source"]!["component"]));
        Assert.Contains(Events("NodeNotReady"), e => Json.Str(e["involvedObject"]!["kind"]) == "Pod" && Json.Str(e["message"]) == "Node is not ready" && Json.Str(e["type"]) == "Warning");
    }

    [Fact]
    public async Task APodNoNodeTakes_IsFailedScheduling_AsASeries()
    {
        foreach (var node in _cluster.Store.List(ResourceType.Node, null).Items)
        {
            node["spec"]!["taints"] = new JsonArray(new JsonObject { ["key"] = "dedicated", ["value"] = "db", ["effect"] = "NoSchedule" });
            _cluster.Store.Update(ResourceType.Node, node);
        }

        _cluster.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: stuck, namespace: default}
            spec: {containers: [{name: app, image: "app:1"}]}
            """);
        await _cluster.WaitForIdleAsync();
        var pod = _cluster.Store.Get(ResourceType.Pod, "default", "stuck")!;
        pod["metadata"]!["labels"] = new JsonObject { ["retry"] = "1" }; // the scheduler tries again
        _cluster.Store.Update(ResourceType.Pod, pod);
        await _cluster.WaitForIdleAsync();

        var failed = Assert.Single(Events("FailedScheduling"));
        Assert.Equal("Warning", Json.Str(failed["type"]));
        Assert.Equal("0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: db}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.", Json.Str(failed["message"]));
        Assert.Equal("Scheduling", Json.Str(failed["action"]));
        Assert.True(Json.Num(failed["series"]?["count"]) >= 2, failed.ToJsonString()); // a repeat: the series counts
    }

    [Fact]
    public void ARepeat_CountsOnOneEvent()
    {
        var deployment = _cluster.Store.Get(ResourceType.Deployment, "default", "web")!;
        _cluster.Events.Record(deployment, ResourceType.Deployment, EventSource.Controller("test-controller"), "Warning", "Flaky", "it happened");
        _time.Advance(TimeSpan.FromSeconds(30));
        _cluster.Events.Record(deployment, ResourceType.Deployment, EventSource.Controller("test-controller"), "Warning", "Flaky", "it happened");
        _cluster.Events.Record(deployment, ResourceType.Deployment, EventSource.Controller("test-controller"), "Warning", "Flaky", "something else");

        var flaky = Events("Flaky");
        Assert.Equal(2, flaky.Count);
        var repeated = flaky.Single(e => Json.Str(e["message"]) == "it happened");
        Assert.Equal(2, Json.Num(repeated["count"]));
        Assert.Equal("2026-12-07T10:00:00Z", Json.Str(repeated["firstTimestamp"]));
        Assert.Equal("2026-12-07T10:00:30Z", Json.Str(repeated["lastTimestamp"]));
    }

    [Fact]
    public async Task Events_Expire_AnEventTtlAfterTheirLastWrite()
    {
        var deployment = _cluster.Store.Get(ResourceType.Deployment, "default", "web")!;
        _time.Advance(TimeSpan.FromMinutes(50));
        _cluster.Events.Record(deployment, ResourceType.Deployment, EventSource.Controller("test-controller"), "Normal", "Late", "written at 50 minutes");
        _time.Advance(TimeSpan.FromMinutes(11));
        await _cluster.WaitForIdleAsync();

        Assert.Single(Events()); // the rollout's events are an hour old and gone; the late one is not yet
        _time.Advance(TimeSpan.FromMinutes(50));
        await _cluster.WaitForIdleAsync();
        Assert.Empty(Events());
    }

    [Fact]
    public async Task EventsK8sIoV1_ShowsTheSameEvents_InItsShape()
    {
        var server = await _cluster.StartApiServerAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var pod = _cluster.Store.List(ResourceType.Pod, "default").Items[0];

        var list = JsonNode.Parse(await http.GetStringAsync($"/apis/events.k8s.io/v1/namespaces/default/events?fieldSelector=regarding.name%3D{Json.Name(pod)},reason%3DStarted"))!;

        var started = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal("events.k8s.io/v1", Json.Str(started["apiVersion"]));
        Assert.Equal("Started container app", Json.Str(started["note"]));
        Assert.Equal(Json.Uid(pod), Json.Str(started["regarding"]!["uid"]));
        Assert.Equal("kubelet", Json.Str(started["reportingController"]));
        Assert.Equal(1, Json.Num(started["deprecatedCount"]));
        Assert.Null(started["message"]);
        Assert.Null(started["involvedObject"]);
    }

    [Fact]
    public async Task TheApi_SelectsEventsAsKubectlDescribeAsksForThem_AndPrintsThem()
    {
        var server = await _cluster.StartApiServerAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var pod = _cluster.Store.List(ResourceType.Pod, "default").Items[0];

        // kubectl describe pod: name, namespace and uid in any order, no kind.
        var selector = Uri.EscapeDataString($"involvedObject.uid={Json.Uid(pod)},involvedObject.name={Json.Name(pod)},involvedObject.namespace=default");
        var list = JsonNode.Parse(await http.GetStringAsync($"/api/v1/namespaces/default/events?fieldSelector={selector}&limit=500"))!;
        Assert.Equal(4, list["items"]!.AsArray().Count);
        var warnings = JsonNode.Parse(await http.GetStringAsync("/api/v1/namespaces/default/events?fieldSelector=type%3DWarning"))!;
        Assert.Empty(warnings["items"]!.AsArray());
        var bySource = JsonNode.Parse(await http.GetStringAsync("/api/v1/events?fieldSelector=source%3Ddefault-scheduler"))!;
        Assert.Equal(2, bySource["items"]!.AsArray().Count); // the scheduler's, by its reportingComponent

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/default/events");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        using var response = await http.SendAsync(request);
        var table = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var started = table["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray()).First(c => c[2]!.GetValue<string>() == "Started");
        Assert.Equal("0s", started[0]!.GetValue<string>());
        Assert.StartsWith("pod/web-", started[3]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("spec.containers{app}", started[4]!.GetValue<string>());
        Assert.StartsWith("kubelet, node-", started[5]!.GetValue<string>(), StringComparison.Ordinal);
        var scheduled = table["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray()).First(c => c[2]!.GetValue<string>() == "Scheduled");
        Assert.Equal("default-scheduler, default-scheduler-k8snet", scheduled[5]!.GetValue<string>());
        Assert.Equal(1, scheduled[8]!.GetValue<long>()); // no count: one
    }
}
