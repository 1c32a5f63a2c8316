using BenchmarkDotNet.Attributes;
using k8s;
using k8s.Models;
using K8sNet.Testing;

namespace K8sNet.Benchmarks.Testing;

/// <summary>
/// The fake API server under KubernetesClient: a list of 10,000 pods (the client's typed call, and the raw response
/// read without deserialising — the server's share); a new cluster until its API answers the first GET (DESIGN.md:
/// ready warm within 100 ms).
/// </summary>
public class ApiServerBenchmarks
{
    private FakeCluster _cluster = null!;
    private IKubernetes _client = null!;
    private HttpClient _http = null!;

    [GlobalSetup(Targets = [nameof(ListTenThousandPods_KubernetesClient), nameof(ListTenThousandPods_RawResponse)])]
    public void TenThousandPods()
    {
        _cluster = new FakeCluster(o => o.Nodes = 40);
        for (var i = 0; i < 10_000; i++)
        {
            _cluster.Create(FakeClusterBenchmarks.Pod($"pod-{i}", $"app-{i % 100}"));
        }

        _cluster.WaitForIdleAsync().GetAwaiter().GetResult();
        var server = _cluster.StartApiServerAsync().GetAwaiter().GetResult();
        _client = _cluster.CreateKubernetesClient();
        _http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    [GlobalCleanup(Targets = [nameof(ListTenThousandPods_KubernetesClient), nameof(ListTenThousandPods_RawResponse)])]
    public void Cleanup()
    {
        _http.Dispose();
        _client.Dispose();
        _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<int> ListTenThousandPods_KubernetesClient() => (await _client.CoreV1.ListNamespacedPodAsync("default")).Items.Count;

    [Benchmark]
    public async Task<long> ListTenThousandPods_RawResponse()
    {
        using var response = await _http.GetAsync("api/v1/namespaces/default/pods", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    [Benchmark]
    public async Task<int> NewClusterUntilFirstApiGet()
    {
        await using var cluster = new FakeCluster();
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        return (await client.CoreV1.ListNamespaceAsync()).Items.Count;
    }
}

/// <summary>
/// One store write reaching 100 open KubernetesClient watches: each invocation updates a ConfigMap and completes when
/// all 100 watchers have seen the MODIFIED event.
/// </summary>
public class WatchFanOutBenchmarks
{
    private const int Watchers = 100;
    private FakeCluster _cluster = null!;
    private IKubernetes _client = null!;
    private CancellationTokenSource _stop = null!;
    private readonly List<Task> _watches = [];
    private TaskCompletionSource _allSeen = new();
    private int _seen;
    private int _generation;

    [GlobalSetup]
    public void Setup()
    {
        _cluster = new FakeCluster();
        _cluster.StartApiServerAsync().GetAwaiter().GetResult();
        _client = _cluster.CreateKubernetesClient();
        _cluster.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "fan", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["n"] = "0" } });
        _stop = new CancellationTokenSource();
        var opened = new CountdownEvent(Watchers);
        for (var i = 0; i < Watchers; i++)
        {
            _watches.Add(Task.Run(async () =>
            {
                var first = true;
                await foreach (var (type, _) in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", allowWatchBookmarks: true, resourceVersion: "0", cancellationToken: _stop.Token))
                {
                    if (first)
                    {
                        first = false;
                        opened.Signal();
                    }

                    if (type == WatchEventType.Modified && Interlocked.Increment(ref _seen) == Watchers)
                    {
                        _allSeen.TrySetResult();
                    }
                }
            }));
        }

        opened.Wait(TimeSpan.FromSeconds(30));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _client.Dispose();
        _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task OneWriteToHundredWatchers()
    {
        _seen = 0;
        _allSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "fan", NamespaceProperty = "default" },
            Data = new Dictionary<string, string> { ["n"] = (++_generation).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        _cluster.Update(map);
        await _allSeen.Task;
    }
}
