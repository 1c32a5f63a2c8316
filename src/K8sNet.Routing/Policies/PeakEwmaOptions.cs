namespace K8sNet.Routing;

/// <summary>Options of the peak-EWMA policy.</summary>
public sealed class PeakEwmaOptions
{
    /// <summary>The decay time constant of the latency average. Default 10 s (Linkerd's <c>EWMA_DECAY</c>, Finagle's <c>decayTime</c>).</summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan Decay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The latency assumed for an endpoint with no sample yet. Default 30 ms (Linkerd's <c>EWMA_DEFAULT_RTT</c>).</summary>
    [TimeSpanRange("00:00:00.000001", "01:00:00")]
    public TimeSpan DefaultRtt { get; set; } = TimeSpan.FromMilliseconds(30);
}
