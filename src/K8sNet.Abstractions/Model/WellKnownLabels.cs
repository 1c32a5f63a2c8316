namespace K8sNet;

/// <summary>
/// The labels Kubernetes itself sets or reads that K8sNet uses, defined once (k8s.io/api's well_known_labels.go and
/// the discovery, apps and core API docs).
/// </summary>
public static class WellKnownLabels
{
    /// <summary><c>kubernetes.io/service-name</c>: the Service an EndpointSlice belongs to.</summary>
    public const string ServiceName = "kubernetes.io/service-name";

    /// <summary><c>endpointslice.kubernetes.io/managed-by</c>: the controller that manages an EndpointSlice.</summary>
    public const string EndpointSliceManagedBy = "endpointslice.kubernetes.io/managed-by";

    /// <summary><c>service.kubernetes.io/headless</c>: set (empty) on the EndpointSlices and Endpoints of a headless Service.</summary>
    public const string Headless = "service.kubernetes.io/headless";

    /// <summary><c>topology.kubernetes.io/zone</c>: a node's zone.</summary>
    public const string Zone = "topology.kubernetes.io/zone";

    /// <summary><c>topology.kubernetes.io/region</c>: a node's region.</summary>
    public const string Region = "topology.kubernetes.io/region";

    /// <summary><c>kubernetes.io/hostname</c>: a node's host name.</summary>
    public const string Hostname = "kubernetes.io/hostname";

    /// <summary><c>kubernetes.io/os</c>: a node's operating system.</summary>
    public const string OperatingSystem = "kubernetes.io/os";

    /// <summary><c>kubernetes.io/metadata.name</c>: a Namespace's own name, set by the API server on every Namespace.</summary>
    public const string NamespaceName = "kubernetes.io/metadata.name";

    /// <summary><c>statefulset.kubernetes.io/pod-name</c>: a StatefulSet pod's name.</summary>
    public const string StatefulSetPodName = "statefulset.kubernetes.io/pod-name";

    /// <summary><c>apps.kubernetes.io/pod-index</c>: a StatefulSet pod's ordinal.</summary>
    public const string PodIndex = "apps.kubernetes.io/pod-index";
}
