namespace K8sNet;

/// <summary>
/// The live statistics of one endpoint as this process sees it: requests in flight, a peak-sensitive latency average
/// and health (consecutive failures, ejection). Shared by every version of an <see cref="EndpointSet"/> in which the
/// endpoint appears, so it survives updates. Thread-safe; the pick path only reads.
/// </summary>
/// <remarks>
/// Balancers and outlier detectors write it through the methods here; a policy that needs other per-endpoint state
/// keeps its own.
/// </remarks>
public sealed class EndpointStats
{
    private readonly Lock _gate = new();
    private int _outstanding;
    private double _rttEwmaTicks;
    private long _lastRttTimestamp;
    private volatile bool _ejected;
    private int _consecutiveFailures;
    private int _ejectionCount;
    private long _ejectedUntilTimestamp;
    private long _completed;

    /// <summary>Requests sent to the endpoint that have not completed.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>The peak-sensitive moving average of the round-trip time, in <see cref="TimeProvider"/> ticks; 0 before the first sample.</summary>
    public double RttEwmaTicks => Volatile.Read(ref _rttEwmaTicks);

    /// <summary>When the last round-trip sample was taken, as a <see cref="TimeProvider"/> timestamp; 0 before the first.</summary>
    public long RttTimestamp => Volatile.Read(ref _lastRttTimestamp);

    /// <summary>Whether an outlier detector has ejected the endpoint (balancers avoid it unless the set is in panic).</summary>
    public bool IsEjected => _ejected;

    /// <summary>Failures since the last success, as counted by <see cref="RecordFailure"/>.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>How many times in a row the endpoint has been ejected (reset when it stays healthy).</summary>
    public int EjectionCount => Volatile.Read(ref _ejectionCount);

    /// <summary>When the current ejection ends, as a <see cref="TimeProvider"/> timestamp; 0 when not ejected.</summary>
    public long EjectedUntilTimestamp => Volatile.Read(ref _ejectedUntilTimestamp);

    /// <summary>Requests to the endpoint that have completed through K8sNet's routing (any outcome), since it appeared: diagnostics compare them across endpoints.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Counts a completed request.</summary>
    public void RecordCompleted() => Interlocked.Increment(ref _completed);

    /// <summary>Records a request starting.</summary>
    /// <returns>The new number in flight.</returns>
    public int IncrementOutstanding() => Interlocked.Increment(ref _outstanding);

    /// <summary>Records a request completing.</summary>
    /// <returns>The new number in flight.</returns>
    public int DecrementOutstanding() => Interlocked.Decrement(ref _outstanding);

    /// <summary>
    /// Adds a round-trip sample to the peak-sensitive EWMA (Finagle/Linkerd): a sample above the average replaces it at
    /// once; a lower one is blended in with weight <c>1 - exp(-elapsed / decay)</c>, where elapsed is the time since the
    /// previous sample.
    /// </summary>
    /// <param name="rttTicks">The sample, in <see cref="TimeProvider"/> ticks.</param>
    /// <param name="nowTimestamp">Now, as a <see cref="TimeProvider"/> timestamp.</param>
    /// <param name="decayTicks">The decay time constant, in ticks (Linkerd uses 10 s).</param>
    /// <remarks>Lock-free: when two samples for one endpoint land at the same instant, one of them may be lost.</remarks>
    public void ObserveRtt(long rttTicks, long nowTimestamp, double decayTicks)
    {
        var current = Volatile.Read(ref _rttEwmaTicks);
        double next;
        if (current <= 0 || rttTicks > current)
        {
            next = rttTicks;
        }
        else
        {
            var w = DecayFactor(nowTimestamp - Volatile.Read(ref _lastRttTimestamp), decayTicks);
            next = (current * w) + (rttTicks * (1 - w));
        }

        Volatile.Write(ref _lastRttTimestamp, nowTimestamp);
        Volatile.Write(ref _rttEwmaTicks, next);
    }

    /// <summary>
    /// <c>exp(-elapsed / decay)</c>, the weight an EWMA keeps after <paramref name="elapsedTicks"/> (see
    /// <see cref="DecayWeight"/>).
    /// </summary>
    /// <param name="elapsedTicks">Time since the last sample.</param>
    /// <param name="decayTicks">The decay time constant.</param>
    /// <returns>The weight, from 0 to 1.</returns>
    public static double DecayFactor(long elapsedTicks, double decayTicks) =>
        elapsedTicks <= 0 ? 1 : DecayWeight(elapsedTicks / Math.Max(1, decayTicks));

    /// <summary>
    /// <c>exp(-x)</c> for <c>x = elapsed / decay</c>; computed as <c>1 - x + x²/2</c> when <c>x</c> is below 0.01 (error
    /// under 2·10⁻⁷), the common case under load.
    /// </summary>
    /// <param name="x">Elapsed time over the decay time constant; 0 or less gives 1.</param>
    /// <returns>The weight, from 0 to 1.</returns>
    public static double DecayWeight(double x) =>
        x <= 0 ? 1 : x < 0.01 ? 1 - x + (x * x * 0.5) : Math.Exp(-x);

    /// <summary>Records a success: the consecutive-failure count starts again.</summary>
    public void RecordSuccess() => Volatile.Write(ref _consecutiveFailures, 0);

    /// <summary>Records a failure.</summary>
    /// <returns>The consecutive failures including this one.</returns>
    public int RecordFailure() => Interlocked.Increment(ref _consecutiveFailures);

    /// <summary>Ejects the endpoint until <paramref name="untilTimestamp"/>.</summary>
    /// <param name="untilTimestamp">When the ejection ends.</param>
    /// <returns>The ejection count including this one.</returns>
    public int Eject(long untilTimestamp)
    {
        lock (_gate)
        {
            _ejectionCount++;
            _ejectedUntilTimestamp = untilTimestamp;
            _consecutiveFailures = 0;
            _ejected = true;
            return _ejectionCount;
        }
    }

    /// <summary>Ends an ejection (the ejection count is kept, so a relapse is ejected for longer).</summary>
    public void Uneject()
    {
        lock (_gate)
        {
            _ejected = false;
            _ejectedUntilTimestamp = 0;
        }
    }

    /// <summary>Forgets one past ejection (after the endpoint has stayed healthy for a while), as Envoy decrements its ejection multiplier.</summary>
    /// <returns>The remaining ejection count.</returns>
    public int DecrementEjectionCount()
    {
        lock (_gate)
        {
            if (!_ejected && _ejectionCount > 0)
            {
                _ejectionCount--;
            }

            return _ejectionCount;
        }
    }
}
