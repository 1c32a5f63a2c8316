using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>How <see cref="EndpointSetBuilder"/> turns a Service's slices into endpoint sets.</summary>
public sealed class EndpointSetOptions
{
    /// <summary>
    /// The PreferSameTrafficDistribution feature gate: honour node hints (PreferSameNode). Default
    /// <see langword="true"/>, as in Kubernetes 1.34 and later.
    /// </summary>
    public bool PreferSameTrafficDistribution { get; set; } = true;

    /// <summary>Which slices to use by address family. Default <see cref="EndpointAddressFamily.ServicePrimary"/>.</summary>
    public EndpointAddressFamily AddressFamily { get; set; } = EndpointAddressFamily.ServicePrimary;

    /// <summary>Opt-in zone preference without hints (not kube-proxy behaviour).</summary>
    [ValidateObjectMembers]
    public ZoneAwareRoutingOptions ZoneAware { get; } = new();
}
