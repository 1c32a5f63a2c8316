using System.Diagnostics;
using System.Net;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Testing.Tests;

/// <summary>
/// With UseFakeCluster wired in, no request of the app under test leaves the machine (issue 24, item 1): the README's
/// snippet as written reaches the simulated pods in memory, and a request that would go anywhere else fails at once,
/// saying where it was going and why (asserted on the error, never on a timeout).
/// </summary>
public sealed class NetworkGuardTests : IAsyncLifetime
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
          replicas: 2
          selector: {matchLabels: {app: orders}}
          template:
            metadata: {labels: {app: orders}}
            spec:
              containers: [{name: orders, image: orders:1, ports: [{containerPort: 8080}]}]
        """;

    private readonly FakeCluster _cluster = new(); // the default: the simulated network, pods answer in memory

    public async Task InitializeAsync()
    {
        _cluster.Apply(Manifest);
        _cluster.Serve("app=orders", (request, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(request.Pod.Name) }),
            port: 8080, @namespace: "shop");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // The README's snippet, as written: no UseFakeClusterNetwork.
    private ServiceProvider App()
    {
        var services = new ServiceCollection();
        services.AddK8sNet().UseFakeCluster(_cluster);
        services.AddHttpClient("orders").AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        services.AddHttpClient("plain");
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task TheReadmeSnippet_ReachesTheSimulatedPods_InMemory()
    {
        await using var app = App();
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        var answers = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await client.GetStringAsync("http://orders.shop/"));
        }

        Assert.Equal(_cluster.List<k8s.Models.V1Pod>("shop", "app=orders").Select(p => p.Metadata.Name).Order(StringComparer.Ordinal), answers.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("http://203.0.113.7/", "203.0.113.7 is not an address of the fake cluster")]        // TEST-NET-3: never dialled
    [InlineData("http://example.com/", "the fake cluster's DNS does not answer 'example.com'")]
    [InlineData("http://ordres.shop/", "the fake cluster's DNS does not answer 'ordres.shop'")]      // a typo K8sNet passed through
    public async Task ARequestOffTheCluster_FailsAtOnce_SayingWhy(string url, string why)
    {
        await using var app = App();
        using var client = app.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync(url));

        Assert.StartsWith($"FakeCluster stopped GET {url} from HttpClient 'orders': {why}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}"); // at once: no connection was attempted
    }

    [Fact]
    public async Task AnyClientOfTheApp_SendsThePodsAddressesToTheFakeNetwork_NotTheRealOne()
    {
        await using var app = App();
        using var plain = app.GetRequiredService<IHttpClientFactory>().CreateClient("plain"); // no K8sNet handler
        var pod = _cluster.List<k8s.Models.V1Pod>("shop", "app=orders")[0];

        Assert.Equal(pod.Metadata.Name, await plain.GetStringAsync($"http://{pod.Status.PodIP}:8080/"));
        var pods = _cluster.List<k8s.Models.V1Pod>("shop", "app=orders").Select(p => p.Metadata.Name).ToList();
        Assert.Contains(await plain.GetStringAsync("http://orders.shop.svc.cluster.local/"), pods); // the ClusterIP, through kube-proxy
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetStringAsync($"http://{pod.Status.PodIP}:9999/"));
        Assert.Contains("no pod serves that address and port", refused.Message, StringComparison.Ordinal); // refused in memory
    }
}
