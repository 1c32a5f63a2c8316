namespace K8sNet;

/// <summary>
/// An endpoint picked for one request. Call <see cref="Complete(EndpointOutcome)"/> exactly once when the request ends, so the balancer
/// learns the outcome (outstanding count, latency, failures). A struct: picking allocates nothing.
/// </summary>
public readonly struct EndpointLease
{
    private readonly IEndpointLeaseCompletion? _completion;

    /// <summary>Creates a lease.</summary>
    /// <param name="endpoint">The endpoint picked.</param>
    /// <param name="startTimestamp">When the request started (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="completion">Who to tell the outcome, if anyone.</param>
    public EndpointLease(ServiceEndpoint endpoint, long startTimestamp, IEndpointLeaseCompletion? completion)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        StartTimestamp = startTimestamp;
        _completion = completion;
    }

    /// <summary>The endpoint picked; <see langword="null"/> only for <c>default(EndpointLease)</c>.</summary>
    public ServiceEndpoint Endpoint { get; }

    /// <summary>When the request started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long StartTimestamp { get; }

    /// <summary>Reports how the request ended. Call once.</summary>
    /// <param name="outcome">The outcome.</param>
    public void Complete(EndpointOutcome outcome) => _completion?.OnCompleted(this, outcome);

    /// <summary>Reports how the request ended and when, the time read once by the caller and shared. Call once (instead of <see cref="Complete(EndpointOutcome)"/>).</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="endTimestamp">When it ended, as a <see cref="TimeProvider"/> timestamp; 0 when not read.</param>
    public void Complete(EndpointOutcome outcome, long endTimestamp) => _completion?.OnCompleted(this, outcome, endTimestamp);
}
