using BenchmarkDotNet.Attributes;
using K8sNet.Testing.Lab;

namespace K8sNet.Benchmarks.Testing;

/// <summary>
/// The policy lab's budget (DESIGN.md): 60 simulated seconds at 1,000 requests/s under one policy in under a second of
/// wall time. The Linkerd 2016 scenario is exactly that (60,000 requests, about 170 in flight, 1,700 during the slow
/// window under round robin); the tower demo is the closed-loop case (50,000 requests, 50 workers).
/// </summary>
[Config(typeof(BenchConfig))]
public class PolicyLabBenchmarks
{
    private readonly LabScenario _linkerd = LabScenarios.Linkerd2016();
    private readonly LabScenario _tower = LabScenarios.TowerDemo();

    [Params("RoundRobin", "PowerOfTwoChoices", "PeakEwma")]
    public string Policy { get; set; } = "";

    [Benchmark]
    public int Linkerd2016_60s_1000rps() => PolicyLab.Run(_linkerd, Pick()).Requests;

    [Benchmark]
    public int TowerDemo_50000_closed() => PolicyLab.Run(_tower, Pick()).Requests;

    private LabPolicy Pick() => LabPolicy.TryParse(Policy, out var p) ? p : throw new InvalidOperationException(Policy);
}
