namespace K8sNet;

/// <summary>The annotations Kubernetes itself sets or reads that K8sNet uses, defined once.</summary>
public static class WellKnownAnnotations
{
    /// <summary>
    /// <c>endpoints.kubernetes.io/last-change-trigger-time</c>: when the change behind an EndpointSlice (or Endpoints)
    /// happened, as the controller saw it (RFC 3339).
    /// </summary>
    public const string LastChangeTriggerTime = "endpoints.kubernetes.io/last-change-trigger-time";

    /// <summary><c>endpoints.kubernetes.io/over-capacity</c>: set to <c>truncated</c> on an Endpoints object cut at 1,000 addresses.</summary>
    public const string EndpointsOverCapacity = "endpoints.kubernetes.io/over-capacity";

    /// <summary><c>service.kubernetes.io/topology-mode</c>: <c>Auto</c> asks the EndpointSlice controller for zone hints.</summary>
    public const string TopologyMode = "service.kubernetes.io/topology-mode";

    /// <summary><c>service.kubernetes.io/topology-aware-hints</c>: the deprecated name of <see cref="TopologyMode"/>.</summary>
    public const string TopologyAwareHints = "service.kubernetes.io/topology-aware-hints";

    /// <summary><c>ingressclass.kubernetes.io/is-default-class</c>: <c>true</c> on the IngressClass used by Ingresses without a class.</summary>
    public const string IsDefaultIngressClass = "ingressclass.kubernetes.io/is-default-class";

    /// <summary><c>kubernetes.io/ingress.class</c>: the class of an Ingress, before <c>spec.ingressClassName</c>.</summary>
    public const string IngressClass = "kubernetes.io/ingress.class";

    /// <summary><c>deployment.kubernetes.io/revision</c>: a Deployment's (and its ReplicaSets') rollout revision.</summary>
    public const string DeploymentRevision = "deployment.kubernetes.io/revision";
}
