namespace K8sNet.Routing;

/// <summary>A uniformly random eligible endpoint, skipping ejected and already-tried ones.</summary>
public sealed class RandomBalancer : ILoadBalancer
{
    private readonly Random? _random;

    /// <summary>Creates the balancer.</summary>
    /// <param name="random">The random source (a seeded one in tests); a fast per-thread generator by default.</param>
    public RandomBalancer(Random? random = null) => _random = random;

    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.Random);

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

        var index = n == 1 ? 0 : Next(n);
        var ep = eligible[index];
        if (!context.IsPreferred(ep))
        {
            ep = PolicyPicking.Scan(eligible, index, context);
        }

        lease = new EndpointLease(ep, 0, null);
        return true;
    }

    private int Next(int maxExclusive) => _random is null ? FastRandom.Next(maxExclusive) : _random.Next(maxExclusive);
}
