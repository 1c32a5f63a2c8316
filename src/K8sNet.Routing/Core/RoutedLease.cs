using System.Diagnostics;

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
    private readonly long _start;
    private readonly Activity? _activity;

    internal RoutedLease(ServiceRouter router, EndpointSet set, EndpointLease lease, long start, Activity? activity)
    {
        _router = router;
        Set = set;
        _lease = lease;
        _start = start;
        _activity = activity;
    }

    /// <summary>The endpoint picked; <see langword="null"/> when the set had no eligible endpoint (nothing to complete).</summary>
    public ServiceEndpoint? Endpoint => _lease.Endpoint;

    /// <summary>The set the endpoint was picked from (or counted in, for a subset).</summary>
    public EndpointSet? Set { get; }

    /// <summary>When the attempt started, as a <see cref="TimeProvider"/> timestamp; 0 when nothing needed the time.</summary>
    public long StartTimestamp => _start;

    /// <summary>
    /// Gives the pick back unused, no request having been sent (a transport that cannot use the endpoint now): the
    /// policy forgets it, and neither outlier detection nor the metrics hear of it. Instead of <see cref="Complete"/>.
    /// </summary>
    public void Cancel()
    {
        if (_lease.Endpoint is not null)
        {
            _lease.Complete(EndpointOutcome.Canceled);
            if (_activity is not null)
            {
                _activity.IsAllDataRequested = false;
                _activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded; // not sent: not exported
                _activity.Stop();
            }
        }
    }

    /// <summary>Reports how the request ended. Call once; does nothing for an empty lease.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <remarks>
    /// The end is read from the clock once, when the start was (anything that needs the time: PeakEwma, the duration
    /// metric, a trace), and shared by the policy and the metrics.
    /// </remarks>
    public void Complete(EndpointOutcome outcome)
    {
        if (_lease.Endpoint is { } endpoint)
        {
            var end = _start != 0 ? _router!.Now() : 0;
            _lease.Complete(outcome, end);
            _router!.Completed(Set!, endpoint, outcome, _start, end);
            RoutingTelemetry.Stop(_activity, outcome);
        }
    }
}
