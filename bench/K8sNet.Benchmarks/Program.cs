using BenchmarkDotNet.Running;
using K8sNet.Benchmarks;
using K8sNet.Benchmarks.Harness;

// dotnet run -c Release --project bench/K8sNet.Benchmarks -- --filter '*Naming*'
// dotnet run -c Release --project bench/K8sNet.Benchmarks -- watch-latency [events] [warm-up]
// dotnet run -c Release --project bench/K8sNet.Benchmarks -- endpointset-latency [events] [warm-up]
// dotnet run -c Release --project bench/K8sNet.Benchmarks -- source-scale
if (args.Length > 0 && args[0] == "watch-latency")
{
    return await WatchLatencyHarness.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "endpointset-latency")
{
    return await EndpointSetLatencyHarness.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "source-scale")
{
    return await SourceScaleHarness.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
return 0;
