using K8sNet.Routing;
using Microsoft.Extensions.Time.Testing;
using static K8sNet.Routing.Tests.Policies.PolicyTestSupport;

namespace K8sNet.Routing.Tests.Policies;

public class PolicyTests
{
    public static TheoryData<LoadBalancingPolicy> AllPolicies => new(Enum.GetValues<LoadBalancingPolicy>());

    [Theory, MemberData(nameof(AllPolicies))]
    public void TryPick_EmptySet_IsFalse(LoadBalancingPolicy policy)
    {
        var empty = EndpointSet.Empty(Svc, new ServicePortKey("http", TransportProtocol.Tcp), 1, EndpointSetStatus.NoEndpoints);

        Assert.False(Create(policy).TryPick(empty, default, out _));
        Assert.Null(Create(policy).Pick(empty, default).Endpoint);
    }

    [Theory, MemberData(nameof(AllPolicies))]
    public void TryPick_SkipsEjectedAndTriedEndpoints_WhileOthersExist(LoadBalancingPolicy policy)
    {
        var eps = MakeEndpoints(4);
        eps[0].Stats.Eject(long.MaxValue);
        eps[1].Stats.Eject(long.MaxValue);
        var set = Set(eps);
        var balancer = Create(policy);

        for (var i = 0; i < 200; i++)
        {
            var picked = balancer.PickOne(set, new PickContext((ulong)i, [eps[2]]));
            Assert.Same(eps[3], picked);
        }
    }

    [Theory, MemberData(nameof(AllPolicies))]
    public void TryPick_InPanic_UsesEjectedEndpointsToo(LoadBalancingPolicy policy)
    {
        var eps = MakeEndpoints(4);
        foreach (var ep in eps[..3])
        {
            ep.Stats.Eject(long.MaxValue);
        }

        var set = Set(eps);
        var balancer = Create(policy);
        var picked = Enumerable.Range(0, 400).Select(i => balancer.PickOne(set, new PickContext((ulong)i * 7919, ignoreHealth: true))).ToHashSet();

        Assert.True(picked.Count > 1);
    }

    [Theory, MemberData(nameof(AllPolicies))]
    public void TryPick_AllTried_StillPicks(LoadBalancingPolicy policy)
    {
        var eps = MakeEndpoints(2);

        var picked = Create(policy).PickOne(Set(eps), new PickContext(1, eps));

        Assert.Contains(picked, eps);
    }

    [Fact]
    public void RoundRobin_VisitsInTurn()
    {
        var eps = MakeEndpoints(3);
        var rr = new RoundRobinBalancer();
        var set = Set(eps);

        var order = Enumerable.Range(0, 6).Select(_ => rr.PickOne(set)).ToArray();

        Assert.Equal([eps[0], eps[1], eps[2], eps[0], eps[1], eps[2]], order);
    }

    [Fact]
    public void PowerOfTwoChoices_TwoEndpoints_AlwaysTheLessLoaded()
    {
        var eps = MakeEndpoints(2);
        eps[0].Stats.IncrementOutstanding();
        var p2c = new PowerOfTwoChoicesBalancer();

        for (var i = 0; i < 100; i++)
        {
            Assert.Same(eps[1], p2c.PickOne(Set(eps)));
        }
    }

    [Fact]
    public void PowerOfTwoChoices_CountsOutstandingUntilComplete()
    {
        var eps = MakeEndpoints(1);
        var p2c = new PowerOfTwoChoicesBalancer();

        var lease = p2c.Pick(Set(eps), default);
        Assert.Same(eps[0], lease.Endpoint);
        Assert.Equal(1, eps[0].Stats.Outstanding);
        lease.Complete(EndpointOutcome.Success);
        Assert.Equal(0, eps[0].Stats.Outstanding);
    }

    [Fact]
    public void LeastRequest_PicksTheMinimum()
    {
        var eps = MakeEndpoints(5);
        foreach (var (ep, load) in eps.Zip([3, 1, 4, 1, 5]))
        {
            for (var i = 0; i < load; i++)
            {
                ep.Stats.IncrementOutstanding();
            }
        }

        var lr = new LeastRequestBalancer();
        var picks = Enumerable.Range(0, 50).Select(_ => lr.PickOne(Set(eps))).ToHashSet();

        Assert.Subset(new HashSet<ServiceEndpoint> { eps[1], eps[3] }, picks);
    }

    [Fact]
    public void LeastRequest_TakesTiesInTurn()
    {
        var eps = MakeEndpoints(4);
        var set = Set(eps);
        var lr = new LeastRequestBalancer();

        // Idle endpoints: each scan stops at the first idle one from its start, and the start moves on by one.
        var idle = Enumerable.Range(0, 8).Select(_ => lr.PickOne(set)).ToList();
        Assert.All(eps, ep => Assert.Equal(2, idle.Count(p => ReferenceEquals(p, ep))));

        // Loaded ties: 2, 1, 2, 1 in flight; the two least loaded share the picks evenly over whole turns.
        eps[0].Stats.IncrementOutstanding();
        eps[0].Stats.IncrementOutstanding();
        eps[1].Stats.IncrementOutstanding();
        eps[2].Stats.IncrementOutstanding();
        eps[2].Stats.IncrementOutstanding();
        eps[3].Stats.IncrementOutstanding();
        var loaded = Enumerable.Range(0, 40).Select(_ => lr.PickOne(set)).ToList();
        Assert.Equal(20, loaded.Count(p => ReferenceEquals(p, eps[1])));
        Assert.Equal(20, loaded.Count(p => ReferenceEquals(p, eps[3])));
    }

