using BenchmarkDotNet.Attributes;
using k8s.Models;
using K8sNet.Testing;

namespace K8sNet.Benchmarks.Testing;

/// <summary>
/// FakeCluster's control plane at work: starting a cluster; one Service and 100 pods until their slices are written
/// (budget 10 ms); 10,000 pods across 100 Services; one readiness flip in a 10,000-pod Service. Each measured step
/// ends at <see cref="FakeCluster.WaitForIdleAsync"/>: every controller has processed every change.
/// </summary>
public class FakeClusterBenchmarks
{
    private FakeCluster? _cluster;
    private FakeCluster? _large;
    private bool _ready;

    internal static V1Pod Pod(string name, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "example/web:1.0", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }] }] },
    };

    internal static V1Service Service(string name, string app) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = app }, Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }] },
    };

    [Benchmark]
    public async Task ClusterStart()
    {
        await using var cluster = new FakeCluster();
        await cluster.WaitForIdleAsync();
    }

    [IterationSetup(Targets = [nameof(OneServiceHundredPods), nameof(TenThousandPodsHundredServices)])]
    public void NewCluster()
    {
        _cluster = new FakeCluster();
        _cluster.WaitForIdleAsync().GetAwaiter().GetResult();
    }

    [IterationCleanup(Targets = [nameof(OneServiceHundredPods), nameof(TenThousandPodsHundredServices)])]
    public void DisposeCluster() => _cluster!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    [InvocationCount(1)]
    public async Task OneServiceHundredPods()
    {
        _cluster!.Create(Service("web", "web"));
        for (var i = 0; i < 100; i++)
        {
            _cluster.Create(Pod($"web-{i}", "web"));
        }

        await _cluster.WaitForIdleAsync();
    }

    [Benchmark]
    [InvocationCount(1)]
    public async Task TenThousandPodsHundredServices()
    {
        for (var s = 0; s < 100; s++)
        {
            _cluster!.Create(Service($"svc-{s}", $"app-{s}"));
        }

        for (var i = 0; i < 10_000; i++)
        {
            _cluster!.Create(Pod($"pod-{i}", $"app-{i % 100}"));
        }

        await _cluster!.WaitForIdleAsync();
    }

    [GlobalSetup(Target = nameof(ReadinessFlipInTenThousandPodService))]
    public void LargeService()
    {
        _large = new FakeCluster(o => o.Nodes = 40);
        _large.Create(Service("big", "big"));
        for (var i = 0; i < 10_000; i++)
        {
            _large.Create(Pod($"big-{i}", "big"));
        }

        _large.WaitForIdleAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup(Target = nameof(ReadinessFlipInTenThousandPodService))]
    public void DisposeLarge() => _large!.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task ReadinessFlipInTenThousandPodService()
    {
        _ready = !_ready;
        _large!.SetPodReady("big-5000", "default", _ready);
        await _large.WaitForIdleAsync();
    }
}
