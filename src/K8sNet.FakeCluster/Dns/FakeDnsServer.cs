using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net;
using ARSoft.Tools.Net.Dns;
using K8sNet.Dns;

namespace K8sNet.Testing.Dns;

/// <summary>
/// FakeCluster's DNS on a real loopback socket, UDP and TCP on one port (127.0.0.1): <c>dig @127.0.0.1 -p PORT</c> or
/// any resolver gets the cluster's answers (<see cref="FakeCluster.Dns"/>), from the live state. Responses over 512
/// bytes on UDP (or the client's EDNS size) are truncated with TC set, and the client retries over TCP. A packet that
/// is not a readable query is answered FORMERR (dropped when its header is incomplete, and a response, QR set, is
/// dropped unanswered as CoreDNS drops it); an EDNS version other than 0 gets BADVERS; names outside the cluster zone
/// and the reverse zones go to <see cref="Upstream"/> when one is set (an ExternalName's target outside the zone too),
/// and are REFUSED when not. The server keeps serving whatever it is sent. Wire format: ARSoft.Tools.Net.
/// </summary>
public sealed class FakeDnsServer : IAsyncDisposable
{
    private readonly FakeCluster _cluster;
    private readonly DnsServer _server;
    private long _queries;

    private FakeDnsServer(FakeCluster cluster, Socket udp, Socket tcp)
    {
        _cluster = cluster;
        EndPoint = (IPEndPoint)udp.LocalEndPoint!;
        _server = new DnsServer(new IServerTransport[] { new LoopbackUdpTransport(udp), new LoopbackTcpTransport(tcp) });
        _server.QueryReceived += OnQueryReceivedAsync;
    }

    /// <summary>Where the server listens (127.0.0.1 and a port, for UDP and TCP).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// A DNS server for names outside the cluster's zones, as CoreDNS's <c>forward</c> (over the client's transport: a
    /// truncated UDP answer is passed on with TC set, the client's TCP retry forwarded over TCP);
    /// <see langword="null"/> (the default) answers them REFUSED. Keep it on loopback in tests (another FakeCluster's
    /// server, say).
    /// </summary>
    public IPEndPoint? Upstream { get; set; }

    /// <summary>Whether the server has been stopped (disposed); <see cref="FakeCluster.StartDnsServer"/> then starts another.</summary>
    public bool IsStopped { get; private set; }

