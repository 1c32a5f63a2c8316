using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>A uniformly random eligible endpoint, skipping ejected and already-tried ones.</summary>
/// <param name="random">The random source (a seeded one in tests); <see cref="Random.Shared"/> by default.</param>
public sealed class RandomBalancer(Random? random = null) : LoadBalancer(random)
{
    /// <inheritdoc />
    public override string Name => nameof(LoadBalancingPolicy.Random);

    /// <inheritdoc />
    protected override EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context)
    {
        var index = eligible.Length == 1 ? 0 : NextRandom(eligible.Length);
        var ep = eligible[index];
        return new EndpointLease(context.IsPreferred(ep) ? ep : Fallback(eligible, index, context), 0, null);
    }
}
