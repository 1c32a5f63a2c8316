using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Benchmarks.Routing;

/// <summary>
/// One request through each way an app reaches a Service, the same in-memory terminal behind each (issue 19): M.E.SD
/// alone with the Service's ClusterIP from configuration (the baseline: what an Aspire app does on Kubernetes today);
/// M.E.SD with K8sNet's provider (the pods); K8sNet's handler; and both handlers on one client, as an Aspire app's
/// service defaults plus K8sNet's handler put them (K8sNet first, M.E.SD passing the pod address through).
/// </summary>
public class ServiceDiscoveryBenchmarks
{
    private static readonly Uri ClusterIpUri = new("http://orders/api/items");
    private static readonly Uri ServiceUri = new("http://orders.shop/api/items");
    private HttpMessageInvoker _clusterIp = null!;
    private HttpMessageInvoker _provider = null!;
    private HttpMessageInvoker _providerNoHostName = null!;
    private HttpMessageInvoker _handler = null!;
    private HttpMessageInvoker _both = null!;
    private ServiceProvider _services = null!;
    private ServiceProvider _noHostNameServices = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        var source = new InMemoryEndpointSource();
        source.Set(
            BenchData.Service,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80)] },
            new EndpointSliceInfo("a", AddressType.IPv4, [new EndpointPort("http", 8080)],
                [new Endpoint("10.244.1.5", EndpointConditions.ReadyEndpoint), new Endpoint("10.244.1.6", EndpointConditions.ReadyEndpoint)]));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:orders:http:0"] = "10.96.0.20:80",
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddK8sNet().AddInMemoryEndpoints(source).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
        });
        services.AddServiceDiscovery().AddK8sNetServiceEndpointProvider(o => o.AllowedNamespaces.Add("shop"));
        var noHostName = new ServiceCollection();
        services.AddHttpClient("clusterip").RemoveAllLoggers().AddServiceDiscovery();
        services.AddHttpClient("provider").RemoveAllLoggers().AddServiceDiscovery();
        services.AddHttpClient("handler").RemoveAllLoggers().AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        services.AddHttpClient("both").RemoveAllLoggers().AddServiceDiscovery().AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        _services = services.BuildServiceProvider();
        var factory = _services.GetRequiredService<IHttpMessageHandlerFactory>();
        _clusterIp = new HttpMessageInvoker(HandlerBenchmarks.Wrap(factory.CreateHandler("clusterip")));
        _provider = new HttpMessageInvoker(HandlerBenchmarks.Wrap(factory.CreateHandler("provider")));
        _handler = new HttpMessageInvoker(HandlerBenchmarks.Wrap(factory.CreateHandler("handler")));
        _both = new HttpMessageInvoker(HandlerBenchmarks.Wrap(factory.CreateHandler("both")));

        // The provider without the Host header it sets by default (IHostNameFeature), which M.E.SD writes per request:
        // the same work as the configuration provider's.
        noHostName.AddSingleton<IConfiguration>(configuration);
        noHostName.AddK8sNet().AddInMemoryEndpoints(source).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
        });
        noHostName.AddServiceDiscovery().AddK8sNetServiceEndpointProvider(o =>
        {
            o.AllowedNamespaces.Add("shop");
            o.KeepHostName = false;
        });
        noHostName.AddHttpClient("provider").RemoveAllLoggers().AddServiceDiscovery();
        _noHostNameServices = noHostName.BuildServiceProvider();
        _providerNoHostName = new HttpMessageInvoker(HandlerBenchmarks.Wrap(_noHostNameServices.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("provider")));

        for (var i = 0; i < 10; i++)
        {
            (await ServiceDiscoveryClusterIp()).Dispose();
            (await ServiceDiscoveryK8sNetProvider()).Dispose();
            (await ServiceDiscoveryK8sNetProviderWithoutHostName()).Dispose();
            (await K8sNetHandler()).Dispose();
            (await BothHandlers()).Dispose();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _noHostNameServices.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> ServiceDiscoveryClusterIp() => _clusterIp.SendAsync(new HttpRequestMessage(HttpMethod.Get, ClusterIpUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> ServiceDiscoveryK8sNetProvider() => _provider.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> ServiceDiscoveryK8sNetProviderWithoutHostName() => _providerNoHostName.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> K8sNetHandler() => _handler.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> BothHandlers() => _both.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);
}
