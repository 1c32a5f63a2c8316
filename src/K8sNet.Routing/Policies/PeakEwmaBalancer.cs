namespace K8sNet.Routing;

/// <summary>
/// Peak EWMA (Finagle, Linkerd): two distinct random eligible endpoints; the one with the lower cost wins, where
/// cost = latency × (requests in flight + 1) and latency is a peak-sensitive moving average of round-trip times that
/// decays toward zero while the endpoint gets no samples (so a slow endpoint is probed again later).
/// </summary>
/// <remarks>
/// Latency spikes take effect at once; recovery decays with <see cref="PeakEwmaOptions.Decay"/>. Time is taken twice per
/// request, at the pick (the start of the round trip, and "now" for the decay) and at completion: from the caller's one
/// read of the clock for the attempt (<see cref="PickContext.Timestamp"/>, <see cref="EndpointLease.Complete(EndpointOutcome, long)"/>,
/// what <see cref="ServiceRouter"/> passes), else read here; the pick's cost
/// comparison is a few multiplications (no division, and no <see cref="Math.Exp"/> while samples come faster than a
/// hundredth of the decay time). Implements <see cref="ILoadBalancer"/> directly (one call per pick) rather than through
/// <see cref="LoadBalancer"/>.
/// </remarks>
internal sealed class PeakEwmaBalancer : ILoadBalancer, IEndpointLeaseCompletion
{
    private readonly TimeProvider _time;
    private readonly Random? _random;
    private readonly double _decayTicks;
    private readonly double _perDecayTick;
    private readonly double _defaultRttTicks;

    /// <summary>Creates the balancer.</summary>
    /// <param name="timeProvider">The clock samples are measured with.</param>
    /// <param name="options">Decay and default latency; defaults when <see langword="null"/>.</param>
    /// <param name="random">The random source; a fast per-thread generator by default.</param>
    public PeakEwmaBalancer(TimeProvider timeProvider, PeakEwmaOptions? options = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new PeakEwmaOptions();
        _time = timeProvider;
        _random = random;
        var f = timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond;
        _decayTicks = Math.Max(1, options.Decay.Ticks * f);
        _perDecayTick = 1 / _decayTicks;
        _defaultRttTicks = options.DefaultRtt.Ticks * f;
    }

    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.PeakEwma);

    /// <inheritdoc />
    public EndpointLease Pick(EndpointSet endpoints, in PickContext context)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eligible = endpoints.Eligible;
        var n = eligible.Length;
        if (n == 0)
        {
            return default;
        }

        var now = context.Timestamp != 0 ? context.Timestamp : _time.GetTimestamp(); // the attempt's shared read, when given
        ServiceEndpoint ep;
        if (n == 1)
        {
            ep = eligible[0];
        }
        else
        {
            var (i, j) = PickRandom.TwoIndices(_random, n);
            var a = eligible[i];
            var b = eligible[j];
            var aOk = context.IsPreferred(a);
            var bOk = context.IsPreferred(b);
            if (aOk & bOk)
            {
                // Written for a conditional move (and written out, not shared: see PowerOfTwoChoicesBalancer).
                var second = CostOf(b.Stats, now) < CostOf(a.Stats, now);
                ep = second ? b : a;
            }
            else
            {
                ep = aOk ? a : bOk ? b : PolicyPicking.Scan(eligible, i, context);
            }
        }

        ep.Stats.IncrementOutstanding();
        return new EndpointLease(ep, now, this);
    }

    /// <summary>The cost the policy compares: decayed peak-EWMA latency × (requests in flight + 1).</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="nowTimestamp">Now, as a <see cref="TimeProvider"/> timestamp.</param>
    /// <returns>The cost, in latency ticks.</returns>
    public double Cost(ServiceEndpoint endpoint, long nowTimestamp)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return CostOf(endpoint.Stats, nowTimestamp);
    }

    private double CostOf(EndpointStats stats, long nowTimestamp)
    {
        var rtt = stats.RttEwmaTicks;
        var elapsed = nowTimestamp - stats.RttTimestamp;
        rtt = rtt <= 0 ? _defaultRttTicks : elapsed <= 0 ? rtt : rtt * EndpointStats.DecayWeight(elapsed * _perDecayTick);
        return rtt * (stats.Outstanding + 1);
    }

    /// <inheritdoc />
    public void OnCompleted(in EndpointLease lease, EndpointOutcome outcome) => OnCompleted(lease, outcome, 0);

    /// <inheritdoc />
    public void OnCompleted(in EndpointLease lease, EndpointOutcome outcome, long endTimestamp)
    {
        var ep = lease.Endpoint;
        if (ep is null)
        {
            return;
        }

        ep.Stats.DecrementOutstanding();
        if (outcome is EndpointOutcome.Success or EndpointOutcome.ServerError)
        {
            var now = endTimestamp != 0 ? endTimestamp : _time.GetTimestamp(); // the attempt's shared read, when given
            ep.Stats.ObserveRtt(Math.Max(1, now - lease.StartTimestamp), now, _decayTicks);
        }
    }
}
