namespace K8sNet.Routing;

/// <summary>
/// Least request by a full scan: the preferred eligible endpoint with the fewest requests in flight. The scan starts at
/// a random position so that ties spread instead of piling onto the first endpoint.
/// </summary>
/// <remarks>Implements <see cref="ILoadBalancer"/> directly (one call per pick) rather than through <see cref="LoadBalancer"/>.</remarks>
/// <param name="random">The random source (a seeded one in tests); a fast per-thread generator by default.</param>
public sealed class LeastRequestBalancer(Random? random = null) : ILoadBalancer
{
    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.LeastRequest);

    /// <inheritdoc />
    public bool TryPick(EndpointSet endpoints, in PickContext context, out EndpointLease lease)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var n = endpoints.Count;
        if (n == 0)
        {
            lease = default;
            return false;
        }

        var start = n == 1 ? 0 : PickRandom.Index(random, n);
        var stats = endpoints.EligibleStats;
        var best = -1;
        var bestLoad = int.MaxValue;
        if (context.Excluded is null)
        {
            // The first try: the statistics alone decide (load, and ejection unless in panic); two plain loops, start..n
            // then 0..start, instead of one with a wrap-around test; an idle endpoint ends the scan.
            var ignoreHealth = context.IgnoreHealth;
            for (var k = start; k < stats.Length; k++)
            {
                var s = stats[k];
                var load = s.Outstanding;
                if (load < bestLoad && (ignoreHealth || !s.IsEjected))
                {
                    best = k;
                    bestLoad = load;
                    if (load == 0)
                    {
                        break;
                    }
                }
            }

            for (var k = 0; bestLoad > 0 && k < start; k++)
            {
                var s = stats[k];
                var load = s.Outstanding;
                if (load < bestLoad && (ignoreHealth || !s.IsEjected))
                {
                    best = k;
                    bestLoad = load;
                }
            }
        }
        else
        {
            // A retry: each candidate is also checked against the endpoints already tried.
            for (var i = 0; i < n; i++)
            {
                var k = start + i < n ? start + i : start + i - n;
                var load = stats[k].Outstanding;
                if (load < bestLoad && context.IsPreferred(endpoints.Eligible[k]))
                {
                    best = k;
                    bestLoad = load;
                }
            }
        }

        var ep = best >= 0 ? endpoints.Eligible[best] : PolicyPicking.Scan(endpoints.Eligible, start, context);
        ep.Stats.IncrementOutstanding();
        lease = new EndpointLease(ep, 0, OutstandingTracker.Instance);
        return true;
    }
}
