using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using K8sNet.Testing;

namespace K8sNet.Benchmarks.Dns;

/// <summary>
/// FakeCluster's DNS server over loopback UDP: one query and its answer, from a client socket in the same process
/// (queries per second for one client = 1 / the time per operation); an A query for a Service and an NXDOMAIN.
/// </summary>
public class DnsServerBenchmarks
{
    private FakeCluster _cluster = null!;
    private UdpClient _udp = null!;
    private byte[] _serviceQuery = null!;
    private byte[] _missingQuery = null!;

    [GlobalSetup]
    public void Setup()
    {
        _cluster = new FakeCluster();
        _cluster.Create(Testing.FakeClusterBenchmarks.Service("web", "web"));
        _cluster.WaitForIdleAsync().GetAwaiter().GetResult();
        var server = _cluster.StartDnsServer();
        _udp = new UdpClient();
        _udp.Connect(server.EndPoint);
        _serviceQuery = Query("web.default.svc.cluster.local", 1);
        _missingQuery = Query("nope.default.svc.cluster.local", 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _udp.Dispose();
        _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<int> UdpServiceA()
    {
        await _udp.SendAsync(_serviceQuery);
        return (await _udp.ReceiveAsync()).Buffer.Length;
    }

    [Benchmark]
    public async Task<int> UdpNxDomain()
    {
        await _udp.SendAsync(_missingQuery);
        return (await _udp.ReceiveAsync()).Buffer.Length;
    }

    private static byte[] Query(string name, ushort type)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }
}
