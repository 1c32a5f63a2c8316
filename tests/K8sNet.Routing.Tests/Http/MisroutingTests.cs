using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace K8sNet.Routing.Tests.Http;

/// <summary>No silent misrouting: hosts shaped like Service names that are not routed are said, counted and listed.</summary>
public sealed class MisroutingTests
{
    private static readonly ServiceName Billing = new("billing", "invoices");

    private static HandlerFixture Fixture(bool strict = false) => new(
        o => o.Strict = strict,
        services: s =>
        {
            s.AddFakeLogging();
            s.AddMetrics();
        });

    private static void AddInvoices(HandlerFixture f) => f.Source.Set(
        Billing,
        new ServiceSpecInfo { ClusterIPs = ["10.96.0.30"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] },
        new EndpointSliceInfo("invoices-a", AddressType.IPv4, [new EndpointPort("http", 8080)], [new Endpoint("10.244.3.1", EndpointConditions.ReadyEndpoint)]));

    private static async Task<PassThroughRecord> RecordAsync(HandlerFixture f, string host, PassThroughReason reason)
    {
        var pool = f.Provider.GetRequiredService<ServiceRouterPool>();
        for (var i = 0; i < 500; i++)
        {
            if (pool.PassThroughs.FirstOrDefault(r => r.Host == host && r.Reason == reason) is { } record)
            {
                return record;
            }

            await Task.Delay(10); // the check runs off the request path
        }

        throw new Xunit.Sdk.XunitException($"No pass-through record for {host} ({reason}).");
    }

    [Fact]
    public async Task ServiceInANamespaceNotAllowed_PassesThrough_SaidOnceWithTheFix_CountedAndListed()
    {
        await using var f = Fixture();
        AddInvoices(f);
        using var passThroughs = new MetricCollector<long>(f.Provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "K8sNet.Routing", "k8snet.routing.passthrough");
        using var client = f.CreateClient();

        await client.GetAsync("http://invoices.billing/");
        var record = await RecordAsync(f, "invoices.billing", PassThroughReason.NamespaceNotAllowed);
        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync("http://invoices.billing/x");
        }

        for (var i = 0; i < 500 && record.Count < 3; i++)
        {
            await Task.Delay(10); // a request sent while the check was finishing is counted when it finishes
        }

        const string Message = "HttpClient 'test': http://invoices.billing/ names Service billing/invoices, but namespace 'billing' is not one this client may call, "
            + "so the request went to DNS (the Service's ClusterIP: no per-request balancing across its pods). Add 'billing' to K8sNet:AllowedNamespaces (or this client's AllowedNamespaces).";
        Assert.Equal(Message, record.Message);
        Assert.All(f.Transport.Sent, s => Assert.Equal("invoices.billing", s.Uri.Host)); // passed through untouched
        var logged = f.Provider.GetFakeLogCollector().GetSnapshot().Where(l => l.Id.Id == 3020).ToList();
        Assert.Equal(LogLevel.Warning, Assert.Single(logged).Level);
        Assert.Equal($"Not routed to pods (NamespaceNotAllowed): {Message}", logged[0].Message);
        Assert.Equal(3, record.Count);
        Assert.Equal(4, passThroughs.GetMeasurementSnapshot().Count);
        Assert.All(passThroughs.GetMeasurementSnapshot(), m => Assert.Equal("namespace_not_allowed", m.Tags["k8snet.reason"]));
    }

    [Fact]
    public async Task ServiceInANamespaceNotAllowed_Strict_FailsNamingItAndTheFix()
    {
        await using var f = Fixture(strict: true);
        AddInvoices(f);
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<K8sNetRoutingException>(() => client.GetAsync("http://invoices.billing/"));

        Assert.Equal(RoutingFailureReason.NamespaceNotAllowed, ex.Reason);
        Assert.Equal(Billing, ex.Service);
        Assert.Equal("HttpClient 'test': http://invoices.billing/ names Service billing/invoices, but namespace 'billing' is not one this client may call, "
            + "so the request was not sent (Strict). Add 'billing' to K8sNet:AllowedNamespaces (or this client's AllowedNamespaces).", ex.Message);
        Assert.Empty(f.Transport.Sent);
    }

    [Fact]
    public async Task MisspelledServiceInAnAllowedNamespace_PassesThrough_SaidWithTheNearestName()
    {
        await using var f = Fixture();
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();

        await client.GetAsync("http://ordres.shop/");
        var record = await RecordAsync(f, "ordres.shop", PassThroughReason.ServiceNotFound);

        Assert.Equal("HttpClient 'test': http://ordres.shop/ names no Service in namespace 'shop' ('ordres' does not exist there; nearest: 'orders'), "
            + "so the request went to DNS as it is. Check the name, or set Strict to make this an error.", record.Message);
        Assert.Equal("ordres.shop", Assert.Single(f.Transport.Sent).Uri.Host);
    }

    [Fact]
    public async Task MisspelledService_Strict_FailsNamingIt()
    {
        await using var f = Fixture(strict: true);
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<K8sNetRoutingException>(() => client.GetAsync("http://ordres.shop/"));

        Assert.Equal((RoutingFailureReason.ServiceNotFound, new ServiceName("shop", "ordres")), (ex.Reason, ex.Service));
        Assert.Equal("HttpClient 'test': http://ordres.shop/ names no Service in namespace 'shop' ('ordres' does not exist there; nearest: 'orders'), "
            + "so the request was not sent (Strict).", ex.Message);
    }

    [Fact]
    public async Task ExternalHosts_PassThroughQuietly_EvenStrict()
    {
        await using var f = Fixture(strict: true);
        using var client = f.CreateClient();

        await client.GetAsync("http://example.com/");
        await client.GetAsync("https://api.example.com/");

        Assert.Equal(2, f.Transport.Sent.Count);
        Assert.Empty(f.Provider.GetRequiredService<ServiceRouterPool>().PassThroughs);
        Assert.DoesNotContain(f.Provider.GetFakeLogCollector().GetSnapshot(), l => l.Level >= LogLevel.Warning);
    }
}
