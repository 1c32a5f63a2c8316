namespace K8sNet;

/// <summary>Why an <see cref="EndpointSet"/> has (or lacks) eligible endpoints.</summary>
public enum EndpointSetStatus
{
    /// <summary>Ready endpoints are eligible.</summary>
    Ready = 0,

    /// <summary>No endpoint is ready; serving and terminating endpoints are eligible (kube-proxy's fallback).</summary>
    TerminatingFallback = 1,

    /// <summary>The Service has endpoints, but none is eligible for this client (e.g. Local traffic policy and none on this node).</summary>
    NoneEligible = 2,

    /// <summary>The Service has no ready or serving endpoint for this port.</summary>
    NoEndpoints = 3,

    /// <summary>The Service does not exist, or the port is not one of its ports.</summary>
    UnknownService = 4,

    /// <summary>The source has not synced this Service yet.</summary>
    NotSynced = 5,
}
