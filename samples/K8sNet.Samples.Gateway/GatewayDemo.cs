using System.Collections.Concurrent;
using System.Net;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;

namespace K8sNet.Samples.Gateway;

/// <summary>What the demo saw: requests answered per pod, failures, and the pods left at the end.</summary>
/// <param name="Served">Requests answered, by pod.</param>
/// <param name="Failures">Requests that failed (status or exception), as text.</param>
/// <param name="Pods">The Deployment's pods at the end.</param>
public sealed record GatewayDemoResult(IReadOnlyDictionary<string, int> Served, IReadOnlyList<string> Failures, IReadOnlyList<string> Pods);

/// <summary>YARP with K8sNet destinations in front of a FakeCluster Deployment that is scaled and rolled under traffic.</summary>
public static class GatewayDemo
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

    public static async Task<GatewayDemoResult> RunAsync(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var cluster = new FakeCluster(o => o.NetworkMode = PodNetworkMode.Loopback);
        cluster.Apply(Manifest);
        cluster.Serve("app=orders", (request, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"{request.Pod.Name} {request.Message.Headers.Host}"),
        }), port: 8080, @namespace: "shop");
        await cluster.WaitForIdleAsync();

        // The gateway: YARP, one route, one destination naming the Service; K8sNet turns it into the pods.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddK8sNet().UseFakeCluster(cluster).AddClientContext(o =>
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
        await using var gateway = builder.Build();
        gateway.MapReverseProxy();
        await gateway.StartAsync();
        await output.WriteLineAsync($"gateway {gateway.Urls.First()} -> http://orders.shop (Deployment shop/orders, 3 pods)").ConfigureAwait(false);

        using var http = new HttpClient { BaseAddress = new Uri(gateway.Urls.First()) };
        using var stop = new CancellationTokenSource();
        var served = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentQueue<string>();
        var traffic = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync("/orders").ConfigureAwait(false);
                    var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK || !body.EndsWith(" orders.shop", StringComparison.Ordinal))
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {body}");
                    }
                    else
                    {
                        served.AddOrUpdate(body.Split(' ')[0], 1, (_, n) => n + 1);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToArray();

        await Task.Delay(300).ConfigureAwait(false);
        await ChangeAsync(cluster, output, "scale to 5", d => d.Spec.Replicas = 5).ConfigureAwait(false);
        await ChangeAsync(cluster, output, "roll to orders:2", d => d.Spec.Template.Spec.Containers[0].Image = "orders:2").ConfigureAwait(false);
        await ChangeAsync(cluster, output, "scale to 2", d => d.Spec.Replicas = 2).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(traffic).ConfigureAwait(false);

        var pods = cluster.List<V1Pod>("shop", "app=orders").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        await output.WriteLineAsync($"{served.Values.Sum()} requests through the gateway to {served.Count} pods, {failures.Count} failed; pods now: {string.Join(", ", pods)}").ConfigureAwait(false);
        await gateway.StopAsync().ConfigureAwait(false);
        return new GatewayDemoResult(served, [.. failures], pods);
    }

    private static async Task ChangeAsync(FakeCluster cluster, TextWriter output, string what, Action<V1Deployment> change)
    {
        var deployment = cluster.Get<V1Deployment>("orders", "shop")!;
        change(deployment);
        cluster.Update(deployment);
        for (var i = 0; i < 100; i++)
        {
            await cluster.WaitForIdleAsync().ConfigureAwait(false);
            var d = cluster.Get<V1Deployment>("orders", "shop")!;
            if (d.Status.UpdatedReplicas == d.Spec.Replicas && d.Status.AvailableReplicas == d.Spec.Replicas && d.Status.Replicas == d.Spec.Replicas)
            {
                break;
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"  {what}: done").ConfigureAwait(false);
        await Task.Delay(300).ConfigureAwait(false); // traffic on the new set of pods
    }
}
