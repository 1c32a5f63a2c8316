using K8sNet.Routing;
using static K8sNet.Routing.Tests.Policies.PolicyTestSupport;

namespace K8sNet.Routing.Tests.Policies;

/// <summary>The pick path's random draws: in range, distinct where they must be, and uniform.</summary>
public class PickRandomTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void Index_IsInRange_AndEveryValueComesUp(int n)
    {
        var seen = new int[n];
        for (var k = 0; k < n * 200; k++)
        {
            seen[PickRandom.Index(null, n)]++;
        }

        Assert.All(seen, count => Assert.InRange(count, 1, n * 200));
    }

    [Fact]
    public void Index_IsUniform()
    {
        const int n = 10, draws = 200_000;
        var counts = new int[n];
        for (var k = 0; k < draws; k++)
        {
            counts[PickRandom.Index(null, n)]++;
        }

        // Each bucket expects 20,000 (sd ≈ 134): ±1,000 is over 7 sd.
        Assert.All(counts, c => Assert.InRange(c, 19_000, 21_000));
    }

    [Fact]
    public void TwoIndices_AreDistinct_AndEveryOrderedPairIsAsLikely()
    {
        const int n = 4, draws = 120_000;
        var pairs = new int[n, n];
        for (var k = 0; k < draws; k++)
        {
            var (i, j) = PickRandom.TwoIndices(null, n);
            Assert.NotEqual(i, j);
            Assert.InRange(i, 0, n - 1);
            Assert.InRange(j, 0, n - 1);
            pairs[i, j]++;
        }

        // 12 ordered pairs, 10,000 each expected (sd ≈ 96).
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                Assert.InRange(pairs[i, j], i == j ? 0 : 9_300, i == j ? 0 : 10_700);
            }
        }
    }

    [Fact]
    public void ASeededRandom_IsUsedAsGiven()
    {
        var (i, j) = PickRandom.TwoIndices(new Random(42), 10);
        var reference = new Random(42);
        var ri = reference.Next(10);
        var rj = reference.Next(9);

        Assert.Equal(ri, i);
        Assert.Equal(rj >= ri ? rj + 1 : rj, j);
        Assert.Equal(new Random(7).Next(5), PickRandom.Index(new Random(7), 5));
    }

    [Fact]
    public void EligibleStats_AreTheEligibleEndpointsStats_IndexForIndex()
    {
        var eps = MakeEndpoints(5);
        var set = Set(eps);

        var stats = set.EligibleStats.ToArray();

        Assert.Equal(set.Eligible.Length, stats.Length);
        for (var i = 0; i < stats.Length; i++)
        {
            Assert.Same(set.Eligible[i].Stats, stats[i]);
        }

        Assert.True(set.EligibleStats == set.EligibleStats); // built once
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-6)]
    [InlineData(0.005)]
    [InlineData(0.0099)]
    [InlineData(0.01)]
    [InlineData(0.5)]
    [InlineData(3.0)]
    public void DecayWeight_IsExpOfMinusX(double x)
    {
        Assert.Equal(Math.Exp(-x), EndpointStats.DecayWeight(x), 2e-7);
        Assert.Equal(EndpointStats.DecayWeight(x), EndpointStats.DecayFactor((long)(x * 1e9), 1e9), 1e-9);
    }

    [Fact]
    public void DecayWeight_NothingElapsed_KeepsEverything()
    {
        Assert.Equal(1, EndpointStats.DecayWeight(-1));
        Assert.Equal(1, EndpointStats.DecayFactor(-5, 100));
    }
}
