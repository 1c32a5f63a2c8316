namespace K8sNet.Abstractions.Tests.Naming;

public class ServicePortRefTests
{
    [Theory]
    [InlineData("http", "http", 0, null)]
    [InlineData("HTTP", "http", 0, null)]
    [InlineData("8080", null, 8080, null)]
    [InlineData("dns/UDP", "dns", 0, TransportProtocol.Udp)]
    [InlineData("53/udp", null, 53, TransportProtocol.Udp)]
    [InlineData("grpc/tcp", "grpc", 0, TransportProtocol.Tcp)]
    public void Parse_Valid_Reads(string text, string? name, int number, TransportProtocol? protocol)
    {
        var port = ServicePortRef.Parse(text);

        Assert.Equal(name, port.Name);
        Assert.Equal(number, port.Number);
        Assert.Equal(protocol, port.Protocol);
    }

    [Theory]
    [InlineData("", "must be a port name or a number from 1 to 65535")]
    [InlineData("0", "port number must be between 1 and 65535, inclusive")]
    [InlineData("65536", "port number must be between 1 and 65535, inclusive")]
    [InlineData("http/QUIC", "protocol 'QUIC' must be TCP, UDP or SCTP")]
    [InlineData("two--hyphens", "must not contain consecutive hyphens")]
    [InlineData("longerthan15characters", "must be no more than 15 characters")]
    public void TryParse_Invalid_SaysWhy(string text, string rule)
    {
        Assert.False(ServicePortRef.TryParse(text, out _, out var error));

        Assert.Equal(rule, error.Rule);
    }

    [Fact]
    public void Matches_ByNameNumberAndProtocol()
    {
        var http = new ServicePortInfo("http", 80, TargetPort.FromName("web"));
        var dns = new ServicePortInfo("dns", 53, TargetPort.FromNumber(53), TransportProtocol.Udp);

        Assert.True(ServicePortRef.FromName("http").Matches(http));
        Assert.True(ServicePortRef.FromNumber(80).Matches(http));
        Assert.False(ServicePortRef.FromNumber(8080).Matches(http));
        Assert.True(ServicePortRef.Parse("dns/UDP").Matches(dns));
        Assert.False(ServicePortRef.Parse("dns/TCP").Matches(dns));
        Assert.Equal("dns/UDP", ServicePortRef.Parse("dns/udp").ToString());
    }
}
