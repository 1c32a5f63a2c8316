using K8sNet.Routing;

namespace K8sNet.Testing.Lab;

/// <summary>
/// A balancing policy under test: one of K8sNet's (<see cref="Of"/>, with its options) or one of your own
/// (<see cref="Custom"/>). The lab creates a fresh instance per run with the virtual clock and a seeded random source.
/// </summary>
public sealed class LabPolicy
{
    private readonly Func<TimeProvider, Random, ILoadBalancer> _factory;

    private LabPolicy(string name, Func<TimeProvider, Random, ILoadBalancer> factory)
    {
        Name = name;
        _factory = factory;
    }

    /// <summary>The name results carry.</summary>
    public string Name { get; }

    /// <summary>Round robin.</summary>
    public static LabPolicy RoundRobin { get; } = Of(LoadBalancingPolicy.RoundRobin);

    /// <summary>Uniformly random.</summary>
    public static LabPolicy Random { get; } = Of(LoadBalancingPolicy.Random);

    /// <summary>Power of two choices by requests in flight (least loaded of two).</summary>
    public static LabPolicy PowerOfTwoChoices { get; } = Of(LoadBalancingPolicy.PowerOfTwoChoices);

    /// <summary>Least request by a full scan.</summary>
    public static LabPolicy LeastRequest { get; } = Of(LoadBalancingPolicy.LeastRequest);

    /// <summary>Power of two choices by peak-EWMA cost, with the shipped options (decay 10 s, default RTT 30 ms).</summary>
    public static LabPolicy PeakEwma { get; } = Of(LoadBalancingPolicy.PeakEwma);

    /// <summary>Maglev consistent hashing (requests need <see cref="LabScenario.HashKeys"/> to be spread by key).</summary>
    public static LabPolicy ConsistentHash { get; } = Of(LoadBalancingPolicy.ConsistentHash);

    /// <summary>K8sNet's policies, in the order <see cref="LoadBalancingPolicy"/> declares them.</summary>
    public static IReadOnlyList<LabPolicy> All { get; } = [PowerOfTwoChoices, RoundRobin, Random, LeastRequest, PeakEwma, ConsistentHash];

    /// <summary>One of K8sNet's policies, as <see cref="K8sNetLoadBalancers.Create"/> makes it.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="peakEwma">PeakEwma's options; the defaults when <see langword="null"/>.</param>
    /// <param name="consistentHash">ConsistentHash's options; the defaults when <see langword="null"/>.</param>
    /// <param name="stickinessTimeout">Stickiness by hash key, when set.</param>
    /// <param name="name">The name results carry; the policy's by default.</param>
    /// <returns>The lab policy.</returns>
    public static LabPolicy Of(LoadBalancingPolicy policy, PeakEwmaOptions? peakEwma = null, ConsistentHashOptions? consistentHash = null, TimeSpan? stickinessTimeout = null, string? name = null)
    {
        _ = K8sNetLoadBalancers.Create(policy, TimeProvider.System, peakEwma, consistentHash, stickinessTimeout); // fails now on a bad policy
        return new(name ?? policy.ToString(), (time, random) => K8sNetLoadBalancers.Create(policy, time, peakEwma, consistentHash, stickinessTimeout, random));
    }

    /// <summary>A policy of your own.</summary>
    /// <param name="name">The name results carry.</param>
    /// <param name="factory">Creates the policy for one run, given the virtual clock and the run's seeded random source (use it for every draw, so runs repeat).</param>
    /// <returns>The lab policy.</returns>
    public static LabPolicy Custom(string name, Func<TimeProvider, Random, ILoadBalancer> factory)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(factory);
        return new(name, factory);
    }

    /// <summary>Parses a policy name as the lab sample takes it (<c>RoundRobin</c>, <c>p2c</c>, <c>PeakEwma</c>...), case-insensitively.</summary>
    /// <param name="text">The name.</param>
    /// <param name="policy">The policy.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out LabPolicy? policy)
    {
        policy = text?.Trim().ToUpperInvariant() switch
        {
            "P2C" or "POWEROFTWOCHOICES" or "LEASTLOADED" => PowerOfTwoChoices,
            "RR" or "ROUNDROBIN" => RoundRobin,
            "RANDOM" => Random,
            "LEASTREQUEST" => LeastRequest,
            "EWMA" or "PEAKEWMA" => PeakEwma,
            "HASH" or "CONSISTENTHASH" or "MAGLEV" => ConsistentHash,
            _ => null,
        };
        return policy is not null;
    }

    internal ILoadBalancer Create(TimeProvider time, Random random) =>
        _factory(time, random) ?? throw new InvalidOperationException($"Lab policy '{Name}' returned no balancer.");

    /// <inheritdoc />
    public override string ToString() => Name;
}
