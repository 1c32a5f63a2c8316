namespace K8sNet.Testing.Lab;

/// <summary>
/// Every latency of a run, sorted: percentiles are exact (nearest rank over every request, not a sample or a
/// histogram's estimate).
/// </summary>
public sealed class LatencyDistribution
{
    private readonly long[] _sorted;

    internal LatencyDistribution(long[] ticks)
    {
        _sorted = ticks;
        Array.Sort(_sorted);
    }

    /// <summary>How many latencies.</summary>
    public int Count => _sorted.Length;

    /// <summary>The least; zero when empty.</summary>
    public TimeSpan Min => _sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(_sorted[0]);

    /// <summary>The greatest; zero when empty.</summary>
    public TimeSpan Max => _sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(_sorted[^1]);

    /// <summary>The mean; zero when empty.</summary>
    public TimeSpan Mean
    {
        get
        {
            if (_sorted.Length == 0)
            {
                return TimeSpan.Zero;
            }

            double sum = 0;
            foreach (var t in _sorted)
            {
                sum += t;
            }

            return TimeSpan.FromTicks((long)(sum / _sorted.Length));
        }
    }

    /// <summary>The <paramref name="quantile"/> by nearest rank: the least latency that at least that share of requests did not exceed.</summary>
    /// <param name="quantile">From 0 to 1 (0.99 for p99).</param>
    /// <returns>The latency; zero when empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quantile"/> is outside [0, 1].</exception>
    public TimeSpan Percentile(double quantile)
    {
        if (!(quantile >= 0 && quantile <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(quantile), quantile, "A quantile is from 0 to 1 (0.99 for p99).");
        }

        if (_sorted.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(quantile * _sorted.Length);
        return TimeSpan.FromTicks(_sorted[Math.Clamp(rank - 1, 0, _sorted.Length - 1)]);
    }

    /// <summary>The share of latencies above <paramref name="threshold"/>, from 0 to 1.</summary>
    /// <param name="threshold">The threshold.</param>
    /// <returns>The share; 0 when empty.</returns>
    public double FractionOver(TimeSpan threshold)
    {
        if (_sorted.Length == 0)
        {
            return 0;
        }

        // The first index whose latency exceeds the threshold.
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sorted[mid] <= threshold.Ticks)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return (_sorted.Length - lo) / (double)_sorted.Length;
    }

    /// <summary>The latencies in order, as ticks: for plots and statistics of your own.</summary>
    public ReadOnlySpan<long> SortedTicks => _sorted;

    /// <inheritdoc />
    public override string ToString() =>
        $"n={Count:N0} p50={Ms(Percentile(0.5))} p90={Ms(Percentile(0.9))} p99={Ms(Percentile(0.99))} max={Ms(Max)}";

    internal static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString(t.TotalMilliseconds >= 100 ? "0" : "0.0##", System.Globalization.CultureInfo.InvariantCulture) + " ms";
}
