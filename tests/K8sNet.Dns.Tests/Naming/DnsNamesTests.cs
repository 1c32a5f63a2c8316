using System.Net;
using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Naming;

public class DnsNamesTests
{
    private static readonly ServiceName Orders = new("shop", "orders");

    [Fact]
    public void ServiceFqdn_IsNameNamespaceSvcZone()
    {
        Assert.Equal("orders.shop.svc.cluster.local", DnsNames.ServiceFqdn(Orders));
        Assert.Equal("orders.shop.svc.cluster.local.", DnsNames.ServiceFqdn(Orders, absolute: true));
        Assert.Equal("orders.shop.svc.corp.example", DnsNames.ServiceFqdn(Orders, "Corp.Example."));
    }

    [Fact]
    public void SrvName_IsUnderscorePortUnderscoreProto()
    {
        Assert.Equal("_http._tcp.orders.shop.svc.cluster.local", DnsNames.SrvName("http", TransportProtocol.Tcp, Orders));
        Assert.Equal("_dns._udp.kube-dns.kube-system.svc.cluster.local.",
            DnsNames.SrvName("dns", TransportProtocol.Udp, new ServiceName("kube-system", "kube-dns"), absolute: true));
        Assert.Throws<KubernetesNameException>(() => DnsNames.SrvName("HTTP_", TransportProtocol.Tcp, Orders));
    }

    [Fact]
    public void EndpointFqdn_IsHostnameServiceNamespaceSvcZone()
    {
        Assert.Equal("db-0.db.shop.svc.cluster.local", DnsNames.EndpointFqdn("db-0", new ServiceName("shop", "db")));
    }

    // CoreDNS plugin/kubernetes kubernetes_test.go TestEndpointHostname (ip, hostname, expected, podName, endpointNameMode),
    // plus the IPv6 trailing-dash case of kubernetes.go endpointHostname.
    [Theory]
    [InlineData("10.11.12.13", "", "10-11-12-13", "", false)]
    [InlineData("10.11.12.13", "epname", "epname", "", false)]
    [InlineData("10.11.12.13", "", "10-11-12-13", "hello-abcde", false)]
    [InlineData("10.11.12.13", "epname", "epname", "hello-abcde", false)]
    [InlineData("10.11.12.13", "epname", "epname", "hello-abcde", true)]
    [InlineData("10.11.12.13", "", "hello-abcde", "hello-abcde", true)]
    [InlineData("2001:db8:3333:4444:5555:6666::", "", "2001-db8-3333-4444-5555-6666--0", "", false)]
    [InlineData("fd00::5", "", "fd00--5", "", false)]
    [InlineData("::102:304", "", "--102-304", "", false)]
    [InlineData("::ffff:1.2.3.4", "", "1-2-3-4", "", false)]
    public void EndpointHostname_AsCoreDns(string ip, string hostname, string expected, string podName, bool endpointPodNames)
    {
        var endpoint = new Endpoint(ip)
        {
            Hostname = hostname.Length == 0 ? null : hostname,
            TargetRef = new EndpointTargetRef("Pod", "ns", podName),
        };

        Assert.Equal(expected, DnsNames.EndpointHostname(endpoint, endpointPodNames));
    }

    [Fact]
    public void EndpointHostname_PodNameOf64Chars_FallsBackToDashedIP()
    {
        var endpoint = new Endpoint("10.0.0.1") { TargetRef = new EndpointTargetRef("Pod", "ns", new string('p', 64)) };

        Assert.Equal("10-0-0-1", DnsNames.EndpointHostname(endpoint, endpointPodNames: true));
    }

    [Theory]
    [InlineData("10-244-1-5", "10.244.1.5")]
    [InlineData("fd00--5", "fd00::5")]
    [InlineData("2001-db8-3333-4444-5555-6666--0", "2001:db8:3333:4444:5555:6666::")]
    public void TryParseDashedAddress_ReadsWhatDashedAddressWrites(string label, string ip)
    {
        Assert.True(DnsNames.TryParseDashedAddress(label, out var parsed));
        Assert.Equal(IPAddress.Parse(ip), parsed);
        Assert.Equal(label, DnsNames.DashedAddress(parsed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10-244-1")]
    [InlineData("10-244-1-500")]
    [InlineData("10-244-01-5")]
    [InlineData("not-an-ip")]
    [InlineData("a-b-c-d")]
    public void TryParseDashedAddress_NotAnIP_IsFalse(string label)
    {
        Assert.False(DnsNames.TryParseDashedAddress(label, out _));
    }

    [Fact]
    public void PodFqdn_IsDashedIPNamespacePodZone()
    {
        Assert.Equal("10-244-1-5.shop.pod.cluster.local", DnsNames.PodFqdn(IPAddress.Parse("10.244.1.5"), "shop"));
        Assert.Equal("fd00--5.shop.pod.cluster.local.", DnsNames.PodFqdn(IPAddress.Parse("fd00::5"), "shop", absolute: true));
    }

    [Fact]
    public void DnsVersionName_IsUnderTheZone()
    {
        Assert.Equal("dns-version.cluster.local", DnsNames.DnsVersionName());
        Assert.Equal("1.1.0", DnsNames.SchemaVersion);
    }

    [Theory]
    [InlineData("10.11.12.13", "13.12.11.10.in-addr.arpa")]
    [InlineData("1.0.0.127", "127.0.0.1.in-addr.arpa")]
    [InlineData("2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    [InlineData("::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa")]
    public void ReverseName_BothWays(string ip, string name)
    {
        var address = IPAddress.Parse(ip);

        Assert.Equal(name, DnsNames.ReverseName(address));
        Assert.True(DnsNames.TryParseReverseName(name, out var back));
        Assert.Equal(address, back);
        Assert.True(DnsNames.TryParseReverseName(name.ToUpperInvariant() + ".", out back));
        Assert.Equal(address, back);
    }

    [Theory]
    [InlineData("11.10.in-addr.arpa")]
    [InlineData("256.12.11.10.in-addr.arpa")]
    [InlineData("013.12.11.10.in-addr.arpa")]
    [InlineData("1.13.12.11.10.in-addr.arpa")]
    [InlineData("b.a.9.8.ip6.arpa")]
    [InlineData("g.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")]
    [InlineData("orders.shop.svc.cluster.local")]
    public void TryParseReverseName_PartialOrMalformed_IsFalse(string name)
    {
        Assert.False(DnsNames.TryParseReverseName(name, out _));
    }

    [Fact]
    public void NormalizeZone_BadZone_Throws()
    {
        Assert.Equal("cluster.local", DnsNames.NormalizeZone("CLUSTER.local."));
        var ex = Assert.Throws<KubernetesNameException>(() => DnsNames.NormalizeZone("cluster..local"));
        Assert.Equal("cluster domain", ex.Field);
    }
}
