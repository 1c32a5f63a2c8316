namespace K8sNet;

/// <summary>A Service's <c>spec.type</c> (API default ClusterIP).</summary>
public enum ServiceType
{
    /// <summary>A virtual IP inside the cluster (or headless, with <c>clusterIP: None</c>).</summary>
    ClusterIP = 0,

    /// <summary>A ClusterIP plus a port on every node.</summary>
    NodePort = 1,

    /// <summary>A NodePort plus an external load balancer.</summary>
    LoadBalancer = 2,

    /// <summary>A DNS CNAME to <c>spec.externalName</c>; not proxied.</summary>
    ExternalName = 3,
}
