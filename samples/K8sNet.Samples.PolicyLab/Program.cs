using System.Globalization;
using K8sNet.Samples.PolicyLab;
using K8sNet.Testing.Lab;
using Spectre.Console;

// dotnet run --project samples/K8sNet.Samples.PolicyLab -- --scenario linkerd-2016 --out docs/policylab
LabCommand command;
try
{
    command = LabCommand.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 200; // a log or a pipe: keep the table's rows on one line each
}

var scenario = command.Scenario;
AnsiConsole.MarkupLine($"[bold]{Markup.Escape(scenario.ToString())}[/], seed {command.Seed}");
var results = new List<LabResult>();
AnsiConsole.Progress()
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
    .Start(ctx =>
    {
        foreach (var policy in command.Policies)
        {
            var task = ctx.AddTask(Markup.Escape(policy.Name), maxValue: 1);
            results.Add(PolicyLab.Run(scenario, policy, command.Seed, new Reporter(task)));
            task.Value = 1;
        }
    });

var table = new Table().AddColumns("policy", "requests", "success", "p50", "p90", "p99", "p99.9", "max");
if (command.Threshold is { } threshold)
{
    table.AddColumn($"> {threshold.TotalMilliseconds:0.##} ms");
}

table.AddColumns("throughput", "simulated", "wall");
foreach (var r in results)
{
    var row = new List<string>
    {
        Markup.Escape(r.Policy), r.Requests.ToString("N0", CultureInfo.InvariantCulture), r.SuccessRate.ToString("P2", CultureInfo.InvariantCulture),
        Ms(r.Percentile(0.5)), Ms(r.Percentile(0.9)), Ms(r.Percentile(0.99)), Ms(r.Percentile(0.999)), Ms(r.Latency.Max),
    };
    if (command.Threshold is { } t)
    {
        row.Add((r.FractionOver(t) * 100).ToString("0.000", CultureInfo.InvariantCulture) + "%");
    }

    row.Add(r.Throughput.ToString("N0", CultureInfo.InvariantCulture) + "/s");
    row.Add(r.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s");
    row.Add(r.WallTime.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms");
    table.AddRow([.. row]);
}

AnsiConsole.Write(table);
var written = new List<string> { Plots.Latency(scenario, results, command.Out, command.Format) };
written.AddRange(results.Select(r => Plots.Shares(r, command.Out, command.Format)));
foreach (var path in written)
{
    AnsiConsole.MarkupLine($"wrote [link]{Markup.Escape(path)}[/]");
}

return 0;

static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString(t.TotalMilliseconds >= 100 ? "0" : "0.0##", CultureInfo.InvariantCulture) + " ms";

/// <summary>Feeds the lab's progress to a progress bar.</summary>
internal sealed class Reporter(ProgressTask task) : IProgress<double>
{
    public void Report(double value) => task.Value = value;
}
