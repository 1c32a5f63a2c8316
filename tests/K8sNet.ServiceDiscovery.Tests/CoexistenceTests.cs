using System.Diagnostics.Metrics;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace K8sNet.ServiceDiscovery.Tests;

/// <summary>
/// K8sNet's handler on a client that also has Microsoft.Extensions.ServiceDiscovery's, added first through
/// <c>ConfigureHttpClientDefaults</c> as Aspire's service defaults add it: K8sNet takes Service names, M.E.SD keeps
/// resolving its configured names.
/// </summary>
public sealed class CoexistenceTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(ProviderTests.Manifest);
        _cluster.Serve("app=orders", ProviderTests.WhoAnswered, port: 8080, @namespace: "shop");
        _cluster.Serve("app=orders", ProviderTests.WhoAnswered, port: 9100, @namespace: "shop");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private ServiceProvider App(Action<IServiceCollection> clients)
    {
        var pod = _cluster.List<V1Pod>("shop", "app=orders")[0];
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:catalog:http:0"] = $"{pod.Status.PodIP}:9100", // a name only M.E.SD's configuration knows
        }).Build());
        services.AddK8sNet().UseFakeCluster(_cluster).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        services.AddServiceDiscovery(); // no K8sNet provider: M.E.SD alone would send orders.shop to DNS, which has no such name here
        clients(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task ServiceDefaultsPattern_K8sNetBalancesServiceNames_ServiceDiscoveryResolvesItsOwn()
    {
        await using var app = App(services =>
        {
            services.AddMetrics();
            services.AddK8sNetServiceEndpointProvider(o => o.AllowedNamespaces.Add("shop")); // with K8sNet's provider too
            services.ConfigureHttpClientDefaults(http =>
            {
                http.AddStandardResilienceHandler();
                http.AddServiceDiscovery();
            });
            services.AddHttpClient("orders").AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        });
        using var requests = new MetricCollector<long>(app.GetRequiredService<IMeterFactory>(), "K8sNet.Routing", "k8snet.routing.requests");
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        var pods = new HashSet<string>();
        for (var i = 0; i < 30; i++)
        {
            var answer = (await client.GetStringAsync("http://orders.shop/")).Split(' ');
            Assert.Equal(["8080", "orders.shop"], answer[1..]);
            pods.Add(answer[0]);
        }

        Assert.Equal(3, pods.Count);
        Assert.Equal(30, requests.GetMeasurementSnapshot().Count); // K8sNet's handler picked each pod, before M.E.SD saw the request
        Assert.Equal("9100", (await client.GetStringAsync("http://catalog/")).Split(' ')[1]);
    }

    [Fact]
    public async Task ServiceDiscoveryAddedAfterK8sNet_OnTheSameClient_WorksTheSame()
    {
        await using var app = App(services => services.AddHttpClient("orders")
            .AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"))
            .AddServiceDiscovery());
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        Assert.Equal("8080", (await client.GetStringAsync("http://orders.shop/")).Split(' ')[1]);
        Assert.Equal("9100", (await client.GetStringAsync("http://catalog/")).Split(' ')[1]);
    }

    [Fact]
    public async Task AddedTwice_FailsSayingSo()
    {
        await using var app = App(services => services.AddHttpClient("orders").AddK8sNetServiceDiscovery().AddK8sNetServiceDiscovery());

        var ex = Assert.Throws<InvalidOperationException>(() => app.GetRequiredService<IHttpClientFactory>().CreateClient("orders"));

        Assert.Equal("HttpClient 'orders' has AddK8sNetServiceDiscovery() more than once; add it once.", ex.Message);
    }
}
