using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Uris;

public class ServicePortSelectorTests
{
    private static readonly ServiceName Orders = new("shop", "orders");

    private static readonly ServicePortInfo[] TwoPorts =
    [
        new("http", 80, TargetPort.FromName("web")),
        new("metrics", 9090, TargetPort.FromNumber(9090)),
    ];

    [Fact]
    public void UriPort_MustBeAServicePort()
    {
        Assert.Equal("metrics", ServicePortSelector.Select(Orders, TwoPorts, ServicePortRequest.ForNumber(9090)).Name);

        var ex = Assert.Throws<ServicePortNotFoundException>(() => ServicePortSelector.Select(Orders, TwoPorts, ServicePortRequest.ForNumber(8080)));
        Assert.Contains("Service 'shop/orders' has no port 8080/TCP", ex.Message);
        Assert.Contains("http (80/TCP), metrics (9090/TCP)", ex.Message);
    }

    [Fact]
    public void NoPort_SchemeNamedPortWins()
    {
        Assert.True(ServicePortSelector.TrySelect(Orders, TwoPorts, ServicePortRequest.ForSchemes(["https", "http"]), out var port, out var scheme, out _));

        Assert.Equal("http", port.Name);
        Assert.Equal("http", scheme);
    }

    [Fact]
    public void NoPort_NoSchemeName_OnlyPortIsUsed()
    {
        ServicePortInfo[] one = [new("", 8080)];

        Assert.Equal(8080, ServicePortSelector.Select(Orders, one, ServicePortRequest.ForSchemes(["http"])).Port);
    }

    [Fact]
    public void NoPort_SeveralPortsNoneNamedForScheme_ErrorListsThem()
    {
        var ex = Assert.Throws<ServicePortNotFoundException>(() =>
            ServicePortSelector.Select(Orders, TwoPorts, ServicePortRequest.ForSchemes(["grpc"])));

        Assert.Equal("Service 'shop/orders' has no port named 'grpc' and no single TCP port to default to; put the port in the URI: its ports are http (80/TCP), metrics (9090/TCP).", ex.Message);
        Assert.Equal(Orders, ex.Service);
    }

    [Fact]
    public void NamedPort_MatchesCaseInsensitively_AndProtocolMatters()
    {
        ServicePortInfo[] dns = [new("dns", 53, Protocol: TransportProtocol.Udp), new("dns-tcp", 53)];

        Assert.Equal("dns-tcp", ServicePortSelector.Select(Orders, dns, ServicePortRequest.ForNumber(53)).Name);
        Assert.Equal("dns", ServicePortSelector.Select(Orders, dns, ServicePortRequest.ForName("DNS", TransportProtocol.Udp)).Name);
        var ex = Assert.Throws<ServicePortNotFoundException>(() => ServicePortSelector.Select(Orders, dns, ServicePortRequest.ForName("dns")));
        Assert.Equal("Service 'shop/orders' has no port named 'dns': its ports are dns (53/UDP), dns-tcp (53/TCP).", ex.Message); // was "has no a port named"
    }
}
