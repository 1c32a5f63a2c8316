using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Routing;
using K8sNet.Testing.Generators;
using static K8sNet.Routing.Tests.Policies.PolicyTestSupport;

namespace K8sNet.Routing.Tests.Policies;

public class PolicyProperties
{
    // Never an ineligible or ejected endpoint while an eligible healthy one exists.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void EveryPolicy_NeverPicksAnEjectedEndpoint_WhileAHealthyOneExists(ServiceEndpoint[] endpoints, bool[] ejected, LoadBalancingPolicy policy)
    {
        for (var i = 0; i < endpoints.Length; i++)
        {
            if (ejected.Length > 0 && ejected[i % ejected.Length] && i != endpoints.Length - 1)
            {
                endpoints[i].Stats.Eject(long.MaxValue);
            }
        }

        var set = Set(endpoints);
        var balancer = Create(policy, random: new Random(7));
        for (var i = 0; i < 50; i++)
        {
            var picked = balancer.PickOne(set, new PickContext(StableHash.Mix((ulong)i)));
            Assert.Contains(picked, endpoints);
            Assert.False(picked.Stats.IsEjected);
        }
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void RoundRobin_EachCycle_VisitsEveryEndpointOnce(ServiceEndpoint[] endpoints, PositiveInt cycles)
    {
        var rr = new RoundRobinBalancer();
        var set = Set(endpoints);

        for (var c = 0; c < Math.Min(cycles.Get, 5); c++)
        {
            var cycle = Enumerable.Range(0, endpoints.Length).Select(_ => rr.PickOne(set)).ToList();
            Assert.Equal(endpoints.Length, cycle.Distinct().Count());
        }
    }

    // With a recording random source, the endpoint P2C returns is never the more loaded of the two it drew.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public void PowerOfTwoChoices_NeverPicksTheMoreLoadedCandidate(ServiceEndpoint[] endpoints, int[] loads, int seed)
    {
        if (endpoints.Length < 2)
        {
            return;
        }

        for (var i = 0; i < endpoints.Length; i++)
        {
            for (var k = 0; loads.Length > 0 && k < Math.Abs(loads[i % loads.Length] % 6); k++)
            {
                endpoints[i].Stats.IncrementOutstanding();
            }
        }

        var random = new RecordingRandom(seed);
        var p2c = new PowerOfTwoChoicesBalancer(random);
        var set = Set(endpoints);
        for (var trial = 0; trial < 20; trial++)
        {
            random.Drawn.Clear();
            var loadsBefore = endpoints.Select(e => e.Stats.Outstanding).ToArray();
            var lease = p2c.Pick(set, default);
            Assert.NotNull(lease.Endpoint);
            var i = random.Drawn[0];
            var j = random.Drawn[1] >= i ? random.Drawn[1] + 1 : random.Drawn[1];
            var picked = Array.IndexOf(endpoints, lease.Endpoint);
            Assert.True(picked == i || picked == j, "P2C must pick one of its two candidates");
            var other = picked == i ? j : i;
            Assert.True(loadsBefore[picked] <= loadsBefore[other], $"picked load {loadsBefore[picked]} over {loadsBefore[other]}");
            lease.Complete(EndpointOutcome.Success);
        }
    }

    // Removing one of N endpoints moves the keys of the removed endpoint plus at most a small share of the others:
    // Maglev's bound is about 2/N of all keys (tolerance: +3 points).
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 40)]
    public void ConsistentHash_RemovingOneEndpoint_MovesAtMostAbout2OverNOfKeys(ServiceEndpoint[] endpoints, int removedSeed)
    {
        if (endpoints.Length < 3)
        {
            return;
        }

        var removed = endpoints[Math.Abs(removedSeed % endpoints.Length)];
        var before = Set(endpoints);
        var after = Set([.. endpoints.Where(e => e != removed)]);
        var maglevBefore = new MaglevBalancer(new ConsistentHashOptions { TableSize = 65537 });
        var maglevAfter = new MaglevBalancer(new ConsistentHashOptions { TableSize = 65537 });
        const int keys = 20_000;

        var moved = 0;
        var movedFromOthers = 0;
        for (var k = 0; k < keys; k++)
        {
            var hash = StableHash.Mix((ulong)k * 0x9E3779B97F4A7C15UL);
            var a = maglevBefore.Lookup(before, hash)!;
            var b = maglevAfter.Lookup(after, hash)!;
            if (a.Key != b.Key)
            {
                moved++;
                if (a != removed)
                {
                    movedFromOthers++;
                }
            }
        }

        var n = endpoints.Length;
        Assert.True(moved <= keys * ((2.0 / n) + 0.03), $"{moved} of {keys} keys moved with N={n} (bound {2.0 / n:P1} + 3 points)");
        Assert.True(moved >= keys * (1.0 / n) * 0.7, $"only {moved} keys moved; the removed endpoint's share alone is about {1.0 / n:P1}");
        _ = movedFromOthers;
    }

    public static class Arbitraries
    {
        public static Arbitrary<ServiceEndpoint[]> Endpoints() => Arb.From(EndpointGen.DistinctServiceEndpoints(48));

        public static Arbitrary<LoadBalancingPolicy> Policies() => Arb.From(Gen.Elements(Enum.GetValues<LoadBalancingPolicy>()));
    }
}
