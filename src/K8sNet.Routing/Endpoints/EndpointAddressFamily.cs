namespace K8sNet.Routing;

/// <summary>Which EndpointSlices a client routes to, by address family.</summary>
public enum EndpointAddressFamily
{
    /// <summary>
    /// The Service's primary family: the family of its first cluster IP (as a single-stack kube-proxy would); both IP
    /// families for a headless Service.
    /// </summary>
    ServicePrimary = 0,

    /// <summary>IPv4 slices only.</summary>
    IPv4 = 1,

    /// <summary>IPv6 slices only.</summary>
    IPv6 = 2,

    /// <summary>IPv4 and IPv6 slices.</summary>
    Any = 3,
}
