using System.Globalization;

namespace K8sNet.Testing.Lab;

/// <summary>A number measured from a <see cref="LabResult"/>, named for messages; lower is better for all of them.</summary>
public sealed class LabMetric
{
    private readonly Func<LabResult, double> _measure;

    /// <summary>Creates a metric of your own.</summary>
    /// <param name="name">Its name in claims' messages, e.g. <c>p99 (ms)</c>.</param>
    /// <param name="measure">Measures it; lower must be better.</param>
    public LabMetric(string name, Func<LabResult, double> measure)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(measure);
        Name = name;
        _measure = measure;
    }

    /// <summary>Its name.</summary>
    public string Name { get; }

    /// <summary>The median latency, in milliseconds.</summary>
    public static LabMetric P50 { get; } = Percentile(0.5);

    /// <summary>The 99th-percentile latency, in milliseconds.</summary>
    public static LabMetric P99 { get; } = Percentile(0.99);

    /// <summary>The share of requests that did not succeed, from 0 to 1.</summary>
    public static LabMetric FailureRate { get; } = new("failure rate", r => 1 - r.SuccessRate);

    /// <summary>The simulated time the run took (a closed loop's "wall" time), in seconds.</summary>
    public static LabMetric Duration { get; } = new("duration (s)", r => r.Duration.TotalSeconds);

    /// <summary>The latency at <paramref name="quantile"/>, in milliseconds.</summary>
    /// <param name="quantile">From 0 to 1.</param>
    /// <returns>The metric.</returns>
    public static LabMetric Percentile(double quantile) =>
        new(string.Create(CultureInfo.InvariantCulture, $"p{quantile * 100:0.###} (ms)"), r => r.Percentile(quantile).TotalMilliseconds);

    /// <summary>The share of requests slower than <paramref name="threshold"/>, from 0 to 1.</summary>
    /// <param name="threshold">The threshold.</param>
    /// <returns>The metric.</returns>
    public static LabMetric FractionOver(TimeSpan threshold) =>
        new(string.Create(CultureInfo.InvariantCulture, $"share over {threshold.TotalMilliseconds:0.###} ms"), r => r.FractionOver(threshold));

    /// <summary>The share of the attempts sent from <paramref name="from"/> until <paramref name="to"/> that went to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="from">The window's start.</param>
    /// <param name="to">Its end.</param>
    /// <returns>The metric.</returns>
    public static LabMetric ShareOf(string endpoint, TimeSpan from, TimeSpan to) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{endpoint}'s share {from.TotalSeconds:0.###}-{to.TotalSeconds:0.###} s"), r => r.Share(endpoint, from, to));

    /// <summary>Measures <paramref name="result"/>.</summary>
    /// <param name="result">The result.</param>
    /// <returns>The value.</returns>
    public double Of(LabResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return _measure(result);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
