using Grpc.Core;
using k8s.Models;
using K8sNet.Routing;
using K8sNet.Samples.Grpc;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Grpc.Tests;

/// <summary>
/// Real HTTP/2: FakeCluster pods (loopback network) run ASP.NET Core gRPC behind a Service; a client made by
/// <c>AddGrpcClient</c> with address <c>k8s:///greeter:grpc</c> and <c>AddGrpcBalancing</c> balances each call.
/// </summary>
public sealed class GrpcBalancingTests : IAsyncLifetime
{
    internal const string Manifest = """
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
              terminationGracePeriodSeconds: 5
              containers: [{name: greeter, image: example/greeter:1, ports: [{name: grpc, containerPort: 50051}]}]
        """;

    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Manifest);
        _cluster.ServeApp("app=greeter", b => b.Services.AddGrpc(), app => app.MapGrpcService<GreeterService>(), 50051);
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    internal static ServiceProvider Client(FakeCluster cluster, string address = "k8s:///greeter:grpc", Action<K8sNetGrpcOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddK8sNet()
            .UseFakeCluster(cluster)
            .AddClientContext(o =>
            {
                o.Namespace = "default";
                o.NodeName = "node-1";
                o.ReadFile = _ => null;
            })
            .AddGrpcBalancing(configure);
        services.AddGrpcClient<Greeter.GreeterClient>(o => o.Address = new Uri(address));
        return services.BuildServiceProvider();
    }

    private List<string> PodIps() => [.. _cluster.List<V1Pod>("default", "app=greeter").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Status.PodIP).Order(StringComparer.Ordinal)];

    private static async Task<Dictionary<string, int>> CallAsync(Greeter.GreeterClient client, int calls, int parallel = 1, int delayMs = 0, bool waitForReady = false)
    {
        var served = new Dictionary<string, int>();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            for (var i = 0; i < calls / parallel; i++)
            {
                var reply = await client.SayHelloAsync(new HelloRequest { Name = "k8s", DelayMs = delayMs }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)).WithWaitForReady(waitForReady));
                lock (served)
                {
                    served[reply.PodIp] = served.GetValueOrDefault(reply.PodIp) + 1;
                }
            }
        }));
        return served;
    }

    [Fact]
    public async Task Calls_SpreadOverEveryPod_NotOne()
    {
        await using var provider = Client(_cluster);
        var client = provider.GetRequiredService<Greeter.GreeterClient>();

        var served = await CallAsync(client, 90);

        Assert.Equal(PodIps(), served.Keys.Order(StringComparer.Ordinal));
        Assert.All(served.Values, n => Assert.InRange(n, 10, 60));
        var reply = await client.SayHelloAsync(new HelloRequest { Name = "who" });
        Assert.Equal("greeter.default.svc.cluster.local:50051", reply.Authority); // the Service, not the pod's address
    }

    [Fact]
    public async Task TwoChannelsToOneService_ShareItsRouter_InTheServiceFollowingCore()
    {
        var services = new ServiceCollection();
        services.AddK8sNet().UseFakeCluster(_cluster).AddClientContext(o =>
        {
            o.Namespace = "default";
            o.ReadFile = _ => null;
        }).AddGrpcBalancing();
        services.AddGrpcClient<Greeter.GreeterClient>("a", o => o.Address = new Uri("k8s:///greeter:grpc"));
        services.AddGrpcClient<Greeter.GreeterClient>("b", o => o.Address = new Uri("k8s:///greeter.default:grpc"));
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<global::Grpc.Net.ClientFactory.GrpcClientFactory>();

        await CallAsync(factory.CreateClient<Greeter.GreeterClient>("a"), 6);
        await CallAsync(factory.CreateClient<Greeter.GreeterClient>("b"), 6);

        var pool = provider.GetRequiredService<ServiceRouterPool>();
        Assert.Equal(1, pool.Count); // one router: one policy and one outlier detector see both channels' calls
        var router = Assert.Single(pool.Routers);
        Assert.Equal(12, router.Sets.Values.Sum(set => set.All.Sum(e => e.Stats.Completed))); // each call was picked by the router, none by a policy of the channel's own
    }

    [Fact]
    public async Task ScaleUp_NewPodsJoinTheRotation_WithoutANewChannel()
    {
        await using var provider = Client(_cluster);
        var client = provider.GetRequiredService<Greeter.GreeterClient>();
        Assert.Equal(3, (await CallAsync(client, 30)).Count);

        _cluster.Apply(Manifest.Replace("replicas: 3", "replicas: 5", StringComparison.Ordinal));
        await _cluster.WaitForIdleAsync();

        var served = new HashSet<string>();
        for (var round = 0; round < 50 && served.Count < 5; round++)
        {
            served.UnionWith((await CallAsync(client, 20)).Keys);
        }

        Assert.Equal(PodIps(), served.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task KilledPod_CostsNoFailedUnaryCall_WithWaitForReady()
    {
        // A kill closes the pod's connections under them: the calls on them fail Unavailable and gRPC retries them
        // (K8sNetGrpcOptions.MaxAttempts, each try picked afresh); the next calls, with wait-for-ready, go to the pods
        // that remain, then to the replacement.
        await using var provider = Client(_cluster);
        var client = provider.GetRequiredService<Greeter.GreeterClient>();
        await CallAsync(client, 30);
        using var stop = new CancellationTokenSource();
        var failures = new List<string>();
        var calls = 0;
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.SayHelloAsync(new HelloRequest { Name = "k8s" }, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)).WithWaitForReady(true));
                    Interlocked.Increment(ref calls);
                }
                catch (RpcException e)
                {
                    lock (failures)
                    {
                        failures.Add(e.Status.ToString());
                    }
                }
            }
        })));

        await UntilAsync(() => Volatile.Read(ref calls) >= 40); // the load is running
        _cluster.KillPod(_cluster.List<V1Pod>("default", "app=greeter")[0].Name());
        await _cluster.WaitForIdleAsync();
        var atKillCalls = Volatile.Read(ref calls);
        await UntilAsync(() => Volatile.Read(ref calls) >= atKillCalls + 40); // the calls the kill cut short are done with
        List<string> atKill;
        lock (failures)
        {
            atKill = [.. failures];
            failures.Clear();
        }

        var before = Volatile.Read(ref calls);
        await UntilAsync(() => Volatile.Read(ref calls) - before > 150);
        await stop.CancelAsync();
        await load;

        Assert.True(atKill.Count == 0, $"{atKill.Count} calls failed at the kill: {string.Join(" | ", atKill.Distinct())}");
        Assert.True(failures.Count == 0, $"{failures.Count} calls failed after the kill: {string.Join(" | ", failures.Distinct())}");
        Assert.True(calls - before > 100, $"only {calls - before} calls after the kill");
        Assert.Equal(PodIps(), (await CallAsync(client, 60)).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SlowedPod_GetsASmallerShare_WithP2CThanWithRoundRobin()
    {
        var slow = _cluster.List<V1Pod>("default", "app=greeter")[0];
        _cluster.SlowPod(slow.Name(), TimeSpan.FromMilliseconds(40));
        await using var p2c = Client(_cluster);
        await using var roundRobin = Client(_cluster, configure: o => o.Policy = LoadBalancingPolicy.RoundRobin);

        var withP2C = await CallAsync(p2c.GetRequiredService<Greeter.GreeterClient>(), 240, parallel: 8);
        var withRoundRobin = await CallAsync(roundRobin.GetRequiredService<Greeter.GreeterClient>(), 240, parallel: 8);

        var p2cShare = withP2C.GetValueOrDefault(slow.Status.PodIP) / 240.0;
        var rrShare = withRoundRobin.GetValueOrDefault(slow.Status.PodIP) / 240.0;
        Assert.InRange(rrShare, 0.25, 0.42); // a third, whatever its speed
        Assert.True(p2cShare < rrShare / 2, $"P2C gave the slow pod {p2cShare:P0}, RoundRobin {rrShare:P0}");
    }

    [Fact]
    public async Task TerminatingPod_GetsNoNewCalls_WhileItsInFlightCallFinishes()
    {
        await using var provider = Client(_cluster);
        var client = provider.GetRequiredService<Greeter.GreeterClient>();
        await CallAsync(client, 30);
        using var inFlight = client.SayHelloAsync(new HelloRequest { Name = "long", DelayMs = 1500 });
        var target = (await WhichPodAsync(inFlight)) ?? throw new InvalidOperationException("no pod"); // its headers: it is in flight

        _cluster.Delete<V1Pod>(_cluster.List<V1Pod>("default", "app=greeter").Single(p => p.Status.PodIP == target).Name(), gracePeriodSeconds: 5);
        await _cluster.WaitForIdleAsync();
        var pool = provider.GetRequiredService<ServiceRouterPool>();
        await UntilAsync(() => !pool.Routers.Any(r => r.Sets.Values.Any(set => set.Eligible.Any(e => e.EndPoint.Address.ToString() == target)))); // the core dropped it
        var served = await CallAsync(client, 40);
        var reply = await inFlight;

        Assert.DoesNotContain(target, served.Keys);
        Assert.Equal(target, reply.PodIp);
    }

    [Fact]
    public async Task OpenStream_CountsAsOutstandingUntilItEnds_SoP2CSendsItsPodNoUnaryCall()
    {
        // gRPC's own call tracker would end the stream's count at its response headers; K8sNetGrpcHandler ends it at
        // the stream's end, so P2C (least outstanding of two) keeps unary calls off the busy pod.
        await using var provider = Client(_cluster);
        var client = provider.GetRequiredService<Greeter.GreeterClient>();
        await CallAsync(client, 30);
        using var stream = client.Stream(new StreamRequest { Count = 30, IntervalMs = 100 });
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        var busy = stream.ResponseStream.Current.PodIp;

        var served = await CallAsync(client, 60);

        Assert.Equal(0, served.GetValueOrDefault(busy));
        Assert.Equal(2, served.Count);
    }

    [Fact]
    public async Task UnknownServiceOrPort_FailWithAStatusThatSaysSo()
    {
        await using var noService = Client(_cluster, "k8s:///nope:grpc");
        await using var noPort = Client(_cluster, "k8s:///greeter:http");

        var missing = await Assert.ThrowsAsync<RpcException>(async () => await noService.GetRequiredService<Greeter.GreeterClient>().SayHelloAsync(new HelloRequest()));
        var port = await Assert.ThrowsAsync<RpcException>(async () => await noPort.GetRequiredService<Greeter.GreeterClient>().SayHelloAsync(new HelloRequest()));

        Assert.Equal(StatusCode.Unavailable, missing.StatusCode);
        Assert.Contains("default/nope", missing.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, port.StatusCode);
        Assert.Contains("grpc", port.Status.Detail, StringComparison.Ordinal);
    }

    // Until the condition holds (a signal of the system under test), within a generous bound.
    private static async Task UntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    // The pod a unary call went to, from its response headers (FakeCluster names the pod).
    private async Task<string?> WhichPodAsync(AsyncUnaryCall<HelloReply> call)
    {
        var headers = await call.ResponseHeadersAsync;
        return headers.GetValue(FakeClusterHeaders.PodIP.ToLowerInvariant());
    }
}
