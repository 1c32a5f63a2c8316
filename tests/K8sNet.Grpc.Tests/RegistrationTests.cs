using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.ClientFactory;
using K8sNet.Samples.Grpc;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8sNet.Grpc.Tests;

/// <summary>AddGrpcBalancing's registrations, the options' rules, and a headless Service through <c>k8s:///</c>.</summary>
public sealed class RegistrationTests
{
    [Fact]
    public async Task AddGrpcBalancing_Twice_RegistersEachFactoryOnce_AndSetsUpK8sClientsOnly()
    {
        await using var cluster = new FakeCluster();
        var services = new ServiceCollection();
        services.AddK8sNet().UseFakeCluster(cluster).AddGrpcBalancing().AddGrpcBalancing(o => o.UseTls = true);
        services.AddGrpcClient<Greeter.GreeterClient>("k8s", o => o.Address = new Uri("k8s:///greeter:grpc"));
        services.AddGrpcClient<Greeter.GreeterClient>("plain", o => o.Address = new Uri("http://localhost:5000"));
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<ResolverFactory>(), f => f is K8sNetResolverFactory);
        Assert.Single(provider.GetServices<LoadBalancerFactory>(), f => f is K8sNetLoadBalancerFactory);
        var monitor = provider.GetRequiredService<IOptionsMonitor<GrpcClientFactoryOptions>>();
        var k8s = new global::Grpc.Net.Client.GrpcChannelOptions();
        foreach (var action in monitor.Get("k8s").ChannelOptionsActions)
        {
            action(k8s);
        }

        var plain = new global::Grpc.Net.Client.GrpcChannelOptions();
        foreach (var action in monitor.Get("plain").ChannelOptionsActions)
        {
            action(plain);
        }

        Assert.Same(ChannelCredentials.SecureSsl, k8s.Credentials);
        Assert.Equal(K8sNetLoadBalancerFactory.PolicyName, Assert.Single(k8s.ServiceConfig!.LoadBalancingConfigs).PolicyName);
        Assert.Equal(5, Assert.Single(k8s.ServiceConfig.MethodConfigs).RetryPolicy!.MaxAttempts);
        Assert.Null(plain.Credentials);
        Assert.Null(plain.ServiceConfig);
    }

    [Fact]
    public void Options_MaxAttemptsBelowOne_IsRejectedNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new K8sNetGrpcOptions { MaxAttempts = 0 }.CreateServiceConfig());

        Assert.Contains("K8sNetGrpcOptions.MaxAttempts", e.Message, StringComparison.Ordinal);
        Assert.Empty(new K8sNetGrpcOptions { MaxAttempts = 1 }.CreateServiceConfig().MethodConfigs);
    }

    [Fact]
    public async Task HeadlessService_IsBalancedToo()
    {
        await using var cluster = new FakeCluster(o => o.NetworkMode = PodNetworkMode.Loopback);
        cluster.Apply(GrpcBalancingTests.Manifest.Replace("metadata: {name: greeter}\nspec:\n  selector", "metadata: {name: greeter}\nspec:\n  clusterIP: None\n  selector", StringComparison.Ordinal));
        cluster.ServeApp("app=greeter", b => b.Services.AddGrpc(), app => app.MapGrpcService<GreeterService>(), 50051);
        await cluster.WaitForIdleAsync();
        Assert.Equal("None", cluster.Get<k8s.Models.V1Service>("greeter")!.Spec.ClusterIP);
        await using var provider = GrpcBalancingTests.Client(cluster, "k8s:///greeter.default:grpc");
        var client = provider.GetRequiredService<Greeter.GreeterClient>();

        var pods = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            pods.Add((await client.SayHelloAsync(new HelloRequest { Name = "h" })).PodIp);
        }

        Assert.Equal(3, pods.Count);
    }

    [Fact]
    public async Task ThroughTheKubernetesSource_OverTheFakeApiServer_CallsReachEveryPod()
    {
        await using var cluster = new FakeCluster(o => o.NetworkMode = PodNetworkMode.Loopback);
        cluster.Apply(GrpcBalancingTests.Manifest);
        cluster.ServeApp("app=greeter", b => b.Services.AddGrpc(), app => app.MapGrpcService<GreeterService>(), 50051);
        await cluster.WaitForIdleAsync();
        await cluster.StartApiServerAsync();
        var services = new ServiceCollection();
        services.AddSingleton(cluster.CreateKubernetesClient());
        services.AddK8sNet()
            .AddKubernetesEndpoints()
            .AddClientContext(o =>
            {
                o.Namespace = "default";
                o.ReadFile = _ => null;
            })
            .AddGrpcBalancing();
        services.AddGrpcClient<Greeter.GreeterClient>(o => o.Address = new Uri("k8s:///greeter:grpc"));
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<Greeter.GreeterClient>();

        var pods = new HashSet<string>();
        for (var i = 0; i < 60; i++)
        {
            pods.Add((await client.SayHelloAsync(new HelloRequest { Name = "api" }, new CallOptions().WithWaitForReady())).PodIp);
        }

        Assert.Equal(3, pods.Count);
    }

    [Fact]
    public async Task ConsistentHash_ByAMetadataKey_KeepsAKeyOnOnePod()
    {
        await using var cluster = new FakeCluster(o => o.NetworkMode = PodNetworkMode.Loopback);
        cluster.Apply(GrpcBalancingTests.Manifest);
        cluster.ServeApp("app=greeter", b => b.Services.AddGrpc(), app => app.MapGrpcService<GreeterService>(), 50051);
        await cluster.WaitForIdleAsync();
        await using var provider = GrpcBalancingTests.Client(cluster, configure: o =>
        {
            o.Policy = K8sNet.Routing.LoadBalancingPolicy.ConsistentHash;
            o.HashKeyMetadata = "x-user";
        });
        var client = provider.GetRequiredService<Greeter.GreeterClient>();
        var answered = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 300 && answered.Count < 3; i++)
        {
            // Until every pod has answered: each connection is ready, so the ring no longer changes under the keys.
            answered.Add((await client.SayHelloAsync(new HelloRequest { Name = "warm-up" }, new CallOptions().WithWaitForReady())).PodIp);
        }

        Assert.Equal(3, answered.Count);

        var byUser = new Dictionary<string, HashSet<string>>();
        for (var i = 0; i < 120; i++)
        {
            var user = "user-" + (i % 12);
            var reply = await client.SayHelloAsync(new HelloRequest { Name = user }, new Metadata { { "x-user", user } });
            (byUser.TryGetValue(user, out var set) ? set : byUser[user] = []).Add(reply.PodIp);
        }

        Assert.All(byUser.Values, pods => Assert.Single(pods));
        Assert.True(byUser.Values.Select(p => p.Single()).Distinct().Count() >= 2, "12 keys over 3 pods use more than one pod");
    }
}
