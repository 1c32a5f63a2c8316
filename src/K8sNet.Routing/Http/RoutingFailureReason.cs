namespace K8sNet.Routing;

/// <summary>Why K8sNet could not route a request to an endpoint.</summary>
public enum RoutingFailureReason
{
    /// <summary>The endpoint source has not synced the Service within the sync timeout.</summary>
    NotSynced = 0,

    /// <summary>The Service has no ready (or serving and terminating) endpoint for the port.</summary>
    NoEndpoints = 1,

    /// <summary>The Service has endpoints, but none this client may use (e.g. internalTrafficPolicy Local and none on this node).</summary>
    NoEligibleEndpoints = 2,

    /// <summary>The URI's port is not one of the Service's ports, or no port could be chosen.</summary>
    UnknownPort = 3,

    /// <summary>The host names an existing Service in a namespace the client may not call (with <see cref="K8sNetRoutingOptions.Strict"/>).</summary>
    NamespaceNotAllowed = 4,

    /// <summary>The host names no existing Service in an allowed namespace (with <see cref="K8sNetRoutingOptions.Strict"/>).</summary>
    ServiceNotFound = 5,
}
