using System.ComponentModel.DataAnnotations;

namespace K8sNet.Routing;

/// <summary>
/// Opt-in zone preference when the Service carries no topology hints — Envoy-style zone-aware routing. This is not
/// kube-proxy behaviour: kube-proxy applies topology only through the hints the EndpointSlice controller sets.
/// </summary>
/// <remarks>
/// When enabled, hints are absent (or unusable) and this client's zone is known, requests go only to endpoints in the
/// client's zone, provided the eligible set has at least <see cref="MinimumEndpoints"/> endpoints and the client's zone
/// holds at least <see cref="PanicThreshold"/> of its fair share (eligible endpoints divided by the zones they are in).
/// Otherwise every eligible endpoint is used. Defaults follow Envoy's <c>min_cluster_size</c> (6) and panic threshold (50%).
/// </remarks>
public sealed class ZoneAwareRoutingOptions
{
    /// <summary>Whether to prefer the client's zone when hints are absent. Default <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>The smallest eligible set zone preference applies to. Default 6.</summary>
    [Range(1, int.MaxValue)]
    public int MinimumEndpoints { get; set; } = 6;

    /// <summary>The share of its fair share the client's zone must hold, from 0 to 1. Default 0.5.</summary>
    [Range(0.0, 1.0)]
    public double PanicThreshold { get; set; } = 0.5;
}
