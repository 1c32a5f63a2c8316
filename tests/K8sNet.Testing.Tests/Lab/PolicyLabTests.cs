using System.Collections.Immutable;
using K8sNet.Routing;
using K8sNet.Testing.Lab;

namespace K8sNet.Testing.Tests.Lab;

/// <summary>The simulator's mechanics, each against a figure worked out by hand.</summary>
public sealed class PolicyLabTests
{
    private static readonly LatencyModel TenMs = LatencyModel.Constant(TimeSpan.FromMilliseconds(10));

    [Fact]
    public void OpenLoop_SendsRateTimesDuration_EvenlySpaced()
    {
        var scenario = new LabScenario("open", Pods(3, TenMs), LabLoad.OpenLoop(1000, TimeSpan.FromSeconds(2)));

        var r = PolicyLab.Run(scenario, LabPolicy.RoundRobin);

        Assert.Equal(2000, r.Requests);
        Assert.Equal(TimeSpan.FromMilliseconds(1), r.Records().ElementAt(1).Start);
        Assert.Equal(TimeSpan.FromMilliseconds(10), r.Percentile(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1999 + 10), r.Duration);
        Assert.Equal(667 / 2000.0, r.Share("pod-0"), 6); // 2,000 = 3 × 666 + 2: the first two pods get one more
    }

    [Fact]
    public void ConcurrencyLimit_QueuesFirstComeFirstServed()
    {
        var pod = new LabEndpoint("pod-0", TenMs) { ConcurrencyLimit = 1 };
        var scenario = new LabScenario("queue", [pod], LabLoad.ClosedLoop(2, 10));

        var r = PolicyLab.Run(scenario, LabPolicy.RoundRobin);

        // Two workers, one request served at a time: the first waits 0, every later one 10 ms behind the other worker's.
        Assert.Equal(TimeSpan.FromMilliseconds(100), r.Duration);
        Assert.Equal([10, 20, 20, 20, 20, 20, 20, 20, 20, 20], r.Records().Select(x => x.Latency.TotalMilliseconds).Order().ToArray());
    }

    [Fact]
    public void QueueLimit_Full_AnswersServerErrorAtOnce()
    {
        var pod = new LabEndpoint("pod-0", TenMs) { ConcurrencyLimit = 1, QueueLimit = 0 };
        var scenario = new LabScenario("full", [pod], LabLoad.ClosedLoop(2, 4));

        var r = PolicyLab.Run(scenario, LabPolicy.RoundRobin);

        Assert.True(r.ServerErrors > 0);
        Assert.All(r.Records().Where(x => x.Outcome == LabOutcome.ServerError), x => Assert.Equal(TimeSpan.Zero, x.Latency));
    }

    [Fact]
    public void RequestTimeout_EndsTheRequest_AndCompletesItsLeaseAsCanceled()
    {
        var scenario = new LabScenario("timeout", Pods(2, LatencyModel.Constant(TimeSpan.FromMilliseconds(100))), LabLoad.ClosedLoop(4, 40))
        {
            RequestTimeout = TimeSpan.FromMilliseconds(50),
        };

        var r = PolicyLab.Run(scenario, LabPolicy.PowerOfTwoChoices);

        Assert.Equal(40, r.TimedOut);
        Assert.All(r.Records(), x => Assert.Equal(TimeSpan.FromMilliseconds(50), x.Latency));
        Assert.Equal(0, r.OutstandingAtEnd);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(2, 0.0)]
    public void Refusals_AreRetriedAsTheHandlerRetries(int maxRetries, double failureRate)
    {
        var pods = Pods(2, TenMs);
        pods[0] = pods[0] with { Failures = new FailureModel(1, EndpointOutcome.ConnectFailure, Immediate: true) };
        var scenario = new LabScenario("refusals", pods, LabLoad.OpenLoop(100, TimeSpan.FromSeconds(1)))
        {
            MaxRetries = maxRetries,
            OutlierDetection = new OutlierDetectionOptions { Enabled = false },
        };

        var r = PolicyLab.Run(scenario, LabPolicy.RoundRobin);

        Assert.Equal(failureRate * 0.5, 1 - r.SuccessRate, 2);
        // Round robin's counter moves on with each pick, retries included: every request comes to pod-0 first.
        Assert.Equal(maxRetries == 0 ? 0 : 100, r.Retries);
    }

