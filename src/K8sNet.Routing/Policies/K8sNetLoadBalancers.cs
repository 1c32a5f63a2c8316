namespace K8sNet.Routing;

/// <summary>Creates K8sNet's balancing policies by name, for other transports (K8sNet.Grpc) and custom pipelines.</summary>
public static class K8sNetLoadBalancers
{
    /// <summary>Creates the balancer of <paramref name="policy"/>.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="timeProvider">The clock (PeakEwma's decay, stickiness); the system's when <see langword="null"/>.</param>
    /// <param name="peakEwma">PeakEwma's options; defaults when <see langword="null"/>.</param>
    /// <param name="consistentHash">ConsistentHash's options; defaults when <see langword="null"/>.</param>
    /// <param name="stickinessTimeout">When set, wraps the policy in stickiness by hash key for this long.</param>
    /// <returns>The balancer (thread-safe; share it across requests of one Service).</returns>
    public static ILoadBalancer Create(
        LoadBalancingPolicy policy,
        TimeProvider? timeProvider = null,
        PeakEwmaOptions? peakEwma = null,
        ConsistentHashOptions? consistentHash = null,
        TimeSpan? stickinessTimeout = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        ILoadBalancer balancer = policy switch
        {
            LoadBalancingPolicy.RoundRobin => new RoundRobinBalancer(),
            LoadBalancingPolicy.Random => new RandomBalancer(),
            LoadBalancingPolicy.LeastRequest => new LeastRequestBalancer(),
            LoadBalancingPolicy.PeakEwma => new PeakEwmaBalancer(time, peakEwma ?? new PeakEwmaOptions()),
            LoadBalancingPolicy.ConsistentHash => new MaglevBalancer(consistentHash ?? new ConsistentHashOptions()),
            LoadBalancingPolicy.PowerOfTwoChoices => new PowerOfTwoChoicesBalancer(),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "Not a K8sNet load-balancing policy."),
        };
        return stickinessTimeout is { } timeout ? new StickyBalancer(balancer, time, timeout) : balancer;
    }

    /// <summary>
    /// The hash key of a request's key string, as <see cref="PickContext.HashKey"/> takes it: the same string gives the
    /// same value in every process and version of K8sNet's 0.x line, so every replica of a client sends a key to the
    /// same endpoint (consistent hashing, stickiness).
    /// </summary>
    /// <param name="key">The key, e.g. a user id.</param>
    /// <returns>The 64-bit hash key.</returns>
    public static ulong HashKey(ReadOnlySpan<char> key) => StableHash.Hash(key);
}
