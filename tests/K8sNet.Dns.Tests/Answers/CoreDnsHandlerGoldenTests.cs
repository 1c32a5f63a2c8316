using System.Text.RegularExpressions;
using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Answers;

/// <summary>
/// CoreDNS's kubernetes plugin answers, reproduced from plugin/kubernetes/handler_test.go (coredns/coredns @01c32383):
/// the same fixture (testns exposed; svc1, svcempty, svc6, hdls1, hdlsprtls, external, external-to-service,
/// svc-dual-stack, and unexposed ones) and every dnsTestCases entry as data. Records compare as CoreDNS's SortAndCheck
/// does them: as sets per section, the SOA's serial aside (CoreDNS's is its informers' modification time).
/// Also handler_case_test.go's TestPreserveCase. Left out: "CNAME External Truncated Lookup" needs an upstream resolver, which is the DNS server's part (asserted
/// below as the CNAME plus the name handed upstream); nsTestCases (their results are not checked upstream either);
/// notSyncedTestCases is <see cref="NotSynced_NxDomainBecomesServFail"/>.
/// </summary>
public class CoreDnsHandlerGoldenTests
{
    private const string Soa = "cluster.local.\t5\tIN\tSOA\tns.dns.cluster.local. hostmaster.cluster.local. 1499347823 7200 1800 86400 5";

    internal static InMemoryClusterDnsData Fixture()
    {
        var data = new InMemoryClusterDnsData().AddNamespace("testns").AddNamespace("kube-system").AddNamespace("unexposedns");
        ServicePortInfo Http() => new("http", 80, TargetPort.FromNumber(80));
        EndpointSliceInfo Slice(string name, AddressType type, EndpointPort[] ports, params Endpoint[] endpoints) => new(name, type, [.. ports], [.. endpoints]);
        Endpoint Ep(string ip, string? hostname = null) => new(ip, EndpointConditions.ReadyEndpoint) { Hostname = hostname };
        EndpointPort[] HttpPort = [new("http", 80)];

        data.SetService(new("kube-system", "kubedns"), new ServiceSpecInfo { ClusterIPs = ["10.0.0.10"], Ports = [new("dns", 53, TargetPort.FromNumber(53), TransportProtocol.Udp)] },
            Slice("kubedns-1", AddressType.IPv4, [new("dns", 53, TransportProtocol.Udp)], Ep("172.0.0.100")));
        data.SetService(new("testns", "svc1"), new ServiceSpecInfo { ClusterIPs = ["10.0.0.1"], Ports = [Http()] },
            Slice("svc1-slice1", AddressType.IPv4, HttpPort, Ep("172.0.0.1", "ep1a")));
        data.SetService(new("testns", "svcempty"), new ServiceSpecInfo { ClusterIPs = ["10.0.0.1"], Ports = [Http()] },
            Slice("svcempty-slice1", AddressType.IPv4, HttpPort));
        data.SetService(new("testns", "svc6"), new ServiceSpecInfo { ClusterIPs = ["1234:abcd::1"], Ports = [Http()] });
        data.SetService(new("testns", "hdls1"), new ServiceSpecInfo { ClusterIPs = ["None"] },
            Slice("hdls1-slice1", AddressType.IPv4, HttpPort, Ep("172.0.0.2"), Ep("172.0.0.3"), Ep("172.0.0.4", "dup-name"), Ep("172.0.0.5", "dup-name")),
            Slice("hdls1-slice2", AddressType.IPv6, HttpPort, Ep("5678:abcd::1"), Ep("5678:abcd::2")));
        data.SetService(new("testns", "external"), new ServiceSpecInfo { Type = ServiceType.ExternalName, ExternalName = "ext.interwebs.test", Ports = [Http()] });
        data.SetService(new("testns", "external-to-service"), new ServiceSpecInfo { Type = ServiceType.ExternalName, ExternalName = "svc1.testns.svc.cluster.local.", Ports = [Http()] });
        data.SetService(new("testns", "hdlsprtls"), new ServiceSpecInfo { ClusterIPs = ["None"] },
            Slice("hdlsprtls-slice1", AddressType.IPv4, [], Ep("172.0.0.20")));
        data.SetService(new("unexposedns", "svc1"), new ServiceSpecInfo { ClusterIPs = ["10.0.0.2"], Ports = [Http()] });
        data.SetService(new("testns", "svc-dual-stack"), new ServiceSpecInfo { ClusterIPs = ["10.0.0.3", "10::3"], Ports = [Http()] });
        return data;
    }

