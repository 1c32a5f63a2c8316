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
    /// <param name="lease">The lease when an endpoint was picked; complete it when the request ends.</param>
    /// <returns><see langword="false"/> when the set has no eligible endpoint.</returns>
    bool TryPick(EndpointSet endpoints, in PickContext context, out EndpointLease lease);
}
