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
    /// <param name="random">
    /// Where every random draw of the policy comes from: a seeded one makes its picks repeat exactly (simulations, the
    /// policy lab, tests); not thread-safe unless the <see cref="Random"/> is, so use it from one thread. When
    /// <see langword="null"/> (the default, for production), a fast per-thread generator, and
    /// <see cref="LoadBalancingPolicy.LeastRequest"/> starts each scan in turn instead of at random.
    /// </param>
    /// <returns>The balancer (thread-safe when <paramref name="random"/> is <see langword="null"/>; share it across requests of one Service).</returns>
    public static ILoadBalancer Create(
        LoadBalancingPolicy policy,
        TimeProvider? timeProvider = null,
        PeakEwmaOptions? peakEwma = null,
        ConsistentHashOptions? consistentHash = null,
        TimeSpan? stickinessTimeout = null,
        Random? random = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        ILoadBalancer balancer = policy switch
        {
            LoadBalancingPolicy.RoundRobin => new RoundRobinBalancer(),
            LoadBalancingPolicy.Random => new RandomBalancer(random),
            LoadBalancingPolicy.LeastRequest => new LeastRequestBalancer(random),
            LoadBalancingPolicy.PeakEwma => new PeakEwmaBalancer(time, peakEwma ?? new PeakEwmaOptions(), random),
            LoadBalancingPolicy.ConsistentHash => new MaglevBalancer(consistentHash ?? new ConsistentHashOptions(), random),
            LoadBalancingPolicy.PowerOfTwoChoices => new PowerOfTwoChoicesBalancer(random),
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
