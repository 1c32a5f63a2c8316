// K8sNet.Grpc at work: a greeter served by three FakeCluster pods (real HTTP/2 on their own loopback IPs), called
// first the usual way — through the Service's ClusterIP, where kube-proxy balances connections, so every call rides one
// connection to one pod — then through k8s:///greeter:grpc, where K8sNet picks a pod for every call.
using Grpc.Core;
using Grpc.Net.Client;
using k8s.Models;
using K8sNet.Samples.Grpc;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

if (OperatingSystem.IsMacOS())
{
    Console.WriteLine("This sample runs pods on 127.x.y.z addresses, which macOS does not route to loopback; run it on Linux or Windows.");
    return;
}

const string Manifest = """
    apiVersion: v1
    kind: Service
    metadata: {name: greeter}
    spec:
      selector: {app: greeter}
      ports: [{name: grpc, port: 50051, targetPort: grpc}]
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: greeter}
    spec:
      replicas: 3
      selector: {matchLabels: {app: greeter}}
      template:
        metadata: {labels: {app: greeter}}
        spec:
          containers: [{name: greeter, image: example/greeter:1, ports: [{name: grpc, containerPort: 50051}]}]
    ---
    apiVersion: v1
    kind: Pod
    metadata: {name: client, labels: {app: client}}
    spec:
      nodeName: node-1
      containers: [{name: client, image: example/client:1}]
    """;

await using var cluster = new FakeCluster(o => o.NetworkMode = PodNetworkMode.Loopback);
cluster.Apply(Manifest);
cluster.ServeApp("app=greeter", b => b.Services.AddGrpc(), app => app.MapGrpcService<GreeterService>(), port: 50051);
await cluster.WaitForIdleAsync();
var names = cluster.List<V1Pod>("default", "app=greeter").ToDictionary(p => p.Status.PodIP, p => $"{p.Name()} ({p.Status.PodIP}, {p.Spec.NodeName})");
Console.WriteLine($"Service greeter: ClusterIP {cluster.Get<V1Service>("greeter")!.Spec.ClusterIP}, pods:");
foreach (var pod in names.Values.Order(StringComparer.Ordinal))
{
    Console.WriteLine($"  {pod}");
}

// 1. The usual way: http://greeter:50051 from pod "client" -> its DNS -> the ClusterIP -> kube-proxy -> one pod.
using (var channel = GrpcChannel.ForAddress("http://greeter:50051", new GrpcChannelOptions { HttpHandler = cluster.CreateHttpMessageHandler(fromPod: "client") }))
{
    await CallAsync("Through the ClusterIP (kube-proxy balances connections, gRPC keeps one)", new Greeter.GreeterClient(channel));
}

// 2. K8sNet: the same Service as k8s:///greeter:grpc, a pod picked for every call (P2C).
var services = new ServiceCollection();
services.AddK8sNet()
    .UseFakeCluster(cluster)
    .AddClientContext(o =>
    {
        o.Namespace = "default";
        o.NodeName = "node-1";
        o.ReadFile = _ => null;
    })
    .AddGrpcBalancing();
services.AddGrpcClient<Greeter.GreeterClient>(o => o.Address = new Uri("k8s:///greeter:grpc"));
await using var provider = services.BuildServiceProvider();
var client = provider.GetRequiredService<Greeter.GreeterClient>();
await CallAsync("Through k8s:///greeter:grpc (K8sNet picks a pod per call)", client);

var killed = cluster.List<V1Pod>("default", "app=greeter")[0];
cluster.KillPod(killed.Name());
await cluster.WaitForIdleAsync();
foreach (var p in cluster.List<V1Pod>("default", "app=greeter"))
{
    names.TryAdd(p.Status.PodIP, $"{p.Name()} ({p.Status.PodIP}, {p.Spec.NodeName})");
}

await CallAsync($"After killing {killed.Name()}: its calls retried elsewhere, the replacement in rotation", client);

async Task CallAsync(string what, Greeter.GreeterClient greeter)
{
    var served = new Dictionary<string, int>();
    var failed = 0;
    for (var i = 0; i < 30; i++)
    {
        try
        {
            var reply = await greeter.SayHelloAsync(new HelloRequest { Name = "k8s" }, new CallOptions().WithWaitForReady());
            served[reply.PodIp] = served.GetValueOrDefault(reply.PodIp) + 1;
        }
        catch (RpcException)
        {
            failed++;
        }
    }

    Console.WriteLine();
    Console.WriteLine($"{what}:");
    foreach (var (ip, count) in served.OrderBy(s => s.Key, StringComparer.Ordinal))
    {
        Console.WriteLine($"  {count,2} calls -> {names.GetValueOrDefault(ip, ip)}");
    }

    Console.WriteLine($"  {failed} failed");
}
