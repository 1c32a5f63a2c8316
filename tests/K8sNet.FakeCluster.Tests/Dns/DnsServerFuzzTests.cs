using System.Net.Sockets;
using DnsClient;
using FsCheck;
using FsCheck.Fluent;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Dns;
using Xunit.Abstractions;

namespace K8sNet.Testing.Tests.Dns;

/// <summary>
/// Random and mutated packets at the cluster DNS server over UDP and TCP (issue 22): a query with a readable header is
/// answered with its ID and QR set, a response is never answered, a TCP stream may be cut or lie about its length, and
/// after every case a valid query is still answered. <c>K8SNET_FUZZ_CASES</c> sets how many cases (default 200).
/// </summary>
public sealed class DnsServerFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new();
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    private FakeDnsServer _server = null!;

    public async Task InitializeAsync()
    {
        _cluster.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = "http", Port = 80 }] },
        });
        await _cluster.WaitForIdleAsync();
        _server = _cluster.StartDnsServer();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public sealed record Packet(byte[] Bytes, bool OverTcp, string Kind)
    {
        public override string ToString() => $"{Kind} over {(OverTcp ? "TCP" : "UDP")}: {Convert.ToHexString(Bytes)}";
    }

    [Fact]
    public async Task HostilePackets_NeverStopTheServer()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("K8SNET_FUZZ_CASES"), out var n) && n > 0 ? n : 200;
        var failures = new List<string>();
        var property = Prop.ForAll(Arb.From(Packets()), p =>
        {
            var failure = Task.Run(() => SendAsync(p)).GetAwaiter().GetResult();
            if (failure is not null)
            {
                failures.Add(failure);
            }

            return failure is null;
        });

        Check.One(Config.Quick.WithMaxTest(cases).WithQuietOnSuccess(true), property);

        foreach (var failure in failures.Take(20))
        {
            output.WriteLine($"FAILED {failure}");
        }

        output.WriteLine($"{cases} cases: {string.Join(", ", _seen.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} ×{s.Value}"))}");
        Assert.Empty(failures);
        var client = new LookupClient(new LookupClientOptions(new NameServer(_server.EndPoint)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(5) });
        Assert.Single((await client.QueryAsync("web.default.svc.cluster.local", QueryType.A)).Answers.ARecords());
        var tcp = new LookupClient(new LookupClientOptions(new NameServer(_server.EndPoint)) { UseCache = false, Retries = 0, UseTcpOnly = true, Timeout = TimeSpan.FromSeconds(5) });
        Assert.Single((await tcp.QueryAsync("web.default.svc.cluster.local", QueryType.A)).Answers.ARecords());
    }

    private async Task<string?> SendAsync(Packet p)
    {
        var bytes = p.Bytes;
        var isResponse = bytes.Length >= 3 && (bytes[2] & 0x80) != 0;
        byte[]? answer;
        try
        {
            answer = p.OverTcp ? await TcpAsync(bytes, p.Kind == "lying length") : await UdpAsync(bytes, isResponse || bytes.Length < 12 ? TimeSpan.FromMilliseconds(30) : TimeSpan.FromSeconds(3));
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            answer = null;
        }

        lock (_seen)
        {
            var key = $"{p.Kind}/{(answer is null ? "no answer" : $"rcode {answer[3] & 0x0F}")}";
            _seen[key] = _seen.GetValueOrDefault(key) + 1;
        }

        if (isResponse && answer is not null)
        {
            return $"{p}: a response was answered";
        }

        if (!isResponse && bytes.Length >= 12 && p.Kind != "lying length" && answer is null)
        {
            return $"{p}: no answer";
        }

        if (answer is not null && (answer.Length < 12 || answer[0] != bytes[0] || answer[1] != bytes[1] || (answer[2] & 0x80) == 0))
        {
            return $"{p}: answered {Convert.ToHexString(answer)} (not its ID, or QR clear)";
        }

        return await StillAnswersAsync() ? null : $"{p}: the server stopped answering";
    }

    private async Task<bool> StillAnswersAsync()
    {
        var query = Query("web.default.svc.cluster.local", 1, 4242);
        var answer = await UdpAsync(query, TimeSpan.FromSeconds(3));
        return answer is { Length: > 12 } && answer[0] == query[0] && answer[1] == query[1] && (answer[3] & 0x0F) == 0;
    }

    private async Task<byte[]?> UdpAsync(byte[] packet, TimeSpan wait)
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        await udp.SendAsync(packet, _server.EndPoint);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            return (await udp.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    // A length prefix and the packet; a lying prefix (longer than what follows) then a close.
    private async Task<byte[]?> TcpAsync(byte[] packet, bool lie)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.EndPoint);
        var stream = tcp.GetStream();
        var length = lie ? packet.Length + 50 : packet.Length;
        await stream.WriteAsync(new[] { (byte)(length >> 8), (byte)length });
        await stream.WriteAsync(packet);
        if (lie)
        {
            tcp.Client.Shutdown(SocketShutdown.Send);
        }

        using var cts = new CancellationTokenSource(lie || packet.Length < 12 || (packet.Length >= 3 && (packet[2] & 0x80) != 0) ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(3));
        try
        {
            var prefix = new byte[2];
            await stream.ReadExactlyAsync(prefix, cts.Token);
            var answer = new byte[(prefix[0] << 8) | prefix[1]];
            await stream.ReadExactlyAsync(answer, cts.Token);
            return answer;
        }
        catch (Exception ex) when (ex is OperationCanceledException or EndOfStreamException or IOException)
        {
            return null;
        }
    }

    private static Gen<Packet> Packets()
    {
        var valid = Query("web.default.svc.cluster.local", 1, 7);
        var random = from length in Gen.Choose(0, 600)
                     from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), length)
                     select (bytes, "random");
        var mutated = from flips in Gen.Choose(1, 8)
                      from positions in Gen.ArrayOf(Gen.Choose(0, valid.Length - 1), flips)
                      from values in Gen.ArrayOf(Gen.Choose(0, 255), flips)
                      from cut in Gen.Frequency((3, Gen.Constant(valid.Length)), (1, Gen.Choose(0, valid.Length)))
                      select (Mutate(valid, positions, values)[..cut], "mutated");
        var crafted = Gen.Elements(
            (Loop(), "compression loop"),
            (WithCounts(valid, qd: 2), "two questions"),
            (WithCounts(valid, qd: 0), "no question"),
            (WithCounts(valid, an: 40, ar: 40), "lying counts"),
            ([.. WithCounts(valid, ar: 1), 0, 0, 41, 0x10, 0, 0, 1, 0, 0, 0, 0], "EDNS version 1"),
            ([.. WithCounts(valid, ar: 1), 0, 0, 41, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF], "EDNS option overrun"),
            (Response(valid), "response"),
            (Query(string.Join('.', Enumerable.Repeat(new string('a', 63), 5)), 1, 9), "name over 255"),
            (Query("web.default.svc.cluster.local", 255, 10), "ANY"),
            (Query("web.default.svc.cluster.local", 252, 11), "AXFR"));
        return from body in Gen.Frequency((3, random), (4, mutated), (2, crafted))
               from tcp in Gen.Frequency((3, Gen.Constant(false)), (2, Gen.Constant(true)))
               from lie in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
               select new Packet(body.Item1, tcp, tcp && lie ? "lying length" : body.Item2);
    }

    private static byte[] Mutate(byte[] packet, int[] positions, int[] values)
    {
        var copy = (byte[])packet.Clone();
        for (var i = 0; i < positions.Length; i++)
        {
            copy[positions[i]] = (byte)values[i];
        }

        return copy;
    }

    private static byte[] WithCounts(byte[] packet, int qd = 1, int an = 0, int ns = 0, int ar = 0)
    {
        var copy = (byte[])packet.Clone();
        (copy[4], copy[5], copy[6], copy[7], copy[8], copy[9], copy[10], copy[11]) = ((byte)(qd >> 8), (byte)qd, (byte)(an >> 8), (byte)an, (byte)(ns >> 8), (byte)ns, (byte)(ar >> 8), (byte)ar);
        return copy;
    }

    private static byte[] Response(byte[] packet)
    {
        var copy = (byte[])packet.Clone();
        copy[2] |= 0x80;
        return copy;
    }

    // A question name that is a compression pointer to itself.
    private static byte[] Loop() => [0, 12, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1];

    private static byte[] Query(string name, ushort type, ushort id)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, (byte)(type >> 8), (byte)type, 0, 1]);
        return [.. bytes];
    }
}
