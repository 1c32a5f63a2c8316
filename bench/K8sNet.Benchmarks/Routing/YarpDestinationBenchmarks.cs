using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace K8sNet.Benchmarks.Routing;

/// <summary>
/// One request through YARP on loopback (issue 19): a cluster with two static destinations (the baseline) against a
/// cluster whose one destination, <c>http://orders.shop</c>, K8sNet resolves into the Service's two pods. The
/// destinations answer in memory, so both rows are YARP's pipeline and loopback HTTP: the resolver is not on the
/// request path, and the rows should match.
/// </summary>
public class YarpDestinationBenchmarks
{
    private WebApplication _proxy = null!;
    private HttpClient _client = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var source = new InMemoryEndpointSource();
        source.Set(
            BenchData.Service,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] },
            new EndpointSliceInfo("a", AddressType.IPv4, [new EndpointPort("http", 8080)],
                [new Endpoint("10.244.1.5", EndpointConditions.ReadyEndpoint), new Endpoint("10.244.1.6", EndpointConditions.ReadyEndpoint)]));

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddK8sNet().AddInMemoryEndpoints(source).AddClientContext(o =>
        {
            o.Namespace = "gateway";
            o.ReadFile = _ => null;
        });
        builder.Services.AddSingleton<IForwarderHttpClientFactory, InMemoryDestinations>();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(
                [
                    new RouteConfig { RouteId = "static", ClusterId = "static", Match = new RouteMatch { Path = "/static/{**rest}" } },
                    new RouteConfig { RouteId = "k8s", ClusterId = "k8s", Match = new RouteMatch { Path = "/k8s/{**rest}" } },
                ],
                [
                    new ClusterConfig
                    {
                        ClusterId = "static",
                        Destinations = new Dictionary<string, DestinationConfig>
                        {
                            ["a"] = new() { Address = "http://10.244.1.5:8080" },
                            ["b"] = new() { Address = "http://10.244.1.6:8080" },
                        },
                    },
                    new ClusterConfig { ClusterId = "k8s", Destinations = new Dictionary<string, DestinationConfig> { ["orders"] = new() { Address = "http://orders.shop" } } },
                ])
            .AddK8sNetDestinationResolver(o => o.AllowedNamespaces.Add("shop"));
        _proxy = builder.Build();
        _proxy.MapReverseProxy();
        await _proxy.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_proxy.Urls.First()) };
        for (var i = 0; i < 50; i++)
        {
            await StaticDestinations();
            await K8sNetDestinations();
        }
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        _client.Dispose();
        await _proxy.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<string> StaticDestinations() => _client.GetStringAsync("/static/items");

    [Benchmark]
    public Task<string> K8sNetDestinations() => _client.GetStringAsync("/k8s/items");

    /// <summary>YARP's outgoing client, answered in memory with the destination it reached.</summary>
    private sealed class InMemoryDestinations : IForwarderHttpClientFactory
    {
        public HttpMessageInvoker CreateClient(ForwarderHttpClientContext context) => new(new Answer());

        private sealed class Answer : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(request.RequestUri!.Authority) });
        }
    }
}
