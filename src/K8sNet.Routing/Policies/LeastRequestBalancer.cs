namespace K8sNet.Routing;

/// <summary>
/// Least request by a full scan: the preferred eligible endpoint with the fewest requests in flight. The scan starts at
/// a random position so that ties spread instead of piling onto the first endpoint.
/// </summary>
public sealed class LeastRequestBalancer : ILoadBalancer
{
    private readonly Random? _random;

    /// <summary>Creates the balancer.</summary>
    /// <param name="random">The random source (a seeded one in tests); a fast per-thread generator by default.</param>
    public LeastRequestBalancer(Random? random = null) => _random = random;

    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.LeastRequest);

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

        var start = n == 1 ? 0 : Next(n);
        ServiceEndpoint? best = null;
        var bestLoad = int.MaxValue;
        for (var k = 0; k < n; k++)
        {
            var index = start + k;
            if (index >= n)
            {
                index -= n;
            }

            var ep = eligible[index];
            var load = ep.Stats.Outstanding;
            if (load < bestLoad && context.IsPreferred(ep))
            {
                best = ep;
                bestLoad = load;
                if (load == 0)
                {
                    break;
                }
            }
        }

        best ??= PolicyPicking.Scan(eligible, start, context);
        best.Stats.IncrementOutstanding();
        lease = new EndpointLease(best, 0, OutstandingTracker.Instance);
        return true;
    }

    private int Next(int maxExclusive) => _random is null ? FastRandom.Next(maxExclusive) : _random.Next(maxExclusive);
}
