namespace K8sNet.Routing;

/// <summary>
/// A Service port's traffic flags as kube-proxy derives them (pkg/proxy/serviceport.go): whether internal and external
/// traffic policies are Local and whether the port is reachable from outside the cluster.
/// </summary>
/// <param name="InternalPolicyLocal"><c>internalTrafficPolicy: Local</c>.</param>
/// <param name="ExternalPolicyLocal"><c>externalTrafficPolicy: Local</c> on a Service that has external traffic (NodePort, LoadBalancer or external IPs).</param>
/// <param name="ExternallyAccessible">The port has a node port, a load-balancer VIP or an external IP.</param>
public readonly record struct ServicePortTraffic(bool InternalPolicyLocal, bool ExternalPolicyLocal, bool ExternallyAccessible)
{
    /// <summary>
    /// Whether Cluster endpoints are needed: internal traffic is not Local-only, or the port is externally accessible
    /// (external traffic needs them for short-circuiting even with <c>externalTrafficPolicy: Local</c>).
    /// </summary>
    public bool UsesClusterEndpoints => !InternalPolicyLocal || ExternallyAccessible;

    /// <summary>Whether node-local endpoints are needed. <c>externalTrafficPolicy: Local</c> counts only when the port is externally accessible.</summary>
    public bool UsesLocalEndpoints => InternalPolicyLocal || (ExternalPolicyLocal && ExternallyAccessible);

    /// <summary>The flags for one port of a Service.</summary>
    /// <param name="spec">The Service.</param>
    /// <param name="port">One of its ports.</param>
    /// <returns>The flags.</returns>
    public static ServicePortTraffic For(ServiceSpecInfo spec, ServicePortInfo port)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(port);
        var hasVip = false;
        foreach (var ingress in spec.LoadBalancerIngress)
        {
            // Only ingress IPs in VIP mode (the default for entries with an IP) are load-balancer VIPs.
            if (!string.IsNullOrEmpty(ingress.IP) && (ingress.IPMode is null || ingress.IPMode == "VIP"))
            {
                hasVip = true;
                break;
            }
        }

        var externallyAccessible = port.NodePort != 0 || hasVip || !spec.ExternalIPs.IsEmpty;
        var hasExternalTraffic = spec.Type is ServiceType.NodePort or ServiceType.LoadBalancer || !spec.ExternalIPs.IsEmpty;
        return new ServicePortTraffic(
            spec.InternalTrafficPolicy == TrafficPolicy.Local,
            hasExternalTraffic && spec.ExternalTrafficPolicy == TrafficPolicy.Local,
            externallyAccessible);
    }
}
