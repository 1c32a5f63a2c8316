using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// A cluster with namespace <c>shop</c> and its Deployment <c>orders</c> (2 replicas), its API server on loopback, and
/// raw HTTP to it: for tests of what the API server answers to a request as written.
/// </summary>
public abstract class ShopApiTests : IAsyncLifetime
{
    protected const string Deployments = "/apis/apps/v1/namespaces/shop/deployments";
    protected const string Orders = Deployments + "/orders";

    protected FakeCluster Cluster { get; } = new();

    protected HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster.Apply("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: orders, namespace: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app: orders}}
              template:
                metadata: {labels: {app: orders}}
                spec: {containers: [{name: app, image: "orders:1"}]}
            """);
        await Cluster.WaitForIdleAsync();
        var server = await Cluster.StartApiServerAsync();
        Http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(Cluster.ApiServer!.UnhandledExceptions);
        Http.Dispose();
        await Cluster.DisposeAsync();
    }

    // A body (none when null or empty) with its content type; the answer parsed.
    protected async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(string method, string path, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (!string.IsNullOrEmpty(body))
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Http.SendAsync(request);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
