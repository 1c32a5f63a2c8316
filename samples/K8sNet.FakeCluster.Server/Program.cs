using System.Runtime.InteropServices;
using K8sNet.Samples.ClusterServer;

// dotnet run --project samples/K8sNet.FakeCluster.Server -- --port 6443 --dns-port 1053 --kubeconfig ./kubeconfig --demo
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
return await FakeClusterHost.RunAsync(args, Console.Out, stop.Token);
