namespace K8sNet.Testing.Lab;

/// <summary>
/// The clients' traffic: open loop (requests arrive at a fixed rate whatever the latency, as users do) or closed loop
/// (a fixed number of workers, each sending its next request when the previous one ends, as a batch job or a load
/// tester does).
/// </summary>
public sealed record LabLoad
{
    private LabLoad()
    {
    }

    /// <summary>Open loop: the rate in requests per second; <see langword="null"/> for closed loop.</summary>
    public double? RequestsPerSecond { get; private init; }

    /// <summary>Open loop: whether arrivals are a Poisson process (exponential gaps) rather than evenly spaced.</summary>
    public bool Poisson { get; private init; }

    /// <summary>Closed loop: the number of workers; 0 for open loop.</summary>
    public int Workers { get; private init; }

    /// <summary>Closed loop: how long a worker waits after a request ends before it sends the next.</summary>
    public TimeSpan Pacing { get; private init; }

    /// <summary>How many requests are sent in all; <see langword="null"/>: as many as fit in <see cref="Duration"/>.</summary>
    public int? Requests { get; private init; }

    /// <summary>How long requests are sent for; <see langword="null"/>: until <see cref="Requests"/> have been sent.</summary>
    public TimeSpan? Duration { get; private init; }

    /// <summary>Open loop: <paramref name="requestsPerSecond"/> for <paramref name="duration"/>.</summary>
    /// <param name="requestsPerSecond">The rate.</param>
    /// <param name="duration">How long.</param>
    /// <param name="poisson">Exponential gaps at that mean rate, rather than even spacing.</param>
    /// <returns>The load.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rate or the duration is not positive.</exception>
    public static LabLoad OpenLoop(double requestsPerSecond, TimeSpan duration, bool poisson = false)
    {
        if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "An open-loop rate must be a positive number of requests per second.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return new LabLoad { RequestsPerSecond = requestsPerSecond, Duration = duration, Poisson = poisson };
    }

    /// <summary>Closed loop: <paramref name="workers"/> workers send <paramref name="requests"/> requests in all.</summary>
    /// <param name="workers">The workers (requests in flight at most).</param>
    /// <param name="requests">How many requests in all.</param>
    /// <param name="pacing">The wait between a worker's requests; none by default.</param>
    /// <returns>The load.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or the pacing is negative.</exception>
    public static LabLoad ClosedLoop(int workers, int requests, TimeSpan pacing = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pacing, TimeSpan.Zero);
        return new LabLoad { Workers = workers, Requests = requests, Pacing = pacing };
    }

    /// <summary>Closed loop: <paramref name="workers"/> workers send for <paramref name="duration"/>.</summary>
    /// <param name="workers">The workers.</param>
    /// <param name="duration">How long they start new requests.</param>
    /// <param name="pacing">The wait between a worker's requests.</param>
    /// <returns>The load.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1, or the duration not positive, or the pacing negative.</exception>
    public static LabLoad ClosedLoopFor(int workers, TimeSpan duration, TimeSpan pacing = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(pacing, TimeSpan.Zero);
        return new LabLoad { Workers = workers, Duration = duration, Pacing = pacing };
    }

    /// <inheritdoc />
    public override string ToString() => RequestsPerSecond is { } rate
        ? $"open loop, {rate:0.##} req/s{(Poisson ? " (Poisson)" : "")} for {Duration!.Value.TotalSeconds:0.##} s"
        : $"closed loop, {Workers} workers, " + (Requests is { } n ? $"{n:N0} requests" : $"{Duration!.Value.TotalSeconds:0.##} s")
            + (Pacing > TimeSpan.Zero ? $", {Pacing.TotalMilliseconds:0.##} ms pacing" : "");
}
