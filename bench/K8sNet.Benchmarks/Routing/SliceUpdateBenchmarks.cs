using BenchmarkDotNet.Attributes;
using K8sNet.Routing;

namespace K8sNet.Benchmarks.Routing;

/// <summary>A 10,000-endpoint Service in 100 slices: replacing one slice (one endpoint flips to terminating), and building every set from scratch.</summary>
public class SliceUpdateBenchmarks
{
    private EndpointSetBuilder _builder = null!;
    private ServiceState _state = null!;
    private EndpointSliceInfo _sliceA = null!;
    private EndpointSliceInfo _sliceB = null!;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        var spec = new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromName("web"))] };
        _state = ServiceState.Initial(BenchData.Service).WithSpec(spec);
        for (var s = 0; s < 100; s++)
        {
            _state = _state.WithSlice(Slice(s, terminatingIndex: -1));
        }

        _sliceA = Slice(42, terminatingIndex: -1);
        _sliceB = Slice(42, terminatingIndex: 7);
        _builder = new EndpointSetBuilder(BenchData.Service, new ClientTopology("node-a", "zone-1"));
        _builder.Update(_state);
    }

    [Benchmark(Baseline = true)]
    public int ReplaceOneSlice()
    {
        _flip = !_flip;
        _state = _state.WithSlice(_flip ? _sliceB : _sliceA);
        return _builder.Update(_state).Count;
    }

    [Benchmark]
    public int FullRebuild() => new EndpointSetBuilder(BenchData.Service, new ClientTopology("node-a", "zone-1")).Update(_state).Count;

    private static EndpointSliceInfo Slice(int s, int terminatingIndex) => new(
        $"orders-{s:D3}",
        AddressType.IPv4,
        [new EndpointPort("http", 8080)],
        [.. Enumerable.Range(0, 100).Select(i => new Endpoint(
            $"10.{s / 200}.{s % 200}.{i + 1}",
            i == terminatingIndex ? new EndpointConditions(false, true, true) : EndpointConditions.ReadyEndpoint)
        {
            NodeName = $"node-{i % 10}",
            Zone = $"zone-{i % 3}",
        })]);
}
