using System.Net;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
    public async Task GatewayInFrontOfADeployment_ScaledAndRolledWhileTrafficFlows_NoRequestFails()
    {
        await using var gateway = await StartGatewayAsync();
        using var http = new HttpClient { BaseAddress = gateway.Address };
        using var stop = new CancellationTokenSource();
        var served = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var traffic = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync("/orders");
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {body}");
                    }
                    else
                    {
                        served.AddOrUpdate(body.Split(' ')[0], 1, (_, n) => n + 1);
                        Assert.EndsWith(" orders.shop", body, StringComparison.Ordinal);
                    }
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToArray();

        await Task.Delay(300);
        await ChangeDeploymentAsync(d => d.Spec.Replicas = 5);                                // scale up
        await ChangeDeploymentAsync(d => d.Spec.Template.Spec.Containers[0].Image = "orders:2"); // rolling update
        await ChangeDeploymentAsync(d => d.Spec.Replicas = 2);                                // scale down
        await stop.CancelAsync();
        await Task.WhenAll(traffic);

        Assert.Empty(failures);
        var current = _cluster.List<V1Pod>("shop", "app=orders").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).ToList();
        Assert.Equal(2, current.Count);
        Assert.All(current, p => Assert.True(served.ContainsKey(p), $"{p} served nothing")); // the rolled pods took traffic
        Assert.True(served.Count >= 5, string.Join(", ", served.Keys));
    }

    private async Task ChangeDeploymentAsync(Action<V1Deployment> change)
    {
        var deployment = _cluster.Get<V1Deployment>("orders", "shop")!;
        change(deployment);
        _cluster.Update(deployment);
        for (var i = 0; i < 100; i++)
        {
            await _cluster.WaitForIdleAsync();
            var d = _cluster.Get<V1Deployment>("orders", "shop")!;
            if (d.Status.UpdatedReplicas == d.Spec.Replicas && d.Status.AvailableReplicas == d.Spec.Replicas && d.Status.Replicas == d.Spec.Replicas)
            {
                break;
            }

            await Task.Delay(50);
        }

        await Task.Delay(300); // traffic on the new set of pods
    }

    private async Task<Gateway> StartGatewayAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddK8sNet().UseFakeCluster(_cluster).AddClientContext(o =>
        {
            o.Namespace = "gateway";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [new RouteConfig { RouteId = "orders", ClusterId = "orders", Match = new RouteMatch { Path = "/orders/{**rest}" } }],
                [new ClusterConfig { ClusterId = "orders", Destinations = new Dictionary<string, DestinationConfig> { ["orders"] = new() { Address = "http://orders.shop" } } }])
            .AddK8sNetDestinationResolver(o => o.AllowedNamespaces.Add("shop"));
        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync();
        return new Gateway(app, new Uri(app.Urls.First()));
    }

    private sealed record Gateway(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
