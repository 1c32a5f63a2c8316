using System.Net;
using K8sNet;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Samples.Tour;

/// <summary>
/// K8sNet.Routing at work on an in-memory endpoint source: an HttpClient whose requests for http://orders.shop go
/// straight to pods, through a transport that plays the pods (until FakeCluster lands, the pods are simulated here).
/// </summary>
internal static class RoutingTour
{
    private static readonly ServiceName Orders = new("shop", "orders");

    public static async Task RunAsync()
    {
        var source = new InMemoryEndpointSource();
        var pods = new SimulatedPods();
        var services = new ServiceCollection();
        services.AddK8sNet()
            .AddInMemoryEndpoints(source)
            .AddClientContext(o =>
            {
                o.Namespace = "web";
                o.NodeName = "node-a";
                o.Zone = "zone-1";
                o.ReadFile = _ => null;
            });
        services.AddHttpClient("orders")
            .AddK8sNetServiceDiscovery(o =>
            {
                o.AllowedNamespaces.Add("shop");
                o.OutlierDetection.ConsecutiveFailures = 3;
                o.OutlierDetection.MaxEjectionPercent = 50;
            })
            .ConfigurePrimaryHttpMessageHandler(() => pods);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        Console.WriteLine();
        Console.WriteLine("Routing: requests for http://orders.shop/ go straight to pods (P2C), no ClusterIP in between.");
        Publish(source, ("10.244.1.5", "node-a", true), ("10.244.2.7", "node-b", true), ("10.244.3.9", "node-c", true));
        await SendAsync(client, pods, 30, "three ready pods");

        Publish(source, ("10.244.1.5", "node-a", true), ("10.244.2.7", "node-b", false), ("10.244.3.9", "node-c", true));
        await SendAsync(client, pods, 30, "10.244.2.7 terminating (its slice says ready=false, terminating=true)");

        Publish(source, ("10.244.1.5", "node-a", true), ("10.244.2.7", "node-b", true), ("10.244.3.9", "node-c", true));
        pods.Refusing.Add("10.244.3.9");
        await SendAsync(client, pods, 30, "10.244.3.9 refuses connections: retried on another pod, then ejected");
    }

    private static void Publish(InMemoryEndpointSource source, params (string Ip, string Node, bool Ready)[] endpoints) =>
        source.Set(
            Orders,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromName("web"))] },
            new EndpointSliceInfo("orders-7xk2p", AddressType.IPv4, [new EndpointPort("http", 8080)],
                [.. endpoints.Select(e => new Endpoint(e.Ip, e.Ready ? EndpointConditions.ReadyEndpoint : new EndpointConditions(false, true, true)) { NodeName = e.Node })]));

    private static async Task SendAsync(HttpClient client, SimulatedPods pods, int count, string what)
    {
        await Task.Delay(50); // let the watch deliver the new slice
        pods.Served.Clear();
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            try
            {
                using var response = await client.GetAsync("http://orders.shop/items");
                response.EnsureSuccessStatusCode();
            }
            catch (HttpRequestException)
            {
                failed++;
            }
        }

        var spread = string.Join(", ", pods.Served.GroupBy(s => s).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"));
        Console.WriteLine($"  {what}:");
        Console.WriteLine($"    {count} requests -> {spread}; {pods.Refused} connection(s) refused and retried; {failed} failed");
        pods.Refused = 0;
    }

    private sealed class SimulatedPods : HttpMessageHandler
    {
        public HashSet<string> Refusing { get; } = [];

        public List<string> Served { get; } = [];

        public int Refused { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var pod = request.RequestUri!.Host;
            lock (Served)
            {
                if (Refusing.Contains(pod))
                {
                    Refused++;
                    throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({pod}:{request.RequestUri.Port})");
                }

                Served.Add(pod);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"served by {pod}, Host: {request.Headers.Host}") });
        }
    }
}
