using K8sNet.Testing.Lab;
using ScottPlot;

namespace K8sNet.Samples.PolicyLab;

/// <summary>The pictures: latency by percentile for every policy, and each endpoint's share over time under each.</summary>
internal static class Plots
{
    private static readonly double[] Quantiles = [.. Enumerable.Range(0, 400).Select(i => 1 - Math.Pow(10, -i / 100.0)).Where(q => q < 1)];

    /// <summary>Latency (log scale) against percentile, the x axis in "nines" (50, 90, 99, 99.9, 99.99).</summary>
    public static string Latency(LabScenario scenario, IReadOnlyList<LabResult> results, string directory, string format)
    {
        var plot = new Plot();
        foreach (var r in results)
        {
            var xs = Quantiles.Select(q => -Math.Log10(1 - q)).ToArray();
            var ys = Quantiles.Select(q => Math.Log10(Math.Max(0.01, r.Percentile(q).TotalMilliseconds))).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = r.Policy;
            line.LineWidth = 2;
        }

        plot.Axes.Bottom.SetTicks([0.3010, 1, 2, 3, 4], ["p50", "p90", "p99", "p99.9", "p99.99"]);
        double[] ms = [.. new[] { 0.1, 1, 10, 100, 1000, 10000 }.SelectMany(d => new[] { d, 2 * d, 5 * d })];
        plot.Axes.Left.SetTicks([.. ms.Select(Math.Log10)], [.. ms.Select(m => m >= 1000 ? $"{m / 1000:0} s" : $"{m:0.#} ms")]);
        plot.Axes.SetLimitsX(0.2, 4.1);
        plot.Title($"{scenario.Name}: latency by percentile");
        plot.XLabel("percentile");
        plot.YLabel("latency");
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, directory, $"{Slug(scenario.Name)}-latency", format);
    }

    /// <summary>Each endpoint's share of the attempts per second under one policy.</summary>
    public static string Shares(LabResult result, string directory, string format)
    {
        var plot = new Plot();
        var bucket = TimeSpan.FromSeconds(Math.Max(0.1, result.Duration.TotalSeconds / 120));
        var series = result.ShareOverTime(bucket);
        var xs = Enumerable.Range(0, series.Buckets).Select(b => series.BucketStart(b).TotalSeconds).ToArray();
        for (var e = 0; e < series.Endpoints.Length; e++)
        {
            var ys = Enumerable.Range(0, series.Buckets).Select(b => series.Share(e, b) * 100).ToArray();
            var line = plot.Add.ScatterLine(xs, ys);
            line.LegendText = series.Endpoints[e];
            line.LineWidth = result.Scenario.Endpoints.Any(x => x.Name == series.Endpoints[e] && !x.Episodes.IsEmpty) ? 3 : 1;
        }

        plot.Title($"{result.Scenario.Name}: each endpoint's share under {result.Policy}");
        plot.XLabel("time (s)");
        plot.YLabel("share of requests (%)");
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, directory, $"{Slug(result.Scenario.Name)}-share-{Slug(result.Policy)}", format);
    }

    private static string Save(Plot plot, string directory, string name, string format)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.{format}");
        if (format == "svg")
        {
            plot.SaveSvg(path, 900, 520);
        }
        else
        {
            plot.SavePng(path, 900, 520);
        }

        return path;
    }

    private static string Slug(string name) =>
        new([.. name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
}
