namespace K8sNet.Routing;

/// <summary>Builds the policy a client's options ask for.</summary>
internal static class BalancerFactory
{
    public static ILoadBalancer Create(K8sNetRoutingOptions options, TimeProvider time) =>
        K8sNetLoadBalancers.Create(options.Policy, time, options.PeakEwma, options.ConsistentHash, options.StickinessTimeout);
}
