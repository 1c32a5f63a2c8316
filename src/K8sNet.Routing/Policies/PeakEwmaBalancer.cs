using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>
/// Peak EWMA (Finagle, Linkerd): two distinct random eligible endpoints; the one with the lower cost wins, where
/// cost = latency × (requests in flight + 1) and latency is a peak-sensitive moving average of round-trip times that
/// decays toward zero while the endpoint gets no samples (so a slow endpoint is probed again later).
/// </summary>
/// <remarks>Latency spikes take effect at once; recovery decays with <see cref="PeakEwmaOptions.Decay"/>.</remarks>
public sealed class PeakEwmaBalancer : LoadBalancer, IEndpointLeaseCompletion
{
    private readonly TimeProvider _time;
    private readonly double _decayTicks;
    private readonly double _perDecayTick;
    private readonly double _defaultRttTicks;

    /// <summary>Creates the balancer.</summary>
    /// <param name="timeProvider">The clock samples are measured with.</param>
    /// <param name="options">Decay and default latency; defaults when <see langword="null"/>.</param>
    /// <param name="random">The random source; a fast per-thread generator by default.</param>
    public PeakEwmaBalancer(TimeProvider timeProvider, PeakEwmaOptions? options = null, Random? random = null)
        : base(random)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        options ??= new PeakEwmaOptions();
        _time = timeProvider;
        var f = timeProvider.TimestampFrequency / (double)TimeSpan.TicksPerSecond;
        _decayTicks = options.Decay.Ticks * f;
        _perDecayTick = 1 / Math.Max(1, _decayTicks);
        _defaultRttTicks = options.DefaultRtt.Ticks * f;
    }

    /// <inheritdoc />
    public override string Name => nameof(LoadBalancingPolicy.PeakEwma);

    /// <inheritdoc />
    protected override EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context)
    {
        var now = _time.GetTimestamp();
        var ep = PickOfTwo(eligible, context, new LowerCost(this, now));
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

    // Multiplies by the decay's inverse (a division costs several multiplications, twice per pick).
    private double CostOf(EndpointStats stats, long nowTimestamp)
    {
        var rtt = stats.RttEwmaTicks;
        var elapsed = nowTimestamp - stats.RttTimestamp;
        rtt = rtt <= 0 ? _defaultRttTicks : elapsed <= 0 ? rtt : rtt * EndpointStats.DecayWeight(elapsed * _perDecayTick);
        return rtt * (stats.Outstanding + 1);
    }

    /// <inheritdoc />
    public void OnCompleted(in EndpointLease lease, EndpointOutcome outcome)
    {
        var ep = lease.Endpoint;
        if (ep is null)
        {
            return;
        }

        ep.Stats.DecrementOutstanding();
        if (outcome is EndpointOutcome.Success or EndpointOutcome.ServerError)
        {
            var now = _time.GetTimestamp();
            ep.Stats.ObserveRtt(Math.Max(1, now - lease.StartTimestamp), now, _decayTicks);
        }
    }


    private readonly struct LowerCost(PeakEwmaBalancer balancer, long now) : ITwoChoiceComparer
    {
        public bool SecondIsBetter(ServiceEndpoint first, ServiceEndpoint second) => balancer.CostOf(second.Stats, now) < balancer.CostOf(first.Stats, now);
    }
}
