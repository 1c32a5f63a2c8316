using BenchmarkDotNet.Attributes;
using K8sNet.Dns;

namespace K8sNet.Benchmarks.Dns;

/// <summary>
/// Cluster DNS answers in process (issue: answers per second): a namespace of 1,000 ClusterIP Services and one headless
/// Service of 100 endpoints; A for a Service, SRV for a named port of the headless Service (100 records + additional),
/// a PTR for an endpoint IP (searches every Service's endpoints), and an NXDOMAIN.
/// </summary>
public class ClusterDnsAnswerBenchmarks
{
    private ClusterDnsAnswerer _dns = null!;

    [GlobalSetup]
    public void Setup()
    {
        var data = new InMemoryClusterDnsData();
        for (var i = 0; i < 1_000; i++)
        {
            data.SetService(new ServiceName("shop", $"svc-{i}"), new ServiceSpecInfo { ClusterIPs = [$"10.96.{i / 250}.{(i % 250) + 1}"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] });
        }

        data.SetService(
            new ServiceName("shop", "db"),
            new ServiceSpecInfo { ClusterIPs = ["None"], Ports = [new ServicePortInfo("pg", 5432, TargetPort.FromNumber(5432))] },
            new EndpointSliceInfo("db-1", AddressType.IPv4, [new EndpointPort("pg", 5432)], [.. Enumerable.Range(0, 100).Select(e => new Endpoint($"10.244.1.{e + 1}", EndpointConditions.ReadyEndpoint) { Hostname = $"db-{e}" })]));
        _dns = new ClusterDnsAnswerer(data);
    }

    [Benchmark]
    public ClusterDnsAnswer ServiceA() => _dns.Answer("svc-500.shop.svc.cluster.local.", DnsRecordType.A);

    [Benchmark]
    public ClusterDnsAnswer HeadlessSrv100() => _dns.Answer("_pg._tcp.db.shop.svc.cluster.local.", DnsRecordType.SRV);

    [Benchmark]
    public ClusterDnsAnswer EndpointPtr() => _dns.Answer("50.1.244.10.in-addr.arpa.", DnsRecordType.PTR);

    [Benchmark]
    public ClusterDnsAnswer NxDomain() => _dns.Answer("nope.shop.svc.cluster.local.", DnsRecordType.A);
}
