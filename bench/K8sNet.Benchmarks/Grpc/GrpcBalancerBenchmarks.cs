using System.Net;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using K8sNet.Grpc;
using K8sNet.Samples.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sNet.Benchmarks.Grpc;

/// <summary>
/// One unary gRPC call over real HTTP/2 on loopback to three in-process Kestrel servers, through gRPC's built-in
/// round_robin over a static resolver (the baseline) and through K8sNet's <c>k8s</c> balancer (P2C and RoundRobin, with
/// <see cref="K8sNetGrpcHandler"/> counting each call to its end) over the same resolver: the balancer's overhead per call.
/// </summary>
public class GrpcBalancerBenchmarks
{
    private readonly List<WebApplication> _servers = [];
    private GrpcChannel _builtIn = null!;
    private GrpcChannel _k8sNetP2C = null!;
    private GrpcChannel _k8sNetRoundRobin = null!;
    private Greeter.GreeterClient _builtInClient = null!;
    private Greeter.GreeterClient _p2cClient = null!;
    private Greeter.GreeterClient _roundRobinClient = null!;
    private readonly HelloRequest _request = new() { Name = "bench" };

    [GlobalSetup]
    public void Setup()
    {
        var addresses = new List<BalancerAddress>();
        for (var i = 0; i < 3; i++)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddGrpc();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            var app = builder.Build();
            app.MapGrpcService<BenchGreeter>();
            app.StartAsync().GetAwaiter().GetResult();
            _servers.Add(app);
            var uri = new Uri(app.Urls.First());
            addresses.Add(new BalancerAddress(uri.Host, uri.Port));
        }

        _builtIn = Channel(addresses, new LoadBalancingConfig("round_robin"), null, handler: new SocketsHttpHandler { EnableMultipleHttp2Connections = true });
        _k8sNetP2C = Channel(addresses, new LoadBalancingConfig(K8sNetLoadBalancerFactory.PolicyName), new K8sNetGrpcOptions(), new K8sNetGrpcHandler(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }));
        _k8sNetRoundRobin = Channel(addresses, new LoadBalancingConfig(K8sNetLoadBalancerFactory.PolicyName), new K8sNetGrpcOptions { Policy = K8sNet.Routing.LoadBalancingPolicy.RoundRobin }, new K8sNetGrpcHandler(new SocketsHttpHandler { EnableMultipleHttp2Connections = true }));
        _builtInClient = new Greeter.GreeterClient(_builtIn);
        _p2cClient = new Greeter.GreeterClient(_k8sNetP2C);
        _roundRobinClient = new Greeter.GreeterClient(_k8sNetRoundRobin);
        foreach (var client in new[] { _builtInClient, _p2cClient, _roundRobinClient })
        {
            for (var i = 0; i < 30; i++)
            {
                client.SayHello(_request, new CallOptions().WithWaitForReady()); // connect every subchannel
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _builtIn.Dispose();
        _k8sNetP2C.Dispose();
        _k8sNetRoundRobin.Dispose();
        foreach (var s in _servers)
        {
            s.StopAsync().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public async Task<HelloReply> BuiltInRoundRobin() => await _builtInClient.SayHelloAsync(_request);

    [Benchmark]
    public async Task<HelloReply> K8sNetPowerOfTwoChoices() => await _p2cClient.SayHelloAsync(_request);

    [Benchmark]
    public async Task<HelloReply> K8sNetRoundRobin() => await _roundRobinClient.SayHelloAsync(_request);

    private static GrpcChannel Channel(List<BalancerAddress> addresses, LoadBalancingConfig policy, K8sNetGrpcOptions? options, HttpMessageHandler handler)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new StaticResolverFactory(_ => addresses));
        if (options is not null)
        {
            services.AddSingleton<LoadBalancerFactory>(new K8sNetLoadBalancerFactory(options));
        }

        return GrpcChannel.ForAddress("static:///greeter", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { policy } },
            ServiceProvider = services.BuildServiceProvider(),
            HttpHandler = handler,
        });
    }

    private sealed class BenchGreeter : Greeter.GreeterBase
    {
        private static readonly HelloReply Reply = new() { Message = "hello" };

        public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) => Task.FromResult(Reply);
    }
}
