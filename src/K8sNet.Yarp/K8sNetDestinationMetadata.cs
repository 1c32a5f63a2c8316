namespace K8sNet.Yarp;

/// <summary>The metadata keys K8sNet adds to each pod destination it resolves.</summary>
public static class K8sNetDestinationMetadata
{
    /// <summary>The Service, <c>namespace/name</c>.</summary>
    public const string Service = "k8snet.service";

    /// <summary>The pod, <c>namespace/name</c>, when the endpoint names one.</summary>
    public const string Pod = "k8snet.pod";

    /// <summary>The endpoint's node, when known.</summary>
    public const string Node = "k8snet.node";

    /// <summary>The endpoint's zone, when known.</summary>
    public const string Zone = "k8snet.zone";

    /// <summary><c>true</c> when the endpoint is ready; <c>false</c> for a serving, terminating endpoint (given only while none is ready).</summary>
    public const string Ready = "k8snet.ready";
}
