using K8sNet.Routing;
using K8sNet.Testing.Lab;
using Xunit.Abstractions;

namespace K8sNet.Testing.Tests.Lab;

/// <summary>
/// The published experiments the lab reproduces (issue 21), with the tolerances the issue states: the shipped policy
/// code, driven in virtual time, gives the published figures.
/// </summary>
public sealed class PublishedExperimentsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Fact]
    public void Linkerd2016_SampleSet_HasThePublishedStatistics()
    {
        var samples = LabScenarios.Linkerd2016Latencies().Select(s => s.TotalMilliseconds).Order().ToArray();

        var mean = samples.Average();
        var sd = Math.Sqrt(samples.Sum(s => (s - mean) * (s - mean)) / samples.Length);
        Assert.Equal(10_000, samples.Length);
        Assert.Equal(167.5, samples[(int)Math.Ceiling(0.5 * samples.Length) - 1], 1);
        Assert.Equal(192.3, samples[(int)Math.Ceiling(0.99 * samples.Length) - 1], 1);
        Assert.Equal(200, samples[^1], 3);
        Assert.Equal(5.4, sd, 1);
    }

    [Fact]
    public void Linkerd2016_SlowShares_AreThePublishedOnes()
    {
        var comparison = PolicyLab.Compare(LabScenarios.Linkerd2016(), [LabPolicy.RoundRobin, LabPolicy.PowerOfTwoChoices, LabPolicy.PeakEwma]);
        output.WriteLine(comparison.ToTable(OneSecond));

        var rr = comparison["RoundRobin"].FractionOver(OneSecond);
        var p2c = comparison["PowerOfTwoChoices"].FractionOver(OneSecond);
        var ewma = comparison["PeakEwma"].FractionOver(OneSecond);
        Assert.InRange(rr, 1 / 11.0 * 30 / 60 - 0.002, 1 / 11.0 * 30 / 60 + 0.002);
        Assert.InRange(p2c, 0.001, 0.01);
        Assert.InRange(ewma, 0.00005, 0.002);
        Assert.True(ewma < p2c, $"peak EWMA {ewma:P4} should be below P2C {p2c:P4}");
        foreach (var r in comparison.Results)
        {
            Assert.Equal(60_000, r.Requests);
            Assert.Equal(1, r.SuccessRate);
        }
    }

    [Fact]
    public void TowerDemo_RoundRobin_MatchesThePublishedFiguresAndTheClosedForm()
    {
        var result = PolicyLab.Run(LabScenarios.TowerDemo(), LabPolicy.RoundRobin);
        output.WriteLine(Describe(result));

        // Little's law: 50,000 requests × the mean latency of the mixture (72.05 ms) / 50 workers = 72.05 s.
        Assert.InRange(result.Duration.TotalSeconds, 72 * 0.98, 72 * 1.02);
        AssertNear(9, result.Percentile(0.5), 0.02, 0.2);
        AssertNear(98, result.Percentile(0.9), 0.02);
        AssertNear(496, result.Percentile(0.95), 0.02);
        AssertNear(906, result.Percentile(0.99), 0.02);
        AssertNear(988, result.Percentile(0.999), 0.02);
    }

    [Theory]
    [InlineData("PeakEwma", 15, 5, 56, 78, 96)]
    [InlineData("PowerOfTwoChoices", 18, 5, 57, 80, 98)]
    public void TowerDemo_P2C_MatchesThePublishedFigures(string policyName, double wall, double p50, double p90, double p95, double p99)
    {
        var policy = policyName == "PeakEwma"
            ? LabPolicy.Of(LoadBalancingPolicy.PeakEwma, new PeakEwmaOptions { DefaultRtt = TimeSpan.FromMilliseconds(0.5) })
            : LabPolicy.PowerOfTwoChoices;

        var result = PolicyLab.Run(LabScenarios.TowerDemo(), policy);
        output.WriteLine(Describe(result));

        Assert.InRange(result.Duration.TotalSeconds, wall * 0.85, wall * 1.15);
        AssertNear(p50, result.Percentile(0.5), 0.10, 0.5);
        AssertNear(p90, result.Percentile(0.9), 0.10);
        AssertNear(p95, result.Percentile(0.95), 0.10);
        AssertNear(p99, result.Percentile(0.99), 0.10);
        var p999 = result.Percentile(0.999).TotalMilliseconds;
        Assert.InRange(p999, 50, 1000); // compared by order of magnitude only (the slowest endpoint's 1 s bounds it): about 10² ms
    }

    internal static string Describe(LabResult r) =>
        $"{r}\n  wall {r.Duration.TotalSeconds:0.0} s, p50 {r.Percentile(0.5).TotalMilliseconds:0.0}, p90 {r.Percentile(0.9).TotalMilliseconds:0.0}, "
        + $"p95 {r.Percentile(0.95).TotalMilliseconds:0.0}, p99 {r.Percentile(0.99).TotalMilliseconds:0.0}, p999 {r.Percentile(0.999).TotalMilliseconds:0.0} ms";

    // Within a relative tolerance of the published figure, or an absolute one in ms where the figure is small and rounded.
    private static void AssertNear(double expectedMs, TimeSpan actual, double relative, double absoluteMs = 0)
    {
        var ms = actual.TotalMilliseconds;
        var slack = Math.Max(expectedMs * relative, absoluteMs);
        Assert.True(Math.Abs(ms - expectedMs) <= slack, $"expected {expectedMs} ms ± {slack:0.##}, measured {ms:0.###} ms");
    }
}
