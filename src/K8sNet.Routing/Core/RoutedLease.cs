namespace K8sNet.Routing;

/// <summary>
/// An endpoint picked by a <see cref="ServiceRouter"/> for one request or call. Call <see cref="Complete"/> exactly
/// once when it ends: the one completion informs the policy (requests in flight, latency), outlier detection and the
/// metrics. A struct: picking allocates nothing.
/// </summary>
public readonly struct RoutedLease
{
    private readonly ServiceRouter? _router;
    private readonly EndpointLease _lease;

    internal RoutedLease(ServiceRouter router, EndpointSet set, EndpointLease lease)
    {
        _router = router;
        Set = set;
        _lease = lease;
    }

    /// <summary>The endpoint picked; <see langword="null"/> when the set had no eligible endpoint (nothing to complete).</summary>
    public ServiceEndpoint? Endpoint => _lease.Endpoint;

    /// <summary>The set the endpoint was picked from (or counted in, for a subset).</summary>
    public EndpointSet? Set { get; }

    /// <summary>When the request started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp => _lease.StartTimestamp;

    /// <summary>
    /// Gives the pick back unused, no request having been sent (a transport that cannot use the endpoint now): the
    /// policy forgets it, and neither outlier detection nor the metrics hear of it. Instead of <see cref="Complete"/>.
    /// </summary>
    public void Cancel()
    {
        if (_lease.Endpoint is not null)
        {
            _lease.Complete(EndpointOutcome.Canceled);
        }
    }

    /// <summary>Reports how the request ended. Call once; does nothing for an empty lease.</summary>
    /// <param name="outcome">The outcome.</param>
    public void Complete(EndpointOutcome outcome)
    {
        if (_lease.Endpoint is { } endpoint)
        {
            _lease.Complete(outcome);
            _router!.Completed(Set!, endpoint, outcome);
        }
    }
}
