using System.Net;

namespace K8sNet.Testing.Network;

/// <summary>How kube-proxy routed one connection.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Destination">Where the client connected.</param>
/// <param name="Service">The Service whose address it was, if any.</param>
/// <param name="ServicePort">The Service port it matched, if any.</param>
/// <param name="Node">The node whose kube-proxy handled it.</param>
/// <param name="External">Whether it was handled as external traffic (a node port or load-balancer address from outside the cluster).</param>
/// <param name="Backend">The pod address and port it was sent to (<see cref="KubeProxyOutcome.Backend"/>), else the destination.</param>
/// <param name="Pod">The backend pod, when the endpoint names one (its <c>targetRef</c>).</param>
/// <param name="PodNode">The backend's node, when known.</param>
/// <param name="Affinity">Whether ClientIP session affinity chose the backend (an earlier choice, still fresh).</param>
public sealed record KubeProxyRoute(
    KubeProxyOutcome Outcome,
    IPEndPoint Destination,
    ServiceName? Service,
    ServicePortInfo? ServicePort,
    string? Node,
    bool External,
    IPEndPoint Backend,
    EndpointTargetRef? Pod,
    string? PodNode,
    bool Affinity)
{
    /// <inheritdoc />
    public override string ToString() => Outcome switch
    {
        KubeProxyOutcome.Backend => $"{Destination} ({Service}:{ServicePort?.Port}) -> {Backend} (pod {Pod?.Name ?? "?"} on {PodNode ?? "?"}) via kube-proxy on {Node}{(Affinity ? ", affinity" : string.Empty)}",
        KubeProxyOutcome.NotAService => $"{Destination}: not a Service address, unchanged",
        _ => $"{Destination} ({Service}:{ServicePort?.Port}): {Outcome} by kube-proxy on {Node}",
    };
}
