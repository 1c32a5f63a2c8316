namespace K8sNet;

/// <summary>Receives the outcome of a lease; implemented by balancers that learn from outcomes.</summary>
public interface IEndpointLeaseCompletion
{
    /// <summary>Called once when the request the lease was taken for has ended.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="outcome">How the request ended.</param>
    void OnCompleted(in EndpointLease lease, EndpointOutcome outcome);

    /// <summary>
    /// Called once when the request has ended, with the time it ended as the caller read it (shared with the outlier
    /// detector and the metrics, so the clock is read once per attempt end). By default the time is not used.
    /// </summary>
    /// <param name="lease">The lease.</param>
    /// <param name="outcome">How the request ended.</param>
    /// <param name="endTimestamp">When it ended, as a <see cref="TimeProvider"/> timestamp; 0 when the caller did not read the clock.</param>
    void OnCompleted(in EndpointLease lease, EndpointOutcome outcome, long endTimestamp) => OnCompleted(lease, outcome);
}