    internal static ClusterDnsAnswerer Answerer(IClusterDnsData data)
    {
        var options = new ClusterDnsOptions();
        options.Namespaces.Add("testns");
        return new ClusterDnsAnswerer(data, options);
    }

    public static TheoryData<string, DnsRecordType, DnsResponseCode, string[], string[], string[]> Cases => new()
    {
        { "svc1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"], [], [] },
        { "svcempty.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"], [], [] },
        { "svc1.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."], [], ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        { "svcempty.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."], [], ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        { "svc6.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."], [], ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"] },
        { "_http._tcp.svc1.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["_http._tcp.svc1.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc1.testns.svc.cluster.local."], [], ["svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        { "_http._tcp.svcempty.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["_http._tcp.svcempty.testns.svc.cluster.local. 5 IN SRV 0 100 80 svcempty.testns.svc.cluster.local."], [], ["svcempty.testns.svc.cluster.local. 5 IN A 10.0.0.1"] },
        { "hdls1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2", "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3", "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4", "hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5"], [], [] },
        { "hdlsprtls.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"], [], [] },
        { "172-0-0-20.hdlsprtls.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["172-0-0-20.hdlsprtls.testns.svc.cluster.local. 5 IN A 172.0.0.20"], [], [] },
        { "172-0-0-2.hdls1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2"], [], [] },
        { "172-0-0-3.hdls1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3"], [], [] },
        { "dup-name.hdls1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4", "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5"], [], [] },
        {
            "_http._tcp.hdls1.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError,
            [
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 172-0-0-2.hdls1.testns.svc.cluster.local.",
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 172-0-0-3.hdls1.testns.svc.cluster.local.",
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 5678-abcd--1.hdls1.testns.svc.cluster.local.",
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 5678-abcd--2.hdls1.testns.svc.cluster.local.",
                "_http._tcp.hdls1.testns.svc.cluster.local. 5 IN SRV 0 16 80 dup-name.hdls1.testns.svc.cluster.local.",
            ],
            [],
            [
                "172-0-0-2.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.2",
                "172-0-0-3.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.3",
                "5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1",
                "5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2",
                "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.4",
                "dup-name.hdls1.testns.svc.cluster.local. 5 IN A 172.0.0.5",
            ]
        },
        { "5678-abcd--2.hdls1.testns.svc.cluster.local", DnsRecordType.AAAA, DnsResponseCode.NoError, ["5678-abcd--2.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2"], [], [] },
        { "external.testns.svc.cluster.local.", DnsRecordType.CNAME, DnsResponseCode.NoError, ["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."], [], [] },
        { "external-to-service.testns.svc.cluster.local", DnsRecordType.A, DnsResponseCode.NoError, ["external-to-service.testns.svc.cluster.local. 5 IN CNAME svc1.testns.svc.cluster.local.", "svc1.testns.svc.cluster.local. 5 IN A 10.0.0.1"], [], [] },
        { "svc1.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NoError, [], [Soa], [] },
        { "svc0.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NameError, [], [Soa], [] },
        { "svc0.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [], [Soa], [] },
        { "svc0.svc-nons.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [], [Soa], [] },
        { "dns-version.cluster.local.", DnsRecordType.TXT, DnsResponseCode.NoError, ["dns-version.cluster.local. 28800 IN TXT 1.1.0"], [], [] },
        { "bogusendpoint.hdls1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [], [Soa], [] },
        { "bogusendpoint.svc0.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [], [Soa], [] },
        { "svc6.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NoError, ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"], [], [] },
        { "_http._tcp.svc6.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["_http._tcp.svc6.testns.svc.cluster.local. 5 IN SRV 0 100 80 svc6.testns.svc.cluster.local."], [], ["svc6.testns.svc.cluster.local. 5 IN AAAA 1234:abcd::1"] },
        { "hdls1.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NoError, ["hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1", "hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::2"], [], [] },
        { "5678-abcd--1.hdls1.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NoError, ["5678-abcd--1.hdls1.testns.svc.cluster.local. 5 IN AAAA 5678:abcd::1"], [], [] },
        { "svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, [], [Soa], [] },
        { "pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, [], [Soa], [] },
        { "testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, [], [Soa], [] },
        { "svc.cluster.local.", DnsRecordType.NS, DnsResponseCode.NoError, [], [Soa], [] },
        { "testns.svc.cluster.local.", DnsRecordType.NS, DnsResponseCode.NoError, [], [Soa], [] },
        { "foo.cluster.local.", DnsRecordType.NS, DnsResponseCode.NameError, [], [Soa], [] },
        { "foo.svc.cluster.local.", DnsRecordType.NS, DnsResponseCode.NameError, [], [Soa], [] },
        { "svc-dual-stack.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3"], [], [] },
        { "svc-dual-stack.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NoError, ["svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3"], [], [] },
        { "svc-dual-stack.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NoError, ["svc-dual-stack.testns.svc.cluster.local. 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.cluster.local."], [], ["svc-dual-stack.testns.svc.cluster.local. 5 IN A 10.0.0.3", "svc-dual-stack.testns.svc.cluster.local. 5 IN AAAA 10::3"] },
        { "svc1.testns.svc.cluster.local.", DnsRecordType.SOA, DnsResponseCode.NoError, [], [Soa], [] },
        { "endpoint.external.testns.svc.cluster.local.", DnsRecordType.CNAME, DnsResponseCode.NameError, [], [Soa], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ServeDns_AsCoreDns(string qname, DnsRecordType qtype, DnsResponseCode rcode, string[] answer, string[] authority, string[] extra)
    {
        var result = Answerer(Fixture()).Answer(qname, qtype);

        Assert.Equal(rcode, result.ResponseCode);
        Assert.Equal(Normalize(answer), Normalize(result.Answer.Select(r => r.ToString())));
        Assert.Equal(Normalize(authority), Normalize(result.Authority.Select(r => r.ToString())));
        Assert.Equal(Normalize(extra), Normalize(result.Additional.Select(r => r.ToString())));
        AssertCnameBeforeItsTarget(result);
    }

    // handler_case_test.go (coredns/coredns @7a0c58b0) TestPreserveCase: every namespace exposed.
    public static TheoryData<string, DnsRecordType, DnsResponseCode, string[], string[], string[]> CaseCases => new()
    {
        { "not-a-service.testns.svc.ClUsTeR.lOcAl.", DnsRecordType.A, DnsResponseCode.NameError, [], ["ClUsTeR.lOcAl. 5 IN SOA ns.dns.ClUsTeR.lOcAl. hostmaster.ClUsTeR.lOcAl. 1499347823 7200 1800 86400 5"], [] },
        { "SvC1.TeStNs.SvC.cLuStEr.LoCaL.", DnsRecordType.A, DnsResponseCode.NoError, ["SvC1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN A 10.0.0.1"], [], [] },
        { "_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL.", DnsRecordType.SRV, DnsResponseCode.NoError, ["_HtTp._TcP.sVc1.TeStNs.SvC.cLuStEr.LoCaL. 5 IN SRV 0 100 80 svc1.testns.svc.cLuStEr.LoCaL."], [], ["svc1.testns.svc.cLuStEr.LoCaL. 5 IN A 10.0.0.1"] },
        { "Cluster.local.", DnsRecordType.SOA, DnsResponseCode.NoError, ["Cluster.local. 5 IN SOA ns.dns.Cluster.local. hostmaster.Cluster.local. 1499347823 7200 1800 86400 5"], [], [] },
    };

    [Theory]
    [MemberData(nameof(CaseCases))]
    public void PreserveCase_AsCoreDns(string qname, DnsRecordType qtype, DnsResponseCode rcode, string[] answer, string[] authority, string[] extra)
    {
        var result = new ClusterDnsAnswerer(Fixture()).Answer(qname, qtype);

        Assert.Equal(rcode, result.ResponseCode);
        Assert.Equal(Normalize(answer), Normalize(result.Answer.Select(r => r.ToString())));
        Assert.Equal(Normalize(authority), Normalize(result.Authority.Select(r => r.ToString())));
        Assert.Equal(Normalize(extra), Normalize(result.Additional.Select(r => r.ToString())));
    }

    [Fact]
    public void ExternalNameOutsideTheZone_AnswersTheCname_AndHandsTheTargetUpstream()
    {
        var result = Answerer(Fixture()).Answer("external.testns.svc.cluster.local.", DnsRecordType.A);

        Assert.Equal(DnsResponseCode.NoError, result.ResponseCode);
        Assert.Equal(["external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."], Normalize(result.Answer.Select(r => r.ToString())));
        Assert.Equal("ext.interwebs.test.", result.UpstreamName);
    }

    [Fact]
    public void NotSynced_NxDomainBecomesServFail()
    {
        var data = Fixture();
        data.IsSynced = false;

        var result = Answerer(data).Answer("svc0.testns.svc.cluster.local.", DnsRecordType.A);

        Assert.Equal(DnsResponseCode.ServerFailure, result.ResponseCode);
        Assert.Equal(Normalize([Soa]), Normalize(result.Authority.Select(r => r.ToString())));
        Assert.Equal(DnsResponseCode.NoError, Answerer(data).Answer("svc1.testns.svc.cluster.local.", DnsRecordType.A).ResponseCode);
    }

    // handler_test.go TestServeDNSEmptyService (ignore empty_service): svcempty has no ready address, so it is NXDOMAIN;
    // Services with addresses, headless and ExternalName Services answer as without the option.
    [Theory]
    [InlineData("svcempty.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError)]
    [InlineData("svcempty.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NameError)]
    [InlineData("_http._tcp.svcempty.testns.svc.cluster.local.", DnsRecordType.SRV, DnsResponseCode.NameError)]
    [InlineData("svc6.testns.svc.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NameError)]
    [InlineData("svc1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError)]
    [InlineData("hdls1.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError)]
    [InlineData("external.testns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError)]
    public void IgnoreEmptyService_ServicesWithoutReadyAddressesAreNxDomain(string qname, DnsRecordType qtype, DnsResponseCode rcode)
    {
        var options = new ClusterDnsOptions { IgnoreEmptyService = true };
        options.Namespaces.Add("testns");

        var result = new ClusterDnsAnswerer(Fixture(), options).Answer(qname, qtype);

        Assert.Equal(rcode, result.ResponseCode);
        if (rcode == DnsResponseCode.NameError)
        {
            Assert.Equal(Normalize([Soa]), Normalize(result.Authority.Select(r => r.ToString())));
        }
    }

    // handler_test.go nsTestCases: ns.dns.<zone> answers the server's own address; the apex NS names it, with it as glue.
    [Fact]
    public void ApexNs_NamesNsDns_WithTheServersAddressAsGlue()
    {
        var options = new ClusterDnsOptions();
        options.NameServerAddresses.Add(System.Net.IPAddress.Parse("10.0.0.10"));
        var answerer = new ClusterDnsAnswerer(Fixture(), options);

        var ns = answerer.Answer("cluster.local.", DnsRecordType.NS);
        var a = answerer.Answer("ns.dns.cluster.local.", DnsRecordType.A);

        Assert.Equal(["cluster.local. 5 IN NS ns.dns.cluster.local."], Normalize(ns.Answer.Select(r => r.ToString())));
        Assert.Equal(["ns.dns.cluster.local. 5 IN A 10.0.0.10"], Normalize(ns.Additional.Select(r => r.ToString())));
        Assert.Equal(DnsResponseCode.NoError, a.ResponseCode);
        Assert.Equal(["ns.dns.cluster.local. 5 IN A 10.0.0.10"], Normalize(a.Answer.Select(r => r.ToString())));
        Assert.Equal(DnsResponseCode.NameError, new ClusterDnsAnswerer(Fixture()).Answer("ns.dns.cluster.local.", DnsRecordType.A).ResponseCode); // without the option
    }

    [Fact]
    public void EndpointNameOnAClusterIpService_AnswersTheEndpoint()
    {
        // kubernetes_test.go TestServices: "ep1a.svc1.testns..." returns the endpoint's IP.
        var result = Answerer(Fixture()).Answer("ep1a.svc1.testns.svc.cluster.local.", DnsRecordType.A);
        Assert.Equal(["ep1a.svc1.testns.svc.cluster.local. 5 IN A 172.0.0.1"], Normalize(result.Answer.Select(r => r.ToString())));
    }

    // CoreDNS's test.CNAMEOrder: a CNAME never follows the records of its target.
    private static void AssertCnameBeforeItsTarget(ClusterDnsAnswer result)
    {
        for (var i = 0; i < result.Answer.Length; i++)
        {
            if (result.Answer[i] is CnameRecord cname)
            {
                Assert.DoesNotContain(result.Answer.Take(i), r => string.Equals(r.Name, cname.Target, StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    internal static string[] Normalize(IEnumerable<string> records) =>
        [.. records.Select(r =>
        {
            var text = Regex.Replace(r, @"\s+", " ").Trim().Replace("\"", string.Empty, StringComparison.Ordinal);
            // The SOA serial is CoreDNS's modification time: not compared.
            return Regex.Replace(text, @"( IN SOA \S+ \S+ )\d+", "$1<serial>");
        }).Order(StringComparer.Ordinal)];
}
