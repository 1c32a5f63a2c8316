namespace K8sNet;

/// <summary>Receives the outcome of a lease; implemented by balancers that learn from outcomes.</summary>
public interface IEndpointLeaseCompletion
{
    /// <summary>Called once when the request the lease was taken for has ended.</summary>
    /// <param name="lease">The lease.</param>
    /// <param name="outcome">How the request ended.</param>
    void OnCompleted(in EndpointLease lease, EndpointOutcome outcome);
}
