using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DnsClient;
using DnsClient.Protocol;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Dns;
using static K8sNet.Testing.Tests.Cluster.FakeClusterTests;

namespace K8sNet.Testing.Tests.Dns;

/// <summary>
/// FakeCluster's DNS server on loopback, through a .NET DNS client (DnsClient 1.8) and through <c>dig</c> (skipped,
/// saying so, where it is not installed): every record type, negative answers, TCP, truncation with TCP fallback, and
/// a fuzz of malformed packets after which it still answers.
/// </summary>
public sealed class DnsServerTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new();
    private FakeDnsServer _server = null!;
    private LookupClient _client = null!;

    public async Task InitializeAsync()
    {
        _cluster.Create(Service("web"));
        var db = Service("db", clusterIP: "None", selector: new Dictionary<string, string> { ["app"] = "db" });
        db.Spec.Ports = [new V1ServicePort { Name = "pg", Port = 5432, TargetPort = 5432 }];
        _cluster.Create(db);
        for (var i = 0; i < 40; i++)
        {
            _cluster.Create(Pod($"db-{i}", labels: new Dictionary<string, string> { ["app"] = "db" }));
        }

        _cluster.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "ext", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "web.default.svc.cluster.local" },
        });
        _cluster.Create(Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        _server = _cluster.StartDnsServer();
        _client = new LookupClient(new LookupClientOptions(new NameServer(_server.EndPoint)) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromSeconds(5) });
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private string WebIp => _cluster.Get<V1Service>("web")!.Spec.ClusterIP;

    [Fact]
    public async Task RecordTypes_OverUdp()
    {
        var a = await _client.QueryAsync("web.default.svc.cluster.local", QueryType.A);
        Assert.Equal(WebIp, Assert.Single(a.Answers.ARecords()).Address.ToString());
        Assert.True(a.Header.HasAuthorityAnswer);

        var srv = await _client.QueryAsync("_http._tcp.web.default.svc.cluster.local", QueryType.SRV);
        var record = Assert.Single(srv.Answers.SrvRecords());
        Assert.Equal((80, "web.default.svc.cluster.local."), (record.Port, record.Target.Value));
        Assert.Equal(WebIp, Assert.Single(srv.Additionals.ARecords()).Address.ToString());

        var ptr = await _client.QueryReverseAsync(IPAddress.Parse(WebIp));
        Assert.Equal("web.default.svc.cluster.local.", Assert.Single(ptr.Answers.PtrRecords()).PtrDomainName.Value);

        var cname = await _client.QueryAsync("ext.default.svc.cluster.local", QueryType.A);
        Assert.Equal("web.default.svc.cluster.local.", Assert.Single(cname.Answers.CnameRecords()).CanonicalName.Value);
        Assert.Equal(WebIp, Assert.Single(cname.Answers.ARecords()).Address.ToString());

        var txt = await _client.QueryAsync("dns-version.cluster.local", QueryType.TXT);
        Assert.Equal("1.1.0", Assert.Single(Assert.Single(txt.Answers.TxtRecords()).Text));

        var nodata = await _client.QueryAsync("web.default.svc.cluster.local", QueryType.AAAA);
        Assert.Equal(DnsHeaderResponseCode.NoError, nodata.Header.ResponseCode);
        Assert.Empty(nodata.Answers);
        Assert.Single(nodata.Authorities.SoaRecords());

        var nx = await _client.QueryAsync("nope.default.svc.cluster.local", QueryType.A);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, nx.Header.ResponseCode);
        Assert.Equal("cluster.local.", Assert.Single(nx.Authorities.SoaRecords()).DomainName.Value);

        var refused = await _client.QueryAsync("example.com", QueryType.A);
        Assert.Equal(DnsHeaderResponseCode.Refused, refused.Header.ResponseCode);
    }

    [Fact]
    public async Task Tcp_AnswersTheSame()
    {
        var tcp = new LookupClient(new LookupClientOptions(new NameServer(_server.EndPoint)) { UseCache = false, UseTcpOnly = true, Retries = 0 });
        var a = await tcp.QueryAsync("web.default.svc.cluster.local", QueryType.A);
        Assert.Equal(WebIp, Assert.Single(a.Answers.ARecords()).Address.ToString());
        var again = await tcp.QueryAsync("db.default.svc.cluster.local", QueryType.A);
        Assert.Equal(40, again.Answers.ARecords().Count());
    }

    [Fact]
    public async Task LargeAnswer_IsTruncatedOverUdp_AndComplete_AfterTheClientsTcpFallback()
    {
        // 40 A records do not fit in 512 bytes: a plain UDP query (no EDNS) gets TC set...
        var query = Query("db.default.svc.cluster.local", 1, id: 0x1234);
        var response = await SendUdpAsync(query);
        Assert.NotNull(response);
        Assert.True((response![2] & 0x02) != 0, "TC set");

        // ...and a resolver that honours it (DnsClient falls back to TCP) gets all 40.
        var answer = await new LookupClient(new LookupClientOptions(new NameServer(_server.EndPoint)) { UseCache = false, Retries = 0, UseTcpFallback = true, ExtendedDnsBufferSize = 512, EnableAuditTrail = true })
            .QueryAsync("db.default.svc.cluster.local", QueryType.A);
        Assert.Equal(40, answer.Answers.ARecords().Count());
    }

    [Fact]
    public async Task Fuzz_MalformedPacketsGetFormErrOrAnAnswer_TheServerServesOn()
    {
        var random = new Random(20261126);
        var valid = Query("web.default.svc.cluster.local", 1, id: 7);
        var answered = 0;
        for (var i = 0; i < 300; i++)
        {
            byte[] packet;
            if (i % 2 == 0)
            {
                packet = new byte[random.Next(0, 80)];
                random.NextBytes(packet);
            }
            else
            {
                packet = (byte[])valid.Clone();
                for (var m = random.Next(1, 6); m > 0; m--)
                {
                    packet[random.Next(packet.Length)] = (byte)random.Next(256);
                }

                if (random.Next(4) == 0)
                {
                    packet = packet[..random.Next(packet.Length)]; // cut short
                }
            }

            var isResponse = packet.Length >= 3 && (packet[2] & 0x80) != 0; // dropped unanswered
            var response = await SendUdpAsync(packet, packet.Length < 12 || isResponse ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromSeconds(2));
            if (isResponse)
            {
                Assert.Null(response);
            }
            else if (packet.Length >= 12)
            {
                Assert.True(response is not null, $"no answer to packet {i}: {Convert.ToHexString(packet)}");
                Assert.Equal(packet[0..2], response![0..2]); // the query's ID
                Assert.True((response[2] & 0x80) != 0, "QR set");
                answered++;
            }
        }

        Assert.True(answered > 100);
        var a = await _client.QueryAsync("web.default.svc.cluster.local", QueryType.A);
        Assert.Equal(WebIp, Assert.Single(a.Answers.ARecords()).Address.ToString());
    }

    // Issue 22: a response was answered FORMERR (two such servers can loop). CoreDNS's library drops it; over TCP the
    // connection reads on.
    [Fact]
    public async Task AResponsePacket_IsDroppedUnanswered_OverUdpAndTcp()
    {
        var response = Query("web.default.svc.cluster.local", 1, id: 9);
        response[2] |= 0x80;

        Assert.Null(await SendUdpAsync(response, TimeSpan.FromMilliseconds(300)));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.EndPoint);
        var stream = tcp.GetStream();
        var query = Query("web.default.svc.cluster.local", 1, id: 10);
        foreach (var packet in new[] { response, query })
        {
            await stream.WriteAsync(new[] { (byte)(packet.Length >> 8), (byte)packet.Length });
            await stream.WriteAsync(packet);
        }

        var prefix = new byte[2];
        await stream.ReadExactlyAsync(prefix).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var answer = new byte[(prefix[0] << 8) | prefix[1]];
        await stream.ReadExactlyAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(10, (answer[0] << 8) | answer[1]); // the query's answer is the first thing read
    }

    // RFC 6891 6.1.3, as CoreDNS: an EDNS version other than 0 gets BADVERS (extended RCODE 16) with version 0.
    [Fact]
    public async Task EdnsVersion1_GetsBadVers()
    {
        var query = Query("web.default.svc.cluster.local", 1, id: 11);
        query[11] = 1; // ARCOUNT
        byte[] opt = [0, 0, 41, 0x10, 0x00, 0, 1, 0, 0, 0, 0]; // root, OPT, 4096 bytes, ext-rcode 0, version 1, flags 0, no data

        var raw = await SendUdpAsync([.. query, .. opt]);

        Assert.NotNull(raw);
        var message = ARSoft.Tools.Net.Dns.DnsMessage.Parse(raw!);
        Assert.Equal(ARSoft.Tools.Net.Dns.ReturnCode.BadVersion, message.ReturnCode);
        Assert.Equal(0, message.EDnsOptions!.Version);
        Assert.Empty(message.AnswerRecords);
    }

    [Fact]
    public async Task OutsideTheZone_ForwardedToTheUpstream_ExternalNameTargetsToo()
    {
        // Another cluster, zone corp.example, serves as the upstream.
        await using var corp = new FakeCluster(o => o.ClusterDomain = "corp.example");
        var api = corp.Create(Service("api"));
        await corp.WaitForIdleAsync();
        _server.Upstream = corp.StartDnsServer().EndPoint;
        _cluster.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "corp-api", NamespaceProperty = "default" },
            Spec = new V1ServiceSpec { Type = "ExternalName", ExternalName = "api.default.svc.corp.example" },
        });
        await _cluster.WaitForIdleAsync();

        var forwarded = await _client.QueryAsync("api.default.svc.corp.example", QueryType.A);
        Assert.Equal(api.Spec.ClusterIP, Assert.Single(forwarded.Answers.ARecords()).Address.ToString());
        Assert.False(forwarded.Header.HasAuthorityAnswer);

        var external = await _client.QueryAsync("corp-api.default.svc.cluster.local", QueryType.A);
        Assert.Equal("api.default.svc.corp.example.", Assert.Single(external.Answers.CnameRecords()).CanonicalName.Value);
        Assert.Equal(api.Spec.ClusterIP, Assert.Single(external.Answers.ARecords()).Address.ToString());

        var missing = await _client.QueryAsync("nope.default.svc.corp.example", QueryType.A);
        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, missing.Header.ResponseCode);
    }

    // As CoreDNS's forward: the upstream is asked over the client's transport with the client's EDNS size, and its
    // truncated UDP answer is passed on with TC set; the client's TCP retry is forwarded over TCP.
    [Fact]
    public async Task Forwarded_TruncatedAnswer_IsPassedOnWithTc_TheTcpRetryGetsAll()
    {
        await using var front = new FakeCluster(o => o.ClusterDomain = "front.local");
        var server = front.StartDnsServer();
        server.Upstream = _server.EndPoint; // this cluster's 40-address headless Service is outside front.local

        var udp = await SendUdpAsync(Query("db.default.svc.cluster.local", 1, id: 12), server.EndPoint);
        var big = new LookupClient(new LookupClientOptions(new NameServer(server.EndPoint)) { UseCache = false, Retries = 0, UseTcpFallback = false, ExtendedDnsBufferSize = 4096 });
        var tcp = new LookupClient(new LookupClientOptions(new NameServer(server.EndPoint)) { UseCache = false, Retries = 0, UseTcpOnly = true });

        Assert.NotNull(udp);
        Assert.True((udp![2] & 0x02) != 0, $"TC set: the upstream's 512-byte UDP answer was truncated; got rcode {udp[3] & 0x0F}, {(udp[6] << 8) | udp[7]} answers, {udp.Length} bytes");
        Assert.Equal(40, (await big.QueryAsync("db.default.svc.cluster.local", QueryType.A)).Answers.ARecords().Count()); // 4096 bytes asked upstream too
        Assert.Equal(40, (await tcp.QueryAsync("db.default.svc.cluster.local", QueryType.A)).Answers.ARecords().Count());
    }

    // CoreDNS's ignore empty_service and the apex NS glue, over the wire.
    [Fact]
    public async Task IgnoreEmptyService_AndApexNsGlue()
    {
        await using var cluster = new FakeCluster(o => o.ConfigureDns = d => d.IgnoreEmptyService = true);
        cluster.Create(Service("empty"));
        await cluster.WaitForIdleAsync();
        var server = cluster.StartDnsServer();
        var client = new LookupClient(new LookupClientOptions(new NameServer(server.EndPoint)) { UseCache = false, Retries = 0 });

        var empty = await client.QueryAsync("empty.default.svc.cluster.local", QueryType.A);
        var ns = await client.QueryAsync("cluster.local", QueryType.NS);

        Assert.Equal(DnsHeaderResponseCode.NotExistentDomain, empty.Header.ResponseCode);
        Assert.Equal("ns.dns.cluster.local.", Assert.Single(ns.Answers.NsRecords()).NSDName.Value);
        Assert.Equal(cluster.Options.ClusterDnsIP, Assert.Single(ns.Additionals.ARecords()).Address.ToString());
        Assert.Equal(DnsHeaderResponseCode.NoError, (await _client.QueryAsync("web.default.svc.cluster.local", QueryType.A)).Header.ResponseCode); // the default answers
    }

    [SkippableFact]
    public async Task Dig_GetsTheSameAnswers()
    {
        Skip.If(Which("dig") is null, "dig is not installed (Debian: apt-get install bind9-dnsutils); the same answers are checked above through DnsClient.");
        var port = _server.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(WebIp, (await DigAsync("-p", port, "web.default.svc.cluster.local", "A", "+short")).Trim());
        Assert.Equal("0 100 80 web.default.svc.cluster.local.", (await DigAsync("-p", port, "_http._tcp.web.default.svc.cluster.local", "SRV", "+short")).Trim());
        Assert.Equal("web.default.svc.cluster.local.", (await DigAsync("-p", port, "-x", WebIp, "+short")).Trim());
        Assert.Contains("status: NXDOMAIN", await DigAsync("-p", port, "nope.default.svc.cluster.local", "A"), StringComparison.Ordinal);
        Assert.Contains("status: BADVERS", await DigAsync("-p", port, "web.default.svc.cluster.local", "A", "+edns=1", "+noednsneg"), StringComparison.Ordinal);
        Assert.Equal(40, (await DigAsync("-p", port, "db.default.svc.cluster.local", "A", "+short", "+tcp")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(40, (await DigAsync("-p", port, "db.default.svc.cluster.local", "A", "+short", "+noedns")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // TC, then dig retries over TCP
    }

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private static async Task<string> DigAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dig") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("@127.0.0.1");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return output;
    }

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

    private Task<byte[]?> SendUdpAsync(byte[] packet, TimeSpan? wait = null) => SendUdpAsync(packet, _server.EndPoint, wait);

    private static async Task<byte[]?> SendUdpAsync(byte[] packet, IPEndPoint server, TimeSpan? wait = null)
    {
        using var udp = new UdpClient(AddressFamily.InterNetwork);
        await udp.SendAsync(packet, server);
        using var cts = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(2));
        try
        {
            return (await udp.ReceiveAsync(cts.Token)).Buffer;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
