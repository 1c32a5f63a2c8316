using System.Net;
using K8sNet;
using K8sNet.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.ServiceDiscovery;

// K8sNet's request path in a native-AOT executable: options bound and validated from configuration, the HttpClient
// handler routing to pods, Microsoft.Extensions.ServiceDiscovery resolving through K8sNet, all over an in-memory source
// (a pod's traffic is answered in process, so the sample needs no cluster and no network).
var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
{
    ["K8sNet:AllowedNamespaces:0"] = "shop",
    ["K8sNet:Routing:Policy"] = "PeakEwma",
    ["K8sNet:Clients:orders:MaxRetries"] = "1",
});

var source = new InMemoryEndpointSource();
source.Set(
    new ServiceName("shop", "orders"),
    new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] },
    new EndpointSliceInfo("orders-a", AddressType.IPv4, [new EndpointPort("http", 8080)],
        [new Endpoint("10.244.1.5", EndpointConditions.ReadyEndpoint), new Endpoint("10.244.2.7", EndpointConditions.ReadyEndpoint)]));

builder.Services.AddK8sNet(builder.Configuration.GetSection("K8sNet"))
    .AddInMemoryEndpoints(source)
    .AddClientContext(o =>
    {
        o.Namespace = "web";
        o.ReadFile = _ => null;
    });
builder.Services.AddServiceDiscovery().AddK8sNetServiceEndpointProvider();
builder.Services.AddHttpClient("orders")
    .AddK8sNetServiceDiscovery()
    .ConfigurePrimaryHttpMessageHandler(() => new PodsInProcess());

using var host = builder.Build();
await host.StartAsync();

var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
for (var i = 0; i < 4; i++)
{
    Console.WriteLine($"GET http://orders.shop/ -> {await client.GetStringAsync("http://orders.shop/")}");
}

var endpoints = await host.Services.GetRequiredService<ServiceEndpointResolver>().GetEndpointsAsync("http://orders.shop", CancellationToken.None);
Console.WriteLine($"M.E.ServiceDiscovery: orders.shop -> {string.Join(", ", endpoints.Endpoints.Select(e => e.EndPoint))}");
Console.WriteLine($"policy {host.Services.GetRequiredService<ServiceRouterPool>().Routers.First(r => r.Profile.Name == "http:orders").PolicyName}");
await host.StopAsync();

/// <summary>The pods, answered in process: the address the request reached, and the Host it kept.</summary>
internal sealed class PodsInProcess : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"pod {request.RequestUri!.Authority} (Host: {request.Headers.Host})"),
        });
}
