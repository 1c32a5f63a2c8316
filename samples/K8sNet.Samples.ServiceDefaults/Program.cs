using System.Net;
using System.Text.Json;
using k8s.Models;
using K8sNet.AspNetCore;
using K8sNet.Samples.ServiceDefaults;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

// An app wired as Aspire's service defaults wire one (service discovery and resilience on every HttpClient,
// OpenTelemetry, health endpoints), running against a FakeCluster: K8sNet adds three lines, and http://orders.shop
// reaches the Service's pods, one request at a time, instead of its ClusterIP.
await using var cluster = new FakeCluster(o => o.NetworkMode = PodNetworkMode.Loopback);
cluster.Apply("""
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
          containers: [{name: orders, image: orders:1, ports: [{containerPort: 8080}]}]
    """);
cluster.Serve("app=orders", (request, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
{
    Content = new StringContent(request.Pod.Name),
}), port: 8080, @namespace: "shop");
await cluster.WaitForIdleAsync();

var metrics = new List<Metric>();
var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddServiceDefaults(metrics);

// K8sNet: the cluster (in production: .AddKubernetesEndpoints()), Service names through M.E.ServiceDiscovery, health.
builder.Services.AddK8sNet(builder.Configuration.GetSection("K8sNet")).UseFakeCluster(cluster);
builder.Services.AddK8sNetServiceEndpointProvider(o => o.AllowedNamespaces.Add("shop"));
builder.Services.AddHealthChecks().AddK8sNetEndpoints();

// And, for per-request P2C, outlier ejection and a retry on another pod, K8sNet's handler on the client that wants it.
builder.Services.AddHttpClient("orders-balanced").AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapK8sNetDiagnostics("/k8snet"); // where requests went, per pod (keep it internal in production)
app.MapGet("/order-pods", async (IHttpClientFactory clients, string? client) =>
{
    var http = clients.CreateClient(client ?? "orders");
    var pods = new List<string>();
    for (var i = 0; i < 9; i++)
    {
        pods.Add(await http.GetStringAsync("http://orders.shop/"));
    }

    return pods.GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
});
await app.StartAsync();

using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
Console.WriteLine("M.E.ServiceDiscovery + K8sNet's provider (round robin over the pods):");
Console.WriteLine("  " + await http.GetStringAsync("/order-pods"));
Console.WriteLine("K8sNet's handler too (P2C per request, ejection, retry elsewhere):");
Console.WriteLine("  " + await http.GetStringAsync("/order-pods?client=orders-balanced"));
var health = await http.GetAsync("/health");
Console.WriteLine($"GET /health -> {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");

app.Services.GetRequiredService<MeterProvider>().ForceFlush();
var requests = metrics.FirstOrDefault(m => m.Name == "http.client.request.duration");
if (requests is not null)
{
    Console.WriteLine("OpenTelemetry http.client.request.duration series (server.address):");
    foreach (ref readonly var point in requests.GetMetricPoints())
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == "server.address")
            {
                Console.WriteLine($"  {tag.Value}: {point.GetHistogramCount()} request(s)");
            }
        }
    }
}

Console.WriteLine("GET /k8snet/text:");
Console.WriteLine(await http.GetStringAsync("/k8snet/text"));

await app.StopAsync();