    /// <summary>How many queries the server has answered from the cluster (FORMERRs not counted).</summary>
    public long Queries => Interlocked.Read(ref _queries);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        IsStopped = true;
        try
        {
            _server.Stop();
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(x => x is OperationCanceledException))
        {
            // ARSoft's Stop waits for its listening tasks, which end cancelled when no query ever came.
        }
        return ValueTask.CompletedTask;
    }

    internal static FakeDnsServer Start(FakeCluster cluster, int port)
    {
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)udp.LocalEndPoint!).Port));
                tcp.Listen(64);
                var server = new FakeDnsServer(cluster, udp, tcp);
                server._server.Start();
                return server;
            }
            catch (SocketException) when (port == 0 && attempt < 10)
            {
                // The UDP port chosen is taken for TCP: try another.
                udp.Dispose();
                tcp.Dispose();
            }
            catch
            {
                udp.Dispose();
                tcp.Dispose();
                throw;
            }
        }
    }

    private async Task OnQueryReceivedAsync(object sender, QueryReceivedEventArgs e)
    {
        if (e.Query is not DnsMessage query)
        {
            return;
        }

        var response = query.CreateResponseInstance();
        e.Response = response;
        if (query.OperationCode != OperationCode.Query)
        {
            response.ReturnCode = ReturnCode.NotImplemented;
            return;
        }

        if (query.IsEDnsEnabled && query.EDnsOptions!.Version != 0)
        {
            // RFC 6891 6.1.3: a version the server does not implement gets BADVERS, with the version it does (0).
            response.EDnsOptions!.Version = 0;
            response.ReturnCode = ReturnCode.BadVersion;
            return;
        }

        if (query.Questions.Count != 1 || query.Questions[0].RecordClass is not (RecordClass.INet or RecordClass.Any))
        {
            response.ReturnCode = query.Questions.Count != 1 ? ReturnCode.FormatError : ReturnCode.NotImplemented;
            return;
        }

        Interlocked.Increment(ref _queries);
        var question = query.Questions[0];
        ClusterDnsAnswer answer;
        try
        {
            answer = _cluster.Dns.Answer(question.Name.ToString(), (DnsRecordType)(ushort)question.RecordType);
        }
        catch (ArgumentException)
        {
            response.ReturnCode = ReturnCode.FormatError;
            return;
        }

        var upstream = Upstream;
        response.IsRecursionAllowed = upstream is not null;
        if (!answer.IsAuthoritative && upstream is not null)
        {
            // Outside the cluster: forwarded, the upstream's answer relayed.
            var forwarded = await ForwardAsync(upstream, question.Name, question.RecordType, e.TransportProtocol, query.EDnsOptions).ConfigureAwait(false);
            response.ReturnCode = forwarded?.ReturnCode ?? ReturnCode.ServerFailure;
            if (forwarded is not null)
            {
                response.IsTruncated = forwarded.IsTruncated; // as CoreDNS's forward: the client retries over TCP
                response.AnswerRecords.AddRange(forwarded.AnswerRecords);
                response.AuthorityRecords.AddRange(forwarded.AuthorityRecords);
                response.AdditionalRecords.AddRange(forwarded.AdditionalRecords.Where(r => r.RecordType != RecordType.Opt));
            }

            return;
        }

        response.IsAuthoritiveAnswer = answer.IsAuthoritative;
        response.ReturnCode = (ReturnCode)(ushort)answer.ResponseCode;
        response.AnswerRecords.AddRange(answer.Answer.Select(ToWire));
        response.AuthorityRecords.AddRange(answer.Authority.Select(ToWire));
        response.AdditionalRecords.AddRange(answer.Additional.Select(ToWire));
        if (answer.UpstreamName is { } target && upstream is not null
            && await ForwardAsync(upstream, DomainName.Parse(target), question.RecordType, e.TransportProtocol, query.EDnsOptions).ConfigureAwait(false) is { ReturnCode: ReturnCode.NoError } resolved)
        {
            response.AnswerRecords.AddRange(resolved.AnswerRecords); // an ExternalName's target, after its CNAME
            response.IsTruncated |= resolved.IsTruncated;
        }
    }

    // Over the client's own transport, as CoreDNS's forward: a truncated UDP answer is passed on truncated, and the
    // client's retry over TCP is forwarded over TCP.
    private static async Task<DnsMessage?> ForwardAsync(IPEndPoint upstream, DomainName name, RecordType type, ARSoft.Tools.Net.Dns.TransportProtocol protocol, OptRecord? edns)
    {
        try
        {
            if (protocol != ARSoft.Tools.Net.Dns.TransportProtocol.Tcp)
            {
                return await ForwardUdpAsync(upstream, name, type, edns).ConfigureAwait(false);
            }

            using var client = new ARSoft.Tools.Net.Dns.DnsClient([upstream.Address], [new TcpClientTransport(upstream.Port)], true, 2000);
            var options = new DnsQueryOptions { IsRecursionDesired = true };
            if (edns is not null)
            {
                options.EDnsOptions = new OptRecord { UdpPayloadSize = edns.UdpPayloadSize };
            }

            return await client.ResolveAsync(name, type, RecordClass.INet, options, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or OperationCanceledException or IOException or ArgumentException)
        {
            return null;
        }
    }

    // One UDP exchange, the answer kept as it comes (truncated or not): ARSoft's client drops a truncated answer when it
    // has no TCP transport to retry on. The client's EDNS buffer size goes along, as CoreDNS's forward sends it.
    private static async Task<DnsMessage?> ForwardUdpAsync(IPEndPoint upstream, DomainName name, RecordType type, OptRecord? edns)
    {
        var id = (ushort)Random.Shared.Next(ushort.MaxValue + 1);
        var query = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, (byte)(edns is null ? 0 : 1) };
        foreach (var label in name.Labels)
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(label);
            query.Add((byte)bytes.Length);
            query.AddRange(bytes);
        }

        query.AddRange([0, (byte)((ushort)type >> 8), (byte)type, 0, 1]);
        if (edns is not null)
        {
            query.AddRange([0, 0, 41, (byte)(edns.UdpPayloadSize >> 8), (byte)edns.UdpPayloadSize, 0, 0, 0, 0, 0, 0]);
        }

        using var udp = new UdpClient(upstream.AddressFamily);
        await udp.SendAsync(query.ToArray(), upstream).ConfigureAwait(false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        while (true)
        {
            var received = await udp.ReceiveAsync(timeout.Token).ConfigureAwait(false);
            if (received.RemoteEndPoint.Equals(upstream) && received.Buffer.Length >= 2 && ((received.Buffer[0] << 8) | received.Buffer[1]) == id)
            {
                try
                {
                    return DnsMessage.Parse(received.Buffer);
                }
#pragma warning disable CA1031 // an upstream's unreadable answer is a failed forward (SERVFAIL), whatever the parser throws
                catch (Exception)
#pragma warning restore CA1031
                {
                    return null;
                }
            }
        }
    }

    private static ARSoft.Tools.Net.Dns.DnsRecordBase ToWire(K8sNet.Dns.DnsRecord record)
    {
        var name = DomainName.Parse(record.Name);
        return record switch
        {
            AddressRecord { Type: DnsRecordType.AAAA } a => new AaaaRecord(name, a.Ttl, a.Address),
            AddressRecord a => new ARecord(name, a.Ttl, a.Address),
            K8sNet.Dns.SrvRecord s => new ARSoft.Tools.Net.Dns.SrvRecord(name, s.Ttl, s.Priority, s.Weight, s.Port, DomainName.Parse(s.Target)),
            CnameRecord c => new CNameRecord(name, c.Ttl, DomainName.Parse(c.Target)),
            K8sNet.Dns.PtrRecord p => new ARSoft.Tools.Net.Dns.PtrRecord(name, p.Ttl, DomainName.Parse(p.Target)),
            K8sNet.Dns.NsRecord n => new ARSoft.Tools.Net.Dns.NsRecord(name, n.Ttl, DomainName.Parse(n.Target)),
            K8sNet.Dns.TxtRecord t => new ARSoft.Tools.Net.Dns.TxtRecord(name, t.Ttl, t.Text),
            K8sNet.Dns.SoaRecord s => new ARSoft.Tools.Net.Dns.SoaRecord(name, s.Ttl, DomainName.Parse(s.PrimaryServer), DomainName.Parse(s.Mailbox), s.Serial, s.Refresh, s.Retry, s.Expire, s.Minimum),
            _ => throw new InvalidOperationException($"no wire form for {record.Type}"),
        };
    }
}
