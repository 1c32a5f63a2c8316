using System.Net;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace K8sNet.ServiceDiscovery.Tests;

/// <summary>
/// Microsoft.Extensions.ServiceDiscovery with K8sNet's provider, as an Aspire-style app wires it, against FakeCluster
/// pods listening on loopback: Service names resolve to the eligible pods, and follow them.
/// </summary>
public sealed class ProviderTests : IAsyncLifetime
{
    internal const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders, namespace: shop}
        spec:
          selector: {app: orders}
          ports:
          - {name: http, port: 80, targetPort: 8080}
          - {name: metrics, port: 9100, targetPort: 9100}
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
              containers: [{name: orders, image: orders:1, ports: [{containerPort: 8080}, {containerPort: 9100}]}]
        """;

    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Manifest);
        _cluster.Serve("app=orders", WhoAnswered, port: 8080, @namespace: "shop");
        _cluster.Serve("app=orders", WhoAnswered, port: 9100, @namespace: "shop");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // Answers "<pod> <port> <Host header>".
    internal static Task<HttpResponseMessage> WhoAnswered(PodRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"{request.Pod.Name} {request.Port} {request.Message.Headers.Host}"),
        });

    internal static ServiceProvider App(FakeCluster cluster, Dictionary<string, string?>? configuration = null, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
        services.AddK8sNet().UseFakeCluster(cluster).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        services.AddServiceDiscovery().AddK8sNetServiceEndpointProvider(o => o.AllowedNamespaces.Add("shop"));
        services.AddHttpClient("app").AddServiceDiscovery();
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private List<string> Pods() => [.. _cluster.List<V1Pod>("shop", "app=orders").Where(p => p.Metadata.DeletionTimestamp is null).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ServiceName_GoesToEachPod_WithTheHostHeaderKept()
    {
        await using var app = App(_cluster);
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("app");

        var answers = new List<string[]>();
        for (var i = 0; i < 30; i++)
        {
            answers.Add((await client.GetStringAsync("http://orders.shop/")).Split(' '));
        }

        Assert.Equal(Pods(), answers.Select(a => a[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(answers, a => Assert.Equal(["8080", "orders.shop"], a[1..]));

        // Diagnostics say who picked: M.E.SD's own selection, which K8sNet does not see (no counts that look like zero traffic).
        var followed = Assert.Single(app.GetRequiredService<K8sNet.Routing.ServiceRouterPool>().CaptureDiagnostics().Services);
        Assert.Equal("Microsoft.Extensions.ServiceDiscovery", followed.PickedBy);
        Assert.All(followed.Ports, p => Assert.Equal(3, p.Endpoints.Count)); // both of the Service's ports, as the router follows them
    }

    [Fact]
    public async Task SchemesAndEndpointNames_ChooseTheServicePort()
    {
        await using var app = App(_cluster);
        var resolver = app.GetRequiredService<ServiceEndpointResolver>();

        var http = await resolver.GetEndpointsAsync("https+http://orders.shop", default);      // no https port: http
        var metrics = await resolver.GetEndpointsAsync("http://_metrics.orders.shop", default); // the port named metrics
        var number = await resolver.GetEndpointsAsync("http://orders.shop:9100", default);      // a Service port by number

        Assert.All(http.Endpoints, e => Assert.Equal(8080, ((IPEndPoint)e.EndPoint).Port));
        Assert.All(metrics.Endpoints, e => Assert.Equal(9100, ((IPEndPoint)e.EndPoint).Port));
        Assert.All(number.Endpoints, e => Assert.Equal(9100, ((IPEndPoint)e.EndPoint).Port));
        Assert.Equal(3, http.Endpoints.Count);
        var feature = http.Endpoints[0].Features.Get<K8sNetEndpointFeature>()!;
        Assert.Equal(new ServiceName("shop", "orders"), feature.Service);
        Assert.StartsWith("orders-", feature.Endpoint.Source.TargetRef!.Name, StringComparison.Ordinal);
        Assert.NotNull(feature.Endpoint.NodeName);
    }

    [Fact]
    public async Task SlicesChange_TheChangeTokenFires_AndTheEndpointsFollow()
    {
        await using var app = App(_cluster);
        var resolver = app.GetRequiredService<ServiceEndpointResolver>();
        var before = await resolver.GetEndpointsAsync("http://orders.shop", default);
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        before.ChangeToken.RegisterChangeCallback(_ => fired.TrySetResult(), null);

        var leaving = Pods()[0];
        _cluster.SetPodReady(leaving, "shop", false);
        await _cluster.WaitForIdleAsync();

        await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var after = await resolver.GetEndpointsAsync("http://orders.shop", default);
        Assert.Equal(2, after.Endpoints.Count);
        Assert.DoesNotContain(after.Endpoints, e => e.Features.Get<K8sNetEndpointFeature>()!.Endpoint.Source.TargetRef!.Name == leaving);
    }

    [Fact]
    public async Task NoReadyPod_TheTerminatingOnesServeUntilGone()
    {
        await using var app = App(_cluster);
        var resolver = app.GetRequiredService<ServiceEndpointResolver>();

        _cluster.Update(ScaledTo(0)); // the pods are deleted gracefully: terminating, still serving, for 30 s
        await _cluster.WaitForIdleAsync();
        var endpoints = await resolver.GetEndpointsAsync("http://orders.shop", default);

        Assert.Equal(3, endpoints.Endpoints.Count);
        Assert.All(endpoints.Endpoints, e => Assert.True(e.Features.Get<K8sNetEndpointFeature>()!.Endpoint.IsTerminating));
    }

    [Fact]
    public async Task ConfiguredNames_KeepTheirEndpoints_OtherNamesPassThrough()
    {
        await using var app = App(_cluster, new() { ["Services:orders.shop:http:0"] = "10.0.0.1:8080" });
        var resolver = app.GetRequiredService<ServiceEndpointResolver>();

        var configured = await resolver.GetEndpointsAsync("http://orders.shop", default);
        var external = await resolver.GetEndpointsAsync("http://example.com", default);

        Assert.Equal("10.0.0.1:8080", Assert.Single(configured.Endpoints).EndPoint.ToString());
        Assert.Equal("example.com", Assert.IsType<DnsEndPoint>(Assert.Single(external.Endpoints).EndPoint).Host);
    }

    private V1Deployment ScaledTo(int replicas)
    {
        var deployment = _cluster.Get<V1Deployment>("orders", "shop")!;
        deployment.Spec.Replicas = replicas;
        return deployment;
    }
}
