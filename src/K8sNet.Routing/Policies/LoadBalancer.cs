using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>
/// The base of K8sNet's policies, for custom ones too: it handles the empty set and leaves one hook, <see cref="Pick(EndpointSet, ImmutableArray{ServiceEndpoint}, in PickContext)"/>,
/// plus the helpers every policy shares (a fast random source, the fallback scan).
/// </summary>
public abstract class LoadBalancer : ILoadBalancer
{
    private readonly Random? _random;

    /// <summary>Creates the policy.</summary>
    /// <param name="random">The random source (a seeded one in tests); a fast per-thread generator by default.</param>
    protected LoadBalancer(Random? random = null) => _random = random;

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public EndpointLease Pick(EndpointSet endpoints, in PickContext context)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eligible = endpoints.Eligible;
        if (eligible.IsEmpty)
        {
            return default;
        }

        return Pick(endpoints, eligible, context);
    }

    /// <summary>Picks from a non-empty eligible set.</summary>
    /// <param name="endpoints">The set.</param>
    /// <param name="eligible">Its eligible endpoints (at least one).</param>
    /// <param name="context">The request's hash key, exclusions and panic state.</param>
    /// <returns>The lease.</returns>
    protected abstract EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context);

    /// <summary>A random value in [0, <paramref name="maxExclusive"/>).</summary>
    /// <param name="maxExclusive">The bound.</param>
    /// <returns>The value.</returns>
    protected int NextRandom(int maxExclusive) => PickRandom.Index(_random, maxExclusive);

    /// <summary>
    /// From <paramref name="start"/> on, the first preferred endpoint; else one not ejected; else one not tried; else the
    /// one at <paramref name="start"/>.
    /// </summary>
    /// <param name="eligible">The eligible endpoints.</param>
    /// <param name="start">Where to start.</param>
    /// <param name="context">The pick context.</param>
    /// <returns>The endpoint.</returns>
    protected static ServiceEndpoint Fallback(ImmutableArray<ServiceEndpoint> eligible, int start, in PickContext context) =>
        PolicyPicking.Scan(eligible, start, context);
}
