using System.Globalization;
using System.Text;

namespace K8sNet.Testing.Lab;

/// <summary>Several policies run on one scenario with one seed.</summary>
public sealed class LabComparison
{
    internal LabComparison(LabScenario scenario, IReadOnlyList<LabResult> results)
    {
        Scenario = scenario;
        Results = results;
    }

    /// <summary>The scenario.</summary>
    public LabScenario Scenario { get; }

    /// <summary>The results, in the order the policies were given.</summary>
    public IReadOnlyList<LabResult> Results { get; }

    /// <summary>The result of the policy named <paramref name="policy"/> (case-insensitive).</summary>
    /// <param name="policy">The policy's name.</param>
    /// <returns>Its result.</returns>
    /// <exception cref="KeyNotFoundException">No policy of that name was run.</exception>
    public LabResult this[string policy] =>
        Results.FirstOrDefault(r => string.Equals(r.Policy, policy, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException($"No policy named '{policy}' in this comparison (it ran {string.Join(", ", Results.Select(r => r.Policy))}).");

    /// <summary>
    /// A Markdown table: per policy, requests, success, p50/p90/p99/p99.9/max latency, the share over
    /// <paramref name="threshold"/> (when given), throughput and simulated duration.
    /// </summary>
    /// <param name="threshold">The "slow" threshold, when a column for it is wanted.</param>
    /// <returns>The table.</returns>
    public string ToTable(TimeSpan? threshold = null)
    {
        var sb = new StringBuilder();
        var over = threshold is { } t ? $" > {LatencyDistribution.Ms(t)} |" : "";
        sb.Append(CultureInfo.InvariantCulture, $"| policy | requests | success | p50 | p90 | p99 | p99.9 | max |{over} throughput | duration |\n");
        sb.Append("|---|---:|---:|---:|---:|---:|---:|---:|").Append(threshold is null ? "" : "---:|").Append("---:|---:|\n");
        foreach (var r in Results)
        {
            var l = r.Latency;
            sb.Append(CultureInfo.InvariantCulture, $"| {r.Policy} | {r.Requests:N0} | {r.SuccessRate:0.00%} | {LatencyDistribution.Ms(l.Percentile(0.5))} | {LatencyDistribution.Ms(l.Percentile(0.9))} | ");
            sb.Append(CultureInfo.InvariantCulture, $"{LatencyDistribution.Ms(l.Percentile(0.99))} | {LatencyDistribution.Ms(l.Percentile(0.999))} | {LatencyDistribution.Ms(l.Max)} |");
            if (threshold is { } th)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {r.FractionOver(th) * 100:0.000}% |");
            }

            sb.Append(CultureInfo.InvariantCulture, $" {r.Throughput:N0}/s | {r.Duration.TotalSeconds:0.0} s |\n");
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToTable();
}
