namespace K8sNet.Routing;

/// <summary>Builds the policy a client's options ask for.</summary>
internal static class BalancerFactory
{
    public static ILoadBalancer Create(K8sNetRoutingOptions options, TimeProvider time)
    {
        ILoadBalancer balancer = options.Policy switch
        {
            LoadBalancingPolicy.RoundRobin => new RoundRobinBalancer(),
            LoadBalancingPolicy.Random => new RandomBalancer(),
            LoadBalancingPolicy.LeastRequest => new LeastRequestBalancer(),
            LoadBalancingPolicy.PeakEwma => new PeakEwmaBalancer(time, options.PeakEwma),
            LoadBalancingPolicy.ConsistentHash => new MaglevBalancer(options.ConsistentHash),
            _ => new PowerOfTwoChoicesBalancer(),
        };
        return options.StickinessTimeout is { } timeout ? new StickyBalancer(balancer, time, timeout) : balancer;
    }
}
