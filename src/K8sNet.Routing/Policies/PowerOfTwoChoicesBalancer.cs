namespace K8sNet.Routing;

/// <summary>
/// Power of two choices (least outstanding): two distinct random eligible endpoints; the one with fewer requests in
/// flight wins (ties go to the first drawn). Nearly as good as a full scan at O(1), and it resists herding.
/// </summary>
public sealed class PowerOfTwoChoicesBalancer : ILoadBalancer
{
    private readonly Random? _random;

    /// <summary>Creates the balancer.</summary>
    /// <param name="random">The random source (a seeded one in tests); a fast per-thread generator by default.</param>
    public PowerOfTwoChoicesBalancer(Random? random = null) => _random = random;

    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.PowerOfTwoChoices);

    /// <inheritdoc />
    public bool TryPick(EndpointSet endpoints, in PickContext context, out EndpointLease lease)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eligible = endpoints.Eligible;
        var n = eligible.Length;
        if (n == 0)
        {
            lease = default;
            return false;
        }

        ServiceEndpoint ep;
        if (n == 1)
        {
            ep = eligible[0];
        }
        else
        {
            var i = Next(n);
            var j = Next(n - 1);
            if (j >= i)
            {
                j++;
            }

            var a = eligible[i];
            var b = eligible[j];
            var aOk = context.IsPreferred(a);
            var bOk = context.IsPreferred(b);
            if (aOk && bOk)
            {
                ep = b.Stats.Outstanding < a.Stats.Outstanding ? b : a;
            }
            else if (aOk || bOk)
            {
                ep = aOk ? a : b;
            }
            else
            {
                ep = PolicyPicking.Scan(eligible, i, context);
            }
        }

        ep.Stats.IncrementOutstanding();
        lease = new EndpointLease(ep, 0, OutstandingTracker.Instance);
        return true;
    }

    private int Next(int maxExclusive) => _random is null ? FastRandom.Next(maxExclusive) : _random.Next(maxExclusive);
}
