using System.Diagnostics;
using K8sNet.Routing;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Telemetry.Tests;

/// <summary>
/// What an app exporting OpenTelemetry sees of a request K8sNet's handler balanced, end to end on FakeCluster pods
/// listening on loopback: one logical span naming the Service, the attempt beneath it naming the pod, the HttpClient's
/// own span beneath that with the Service's name as <c>server.address</c>; metrics whose series follow the Services,
/// not the pods.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class HttpTelemetryTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Shop.Manifest(3));
        _cluster.Serve("app=web", Shop.WhoAnswered, port: 8080, @namespace: "shop");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Request_IsOneLogicalSpan_WithTheAttemptNamingThePod_AndTheHttpClientSpanBeneath()
    {
        using var telemetry = new Telemetry();
        await using var app = new ServiceCollection().Client(_cluster).BuildServiceProvider();
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("web");

        var pod = (await client.GetStringAsync("http://web.shop/")).Split(' ')[0];

        var spans = telemetry.Finished();
        var request = Assert.Single(spans, s => s.OperationName == "K8sNet.Routing.Request");
        Assert.Equal("shop", request.GetTagItem("k8s.namespace.name"));
        Assert.Equal("web", request.GetTagItem("k8snet.service.name"));
        Assert.Equal("http", request.GetTagItem("k8snet.service.port"));
        Assert.Equal("web.shop", request.GetTagItem("server.address"));
        Assert.Equal("http:web", request.GetTagItem("k8snet.client"));
        Assert.NotNull(request.GetTagItem("k8snet.policy"));
        Assert.Equal(1, request.GetTagItem("k8snet.attempts"));
        Assert.Equal(200, request.GetTagItem("http.response.status_code"));

        var attempt = Assert.Single(spans, s => s.OperationName == "K8sNet.Routing.Attempt");
        Assert.Equal(request.SpanId, attempt.ParentSpanId);
        var served = Shop.Pods(_cluster).Single(p => p.Metadata.Name == pod);
        Assert.Equal(served.Status.PodIP, attempt.GetTagItem("network.peer.address"));
        Assert.Equal(8080, attempt.GetTagItem("network.peer.port"));
        Assert.Equal(pod, attempt.GetTagItem("k8s.pod.name"));
        Assert.Equal(served.Spec.NodeName, attempt.GetTagItem("k8s.node.name"));
        Assert.Null(attempt.GetTagItem("http.request.resend_count"));

        // .NET's own span: under the attempt, to the pod's address, yet its server.address is the Service's name, which
        // .NET takes from the Host header K8sNet keeps.
        var http = Assert.Single(spans, s => s.Source.Name == "System.Net.Http");
        Assert.Equal(attempt.SpanId, http.ParentSpanId);
        Assert.Equal("web.shop", http.GetTagItem("server.address"));
        Assert.Equal($"http://{served.Status.PodIP}:8080/", http.GetTagItem("url.full"));

        var duration = Assert.Single(telemetry.Collect(), s => s.Metric == "http.client.request.duration");
        Assert.Equal("web.shop", duration.Tags["server.address"]);
        Assert.Equal(8080, Convert.ToInt32(duration.Tags["server.port"], System.Globalization.CultureInfo.InvariantCulture)); // the pod's port: .NET takes it from the URI
    }

    [Fact]
    public async Task ARetry_IsTwoAttempts_UnderOneLogicalRequest()
    {
        using var telemetry = new Telemetry();
        await using var app = new ServiceCollection().Client(_cluster).BuildServiceProvider();
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("web");
        var partitioned = Shop.Pods(_cluster)[0];
        _cluster.PartitionPod(partitioned.Metadata.Name, "shop"); // connections to it are refused

        Activity? retried = null;
        for (var i = 0; i < 200 && retried is null; i++)
        {
            Assert.NotEqual(partitioned.Metadata.Name, (await client.GetStringAsync("http://web.shop/")).Split(' ')[0]);
            retried = telemetry.Finished().FirstOrDefault(s => s.OperationName == "K8sNet.Routing.Request" && (int?)s.GetTagItem("k8snet.attempts") == 2);
        }

        Assert.NotNull(retried);
        var spans = telemetry.Finished();
        var attempts = spans.Where(s => s.OperationName == "K8sNet.Routing.Attempt" && s.ParentSpanId == retried.SpanId).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(partitioned.Status.PodIP, attempts[0].GetTagItem("network.peer.address"));
        // Refused when it connects; a connection opened before the partition fails as a transport failure (a GET is retried).
        Assert.Contains(attempts[0].GetTagItem("error.type"), new object[] { "connect_failure", "transport_failure" });
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.NotEqual(partitioned.Status.PodIP, attempts[1].GetTagItem("network.peer.address"));
        Assert.Equal(1, attempts[1].GetTagItem("http.request.resend_count"));
        Assert.Equal(ActivityStatusCode.Unset, attempts[1].Status);
        Assert.Equal(ActivityStatusCode.Unset, retried.Status); // the request as the app saw it worked
        Assert.Contains(telemetry.Collect(), s => s.Metric == "k8snet.routing.retries" && (string?)s.Tags["k8snet.service.name"] == "web");
    }

    [Fact]
    public async Task RollingUpdateOver100Pods_LeavesTheServicesMetricSeriesAsTheyWere()
    {
        using var telemetry = new Telemetry();
        await using var app = new ServiceCollection().Client(_cluster).BuildServiceProvider();
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("web");
        _cluster.Apply(Shop.Manifest(10));
        await Shop.RolledAsync(_cluster);
        var pods = new HashSet<string>(StringComparer.Ordinal);
        var ips = new HashSet<string>(StringComparer.Ordinal);
        var served = new HashSet<string>(StringComparer.Ordinal);

        async Task TrafficAsync()
        {
            foreach (var p in Shop.Pods(_cluster))
            {
                pods.Add(p.Metadata.Name);
                ips.Add(p.Status.PodIP);
            }

            for (var i = 0; i < 80; i++)
            {
                served.Add((await client.GetStringAsync("http://web.shop/")).Split(' ')[0]); // "<pod> <Host>"
            }
        }

        await TrafficAsync();
        var before = Successful(telemetry.Collect());
        for (var version = 2; version <= 11; version++) // ten rollouts of ten pods: 100 new pods
        {
            _cluster.Apply(Shop.Manifest(10, $"web:{version}"));
            await Shop.RolledAsync(_cluster);
            await TrafficAsync();
        }

        var after = telemetry.Collect();
        Assert.True(pods.Count >= 110, $"{pods.Count} pods served");
        var beforeKeys = before.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var afterKeys = Successful(after).Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        // A retry or an ejection during a rollout adds its Service's series once (no pod in it); nothing else may appear.
        var added = afterKeys.Except(beforeKeys).Where(k => !k.StartsWith("k8snet.routing.retries{", StringComparison.Ordinal) && !k.StartsWith("k8snet.routing.ejections{", StringComparison.Ordinal)).ToList();
        Assert.True(beforeKeys.IsSubsetOf(afterKeys) && added.Count == 0, $"only before: {string.Join("; ", beforeKeys.Except(afterKeys))}; only after: {string.Join("; ", added)}");
        Assert.All(after, s => Assert.All(s.Tags.Values, v => Assert.False(pods.Contains(v?.ToString() ?? string.Empty) || ips.Contains(v?.ToString() ?? string.Empty), $"{s.Key} names a pod")));
        Assert.All(after.Where(s => s.Metric == "http.client.request.duration"), s => Assert.Equal("web.shop", s.Tags["server.address"]));
        Assert.All(after.Where(s => s.Tags.ContainsKey("error.type") && s.Metric.StartsWith("k8snet.", StringComparison.Ordinal)),
            s => Assert.Contains(s.Tags["error.type"], new object[] { "server_error", "connect_failure", "transport_failure", "canceled" }));
        // The pods are in the spans, where they belong: every pod that answered, named by its attempts (which pods the
        // policy happened to pick in 80 requests over 10 is its business).
        var attempts = telemetry.Finished().Where(s => s.OperationName == "K8sNet.Routing.Attempt").Select(s => s.GetTagItem("k8s.pod.name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        Assert.True(served.Count >= 100, $"{served.Count} pods answered");
        Assert.Superset(served, attempts);
    }

    // The series of the Service's K8sNet instruments and of .NET's HTTP duration that carry no error (a rollout may add
    // error series, from a bounded set, which the test checks apart).
    private static List<Series> Successful(List<Series> series) =>
        [.. series.Where(s => (s.Metric.StartsWith("k8snet.routing.", StringComparison.Ordinal) || s.Metric == "http.client.request.duration") && !s.Tags.ContainsKey("error.type"))];
}