    [Fact]
    public void PeakEwma_PrefersTheFasterEndpoint_AndDecaysBack()
    {
        var time = new FakeTimeProvider();
        var eps = MakeEndpoints(2);
        var ewma = new PeakEwmaBalancer(time, new PeakEwmaOptions { Decay = TimeSpan.FromSeconds(10) });
        var set = Set(eps);
        Complete(ewma, set, eps[0], time, TimeSpan.FromMilliseconds(500));
        Complete(ewma, set, eps[1], time, TimeSpan.FromMilliseconds(5));

        Assert.True(Enumerable.Range(0, 50).All(_ => ewma.PickOne(set) == eps[1]));
        Assert.True(ewma.Cost(eps[0], time.GetTimestamp()) > ewma.Cost(eps[1], time.GetTimestamp()));

        // With no samples for a long time the slow endpoint's latency decays and it is probed again.
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.True(ewma.Cost(eps[0], time.GetTimestamp()) < TimeSpan.FromMilliseconds(1).Ticks);
    }

    [Fact]
    public void PeakEwma_ASpikeTakesEffectAtOnce()
    {
        var time = new FakeTimeProvider();
        var ep = MakeEndpoints(1)[0];
        var ewma = new PeakEwmaBalancer(time);
        var set = Set(ep);
        for (var i = 0; i < 20; i++)
        {
            Complete(ewma, set, ep, time, TimeSpan.FromMilliseconds(10));
        }

        Complete(ewma, set, ep, time, TimeSpan.FromMilliseconds(400));

        Assert.Equal(TimeSpan.FromMilliseconds(400).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond, ep.Stats.RttEwmaTicks, 1.0);
    }

    [Fact]
    public void ConsistentHash_SameKey_SameEndpoint_AcrossBalancers()
    {
        var eps = MakeEndpoints(10);
        var a = new MaglevBalancer();
        var b = new MaglevBalancer();

        for (ulong key = 0; key < 200; key++)
        {
            var hash = StableHash.Mix(key);
            Assert.Same(a.PickOne(Set(eps), new PickContext(hash)), a.PickOne(Set(eps), new PickContext(hash)));
            Assert.Equal(a.Lookup(Set(eps), hash)!.Key, b.Lookup(Set(MakeEndpoints(10)), hash)!.Key);
        }
    }

    [Fact]
    public void ConsistentHash_SpreadsKeysEvenly()
    {
        var eps = MakeEndpoints(10);
        var set = Set(eps);
        var maglev = new MaglevBalancer();

        var counts = Enumerable.Range(0, 100_000).Select(i => maglev.Lookup(set, StableHash.Hash($"user-{i}"))!).GroupBy(e => e).Select(g => g.Count()).ToArray();

        Assert.Equal(10, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
    }

    [Fact]
    public void Sticky_KeepsAKeyOnItsEndpoint_UntilTimeoutOrIneligible()
    {
        var time = new FakeTimeProvider();
        var eps = MakeEndpoints(8);
        var sticky = new StickyBalancer(new RandomBalancer(new Random(1)), time, TimeSpan.FromMinutes(1));
        var set = Set(eps);

        var first = sticky.PickOne(set, new PickContext(42));
        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            Assert.Same(first, sticky.PickOne(set, new PickContext(42)));
        }

        first.Stats.Eject(long.MaxValue);
        Assert.NotSame(first, sticky.PickOne(set, new PickContext(42)));
    }

    [Fact]
    public void StableHash_IsStable()
    {
        // Fixed values: the hash must not change between runs or versions, or clients would disagree.
        Assert.Equal(StableHash.Hash("orders"), StableHash.Hash("orders".AsSpan()));
        Assert.Equal(StableHash.Hash("é"u8), StableHash.Hash("é"));
        Assert.NotEqual(StableHash.Hash("a"), StableHash.Hash("b"));
        Assert.Equal(0x45987D0B68FC7229UL, StableHash.Hash("orders")); // FNV-1a 64 of "orders", then SplitMix64's finaliser
        Assert.Equal(0xF52A15E9A9B5E89BUL, StableHash.Hash(string.Empty));
    }

    private static void Complete(PeakEwmaBalancer ewma, EndpointSet set, ServiceEndpoint target, FakeTimeProvider time, TimeSpan rtt)
    {
        var lease = new EndpointLease(target, time.GetTimestamp(), ewma);
        target.Stats.IncrementOutstanding();
        time.Advance(rtt);
        lease.Complete(EndpointOutcome.Success);
        _ = set;
    }
}
