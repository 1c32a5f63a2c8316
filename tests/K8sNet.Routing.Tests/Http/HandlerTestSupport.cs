using System.Collections.Concurrent;
using System.Net;
using K8sNet.Dns;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Routing.Tests.Http;

/// <summary>A client wired with AddK8sNetServiceDiscovery over an in-memory source, in namespace "web".</summary>
internal sealed class HandlerFixture : IAsyncDisposable
{
    public static readonly ServiceName Orders = new("shop", "orders");

    public HandlerFixture(Action<K8sNetRoutingOptions>? configure = null, HttpMessageHandler? transport = null, Action<IServiceCollection>? services = null, string? node = null)
    {
        Transport = transport as FakeTransport ?? new FakeTransport();
        var collection = new ServiceCollection();
        collection.AddK8sNet()
            .AddInMemoryEndpoints(Source)
            .AddClientContext(o =>
            {
                o.Namespace = "web";
                o.NodeName = node;
                o.ReadFile = _ => null;
                o.GetEnvironmentVariable = _ => null;
            });
        var builder = collection.AddHttpClient("test")
            .AddK8sNetServiceDiscovery(o =>
            {
                o.AllowedNamespaces.Add("shop");
                configure?.Invoke(o);
            })
            .ConfigurePrimaryHttpMessageHandler(() => transport ?? Transport);
        services?.Invoke(collection);
        Provider = collection.BuildServiceProvider();
    }

    public InMemoryEndpointSource Source { get; } = new();

    public FakeTransport Transport { get; }

    public ServiceProvider Provider { get; }

    public HttpClient CreateClient() => Provider.GetRequiredService<IHttpClientFactory>().CreateClient("test");

    public void SetOrders(params string[] ips) => SetOrders(8080, ips);

    public void SetOrders(int targetPort, params string[] ips)
    {
        Source.Set(
            Orders,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromName("web")), new ServicePortInfo("metrics", 9100)] },
            new EndpointSliceInfo("orders-a", AddressType.IPv4, [new EndpointPort("http", targetPort)], [.. ips.Select(ip => new Endpoint(ip, EndpointConditions.ReadyEndpoint))]));
    }

    public ValueTask DisposeAsync() => Provider.DisposeAsync();
}

/// <summary>An in-memory transport: answers per host, records what it was sent, can fail per host.</summary>
internal sealed class FakeTransport : HttpMessageHandler
{
    public ConcurrentQueue<(Uri Uri, string? Host, HttpMethod Method)> Sent { get; } = new();

    public ConcurrentDictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> Behaviour { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        Sent.Enqueue((uri, request.Headers.Host, request.Method));
        var response = Behaviour.TryGetValue(uri.Host, out var behave)
            ? behave(request)
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(uri.Host) };
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }

    public static HttpResponseMessage Refuse(HttpRequestMessage request) =>
        throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({request.RequestUri!.Authority})");

    public static HttpResponseMessage Reset(HttpRequestMessage request) =>
        throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
}
