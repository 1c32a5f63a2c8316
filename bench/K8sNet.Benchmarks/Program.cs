using BenchmarkDotNet.Running;
using K8sNet.Benchmarks;

// dotnet run -c Release --project bench/K8sNet.Benchmarks -- --filter '*Naming*'
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args, new BenchConfig());
