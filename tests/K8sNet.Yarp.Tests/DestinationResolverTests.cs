using System.Net;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace K8sNet.Yarp.Tests;

/// <summary>YARP's destinations from K8sNet: a Service's pods, following its EndpointSlices.</summary>
public sealed class DestinationResolverTests : IAsyncLifetime
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders, namespace: shop}
        spec:
          selector: {app: orders}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orders, namespace: shop}
        spec:
          replicas: 3
          selector: {matchLabels: {app: orders}}
          template:
            metadata: {labels: {app: orders}}
            spec:
              terminationGracePeriodSeconds: 30
              containers: [{name: orders, image: orders:1, ports: [{containerPort: 8080}]}]
        """;

    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Manifest);
        _cluster.Serve("app=orders", (request, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"{request.Pod.Name} {request.Message.Headers.Host}"),
        }), port: 8080, @namespace: "shop");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ServiceProvider Resolver()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddK8sNet().UseFakeCluster(_cluster).AddClientContext(o =>
        {
            o.Namespace = "gateway";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        services.AddReverseProxy().AddK8sNetDestinationResolver(o => o.AllowedNamespaces.Add("shop"));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task ServiceDestination_BecomesOnePerPod_WithHostAndMetadata_OthersStayAsTheyAre()
    {
        await using var provider = Resolver();
        var resolver = provider.GetRequiredService<IDestinationResolver>();

        var resolved = await resolver.ResolveDestinationsAsync(new Dictionary<string, DestinationConfig>
        {
            ["orders"] = new() { Address = "http://orders.shop/api/", Metadata = new Dictionary<string, string> { ["team"] = "a" } },
            ["external"] = new() { Address = "https://example.com/" },
        }, default);

        var pods = _cluster.List<V1Pod>("shop", "app=orders");
        Assert.Equal(4, resolved.Destinations.Count);
        Assert.Equal("https://example.com/", resolved.Destinations["external"].Address);
        foreach (var pod in pods)
        {
            var d = resolved.Destinations[$"orders[{pod.Status.PodIP}:8080]"];
            Assert.Equal($"http://{pod.Status.PodIP}:8080/api/", d.Address);
            Assert.Equal("orders.shop", d.Host);
            Assert.Equal(("a", "shop/orders", $"shop/{pod.Metadata.Name}", pod.Spec.NodeName, "true"),
                (d.Metadata!["team"], d.Metadata[K8sNetDestinationMetadata.Service], d.Metadata[K8sNetDestinationMetadata.Pod], d.Metadata[K8sNetDestinationMetadata.Node], d.Metadata[K8sNetDestinationMetadata.Ready]));
            Assert.Equal(_cluster.Get<V1Node>(pod.Spec.NodeName, null)!.Metadata.Labels[WellKnownLabels.Zone], d.Metadata[K8sNetDestinationMetadata.Zone]);
        }

        Assert.NotNull(resolved.ChangeToken);
        Assert.False(resolved.ChangeToken.HasChanged);
        var deployment = _cluster.Get<V1Deployment>("orders", "shop")!;
        deployment.Spec.Replicas = 4;
        _cluster.Update(deployment);
        await _cluster.WaitForIdleAsync();
        var deadline = Task.Delay(TimeSpan.FromSeconds(10));
        while (!resolved.ChangeToken.HasChanged && !deadline.IsCompleted)
        {
            await Task.Delay(10);
        }

        Assert.True(resolved.ChangeToken.HasChanged);

        // As YARP does: resolve again whenever the token fires, until the new pod is ready and in.
        var again = resolved;
        for (var i = 0; i < 100 && again.Destinations.Count(d => d.Key.StartsWith("orders[", StringComparison.Ordinal)) != 4; i++)
        {
            again = await resolver.ResolveDestinationsAsync(new Dictionary<string, DestinationConfig> { ["orders"] = new() { Address = "http://orders.shop" } }, default);
            await Task.Delay(20);
        }

        Assert.Equal(4, again.Destinations.Count);
    }

    [Fact]
    public async Task GatewaySample_ScaledAndRolledWhileTrafficFlows_NoRequestFails()
    {
        using var output = new StringWriter();

        var result = await K8sNet.Samples.Gateway.GatewayDemo.RunAsync(output);

        Assert.Empty(result.Failures);
        Assert.Equal(2, result.Pods.Count);
        Assert.All(result.Pods, p => Assert.True(result.Served.ContainsKey(p), $"{p} served nothing")); // the rolled pods took traffic
        Assert.True(result.Served.Count >= 5, string.Join(", ", result.Served.Keys));
        Assert.Contains("roll to orders:2: done", output.ToString(), StringComparison.Ordinal);
    }
}
