namespace K8sNet.Testing.Lab;

/// <summary>
/// A window in which an endpoint behaves differently: requests it starts serving from <see cref="Start"/> until
/// <see cref="End"/> take <see cref="LatencyFactor"/> times their sampled latency plus <see cref="ExtraLatency"/>, and fail as
/// <see cref="Failures"/> says.
/// </summary>
/// <param name="Start">When the window opens, from the start of the run.</param>
/// <param name="End">When it closes (exclusive).</param>
/// <param name="LatencyFactor">The factor on sampled latency (1: unchanged; 10: ten times slower).</param>
/// <param name="Failures">How it fails in the window, instead of its usual failure model; <see langword="null"/>: as usual.</param>
/// <param name="ExtraLatency">Latency added to each request in the window (after the factor).</param>
public sealed record LabEpisode(TimeSpan Start, TimeSpan End, double LatencyFactor = 1, FailureModel? Failures = null, TimeSpan ExtraLatency = default)
{
    /// <summary>Slower by <paramref name="factor"/> from <paramref name="start"/> until <paramref name="end"/>.</summary>
    /// <param name="start">When.</param>
    /// <param name="end">Until.</param>
    /// <param name="factor">The latency factor.</param>
    /// <returns>The episode.</returns>
    public static LabEpisode Slow(TimeSpan start, TimeSpan end, double factor) => new(start, end, factor);

    /// <summary><paramref name="extra"/> slower from <paramref name="start"/> until <paramref name="end"/>.</summary>
    /// <param name="start">When.</param>
    /// <param name="end">Until.</param>
    /// <param name="extra">The latency added.</param>
    /// <returns>The episode.</returns>
    public static LabEpisode Delayed(TimeSpan start, TimeSpan end, TimeSpan extra) => new(start, end, 1, null, extra);

    /// <summary>Failing <paramref name="rate"/> of requests with <paramref name="outcome"/> from <paramref name="start"/> until <paramref name="end"/>.</summary>
    /// <param name="start">When.</param>
    /// <param name="end">Until.</param>
    /// <param name="rate">The share that fails.</param>
    /// <param name="outcome">How.</param>
    /// <param name="immediate">At once, rather than after the latency.</param>
    /// <returns>The episode.</returns>
    public static LabEpisode Failing(TimeSpan start, TimeSpan end, double rate = 1, EndpointOutcome outcome = EndpointOutcome.ServerError, bool immediate = false) =>
        new(start, end, 1, new FailureModel(rate, outcome, immediate));

    /// <summary>Whether the window holds <paramref name="at"/>.</summary>
    internal bool Covers(long at) => at >= Start.Ticks && at < End.Ticks;

    internal void Validate(string where)
    {
        if (End <= Start || Start < TimeSpan.Zero)
        {
            throw new ArgumentException($"{where}: an episode must start at 0 or later and end after it starts (it was {Start} to {End}).");
        }

        if (!(LatencyFactor >= 0) || double.IsInfinity(LatencyFactor))
        {
            throw new ArgumentException($"{where}: latency factor {LatencyFactor} must be a finite number, 0 or more.");
        }

        if (ExtraLatency < TimeSpan.Zero)
        {
            throw new ArgumentException($"{where}: extra latency {ExtraLatency} must not be negative.");
        }

        Failures?.Validate(where);
    }
}
