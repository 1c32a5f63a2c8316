namespace K8sNet.Routing;

/// <summary>A uniformly random eligible endpoint, skipping ejected and already-tried ones.</summary>
/// <remarks>Implements <see cref="ILoadBalancer"/> directly (one call per pick) rather than through <see cref="LoadBalancer"/>.</remarks>
/// <param name="random">The random source (a seeded one in tests); a fast per-thread generator by default.</param>
internal sealed class RandomBalancer(Random? random = null) : ILoadBalancer
{
    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.Random);

    /// <inheritdoc />
    public EndpointLease Pick(EndpointSet endpoints, in PickContext context)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eligible = endpoints.Eligible;
        var n = eligible.Length;
        if (n == 0)
        {
            return default;
        }

        var index = n == 1 ? 0 : PickRandom.Index(random, n);
        var ep = eligible[index];
        return new EndpointLease(context.IsPreferred(ep) ? ep : PolicyPicking.Scan(eligible, index, context), 0, null);
    }
}
