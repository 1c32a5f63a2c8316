using Grpc.Net.Client.Balancer;
using K8sNet.Routing;

namespace K8sNet.Grpc;

/// <summary>What K8sNet's resolver attaches to each address it gives a channel: the endpoint's conditions and place.</summary>
public static class K8sNetBalancerAttributes
{
    /// <summary>The endpoint (its conditions, node, zone, hints, pod).</summary>
    public static BalancerAttributesKey<ServiceEndpoint> Endpoint { get; } = new("k8snet.endpoint");

    /// <summary>Whether it is ready.</summary>
    public static BalancerAttributesKey<bool> Ready { get; } = new("k8snet.ready");

    /// <summary>Whether it is terminating (it serves only while no endpoint is ready).</summary>
    public static BalancerAttributesKey<bool> Terminating { get; } = new("k8snet.terminating");

    /// <summary>Its zone, when known.</summary>
    public static BalancerAttributesKey<string> Zone { get; } = new("k8snet.zone");

    /// <summary>Its node, when known.</summary>
    public static BalancerAttributesKey<string> Node { get; } = new("k8snet.node");

    /// <summary>
    /// The authority (Host) gRPC sends instead of the pod's address: the Service's name and port
    /// (<c>orders.shop.svc.cluster.local:50051</c>). Grpc.Net.Client's own key for it.
    /// </summary>
    internal static BalancerAttributesKey<string> HostOverride { get; } = new("HostOverride");

    /// <summary>The endpoint set the addresses came from (on the resolver result).</summary>
    internal static BalancerAttributesKey<EndpointSet> Set { get; } = new("k8snet.set");

    /// <summary>The Service's router in the Service-following core, which picks (on the resolver result).</summary>
    internal static BalancerAttributesKey<ServiceRouter> Router { get; } = new("k8snet.router");
}
