using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// A pod's log subresource (issue 23): what echo pods answered and what Serve handlers and tests write, with the
/// kubelet's options (tail, since, timestamps, limit, previous, follow) and the API server's errors; exec, attach and
/// port-forward refused with a Status that says why.
/// </summary>
public sealed class PodLogTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.RunToCompletionTime = null);
    private HttpClient _http = null!;
    private string _pod = null!;

    public async Task InitializeAsync()
    {
        _cluster.Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: echo, namespace: default}
            spec:
              replicas: 1
              selector: {matchLabels: {app: echo}}
              template:
                metadata: {labels: {app: echo}}
                spec: {containers: [{name: app, image: "gcr.io/k8s-staging-gateway-api/echo-basic:v1", ports: [{containerPort: 3000}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: default}
            spec: {selector: {app: echo}, ports: [{port: 80, targetPort: 3000}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: two, namespace: default}
            spec: {containers: [{name: app, image: "app:1"}, {name: sidecar, image: "proxy:1"}]}
            """);
        await _cluster.WaitForIdleAsync();
        _pod = Json.Name(_cluster.Store.List(ResourceType.Pod, "default").Items.Single(p => Json.Name(p).StartsWith("echo-", StringComparison.Ordinal)));
        var server = await _cluster.StartApiServerAsync();
        _http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    private async Task<(HttpStatusCode Code, string Text)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task EchoPods_LogEachRequest_AndWrittenLinesFollow()
    {
        using var client = _cluster.CreateHttpClient();
        await client.GetAsync(new Uri("http://echo.default.svc.cluster.local/hello"));
        await client.GetAsync(new Uri("http://echo.default.svc.cluster.local/again?x=1"));
        _cluster.WritePodLog(_pod, "default", "a line of my own");

        var (code, text) = await GetAsync($"/api/v1/namespaces/default/pods/{_pod}/log?container=app");

        Assert.Equal(HttpStatusCode.OK, code);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("Echoing back request made to /hello to client (", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Echoing back request made to /again?x=1 to client (", lines[1], StringComparison.Ordinal);
        Assert.Equal("a line of my own", lines[2]);

        var (_, tail) = await GetAsync($"/api/v1/namespaces/default/pods/{_pod}/log?tailLines=1&timestamps=true");
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z a line of my own\n$", tail); // RFC3339 with nine digits, as the kubelet writes
        var (_, limited) = await GetAsync($"/api/v1/namespaces/default/pods/{_pod}/log?limitBytes=8");
        Assert.Equal("Echoing ", limited);
    }

    [Fact]
    public async Task Follow_StreamsLinesAsTheyAreWritten()
    {
        using var response = await _http.GetAsync($"/api/v1/namespaces/default/pods/{_pod}/log?follow=true", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        _cluster.WritePodLog(_pod, "default", "first");
        Assert.Equal("first", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        _cluster.WritePodLog(_pod, "default", "second");
        Assert.Equal("second", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        _cluster.KillPod(_pod);
        Assert.Null(await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10))); // the pod is gone: the stream ends
    }

    [Theory]
    [InlineData("two/log", 400, "a container name must be specified for pod two, choose one of: [app sidecar]")]
    [InlineData("two/log?container=nope", 400, "container nope is not valid for pod two")]
    [InlineData("two/log?container=app&previous=true", 400, "previous terminated container \"app\" in pod \"two\" not found")]
    [InlineData("two/log?container=app&tailLines=-5", 422, "PodLogOptions \"two\" is invalid: tailLines: Invalid value: -5: must be greater than or equal to 0")]
    [InlineData("two/log?container=app&sinceSeconds=5&sinceTime=2026-01-01T00:00:00Z", 422, "PodLogOptions \"two\" is invalid: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")]
    [InlineData("two/exec?command=ls&container=app&stdout=true", 400, "exec is not supported by the K8sNet fake API server: the fake cluster's containers are simulated: there is no process to run a command in or attach to")]
    [InlineData("nope/log", 404, "pods \"nope\" not found")]
    public async Task Errors_AreTheApiServersAndTheKubelets(string path, int code, string message)
    {
        var (status, text) = await GetAsync($"/api/v1/namespaces/default/pods/{path}");

        Assert.Equal((HttpStatusCode)code, status);
        Assert.Equal(message, JsonNode.Parse(text)!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task ARestartedContainer_KeepsItsPreviousLog()
    {
        _cluster.WritePodLog("two", "default", "before the restart", "app");
        _cluster.ExitPod("two", "default", exitCode: 1); // restartPolicy Always: restarted
        await _cluster.WaitForIdleAsync();
        _cluster.WritePodLog("two", "default", "after", "app");

        Assert.Equal("before the restart\n", (await GetAsync("/api/v1/namespaces/default/pods/two/log?container=app&previous=true")).Text);
        Assert.Equal("after\n", (await GetAsync("/api/v1/namespaces/default/pods/two/log?container=app")).Text);
    }
}
