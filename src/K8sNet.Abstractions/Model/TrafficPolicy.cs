namespace K8sNet;

/// <summary>A Service's internal or external traffic policy.</summary>
public enum TrafficPolicy
{
    /// <summary>Route to endpoints anywhere in the cluster.</summary>
    Cluster = 0,

    /// <summary>Route only to endpoints on the client's node.</summary>
    Local = 1,
}
