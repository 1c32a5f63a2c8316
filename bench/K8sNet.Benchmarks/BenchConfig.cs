using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Environments;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;

namespace K8sNet.Benchmarks;

/// <summary>
/// The one job every K8sNet benchmark runs with, fixed in code so that runs compare: .NET 10, RyuJIT x64, one
/// launch, 5 warm-up and 15 measured iterations, with MemoryDiagnoser. Results go to BenchmarkDotNet.Artifacts/ as
/// GitHub markdown and CSV; commit the tables under bench/results/.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Job.Default
            .WithRuntime(CoreRuntime.Core10_0)
            .WithPlatform(Platform.X64)
            .WithJit(Jit.RyuJit)
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(15)
            .WithId("K8sNet"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddExporter(MarkdownExporter.GitHub, CsvExporter.Default);
        AddColumnProvider(DefaultConfig.Instance.GetColumnProviders().ToArray());
        AddColumn(StatisticColumn.Median);
        AddLogger(DefaultConfig.Instance.GetLoggers().ToArray());
        WithOptions(ConfigOptions.JoinSummary);
    }
}
