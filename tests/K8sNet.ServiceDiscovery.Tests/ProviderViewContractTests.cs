using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace K8sNet.ServiceDiscovery.Tests;

/// <summary>
/// The endpoint source contract where it applies to M.E.SD's view through K8sNet's provider (M.E.SD sees one port's
/// endpoints, not a spec or slices): unknown Services are left to the next provider; the current endpoints come
/// first; slices added, replaced and removed are seen, each change firing the token; a deleted Service is gone.
/// </summary>
public sealed class ProviderViewContractTests : IAsyncLifetime
{
    private static readonly ServiceName Orders = new("shop", "orders");
    private static readonly ServiceSpecInfo Spec = new() { ClusterIPs = ["10.96.0.50"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] };
    private readonly InMemoryEndpointSource _source = new();
    private ServiceProvider _services = null!;
    private ServiceEndpointResolver _resolver = null!;

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddK8sNet().AddInMemoryEndpoints(_source).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        services.AddServiceDiscoveryCore().AddK8sNetServiceEndpointProvider(o => o.AllowedNamespaces.Add("shop"));
        _services = services.BuildServiceProvider();
        _resolver = _services.GetRequiredService<ServiceEndpointResolver>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private static EndpointSliceInfo Slice(string name, params string[] ips) =>
        new(name, AddressType.IPv4, [new EndpointPort("http", 8080)], [.. ips.Select(ip => new Endpoint(ip, EndpointConditions.ReadyEndpoint))]);

    private async Task<ServiceEndpointSource> ResolveAsync() => await _resolver.GetEndpointsAsync("http://orders.shop", CancellationToken.None);

    private static IEnumerable<string> Addresses(ServiceEndpointSource source) =>
        source.Endpoints.Select(e => ((IPEndPoint)e.EndPoint).Address.ToString()).Order(StringComparer.Ordinal);

    private static async Task ChangedAsync(IChangeToken token)
    {
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = token.RegisterChangeCallback(_ => fired.TrySetResult(), null);
        await fired.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task UnknownService_IsLeftToTheNextProvider()
    {
        Assert.Empty((await ResolveAsync()).Endpoints); // only K8sNet's provider here: nobody answers
    }

    [Fact]
    public async Task SlicesAddedReplacedAndRemoved_AreSeen_EachFiringTheToken_ThenTheServiceIsGone()
    {
        _source.Set(Orders, Spec, Slice("a", "10.244.1.1"));
        var view = await ResolveAsync();
        Assert.Equal(["10.244.1.1"], Addresses(view));

        var expected = new (Action Change, string[] Addresses)[]
        {
            (() => _source.SetSlice(Orders, Slice("b", "10.244.2.1", "10.244.2.2")), ["10.244.1.1", "10.244.2.1", "10.244.2.2"]),
            (() => _source.SetSlice(Orders, Slice("a", "10.244.1.9")), ["10.244.1.9", "10.244.2.1", "10.244.2.2"]),
            (() => _source.RemoveSlice(Orders, "b"), ["10.244.1.9"]),
        };
        foreach (var (change, addresses) in expected)
        {
            var token = view.ChangeToken;
            change();
            await ChangedAsync(token);
            view = await ResolveAsync();
            Assert.Equal(addresses, Addresses(view));
        }

        var last = view.ChangeToken;
        _source.RemoveService(Orders);
        await ChangedAsync(last);
        Assert.Empty((await ResolveAsync()).Endpoints); // gone: left to the next provider, and there is none here
    }
}
