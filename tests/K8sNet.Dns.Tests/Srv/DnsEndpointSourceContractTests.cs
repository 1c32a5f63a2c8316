using K8sNet.Contracts;

namespace K8sNet.Dns.Tests.Srv;

/// <summary>
/// The endpoint source contract for <see cref="DnsEndpointSource"/>, asking a FakeCluster's DNS server on loopback about
/// headless Services (the only ones whose endpoints DNS shows). DNS shows neither Services without ready endpoints
/// (NXDOMAIN) nor a headless Service's own port numbers, as the contract's switches say.
/// </summary>
public sealed class DnsEndpointSourceContractTests : FakeClusterBackedContractTests
{
    private DnsEndpointSource? _source;

    protected override bool Headless => true;

    protected override bool ShowsServicesWithoutEndpoints => false;

    protected override bool ShowsServicePortNumbers => false;

    protected override Task<IEndpointSource> CreateSourceAsync()
    {
        var server = Cluster.StartDnsServer();
        var options = new DnsEndpointOptions
        {
            Servers = { server.EndPoint },
            PortNames = { "p80" },
            MinTtl = TimeSpan.FromMilliseconds(50),
            MaxTtl = TimeSpan.FromMilliseconds(200),
            MaxFailureTtl = TimeSpan.FromMilliseconds(200),
        };
        _source = new DnsEndpointSource(options);
        return Task.FromResult<IEndpointSource>(_source);
    }

    public override async Task DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
