namespace K8sNet.Routing;

/// <summary>
/// Least request by a full scan: the preferred eligible endpoint with the fewest requests in flight. The scan starts at
/// a random position so that ties spread instead of piling onto the first endpoint.
/// </summary>
/// <remarks>Implements <see cref="ILoadBalancer"/> directly (one call per pick) rather than through <see cref="LoadBalancer"/>.</remarks>
/// <param name="random">The random source (a seeded one in tests); <see cref="Random.Shared"/> by default.</param>
public sealed class LeastRequestBalancer(Random? random = null) : ILoadBalancer
{
    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.LeastRequest);

    /// <inheritdoc />
    public bool TryPick(EndpointSet endpoints, in PickContext context, out EndpointLease lease)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eligible = endpoints.Eligible.AsSpan();
        var n = eligible.Length;
        if (n == 0)
        {
            lease = default;
            return false;
        }

        var start = n == 1 ? 0 : (random ?? Random.Shared).Next(n);
        ServiceEndpoint? best = null;
        var bestLoad = int.MaxValue;

        // Two plain loops (start..n, then 0..start) instead of one with a wrap-around test.
        if (!Scan(eligible[start..], context, ref best, ref bestLoad))
        {
            Scan(eligible[..start], context, ref best, ref bestLoad);
        }

        best ??= PolicyPicking.Scan(endpoints.Eligible, start, context);
        best.Stats.IncrementOutstanding();
        lease = new EndpointLease(best, 0, OutstandingTracker.Instance);
        return true;
    }

    // Returns true when an idle endpoint was found (nothing can beat it).
    private static bool Scan(ReadOnlySpan<ServiceEndpoint> endpoints, in PickContext context, ref ServiceEndpoint? best, ref int bestLoad)
    {
        foreach (var ep in endpoints)
        {
            var load = ep.Stats.Outstanding;
            if (load < bestLoad && context.IsPreferred(ep))
            {
                best = ep;
                bestLoad = load;
                if (load == 0)
                {
                    return true;
                }
            }
        }

        return false;
    }
}