    [Fact]
    public void ServerErrors_AreNotRetried_AndOutlierDetectionEjectsThePod()
    {
        var pods = Pods(10, TenMs);
        pods[9] = pods[9].With(LabEpisode.Failing(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 1, EndpointOutcome.ServerError));
        var scenario = new LabScenario("errors", pods, LabLoad.OpenLoop(500, TimeSpan.FromSeconds(30)));

        var r = PolicyLab.Run(scenario, LabPolicy.PowerOfTwoChoices);

        Assert.Equal(0, r.Retries);
        Assert.True(r.Ejections >= 1, $"{r.Ejections} ejections");
        Assert.InRange(r.ServerErrors, 5, 200); // five in a row eject it for 30 s, then again for 60 s
        Assert.True(r.Share("pod-9", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)) < 0.01);
    }

    [Fact]
    public void Changes_AddedPodTakesTraffic_OnlyAfterItJoins_UnreadyPodNone()
    {
        var scenario = new LabScenario("changes", Pods(2, TenMs), LabLoad.OpenLoop(300, TimeSpan.FromSeconds(3)))
        {
            Changes = [LabChange.Add(TimeSpan.FromSeconds(1), new LabEndpoint("pod-2", TenMs)), LabChange.SetReady(TimeSpan.FromSeconds(2), "pod-0", false)],
        };

        var r = PolicyLab.Run(scenario, LabPolicy.RoundRobin);

        Assert.Equal(0, r.Share("pod-2", TimeSpan.Zero, TimeSpan.FromSeconds(1)));
        Assert.Equal(1 / 3.0, r.Share("pod-2", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)), 2);
        Assert.Equal(0, r.Share("pod-0", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)));
        Assert.Equal(["pod-0", "pod-1", "pod-2"], r.Endpoints.ToArray());
    }

    [Fact]
    public void CustomPolicy_IsDrivenLikeTheShippedOnes()
    {
        var firstOnly = LabPolicy.Custom("first", (_, _) => new FirstEndpoint());
        var scenario = new LabScenario("custom", Pods(3, TenMs), LabLoad.OpenLoop(100, TimeSpan.FromSeconds(1)));

        var r = PolicyLab.Run(scenario, firstOnly);

        Assert.Equal(1, r.Share("pod-0"));
        Assert.Equal("first", r.Policy);
    }

    [Fact]
    public void Compare_SameSeed_EndpointsDrawTheSameSamples()
    {
        var pods = Pods(1, LatencyModel.LogNormal(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20)));
        var scenario = new LabScenario("one", pods, LabLoad.ClosedLoop(1, 500));

        var c = PolicyLab.Compare(scenario, [LabPolicy.RoundRobin, LabPolicy.PeakEwma]);

        // One pod: the policy cannot matter, so the runs are the same request for request.
        Assert.Equal(c["RoundRobin"].Records(), c["PeakEwma"].Records());
        Assert.Contains("| PeakEwma | 500 |", c.ToTable(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NamesTheEndpointAndTheRule()
    {
        var twice = new LabScenario("bad", [new LabEndpoint("a", TenMs), new LabEndpoint("a", TenMs)], LabLoad.ClosedLoop(1, 1));
        var unknown = new LabScenario("bad", Pods(1, TenMs), LabLoad.ClosedLoop(1, 1)) { Changes = [LabChange.Remove(TimeSpan.Zero, "ghost")] };
        var rate = new LabScenario("bad", [new LabEndpoint("p", TenMs) { Failures = new FailureModel(1.5) }], LabLoad.ClosedLoop(1, 1));

        Assert.Contains("'a' is used twice", Assert.Throws<ArgumentException>(() => PolicyLab.Run(twice, LabPolicy.RoundRobin)).Message, StringComparison.Ordinal);
        Assert.Contains("'ghost'", Assert.Throws<ArgumentException>(() => PolicyLab.Run(unknown, LabPolicy.RoundRobin)).Message, StringComparison.Ordinal);
        Assert.Contains("Lab endpoint 'p': failure rate 1.5 must be from 0 to 1", Assert.Throws<ArgumentException>(() => PolicyLab.Run(rate, LabPolicy.RoundRobin)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LabScenarios.Named("nope"));
    }

    [Fact]
    public void Claim_Verify_ThrowsWithTheNumbers()
    {
        var r = PolicyLab.Run(new LabScenario("claim", Pods(2, TenMs), LabLoad.ClosedLoop(1, 10)), LabPolicy.RoundRobin);

        var claim = LabClaim.That(r, LabMetric.P99).IsAtMost(5);

        Assert.False(claim.Holds);
        Assert.Equal("RoundRobin on 'claim' (seed 1): p99 (ms) = 10 is at most 5", Assert.Throws<LabClaimException>(claim.Verify).Message);
        LabClaim.That(r, LabMetric.P99).IsBetween(10, 10).Verify();
    }

    [Fact]
    public void LatencyModels_HaveTheirStatedShape()
    {
        var lognormal = LatencyModel.LogNormal(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40)).Start(new Random(3));
        var samples = Enumerable.Range(0, 100_000).Select(_ => lognormal().TotalMilliseconds).Order().ToArray();
        var replay = LatencyModel.Replay([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(3)]).Start(new Random(5));
        var played = Enumerable.Range(0, 6).Select(_ => replay().TotalMilliseconds).ToArray();

        Assert.Equal(10, samples[50_000], 0);
        Assert.InRange(samples[99_000], 38, 42);
        Assert.Equal(played[0..3], played[3..6]);
        Assert.Equal(6, played[0..3].Sum());
        Assert.Throws<ArgumentException>(() => LatencyModel.Replay([]));
    }

    private static List<LabEndpoint> Pods(int n, LatencyModel latency) => [.. Enumerable.Range(0, n).Select(i => new LabEndpoint($"pod-{i}", latency))];

    private sealed class FirstEndpoint : LoadBalancer
    {
        public override string Name => "first";

        protected override EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context) =>
            new(eligible[0], 0, null);
    }
}
