namespace K8sNet;

/// <summary>Picks an endpoint for each request from an <see cref="EndpointSet"/>.</summary>
/// <remarks>
/// Implementations are thread-safe and allocation-free on the pick path. They pick among
/// <see cref="EndpointSet.Eligible"/>, preferring endpoints for which <see cref="PickContext.IsPreferred"/> holds
/// (not ejected, not already tried) and falling back to the others only when no preferred endpoint exists.
/// </remarks>
public interface ILoadBalancer
{
    /// <summary>The policy's name, e.g. <c>PowerOfTwoChoices</c>.</summary>
    string Name { get; }

    /// <summary>Picks an endpoint.</summary>
    /// <param name="endpoints">The current set.</param>
    /// <param name="context">The request's hash key, exclusions and panic state.</param>
    /// <returns>
    /// The lease: complete it when the request ends. When the set has no eligible endpoint, an empty lease
    /// (<c>default</c>, whose <see cref="EndpointLease.Endpoint"/> is <see langword="null"/>).
    /// </returns>
    /// <remarks>
    /// The lease is returned by value rather than through an <see langword="out"/> parameter: a returned struct is
    /// written to the caller's stack without GC write barriers, which made a pick and completion 3–6 ns faster
    /// (PolicyBenchmarks, 2026-12-05).
    /// </remarks>
    EndpointLease Pick(EndpointSet endpoints, in PickContext context);

    /// <summary>Picks an endpoint: <see cref="Pick"/> in the Try pattern.</summary>
    /// <param name="endpoints">The current set.</param>
    /// <param name="context">The request's hash key, exclusions and panic state.</param>
    /// <param name="lease">The lease when an endpoint was picked; complete it when the request ends.</param>
    /// <returns><see langword="false"/> when the set has no eligible endpoint.</returns>
    bool TryPick(EndpointSet endpoints, in PickContext context, out EndpointLease lease)
    {
        lease = Pick(endpoints, context);
        return lease.Endpoint is not null;
    }
}
