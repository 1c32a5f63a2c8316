namespace K8sNet.Routing;

/// <summary>The Service a URI's candidates led to (<see cref="ServiceRouterPool.FindAsync"/>).</summary>
public sealed class ServiceLookup
{
    internal ServiceLookup(ServiceLookupStatus status, ServiceRouter router, ServiceState? state, int candidateIndex)
    {
        Status = status;
        Router = router;
        State = state;
        CandidateIndex = candidateIndex;
    }

    /// <summary>What was found.</summary>
    public ServiceLookupStatus Status { get; }

    /// <summary>The found Service's router; the first candidate's when none exists; the one that did not sync in time.</summary>
    public ServiceRouter Router { get; }

    /// <summary>The Service's state; <see langword="null"/> when it did not sync in time.</summary>
    public ServiceState? State { get; }

    /// <summary>The candidate's index in search order (0: the first; a later one gives way if an earlier Service appears).</summary>
    public int CandidateIndex { get; }
}
