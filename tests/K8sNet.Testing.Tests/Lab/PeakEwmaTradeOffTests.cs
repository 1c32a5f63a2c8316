using K8sNet.Routing;
using K8sNet.Testing.Lab;

namespace K8sNet.Testing.Tests.Lab;

/// <summary>
/// Issue 21's two findings about PeakEwma on loopback pods, reproduced in the lab, and the trade-off its decay sets
/// (README, "Peak EWMA's decay"). At low load (under one request in flight across ten 2 ms pods) every cost is
/// latency × 1, so each pick goes to the pod whose peak-sensitive average is lowest — pods are ranked by their recent
/// latency noise, and equal pods get unequal shares. After a slow spell the pod's average (about 47 ms) only decays,
/// as exp(-t / decay), until it is below its rivals' (2–8 ms): about decay × ln(47 / 8) ≈ 1.8 decays without traffic.
/// A shorter decay fixes both, and gives back some of the protection.
/// </summary>
public sealed class PeakEwmaTradeOffTests
{
    private static readonly TimeSpan SlowFrom = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SlowTo = TimeSpan.FromSeconds(20);

    [Fact]
    public void SlowPod_Decay10s_KeepsTheRecoveredPodOut_AndSpreadsEqualPodsUnevenly()
    {
        var r = PolicyLab.Run(LabScenarios.SlowPod(), LabPolicy.PeakEwma);

        Assert.True(r.Share("pod-9", SlowTo, SlowTo + TimeSpan.FromSeconds(5)) < 0.01, "the recovered pod gets under 1% for 5 s");
        Assert.True(Spread(r) > 2, $"healthy pods' max/min {Spread(r):0.00}");
    }

    [Fact]
    public void SlowPod_Decay1s_RecoversInAboutASecond_AndSpreadsLikeP2C_WhileStillAvoidingTheSlowPod()
    {
        var ewma1s = LabPolicy.Of(LoadBalancingPolicy.PeakEwma, new PeakEwmaOptions { Decay = TimeSpan.FromSeconds(1) }, name: "PeakEwma 1s");
        var c = PolicyLab.Compare(LabScenarios.SlowPod(), [LabPolicy.PowerOfTwoChoices, LabPolicy.PeakEwma, ewma1s]);

        var fast = c["PeakEwma 1s"];
        Assert.True(fast.Share("pod-9", SlowTo + TimeSpan.FromSeconds(1), SlowTo + TimeSpan.FromSeconds(5)) > 0.05);
        Assert.True(Spread(fast) < 1.4, $"healthy pods' max/min {Spread(fast):0.00}");
        var slowShare = LabMetric.ShareOf("pod-9", SlowFrom, SlowTo);
        LabClaim.That(fast, slowShare).IsBelow(c["PowerOfTwoChoices"]).And(LabClaim.That(c["PeakEwma"], slowShare).IsBelow(fast)).Verify();
    }

    // Max over min of the attempts each healthy pod got while pod-9 was slow.
    private static double Spread(LabResult r)
    {
        var counts = Enumerable.Range(0, 9).Select(i => r.AttemptsTo($"pod-{i}", SlowFrom, SlowTo)).ToArray();
        return counts.Max() / (double)Math.Max(1, counts.Min());
    }
}
