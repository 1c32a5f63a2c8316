using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>How an HttpClient with K8sNet service discovery routes requests (one instance per named client).</summary>
public sealed class K8sNetRoutingOptions : IValidatableObject
{
    /// <summary>The balancing policy. Default <see cref="LoadBalancingPolicy.PowerOfTwoChoices"/>.</summary>
    public LoadBalancingPolicy Policy { get; set; } = LoadBalancingPolicy.PowerOfTwoChoices;

    /// <summary>
    /// A policy of your own, instead of <see cref="Policy"/>: called once per Service this client sends to, with the
    /// clock. Derive it from <see cref="LoadBalancer"/> (or implement <see cref="ILoadBalancer"/>). Default
    /// <see langword="null"/> (use <see cref="Policy"/>).
    /// </summary>
    public Func<TimeProvider, ILoadBalancer>? PolicyFactory { get; set; }

    /// <summary>Options of <see cref="LoadBalancingPolicy.PeakEwma"/>.</summary>
    [ValidateObjectMembers]
    public PeakEwmaOptions PeakEwma { get; } = new();

    /// <summary>Options of <see cref="LoadBalancingPolicy.ConsistentHash"/>.</summary>
    [ValidateObjectMembers]
    public ConsistentHashOptions ConsistentHash { get; } = new();

    /// <summary>The request header whose value is the hash key (consistent hashing, stickiness).</summary>
    public string? HashKeyHeader { get; set; }

    /// <summary>The cookie whose value is the hash key, when no header gives one.</summary>
    public string? HashKeyCookie { get; set; }

    /// <summary>Computes the hash key from the request, when neither header nor cookie gives one.</summary>
    public Func<HttpRequestMessage, string?>? HashKeySelector { get; set; }

    /// <summary>
    /// Opt-in stickiness: a request whose hash key was seen within this time goes to the same endpoint as before, while
    /// that endpoint stays eligible. Default <see langword="null"/> (off).
    /// </summary>
    public TimeSpan? StickinessTimeout { get; set; }

    /// <summary>Passive outlier detection.</summary>
    [ValidateObjectMembers]
    public OutlierDetectionOptions OutlierDetection { get; } = new();

    /// <summary>How slices become endpoint sets (address family, node hints, zone preference).</summary>
    [ValidateObjectMembers]
    public EndpointSetOptions Endpoints { get; } = new();

    /// <summary>
    /// The namespaces whose Services URIs may name; empty (the default) means only the client's own namespace; <c>*</c>
    /// means any. Hosts that name no Service in an allowed namespace pass through untouched.
    /// </summary>
    [NamespaceList]
    public ISet<string> AllowedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// How many other endpoints a request may be retried on: after a connect failure (nothing was sent) for any method,
    /// and after a transport failure for idempotent methods without a body (<see cref="RetryIdempotentAfterSend"/>).
    /// Default 2.
    /// </summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Whether idempotent requests without a body are retried on another endpoint after a failure once sent. Default <see langword="true"/>.</summary>
    public bool RetryIdempotentAfterSend { get; set; } = true;

    /// <summary>
    /// The largest response body the handler reads in full before handing the response over, for requests it may retry
    /// after sending (idempotent, no body, <see cref="RetryIdempotentAfterSend"/>): a pod that dies after the response
    /// headers but before the end of the body then fails the attempt inside the handler, and the request is retried on
    /// another pod, instead of failing in the caller's read after the handler returned. 0 (the default): off, responses
    /// stream as they come. A larger body (by Content-Length, or once more than this has arrived) is handed over as it
    /// streams, the bytes already read first; a failure after that is the caller's, as Envoy's retries end once a
    /// response has started. Costs a copy of each buffered body.
    /// </summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxBufferedResponseBytes { get; set; }

    /// <summary>
    /// Whether a host shaped like a Service name that is not routed to pods fails instead of passing through: one that
    /// names an existing Service in a namespace this client may not call, or one that names no existing Service in an
    /// allowed namespace (the endpoint source having synced), fails with a <see cref="K8sNetRoutingException"/> saying
    /// so. Default <see langword="false"/>: such requests pass through to DNS as they are, and each such host is logged
    /// once at Warning with the fix, counted (<c>k8snet.routing.passthrough</c>) and listed in
    /// <see cref="ServiceRouterPool.PassThroughs"/>.
    /// </summary>
    public bool Strict { get; set; }

    /// <summary>How long a request waits for the endpoint source's first state of a Service. Default 10 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a Service this client has stopped sending to is still followed (its watch, endpoints and balancer
    /// state kept): then it is let go, and a later request follows it again. Default 5 minutes
    /// (<see cref="RoutingProfile.IdleTimeout"/>).
    /// </summary>
    [TimeSpanRange("00:00:01", "7.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = RoutingProfile.DefaultIdleTimeout;

    /// <summary>The policy of one Service: <see cref="PolicyFactory"/>'s, else <see cref="Policy"/> with its options, sticky when asked.</summary>
    internal ILoadBalancer CreatePolicy(TimeProvider time)
    {
        if (PolicyFactory is null)
        {
            return K8sNetLoadBalancers.Create(Policy, time, PeakEwma, ConsistentHash, StickinessTimeout);
        }

        var custom = PolicyFactory(time) ?? throw new InvalidOperationException("K8sNetRoutingOptions.PolicyFactory returned null; it must return the policy to use.");
        return StickinessTimeout is { } timeout ? new StickyBalancer(custom, time, timeout) : custom;
    }

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (StickinessTimeout is { } sticky && sticky <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{OptionsPaths.Field(validationContext, nameof(StickinessTimeout))} must be positive when set (it was {sticky}).", [nameof(StickinessTimeout)]);
        }
    }
}
