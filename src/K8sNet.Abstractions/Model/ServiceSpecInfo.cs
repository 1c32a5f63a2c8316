using System.Collections.Immutable;

namespace K8sNet;

/// <summary>What routing and DNS need of a Service's spec (and its load-balancer status); immutable.</summary>
/// <remarks>
/// Values are as the API server stores them after defaulting: <see cref="Type"/> ClusterIP, protocols TCP,
/// <see cref="SessionAffinity"/> None. Unset traffic policies are <see langword="null"/>; consumers default them
/// to Cluster, as kube-proxy does.
/// </remarks>
public sealed record ServiceSpecInfo
{
    /// <summary>The value of <c>spec.clusterIP</c> that makes a Service headless.</summary>
    public const string ClusterIPNone = "None";

    /// <summary>The default ClientIP affinity timeout, 10800 s (3 hours), as the API server defaults it.</summary>
    public const int DefaultSessionAffinityTimeoutSeconds = 10800;

    /// <summary>The Service type.</summary>
    public ServiceType Type { get; init; } = ServiceType.ClusterIP;

    /// <summary>
    /// <c>spec.clusterIPs</c>: one virtual IP per family, or the single value <c>None</c> for a headless Service;
    /// empty for ExternalName Services.
    /// </summary>
    public ImmutableArray<string> ClusterIPs { get; init; } = [];

    /// <summary>The Service's ports.</summary>
    public ImmutableArray<ServicePortInfo> Ports { get; init; } = [];

    /// <summary><c>spec.internalTrafficPolicy</c>; <see langword="null"/> when unset (Cluster).</summary>
    public TrafficPolicy? InternalTrafficPolicy { get; init; }

    /// <summary><c>spec.externalTrafficPolicy</c>; <see langword="null"/> when unset (Cluster).</summary>
    public TrafficPolicy? ExternalTrafficPolicy { get; init; }

    /// <summary><c>spec.trafficDistribution</c> (<c>PreferClose</c>, <c>PreferSameZone</c>, <c>PreferSameNode</c>).</summary>
    /// <remarks>Proxies apply it only through the hints the EndpointSlice controller sets.</remarks>
    public string? TrafficDistribution { get; init; }

    /// <summary><c>spec.sessionAffinity</c>.</summary>
    public SessionAffinity SessionAffinity { get; init; } = SessionAffinity.None;

    /// <summary>
    /// <c>spec.sessionAffinityConfig.clientIP.timeoutSeconds</c> when <see cref="SessionAffinity"/> is ClientIP
    /// (the API defaults it to <see cref="DefaultSessionAffinityTimeoutSeconds"/>).
    /// </summary>
    public int? SessionAffinityTimeoutSeconds { get; init; }

    /// <summary><c>spec.publishNotReadyAddresses</c>.</summary>
    public bool PublishNotReadyAddresses { get; init; }

    /// <summary><c>spec.externalName</c> for ExternalName Services.</summary>
    public string? ExternalName { get; init; }

    /// <summary><c>spec.externalIPs</c>.</summary>
    public ImmutableArray<string> ExternalIPs { get; init; } = [];

    /// <summary><c>status.loadBalancer.ingress</c>.</summary>
    public ImmutableArray<LoadBalancerIngress> LoadBalancerIngress { get; init; } = [];

    /// <summary>Whether the Service is headless (<c>clusterIP: None</c>): no virtual IP, DNS returns endpoints, kube-proxy ignores it.</summary>
    public bool IsHeadless => Type != ServiceType.ExternalName
        && ClusterIPs.Length > 0 && string.Equals(ClusterIPs[0], ClusterIPNone, StringComparison.Ordinal);

    /// <summary>The effective internal traffic policy (unset reads as Cluster).</summary>
    public TrafficPolicy EffectiveInternalTrafficPolicy => InternalTrafficPolicy ?? TrafficPolicy.Cluster;

    /// <summary>The effective external traffic policy (unset reads as Cluster).</summary>
    public TrafficPolicy EffectiveExternalTrafficPolicy => ExternalTrafficPolicy ?? TrafficPolicy.Cluster;
}
