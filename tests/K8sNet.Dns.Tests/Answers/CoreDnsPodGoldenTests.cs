using System.Net;
using K8sNet.Dns;
using static K8sNet.Dns.Tests.Answers.CoreDnsHandlerGoldenTests;

namespace K8sNet.Dns.Tests.Answers;

/// <summary>
/// Pod records, reproduced from CoreDNS's plugin/kubernetes handler_pod_insecure_test.go (@6be2d45d) and
/// handler_pod_verified_test.go (@08045eb4): the same pod (podns/foo at 10.240.0.1) and namespaces (every one exists
/// but pod-nons and nsnoexist). Compared: the response code, the answer and the SOA's owner (those files' SOA fields
/// predate CoreDNS's current SOA, which handler_test.go checks in full). And the default, disabled: always NXDOMAIN.
/// </summary>
public class CoreDnsPodGoldenTests
{
    private static ClusterDnsAnswerer Answerer(PodRecordMode mode)
    {
        var data = Fixture().AddNamespace("podns").AddNamespace("svcns").AddPod(new DnsPod("podns", "foo", IPAddress.Parse("10.240.0.1")));
        return new ClusterDnsAnswerer(data, new ClusterDnsOptions { PodRecords = mode });
    }

    public static TheoryData<PodRecordMode, string, DnsRecordType, DnsResponseCode, string[]> Cases => new()
    {
        // insecure
        { PodRecordMode.Insecure, "10-240-0-1.podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1"] },
        { PodRecordMode.Insecure, "172-0-0-2.podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["172-0-0-2.podns.pod.cluster.local. 5 IN A 172.0.0.2"] },
        { PodRecordMode.Insecure, "blah.podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [] },
        { PodRecordMode.Insecure, "blah.podns.pod.cluster.local.", DnsRecordType.AAAA, DnsResponseCode.NameError, [] },
        { PodRecordMode.Insecure, "blah.podns.pod.cluster.local.", (DnsRecordType)13 /* HINFO */, DnsResponseCode.NameError, [] },
        { PodRecordMode.Insecure, "blah.pod-nons.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [] },
        { PodRecordMode.Insecure, "podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, [] },

        // verified
        { PodRecordMode.Verified, "10-240-0-1.podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, ["10-240-0-1.podns.pod.cluster.local. 5 IN A 10.240.0.1"] },
        { PodRecordMode.Verified, "podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, [] },
        { PodRecordMode.Verified, "svcns.svc.cluster.local.", DnsRecordType.A, DnsResponseCode.NoError, [] },
        { PodRecordMode.Verified, "pod-nons.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [] },
        { PodRecordMode.Verified, "172-0-0-2.podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [] },

        // disabled (CoreDNS's default)
        { PodRecordMode.Disabled, "10-240-0-1.podns.pod.cluster.local.", DnsRecordType.A, DnsResponseCode.NameError, [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PodRecords_AsCoreDns(PodRecordMode mode, string qname, DnsRecordType qtype, DnsResponseCode rcode, string[] answer)
    {
        var result = Answerer(mode).Answer(qname, qtype);

        Assert.Equal(rcode, result.ResponseCode);
        Assert.Equal(Normalize(answer), Normalize(result.Answer.Select(r => r.ToString())));
        if (answer.Length == 0)
        {
            Assert.Equal("cluster.local.", Assert.IsType<SoaRecord>(Assert.Single(result.Authority)).Name);
        }
    }

    [Fact]
    public void Ipv6PodName_ReadsTheDashedAddress()
    {
        var result = Answerer(PodRecordMode.Insecure).Answer("fd00-77-30--a.podns.pod.cluster.local.", DnsRecordType.AAAA);
        Assert.Equal(["fd00-77-30--a.podns.pod.cluster.local. 5 IN AAAA fd00:77:30::a"], Normalize(result.Answer.Select(r => r.ToString())));
    }
}

/// <summary>Behaviour beyond the upstream tables: readiness, options, bad input.</summary>
public class ClusterDnsAnswererTests
{
    [Fact]
    public void NotReadyEndpoints_AreInNoRecord_UnsetReadinessCountsAsReady_HeadlessWithNoneIsNxDomain()
    {
        var web = new ServiceName("shop", "web");
        var data = new InMemoryClusterDnsData().SetService(web, new ServiceSpecInfo { ClusterIPs = ["None"] },
            new EndpointSliceInfo("web-1", AddressType.IPv4, [new EndpointPort("http", 8080)],
            [
                new Endpoint("10.1.0.1", new EndpointConditions(true, true, false)),
                new Endpoint("10.1.0.2", new EndpointConditions(false, true, true)), // terminating, not ready
                new Endpoint("10.1.0.3", EndpointConditions.Unknown),                 // readiness unset: ready, as CoreDNS reads it
            ]));
        var dns = new ClusterDnsAnswerer(data);

        Assert.Equal(["10.1.0.1", "10.1.0.3"], dns.Answer("web.shop.svc.cluster.local", DnsRecordType.A).Answer.Cast<AddressRecord>().Select(r => r.Address.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(DnsResponseCode.NameError, dns.Answer("10-1-0-2.web.shop.svc.cluster.local", DnsRecordType.A).ResponseCode);
        Assert.Equal(DnsResponseCode.NameError, dns.Answer("_http._udp.web.shop.svc.cluster.local", DnsRecordType.SRV).ResponseCode); // no such port

        data.SetService(web, new ServiceSpecInfo { ClusterIPs = ["None"] }, new EndpointSliceInfo("web-1", AddressType.IPv4, [], [new Endpoint("10.1.0.2", new EndpointConditions(false, false, true))]));
        Assert.Equal(DnsResponseCode.NameError, dns.Answer("web.shop.svc.cluster.local", DnsRecordType.A).ResponseCode);
    }

    [Fact]
    public void ZoneAndTtl_AreOptions_OutOfZoneNamesAreNotAnswered()
    {
        var data = new InMemoryClusterDnsData().SetService(new("shop", "web"), new ServiceSpecInfo { ClusterIPs = ["10.96.0.7"] });
        var dns = new ClusterDnsAnswerer(data, new ClusterDnsOptions { Zone = "corp.example", Ttl = 30 });

        var a = Assert.IsType<AddressRecord>(Assert.Single(dns.Answer("web.shop.svc.corp.example.", DnsRecordType.A).Answer));
        Assert.Equal(30, a.Ttl);
        var soa = Assert.IsType<SoaRecord>(Assert.Single(dns.Answer("nope.shop.svc.corp.example.", DnsRecordType.A).Authority));
        Assert.Equal((30, 30, "corp.example."), (soa.Ttl, soa.Minimum, soa.Name));
        Assert.Equal(300, Assert.IsType<SoaRecord>(Assert.Single(new ClusterDnsAnswerer(data, new ClusterDnsOptions { Ttl = 3600 }).Answer("x.shop.svc.cluster.local", DnsRecordType.A).Authority)).Ttl);

        var outside = dns.Answer("example.com.", DnsRecordType.A);
        Assert.False(outside.IsAuthoritative);
        Assert.Equal(DnsResponseCode.Refused, outside.ResponseCode);
    }

    [Fact]
    public void BadOptions_NameTheOption()
    {
        var data = new InMemoryClusterDnsData();
        Assert.Contains("ClusterDnsOptions.Ttl must be between 0 and 3600", Assert.Throws<ArgumentOutOfRangeException>(() => new ClusterDnsAnswerer(data, new ClusterDnsOptions { Ttl = 4000 })).Message);
        Assert.Contains("ClusterDnsOptions.Zone", Assert.Throws<KubernetesNameException>(() => new ClusterDnsAnswerer(data, new ClusterDnsOptions { Zone = "Bad_Zone" })).Message);
    }
}
