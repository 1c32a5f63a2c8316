using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>
/// Least request by a full scan: the preferred eligible endpoint with the fewest requests in flight. The scan starts at
/// a random position so that ties spread instead of piling onto the first endpoint.
/// </summary>
/// <param name="random">The random source (a seeded one in tests); <see cref="Random.Shared"/> by default.</param>
public sealed class LeastRequestBalancer(Random? random = null) : LoadBalancer(random)
{
    /// <inheritdoc />
    public override string Name => nameof(LoadBalancingPolicy.LeastRequest);

    /// <inheritdoc />
    protected override EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context)
    {
        var n = eligible.Length;
        var start = n == 1 ? 0 : NextRandom(n);
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

        best ??= Fallback(eligible, start, context);
        best.Stats.IncrementOutstanding();
        return new EndpointLease(best, 0, OutstandingTracker.Instance);
    }
}
