using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Testing.Generators;
using K8sNet.Testing.Lab;

namespace K8sNet.Testing.Tests.Lab;

/// <summary>What users can rely on about the shipped policies, for any scenario the generators make (issue 21).</summary>
public sealed class PolicyLabProperties
{
    // Every scenario ends with its slow window at two thirds of the run: the last third holds no slow requests.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 100)]
    public Property SlowPod_PowerOfTwoChoices_P99IsNoWorseThanRoundRobin(SlowPodScenario s)
    {
        var roundRobin = PolicyLab.Run(s.Scenario, LabPolicy.RoundRobin, s.Seed);
        var p2c = PolicyLab.Run(s.Scenario, LabPolicy.PowerOfTwoChoices, s.Seed);

        return LabClaim.That(p2c, LabMetric.P99).IsNoWorseThan(roundRobin, slack: 0.02).ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 100)]
    public Property SlowPod_PeakEwma_SendsTheSlowPodLessThanRoundRobin(SlowPodScenario s)
    {
        var slow = s.Scenario.Endpoints.Single(e => !e.Episodes.IsEmpty);
        var window = slow.Episodes[0];
        var share = LabMetric.ShareOf(slow.Name, window.Start, window.End);

        var roundRobin = PolicyLab.Run(s.Scenario, LabPolicy.RoundRobin, s.Seed);
        var ewma = PolicyLab.Run(s.Scenario, LabPolicy.PeakEwma, s.Seed);

        return LabClaim.That(ewma, share).IsBelow(roundRobin).ToProperty();
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 100)]
    public Property AnyScenario_SameSeed_SameResult(AnyScenario s, LabPolicy policy)
    {
        var a = PolicyLab.Run(s.Scenario, policy, s.Seed);
        var b = PolicyLab.Run(s.Scenario, policy, s.Seed);

        return a.Records().SequenceEqual(b.Records()).Label($"{policy} on {s.Scenario}: two runs with seed {s.Seed} differ");
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 100)]
    public Property AnyScenario_AnyPolicy_EveryRequestEndsOnceAndNoLeaseLeaks(AnyScenario s, LabPolicy policy)
    {
        var r = PolicyLab.Run(s.Scenario, policy, s.Seed);

        var accounted = r.Succeeded + r.ServerErrors + r.Failed + r.TimedOut + r.NotSent == r.Requests;
        var attempts = r.Records().All(x => x.Outcome == LabOutcome.NoEndpoint ? x.Attempts == 0 : x.Attempts >= 1 && x.Attempts <= 1 + s.Scenario.MaxRetries);
        return (accounted && attempts && r.OutstandingAtEnd == 0)
            .Label($"{policy} on {s.Scenario}: accounted={accounted} attempts={attempts} outstanding at end={r.OutstandingAtEnd}");
    }

    // A refused connection sent nothing, so the retry rule sends it elsewhere: with another pod to go to, none fails.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 100)]
    public Property FailingPod_Refusals_AreRetriedElsewhere_SoNoRequestFails(FailingPodScenario s, LabPolicy policy)
    {
        if (s.Outcome != EndpointOutcome.ConnectFailure)
        {
            return true.ToProperty();
        }

        var r = PolicyLab.Run(s.Scenario, policy, s.Seed);

        return LabClaim.That(r, LabMetric.FailureRate).IsAtMost(0).ToProperty();
    }

    // Maglev moves about 1/(N+1) of the keys when a pod joins; the bound is about 2/N.
    [Property(MaxTest = 20)]
    public Property ConsistentHash_AddingAPod_MovesAtMostAbout2OverNOfKeys(PositiveInt size)
    {
        var n = 2 + (size.Get % 30);

        var moved = PolicyLab.KeysMoved(LabPolicy.ConsistentHash, n, added: 1, keys: 5_000);

        return (moved <= 2.0 / n && moved >= 0.5 / (n + 1)).Label($"{moved:P2} of keys moved when pod {n + 1} joined {n} (bound {2.0 / n:P2})");
    }

    // Zone-aware routing (opt-in) with the client's zone holding its fair share: every attempt stays in the zone; without
    // it, every policy but consistent hashing (no keys here) reaches the other zones too.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 60)]
    public Property Zones_ZoneAwareRouting_KeepsEveryRequestInTheClientsZone(ZoneScenario s, LabPolicy policy)
    {
        var zoneOf = s.Scenario.Endpoints.ToDictionary(e => e.Name, e => e.Zone);

        var r = PolicyLab.Run(s.Scenario, policy, s.Seed);

        var local = r.Records().Count(x => zoneOf[x.Endpoint!] == s.Scenario.ClientZone) / (double)r.Requests;
        var aware = s.Scenario.EndpointOptions.ZoneAware.Enabled;
        return (aware ? local == 1 : local < 1 || policy == LabPolicy.ConsistentHash).Label($"{policy}, zone-aware {aware}: {local:P2} of requests in {s.Scenario.ClientZone}");
    }

    /// <summary>A generated zone scenario and a seed.</summary>
    public sealed record ZoneScenario(LabScenario Scenario, int Seed)
    {
        public override string ToString() => $"{Scenario} seed {Seed}";
    }

    /// <summary>A generated slow-pod scenario and a seed.</summary>
    public sealed record SlowPodScenario(LabScenario Scenario, int Seed)
    {
        public override string ToString() => $"{Scenario} seed {Seed}";
    }

    /// <summary>A generated failing-pod scenario, how it fails, and a seed.</summary>
    public sealed record FailingPodScenario(LabScenario Scenario, EndpointOutcome Outcome, int Seed)
    {
        public override string ToString() => $"{Scenario} seed {Seed}";
    }

    /// <summary>Any generated scenario and a seed.</summary>
    public sealed record AnyScenario(LabScenario Scenario, int Seed)
    {
        public override string ToString() => $"{Scenario} seed {Seed}";
    }

    public static class Arbitraries
    {
        public static Arbitrary<SlowPodScenario> SlowPods() =>
            Arb.From(from s in LabGen.SlowPod() from seed in Gen.Choose(1, 1_000_000) select new SlowPodScenario(s, seed));

        public static Arbitrary<FailingPodScenario> FailingPods() =>
            Arb.From(from s in LabGen.FailingPod() from seed in Gen.Choose(1, 1_000_000)
                     select new FailingPodScenario(s, s.Endpoints.SelectMany(e => e.Episodes).Single().Failures!.Outcome, seed));

        public static Arbitrary<AnyScenario> Any() =>
            Arb.From(from s in LabGen.Scenario() from seed in Gen.Choose(1, 1_000_000) select new AnyScenario(s, seed));

        public static Arbitrary<ZoneScenario> ZoneScenarios() =>
            Arb.From(from s in LabGen.Zones() from seed in Gen.Choose(1, 1_000_000) select new ZoneScenario(s, seed));

        public static Arbitrary<LabPolicy> Policies() => Arb.From(LabGen.Policy());
    }
}
