using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Network;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Testing.Tests.Network;

/// <summary>
/// Pods that serve, in both network modes: the pod-to-pod journey (short name → search path → cluster IP → kube-proxy
/// → pod on another node), real sockets in the loopback mode (refusals after a kill, the client's pod IP as the source,
/// h2c), the one-call faults, and an app using K8sNet.Routing over the cluster through a rolling update and a kill.
/// </summary>
public sealed class PodNetworkTests
{
    internal const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: svc-b, namespace: default}
        spec:
          selector: {app: b}
          ports: [{name: http, port: 80, targetPort: web}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: b, namespace: default}
        spec:
          replicas: 3
          selector: {matchLabels: {app: b}}
          template:
            metadata: {labels: {app: b}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: b
                  image: b:1
                  ports: [{name: web, containerPort: 8080}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: default, labels: {app: a}}
        spec:
          nodeName: node-1
          containers: [{name: a, image: a:1}]
        """;

    private static async Task<FakeCluster> StartAsync(PodNetworkMode mode)
    {
        var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.Apply(Manifest);
        cluster.Serve("app=b");
        await cluster.WaitForIdleAsync();
        return cluster;
    }

    private static string PodIP(FakeCluster cluster, string name) => cluster.Get<V1Pod>(name)!.Status.PodIP;

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task Journey_ShortNameFromPodA_ReachesAPodOfB_ThroughClusterIPAndKubeProxy(PodNetworkMode mode)
    {
        await using var cluster = await StartAsync(mode);
        using var http = cluster.CreateHttpClient(fromPod: "a");

        using var response = await http.GetAsync(new Uri("http://svc-b/hello"));

        response.EnsureSuccessStatusCode();
        var dns = response.RequestMessage!.Options.TryGetValue(FakeCluster.DnsOption, out var lookup) ? lookup : null;
        Assert.NotNull(dns);
        Assert.Equal("svc-b.default.svc.cluster.local.", dns.Search.Answered);
        var route = response.RequestMessage.Options.TryGetValue(FakeCluster.RouteOption, out var r) ? r : null;
        Assert.NotNull(route);
        Assert.Equal(KubeProxyOutcome.Backend, route.Outcome);
        Assert.Equal(cluster.Get<V1Service>("svc-b")!.Spec.ClusterIP, route.Destination.Address.ToString());
        Assert.Equal("node-1", route.Node);
        var pod = response.Headers.GetValues(FakeClusterHeaders.Pod).Single();
        Assert.Equal("default/" + route.Pod!.Name, pod);
        Assert.Equal(route.Backend.Address.ToString(), response.Headers.GetValues(FakeClusterHeaders.PodIP).Single());
        Assert.Equal(route.PodNode, response.Headers.GetValues(FakeClusterHeaders.Node).Single());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("GET /hello from " + PodIP(cluster, "a"), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loopback_KilledPod_RefusesForReal_AndItsReplacementServesOnANewIP()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Loopback);
        var victim = cluster.List<V1Pod>("default", "app=b")[0];
        var oldIp = IPAddress.Parse(victim.Status.PodIP);
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await probe.ConnectAsync(new IPEndPoint(oldIp, 8080)); // really listening
        }

        cluster.KillPod(victim.Name());
        await cluster.WaitForIdleAsync();

        using var refused = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var error = await Assert.ThrowsAsync<SocketException>(async () => await refused.ConnectAsync(new IPEndPoint(oldIp, 8080)));
        Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        var pods = cluster.List<V1Pod>("default", "app=b");
        Assert.Equal(3, pods.Count);
        Assert.DoesNotContain(victim.Status.PodIP, pods.Select(p => p.Status.PodIP));
        using var http = cluster.CreateHttpClient(fromPod: "a");
        foreach (var p in pods)
        {
            using var response = await http.GetAsync(new Uri($"http://{p.Status.PodIP}:8080/"));
            Assert.Equal("default/" + p.Name(), response.Headers.GetValues(FakeClusterHeaders.Pod).Single());
        }
    }

    [Fact]
    public async Task Loopback_KilledPod_ResetsItsOpenConnections_AsADeadProcessWould()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Loopback);
        var victim = cluster.List<V1Pod>("default", "app=b")[0];
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(victim.Status.PodIP), 8080));
        await socket.SendAsync("GET / HTTP/1.1\r\nHost: b\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        Assert.True(await socket.ReceiveAsync(buffer) > 0); // served: the connection is open and kept alive

        cluster.KillPod(victim.Name());
        await cluster.WaitForIdleAsync();

        // Reset (RST), not closed in order (FIN): a client reads an error, not an end of stream.
        var error = await Record.ExceptionAsync(async () =>
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        });
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error).SocketErrorCode);
    }

    [Fact]
    public async Task Loopback_Http2PriorKnowledge_IsServed()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Loopback);
        cluster.Serve("app=b", protocol: PodHttpProtocol.Http2); // the newer registration wins
        await cluster.WaitForIdleAsync();
        using var http = cluster.CreateHttpClient(fromPod: "a");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("http://svc-b/h2")) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, Content = new StringContent("body") };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("POST /h2", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task PartitionPod_RefusesOrDrops_UntilHealed(PodNetworkMode mode)
    {
        await using var cluster = await StartAsync(mode);
        var pod = cluster.List<V1Pod>("default", "app=b")[0];
        var url = new Uri($"http://{pod.Status.PodIP}:8080/");
        using var http = cluster.CreateHttpClient(fromPod: "a");
        http.Timeout = TimeSpan.FromMilliseconds(500);

        cluster.PartitionPod(pod.Name());
        await cluster.WaitForIdleAsync();
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));
        Assert.Equal(HttpRequestError.ConnectionError, refused.HttpRequestError);

        cluster.PartitionPod(pod.Name(), mode: PartitionMode.Drop);
        await cluster.WaitForIdleAsync();
        await Assert.ThrowsAsync<TaskCanceledException>(() => http.GetAsync(url)); // the client's timeout

        cluster.HealPod(pod.Name());
        await cluster.WaitForIdleAsync();
        using var ok = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task APartitionedPod_AnswersNothing_FromTheMomentPartitionPodReturns()
    {
        // Listeners close in the background; a request that reaches the pod before its listener has closed is reset,
        // never served (the pod checks its partition per request). Under load that window once let a telemetry test's
        // request land on a partitioned pod; this test pins the contract with kept-alive connections, though an idle
        // machine closes the listener fast enough that it passes without the per-request check too.
        await using var cluster = await StartAsync(PodNetworkMode.Loopback);
        var pod = cluster.List<V1Pod>("default", "app=b")[0];
        var url = new Uri($"http://{pod.Status.PodIP}:8080/");
        using var http = cluster.CreateHttpClient(fromPod: "a");
        foreach (var response in await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => http.GetAsync(url))))
        {
            response.Dispose(); // pooled connections to the pod
        }

        cluster.PartitionPod(pod.Name()); // no WaitForIdleAsync: the very next requests must already fail

        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            try
            {
                using var response = await http.GetAsync(url);
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0; // reset or refused
            }
        }));
        Assert.All(answers, a => Assert.Equal(0, a));
    }

    [Fact]
    public async Task SlowPod_AddsItsLatency_FailPod_AnswersItsShareWithTheStatus()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Simulated);
        var pod = cluster.List<V1Pod>("default", "app=b")[0];
        var url = new Uri($"http://{pod.Status.PodIP}:8080/");
        using var http = cluster.CreateHttpClient(fromPod: "a");

        cluster.SlowPod(pod.Name(), TimeSpan.FromMilliseconds(200));
        var watch = Stopwatch.StartNew();
        (await http.GetAsync(url)).Dispose();
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(190), $"took {watch.Elapsed}");
        cluster.HealPod(pod.Name());

        cluster.FailPod(pod.Name(), 1.0, statusCode: 500);
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync(url)).StatusCode);
        cluster.FailPod(pod.Name(), 0.5);
        var failed = 0;
        for (var i = 0; i < 400; i++)
        {
            using var response = await http.GetAsync(url);
            failed += response.StatusCode == HttpStatusCode.ServiceUnavailable ? 1 : 0;
        }

        Assert.InRange(failed, 150, 250);
    }

    [Fact]
    public async Task UnknownNameOrNoPod_FailAsANetworkWould()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Simulated);
        using var http = cluster.CreateHttpClient(fromPod: "a");

        var name = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri("http://nope/")));
        Assert.Equal(HttpRequestError.NameResolutionError, name.HttpRequestError);
        var port = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri($"http://{PodIP(cluster, "a")}:9999/")));
        Assert.Equal(HttpRequestError.ConnectionError, port.HttpRequestError);
        Assert.Throws<KubernetesStatusException>(() => cluster.SlowPod("nope", TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.FailPod(cluster.List<V1Pod>("default", "app=b")[0].Name(), 1.5));
    }

    [Fact]
    public async Task DrainNode_CordonsAndMovesThePodsAway()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Simulated);
        var node = cluster.List<V1Pod>("default", "app=b")[0].Spec.NodeName;

        cluster.DrainNode(node);
        await cluster.WaitForIdleAsync();
        await EventuallyAsync(async () =>
        {
            await cluster.WaitForIdleAsync();
            var pods = cluster.List<V1Pod>("default", "app=b");
            return pods.Count == 3 && pods.All(p => p.Spec.NodeName != node);
        });

        Assert.True(cluster.Get<V1Node>(node, null)!.Spec.Unschedulable);
        cluster.UncordonNode(node);
        Assert.NotEqual(true, cluster.Get<V1Node>(node, null)!.Spec.Unschedulable);
    }

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task AppWithK8sNetRouting_RollingUpdateAndKill_NoFailedRequest(PodNetworkMode mode)
    {
        await using var cluster = await StartAsync(mode);
        var services = new ServiceCollection();
        var log = new List<string>();
        services.AddLogging(); services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(log));
        services.AddK8sNet().UseFakeCluster(cluster);
        services.AddHttpClient("b").UseFakeClusterNetwork(cluster, fromPod: "a").AddK8sNetServiceDiscovery();
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("b");
        var served = new HashSet<string>();
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        var requests = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref requests);
                try
                {
                    using var response = await http.GetAsync(new Uri("http://svc-b/"));
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Add(response.StatusCode.ToString());
                    }
                    else
                    {
                        lock (served)
                        {
                            served.Add(response.Headers.GetValues(FakeClusterHeaders.Pod).Single());
                        }
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Add(e.Message);
                }
            }
        });

        var before = cluster.List<V1Pod>("default", "app=b").Select(p => "default/" + p.Name()).ToList();
        await EventuallyAsync(() =>
        {
            lock (served)
            {
                return Task.FromResult(before.All(served.Contains));
            }
        });
        cluster.Apply(PodNetworkTests.Manifest.Replace("image: b:1", "image: b:2", StringComparison.Ordinal));
        await EventuallyAsync(async () =>
        {
            await cluster.WaitForIdleAsync();
            var d = cluster.Get<V1Deployment>("b")!;
            return d.Status?.UpdatedReplicas == 3 && d.Status.AvailableReplicas == 3 && d.Status.Replicas == 3;
        });
        cluster.KillPod(cluster.List<V1Pod>("default", "app=b")[0].Name());
        await cluster.WaitForIdleAsync();
        await EventuallyAsync(
            () =>
            {
                var now = cluster.List<V1Pod>("default", "app=b").Select(p => "default/" + p.Name()).ToList();
                lock (served)
                {
                    return Task.FromResult(now.Count == 3 && now.All(served.Contains));
                }
            },
            () => $"log: {string.Join(" / ", Snapshot(log).Where(l => l.Contains("Service", StringComparison.Ordinal)).TakeLast(12))}; served {string.Join(", ", served)}; pods {string.Join(", ", cluster.List<V1Pod>("default", "app=b").Select(p => $"{p.Name()} {p.Status.PodIP} ready={p.Status.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status} deleting={p.Metadata.DeletionTimestamp is not null}"))}; failures {failures.Count}");
        await stop.CancelAsync();
        await load;

        Assert.True(failures.Count == 0, $"{failures.Count} failed: {string.Join(" | ", failures.Distinct().Take(5))}");
        var after = cluster.List<V1Pod>("default", "app=b").Select(p => "default/" + p.Name()).ToList();
        Assert.True(after.All(served.Contains), $"{requests} requests reached {string.Join(", ", served)}; the pods after the update and the kill are {string.Join(", ", after)}");
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, Func<string>? describe = null)
    {
        for (var i = 0; i < 300; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the condition did not hold in 15 s" + (describe is null ? string.Empty : ": " + describe()));
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    private sealed class ListLoggerProvider(List<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
