using System.Text.Json.Nodes;
using K8sNet.Testing.Store;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

/// <summary>
/// The DaemonSet controller (issue 23): one pod per eligible node — the node-local pattern
/// <c>internalTrafficPolicy: Local</c> exists for — its defaults, its status, a rolling update within maxUnavailable,
/// nodes that stop or start fitting, ControllerRevisions, and the validation and table upstream gives it.
/// </summary>
public sealed class DaemonSetTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private FakeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster(o =>
        {
            o.TimeProvider = _time;
            o.PodShutdownTime = TimeSpan.Zero;
        });
        _cluster.Apply("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: default}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec: {containers: [{name: agent, image: "agent:1"}]}
            """);
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private List<JsonObject> Pods() => [.. _cluster.Store.List(ResourceType.Pod, "default").Items.Where(p => !Json.IsDeleting(p))];

    [Fact]
    public void OnePodPerNode_WithTheDaemonLabelsTolerationsAndAffinity()
    {
        var pods = Pods();
        Assert.Equal(["node-1", "node-2", "node-3"], pods.Select(p => Json.Str(p["spec"]!["nodeName"])).Order());
        var pod = pods[0];
        Assert.StartsWith("agent-", Json.Name(pod), StringComparison.Ordinal);
        Assert.Equal("1", Json.Str(pod["metadata"]!["labels"]!["pod-template-generation"]));
        Assert.NotNull(Json.Str(pod["metadata"]!["labels"]!["controller-revision-hash"]));
        var node = Json.Str(pod["spec"]!["nodeName"]);
        Assert.Equal(node, Json.Str(pod["spec"]!["affinity"]!["nodeAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["nodeSelectorTerms"]![0]!["matchFields"]![0]!["values"]![0]));
        var tolerated = pod["spec"]!["tolerations"]!.AsArray().Select(t => $"{Json.Str(t!["key"])}:{Json.Str(t["effect"])}").ToList();
        Assert.Contains("node.kubernetes.io/unschedulable:NoSchedule", tolerated);
        Assert.Contains("node.kubernetes.io/disk-pressure:NoSchedule", tolerated);

        var ds = _cluster.Store.Get(ResourceType.DaemonSet, "default", "agent")!;
        Assert.Equal("RollingUpdate", Json.Str(ds["spec"]!["updateStrategy"]!["type"]));
        Assert.Equal(1, Json.Num(ds["spec"]!["updateStrategy"]!["rollingUpdate"]!["maxUnavailable"]));
        Assert.Equal(10, Json.Num(ds["spec"]!["revisionHistoryLimit"]));
        Assert.Equal("1", Json.Str(ds["metadata"]!["annotations"]!["deprecated.daemonset.template.generation"]));
        var status = ds["status"]!;
        Assert.Equal([3, 3, 3, 3, 3], new[] { "desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled", "numberAvailable" }.Select(f => Json.Num(status[f]) ?? -1));
        Assert.Null(status["numberUnavailable"]);
        var revision = Assert.Single(_cluster.Store.List(ResourceType.ControllerRevision, "default").Items);
        Assert.Equal(1, Json.Num(revision["revision"]));
    }

    [Fact]
    public async Task ATemplateChange_RollsOutOneNodeAtATime()
    {
        var ds = _cluster.Store.Get(ResourceType.DaemonSet, "default", "agent")!;
        ds["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "agent:2";
        ds["metadata"]!.AsObject().Remove("resourceVersion");
        ds.Remove("status");
        var ready = Pods().ToDictionary(Json.Uid, p => true);
        var fewest = 3;
        using var watch = _cluster.Store.Subscribe(e =>
        {
            if (e.Resource != ResourceType.Pod)
            {
                return;
            }

            var isReady = e.Type != StoreEventType.Deleted && !Json.IsDeleting(e.Object)
                && (e.Object["status"]?["conditions"] as JsonArray ?? []).Any(c => Json.Str(c?["type"]) == "Ready" && Json.Str(c?["status"]) == "True");
            ready[Json.Uid(e.Object)] = isReady;
            fewest = Math.Min(fewest, ready.Values.Count(r => r));
        });
        _cluster.Apply(ds.ToJsonString()); // through admission: the template generation grows
        await _cluster.WaitForIdleAsync();

        Assert.Equal(2, fewest); // maxUnavailable 1: never more than one node without a ready agent

        var pods = Pods();
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal("agent:2", Json.Str(p["spec"]!["containers"]![0]!["image"])));
        Assert.All(pods, p => Assert.Equal("2", Json.Str(p["metadata"]!["labels"]!["pod-template-generation"])));
        var deleted = _cluster.Store.List(ResourceType.Event, "default").Items.Count(e => Json.Str(e["reason"]) == "SuccessfulDelete");
        Assert.Equal(3, deleted);
        Assert.Equal([1, 2], _cluster.Store.List(ResourceType.ControllerRevision, "default").Items.Select(r => Json.Num(r["revision"]) ?? 0).Order());
    }

    [Fact]
    public async Task NodesThatStopFitting_LoseTheirPod_AndNewOnesGetOne()
    {
        var node = _cluster.Store.Get(ResourceType.Node, null, "node-2")!;
        node["spec"]!["taints"] = new JsonArray(new JsonObject { ["key"] = "dedicated", ["value"] = "db", ["effect"] = "NoSchedule" });
        _cluster.Store.Update(ResourceType.Node, node);
        await _cluster.WaitForIdleAsync();

        Assert.Equal(["node-1", "node-3"], Pods().Select(p => Json.Str(p["spec"]!["nodeName"])).Order());
        Assert.Equal(2, Json.Num(_cluster.Store.Get(ResourceType.DaemonSet, "default", "agent")!["status"]!["desiredNumberScheduled"]));

        var cordoned = _cluster.Store.Get(ResourceType.Node, null, "node-3")!;
        cordoned["spec"]!["unschedulable"] = true; // daemon pods tolerate unschedulable
        _cluster.Store.Update(ResourceType.Node, cordoned);
        await _cluster.WaitForIdleAsync();
        Assert.Equal(2, Pods().Count);
    }

    [Fact]
    public async Task ANodeSelector_PicksTheNodes_AndIsPrinted()
    {
        _cluster.Apply("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: zone-a, namespace: default}
            spec:
              selector: {matchLabels: {app: zone-a}}
              template:
                metadata: {labels: {app: zone-a}}
                spec: {nodeSelector: {topology.kubernetes.io/zone: zone-a}, containers: [{name: agent, image: "agent:1"}]}
            """);
        await _cluster.WaitForIdleAsync();

        var pods = _cluster.Store.List(ResourceType.Pod, "default", K8sNet.Testing.Selectors.LabelSelector.Parse("app=zone-a")).Items;
        Assert.Equal("node-1", Json.Str(Assert.Single(pods)["spec"]!["nodeName"]));
        var server = await _cluster.StartApiServerAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/apps/v1/namespaces/default/daemonsets/zone-a");
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        var table = JsonNode.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Equal(["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector"],
            table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.ToString()).ToList();
        Assert.Equal(["zone-a", "1", "1", "1", "1", "1", "topology.kubernetes.io/zone=zone-a"], cells.Take(7));
    }

    [Theory]
    [InlineData("""{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"a"}]}}}""",
        "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"")]
    [InlineData("""{"selector":{"matchLabels":{"app":"x"}},"updateStrategy":{"rollingUpdate":{"maxUnavailable":0,"maxSurge":0}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"a","image":"a"}]}}}""",
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0")]
    [InlineData("""{"selector":{"matchLabels":{"app":"x"}},"updateStrategy":{"rollingUpdate":{"maxUnavailable":1,"maxSurge":1}},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"a","image":"a"}]}}}""",
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero")]
    [InlineData("""{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"y"}},"spec":{"activeDeadlineSeconds":5,"containers":[{"name":"a","image":"a"}]}}}""",
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported")]
    public void Invalid_DaemonSets_AreRefused(string spec, string problem)
    {
        var ex = Assert.Throws<KubernetesStatusException>(() => _cluster.Apply($$"""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"bad","namespace":"default"},"spec":{{spec}}}"""));

        Assert.Equal(422, ex.Code);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }
}
