using K8sNet.Dns;
using static K8sNet.Dns.Tests.Answers.CoreDnsHandlerGoldenTests;

namespace K8sNet.Dns.Tests.Answers;

/// <summary>
/// CoreDNS's reverse (PTR) answers, reproduced from plugin/kubernetes/reverse_test.go (coredns/coredns @4625a13a):
/// its fixture (svc1 with cluster IP 192.168.1.100 and three slices, one repeating an address; svc2's slice sharing an
/// address with svc1) and its zones (cluster.local plus two IPv4 and two IPv6 reverse zones), every case as data.
/// </summary>
public class CoreDnsReverseGoldenTests
{
    private const string ClusterSoa = "cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1502989566 7200 1800 86400 5";
    private const string TenSoa = "0.10.in-addr.arpa. 5 IN SOA ns.dns.0.10.in-addr.arpa. hostmaster.0.10.in-addr.arpa. 1502989566 7200 1800 86400 5";
    private const string V6ZoneA = "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa";
    private const string V6ZoneB = "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa";

    private static ClusterDnsAnswerer Answerer()
    {
        EndpointPort[] http = [new("http", 80)];
        Endpoint Ep(string ip, string hostname) => new(ip, EndpointConditions.ReadyEndpoint) { Hostname = hostname };
        var data = new InMemoryClusterDnsData()
            .SetService(
                new("testns", "svc1"),
                new ServiceSpecInfo { ClusterIPs = ["192.168.1.100"], Ports = [new("http", 80, TargetPort.FromNumber(80))] },
                new EndpointSliceInfo("svc1-slice1", AddressType.IPv4, [.. http], [Ep("10.0.0.100", "ep1a"), Ep("10.0.0.99", "double-ep")]),
                new EndpointSliceInfo("svc1-slice2", AddressType.IPv6, [.. http], [Ep("1234:abcd::1", "ep1b"), Ep("fd00:77:30::a", "ip6svc1ex"), Ep("fd00:77:30::2:9ba6", "ip6svc1in")]),
                new EndpointSliceInfo("svc1-ccccc", AddressType.IPv4, [.. http], [Ep("10.0.0.100", "ep1a")]))
            .SetService(
                new("testns", "svc2"),
                null, // only its slice is known, as in the upstream fixture
                new EndpointSliceInfo("svc2-slice1", AddressType.IPv4, [.. http], [Ep("10.0.0.99", "double-ep")]));
        var options = new ClusterDnsOptions();
        options.ReverseZones.Clear();
        foreach (var zone in new[] { "0.10.in-addr.arpa.", "168.192.in-addr.arpa.", V6ZoneA + ".", V6ZoneB + "." })
        {
            options.ReverseZones.Add(zone);
        }

        return new ClusterDnsAnswerer(data, options);
    }

    public static TheoryData<string, DnsRecordType, DnsResponseCode, string[], string[]> Cases => new()
    {
        { "100.0.0.10.in-addr.arpa.", DnsRecordType.PTR, DnsResponseCode.NoError, ["100.0.0.10.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.cluster.local."], [] },
        { "100.1.168.192.in-addr.arpa.", DnsRecordType.PTR, DnsResponseCode.NoError, ["100.1.168.192.in-addr.arpa. 5 IN PTR svc1.testns.svc.cluster.local."], [] },
        { "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.", DnsRecordType.PTR, DnsResponseCode.NoError, ["1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa. 5 IN PTR ep1b.svc1.testns.svc.cluster.local."], [] },
        { "a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.", DnsRecordType.PTR, DnsResponseCode.NoError, ["a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 5 IN PTR ip6svc1ex.svc1.testns.svc.cluster.local."], [] },
        { "6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa.", DnsRecordType.PTR, DnsResponseCode.NoError, ["6.a.b.9.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.0.0.7.7.0.0.0.0.d.f.ip6.arpa. 5 IN PTR ip6svc1in.svc1.testns.svc.cluster.local."], [] },
        { "101.0.0.10.in-addr.arpa.", DnsRecordType.PTR, DnsResponseCode.NameError, [], [TenSoa] },
        { "example.org.cluster.local.", DnsRecordType.PTR, DnsResponseCode.NameError, [], [ClusterSoa] },
        { "svc1.testns.svc.cluster.local.", DnsRecordType.PTR, DnsResponseCode.NoError, [], [ClusterSoa] },
        { "svc1.testns.svc.0.10.in-addr.arpa.", DnsRecordType.A, DnsResponseCode.NameError, [], [TenSoa] },
        { "100.0.0.10.cluster.local.", DnsRecordType.PTR, DnsResponseCode.NameError, [], [ClusterSoa] },
        { "99.0.0.10.in-addr.arpa.", DnsRecordType.PTR, DnsResponseCode.NoError, ["99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc1.testns.svc.cluster.local.", "99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc2.testns.svc.cluster.local."], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reverse_AsCoreDns(string qname, DnsRecordType qtype, DnsResponseCode rcode, string[] answer, string[] authority)
    {
        var result = Answerer().Answer(qname, qtype);

        Assert.Equal(rcode, result.ResponseCode);
        Assert.Equal(Normalize(answer), Normalize(result.Answer.Select(r => r.ToString())));
        Assert.Equal(Normalize(authority), Normalize(result.Authority.Select(r => r.ToString())));
    }

    [Fact]
    public void AReverseNameOutsideTheConfiguredZones_IsNotAnswered()
    {
        var result = Answerer().Answer("4.3.2.1.in-addr.arpa.", DnsRecordType.PTR);
        Assert.False(result.IsAuthoritative);
        Assert.Equal(DnsResponseCode.Refused, result.ResponseCode);
    }
}
