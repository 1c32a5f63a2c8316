namespace K8sNet.Routing;

/// <summary>
/// How one client balances the requests it sends to a Service: its policy, its outlier detection, which endpoints it
/// uses, and how long a Service it no longer sends to is still followed. K8sNet's adapters build one per client (the
/// HTTP handler per named <c>HttpClient</c> from <see cref="K8sNetRoutingOptions"/>, K8sNet.Grpc from its options);
/// <see cref="ServiceRouterPool"/> keeps one <see cref="ServiceRouter"/> per profile name and Service.
/// </summary>
public sealed class RoutingProfile
{
    /// <summary>The default <see cref="IdleTimeout"/>: 5 minutes.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Creates a profile.</summary>
    /// <param name="name">The profile's name, unique among the clients of one <see cref="ServiceRouterPool"/> (e.g. <c>http:orders-client</c>).</param>
    /// <param name="policyFactory">Creates the policy of one Service (each Service gets its own instance).</param>
    /// <param name="outlierDetection">Passive outlier detection; the defaults when <see langword="null"/>.</param>
    /// <param name="endpoints">Which endpoints are used; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public RoutingProfile(string name, Func<TimeProvider, ILoadBalancer> policyFactory, OutlierDetectionOptions? outlierDetection = null, EndpointSetOptions? endpoints = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(policyFactory);
        Name = name;
        PolicyFactory = policyFactory;
        OutlierDetection = outlierDetection ?? new OutlierDetectionOptions();
        Endpoints = endpoints ?? new EndpointSetOptions();
    }

    /// <summary>The profile's name.</summary>
    public string Name { get; }

    /// <summary>Creates the policy of one Service.</summary>
    public Func<TimeProvider, ILoadBalancer> PolicyFactory { get; }

    /// <summary>Passive outlier detection.</summary>
    public OutlierDetectionOptions OutlierDetection { get; }

    /// <summary>Which endpoints are used (address family, zone-aware routing).</summary>
    public EndpointSetOptions Endpoints { get; }

    /// <summary>
    /// How long a Service that no request has used (and no subscriber follows) is still followed: then its router stops
    /// its watch and is dropped, so that memory and watches stay bounded however many names a client sends to. The
    /// next request follows it again (waiting for the endpoint source's first state). Default 5 minutes; at least 1 s.
    /// </summary>
    public TimeSpan IdleTimeout
    {
        get;
        init => field = value >= TimeSpan.FromSeconds(1)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(IdleTimeout), value, "RoutingProfile.IdleTimeout must be at least 1 second.");
    } = DefaultIdleTimeout;

    /// <summary>
    /// Who picks among the endpoints when not this profile's policy: a client that takes the endpoints and balances
    /// them itself (K8sNet.ServiceDiscovery hands them to Microsoft.Extensions.ServiceDiscovery, K8sNet.Yarp to YARP).
    /// Diagnostics then name it, and show no picks (K8sNet does not see them). <see langword="null"/> (the default): the
    /// policy picks each request.
    /// </summary>
    public string? PickedBy { get; init; }

    /// <summary>The profile of one named HttpClient.</summary>
    internal static RoutingProfile ForHttpClient(string clientName, K8sNetRoutingOptions options) =>
        new("http:" + clientName, options.CreatePolicy, options.OutlierDetection, options.Endpoints) { IdleTimeout = options.IdleTimeout };
}
