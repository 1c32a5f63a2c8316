namespace K8sNet.Routing;

/// <summary>The balancing policies K8sNet ships.</summary>
public enum LoadBalancingPolicy
{
    /// <summary>Two random endpoints, the one with fewer requests in flight wins (Envoy's least-request with two choices). The default.</summary>
    PowerOfTwoChoices = 0,

    /// <summary>Each endpoint in turn.</summary>
    RoundRobin = 1,

    /// <summary>A uniformly random endpoint.</summary>
    Random = 2,

    /// <summary>The endpoint with the fewest requests in flight, by a full scan.</summary>
    LeastRequest = 3,

    /// <summary>Two random endpoints, the one with the lower peak-EWMA latency × (requests in flight + 1) wins (Finagle, Linkerd).</summary>
    PeakEwma = 4,

    /// <summary>Maglev consistent hashing of the request's key: the same key goes to the same endpoint while it stays.</summary>
    ConsistentHash = 5,
}
