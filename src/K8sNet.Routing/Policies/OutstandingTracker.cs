namespace K8sNet.Routing;

/// <summary>Completes leases by decrementing the endpoint's requests in flight.</summary>
internal sealed class OutstandingTracker : IEndpointLeaseCompletion
{
    public static readonly OutstandingTracker Instance = new();

    public void OnCompleted(in EndpointLease lease, EndpointOutcome outcome) => lease.Endpoint?.Stats.DecrementOutstanding();
}
