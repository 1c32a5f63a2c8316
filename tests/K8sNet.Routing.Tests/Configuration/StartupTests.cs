using K8sNet.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace K8sNet.Routing.Tests.Configuration;

/// <summary>What happens when the host starts: no usable endpoint source fails it; warm-up; the health check.</summary>
public sealed class StartupTests
{
    private static readonly ServiceName Orders = new("shop", "orders");

    private static IHost Host(Action<IK8sNetBuilder> k8sNet, Action<IServiceCollection>? more = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFakeLogging();
        builder.Configuration.Sources.Clear();
        k8sNet(builder.Services.AddK8sNet().AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        }));
        builder.Services.AddHttpClient("orders").AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    private static InMemoryEndpointSource Source(params string[] ips)
    {
        var source = new InMemoryEndpointSource();
        source.Set(Orders, new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] },
            new EndpointSliceInfo("orders-a", AddressType.IPv4, [new EndpointPort("http", 8080)], [.. ips.Select(ip => new Endpoint(ip, EndpointConditions.ReadyEndpoint))]));
        return source;
    }

    [Fact]
    public async Task NoClusterToTalkTo_FailsTheStart_SayingHowToFixIt()
    {
        using var host = Host(k => k.AddKubernetesEndpoints(o => o.KubeconfigPath = "/nonexistent/kubeconfig"));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal(
            "K8sNet's Kubernetes endpoint source has no cluster to talk to: KubeconfigPath '/nonexistent/kubeconfig' is unusable "
            + "(kubeconfig file not found at /nonexistent/kubeconfig). Run it in a pod (the pod's service account is used), set "
            + "K8sNet:Kubernetes:KubeconfigPath (or $KUBECONFIG, ~/.kube/config) to a cluster's kubeconfig, or, in tests, use "
            + ".UseFakeCluster(cluster) or .AddInMemoryEndpoints(source) instead.",
            ex.Message);
    }

    [Fact]
    public async Task NoEndpointSourceRegistered_FailsTheStart()
    {
        using var host = Host(_ => { });

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.StartsWith("K8sNet service discovery needs an endpoint source: call services.AddK8sNet().AddKubernetesEndpoints()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmUp_FetchesTheServicesAtStart_SayingWhichCouldNotBe()
    {
        using var host = Host(k => k.AddInMemoryEndpoints(Source("10.244.1.5")).AddWarmUp("shop/orders", "shop/missing"));

        await host.StartAsync();

        var logs = host.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, l => l.Level == LogLevel.Warning && l.Message == "K8sNet warm-up: Service shop/missing does not exist; requests to it will wait for its first sync.");
        Assert.Contains(logs, l => l.Level == LogLevel.Information && l.Message.StartsWith("K8sNet warm-up: 1 of 2 Service(s) synced in ", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public void WarmUp_BadName_IsATypedErrorAtOnce()
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => new ServiceCollection().AddK8sNet().AddWarmUp("orders"));

        Assert.Contains("'orders'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_Healthy_ThenDegradedWhenARoutedServiceLosesItsEndpoints()
    {
        var source = Source("10.244.1.5");
        using var host = Host(k => k.AddInMemoryEndpoints(source), s =>
        {
            s.AddHealthChecks().AddK8sNetEndpoints(tags: ["ready"]);
            s.AddHttpClient("orders").ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { UseProxy = false }).AddHttpMessageHandler(() => new Answer());
        });
        await host.StartAsync();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        await client.GetAsync("http://orders.shop/");

        var before = await health.CheckHealthAsync();
        source.Set(Orders, (await source.GetAsync(Orders)).Spec!, new EndpointSliceInfo("orders-a", AddressType.IPv4, [new EndpointPort("http", 8080)], []));
        var pool = host.Services.GetRequiredService<ServiceRouterPool>();
        for (var i = 0; i < 500 && pool.Routers.Single().GetSet(new ServicePortKey("http", TransportProtocol.Tcp)).Count != 0; i++)
        {
            await Task.Delay(10);
        }

        var after = await health.CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, before.Status);
        Assert.Equal(HealthStatus.Degraded, after.Status);
        Assert.Equal("1 routed Service port(s) without an endpoint to send to: shop/orders port http/TCP", after.Entries["k8snet"].Description);
        Assert.Equal(["ready"], after.Entries["k8snet"].Tags);
        await host.StopAsync();
    }

    /// <summary>Answers every request in memory (the pod would).</summary>
    private sealed class Answer : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }
}
