using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;
using DnsClient.Protocol;
using DnsAddressRecord = DnsClient.Protocol.AddressRecord;

namespace K8sNet.Dns;

/// <summary>
/// Asks DNS about one Service (SRV for all its ports, SRV for each configured port name, A and AAAA, all at once) and
/// reads the answers into the Service's spec and slices as far as DNS shows them.
/// </summary>
internal sealed class DnsServiceLookup
{
    private readonly IDnsQuery _client;
    private readonly DnsEndpointOptions _options;
    private readonly (string Name, TransportProtocol Protocol)[] _named;
    private readonly DnsSourceMetrics _metrics;

    public DnsServiceLookup(IDnsQuery client, DnsEndpointOptions options, DnsSourceMetrics metrics)
    {
        _client = client;
        _options = options;
        _metrics = metrics;
        _named = [.. from n in options.PortNames.Distinct(StringComparer.OrdinalIgnoreCase)
                     from p in options.PortProtocols.Distinct()
                     select (n.ToLowerInvariant(), p)];
    }

    public static LookupClient CreateClient(DnsEndpointOptions options)
    {
        var o = options.Servers.Count == 0 ? new LookupClientOptions() : new LookupClientOptions([.. options.Servers.Select(s => new NameServer(s))]);
        o.UseCache = false; // TTLs are honoured by the source, within its floor and ceiling
        o.Timeout = options.QueryTimeout;
        o.Retries = options.QueryRetries;
        o.UseTcpFallback = true;
        o.ThrowDnsErrors = false;
        o.ContinueOnDnsError = false; // an NXDOMAIN is an answer, not a reason to ask the next server
        o.ContinueOnEmptyResponse = false;
        return new LookupClient(o);
    }

    public async Task<DnsLookupOutcome> LookupAsync(string fqdn, CancellationToken cancellationToken)
    {
        var srv = QueryAsync(fqdn, QueryType.SRV, cancellationToken);
        var a = QueryAsync(fqdn, QueryType.A, cancellationToken);
        var aaaa = QueryAsync(fqdn, QueryType.AAAA, cancellationToken);
        var named = _named.Select(n => QueryAsync($"_{n.Name}._{n.Protocol.ToDnsLabel()}.{fqdn}", QueryType.SRV, cancellationToken)).ToArray();
        await Task.WhenAll([srv, a, aaaa, .. named]).ConfigureAwait(false);

        var all = new[] { srv.Result, a.Result, aaaa.Result }.Concat(named.Select(t => t.Result)).ToList();
        if (all.FirstOrDefault(r => r.Error is not null) is { } failed)
        {
            return DnsLookupOutcome.Failed(failed.Error!);
        }

        var (srvR, aR, aaaaR) = (srv.Result.Response!, a.Result.Response!, aaaa.Result.Response!);
        if (aR.Answers.CnameRecords().FirstOrDefault(c => SameName(c.DomainName, fqdn)) is { } cname)
        {
            var externalName = cname.CanonicalName.Value.TrimEnd('.');
            return DnsLookupOutcome.Found(
                new ServiceSpecInfo { Type = ServiceType.ExternalName, ExternalName = externalName },
                [],
                "externalname|" + externalName.ToLowerInvariant(),
                TimeSpan.FromSeconds(cname.InitialTimeToLive));
        }

        if (IsNxDomain(srvR) && IsNxDomain(aR) && IsNxDomain(aaaaR))
        {
            return DnsLookupOutcome.Absent(NegativeTtl(aR));
        }

        var ttl = int.MaxValue;
        void Seen(DnsResourceRecord r) => ttl = Math.Min(ttl, r.InitialTimeToLive);

        // Addresses of each SRV target, from the additional sections (and A/AAAA of the Service name itself).
        var addresses = new Dictionary<string, List<IPAddress>>(StringComparer.OrdinalIgnoreCase);
        void AddAddress(DnsResourceRecord r)
        {
            if (r is DnsAddressRecord address)
            {
                var list = addresses.TryGetValue(address.DomainName.Value, out var l) ? l : addresses[address.DomainName.Value] = [];
                if (!list.Contains(address.Address))
                {
                    list.Add(address.Address);
                }
            }
        }

        foreach (var r in srvR.Additionals.Concat(named.SelectMany(n => n.Result.Response!.Additionals)).Concat(aR.Answers).Concat(aaaaR.Answers))
        {
            AddAddress(r);
        }

        // (target, port) -> the names it was found under.
        var names = new Dictionary<(string Target, int Port), List<(string Name, TransportProtocol Protocol)>>();
        for (var i = 0; i < _named.Length; i++)
        {
            foreach (var r in named[i].Result.Response!.Answers.SrvRecords())
            {
                Seen(r);
                var key = (r.Target.Value.ToLowerInvariant(), (int)r.Port);
                var list = names.TryGetValue(key, out var l) ? l : names[key] = [];
                list.Add(_named[i]);
            }
        }

        var records = srvR.Answers.SrvRecords().ToList();
        var pairs = records.Select(r => (Target: r.Target.Value.ToLowerInvariant(), Port: (int)r.Port)).Concat(names.Keys).Distinct().ToList();
        records.ForEach(Seen);

        List<(string? Name, int Port, TransportProtocol Protocol)> PortsOf(string target) =>
            [.. pairs.Where(p => p.Target == target).SelectMany(p => names.TryGetValue(p, out var n)
                ? n.Select(x => ((string?)x.Name, p.Port, x.Protocol))
                : [((string?)null, p.Port, TransportProtocol.Tcp)]).Distinct().OrderBy(p => p.Item1 ?? string.Empty, StringComparer.Ordinal).ThenBy(p => p.Port)];

        var self = fqdn.ToLowerInvariant();
        if (pairs.Count > 0 && pairs.All(p => p.Target == self))
        {
            // A Service with a cluster IP: its SRV records name the Service itself, at the Service's ports.
            var vips = addresses.TryGetValue(fqdn, out var v) ? v : [];
            foreach (var r in aR.Answers.AddressRecords().Concat(aaaaR.Answers.AddressRecords()))
            {
                Seen(r);
            }

            var ports = PortsOf(self);
            var spec = new ServiceSpecInfo
            {
                ClusterIPs = [.. vips.Select(ip => ip.ToString())],
                Ports = [.. ports.Select(p => new ServicePortInfo(p.Name ?? string.Empty, p.Port, TargetPort.FromNumber(p.Port), p.Protocol))],
            };
            var slices = vips.GroupBy(ip => ip.AddressFamily).Select(g => new EndpointSliceInfo(
                "dns-" + Family(g.Key).ToString().ToLowerInvariant(),
                Family(g.Key),
                [.. ports.Select(p => new EndpointPort(p.Name, p.Port, p.Protocol))],
                [.. g.Select(ip => new Endpoint(ip.ToString(), EndpointConditions.ReadyEndpoint))])).ToList();
            return Build(spec, slices, ttl);
        }

        // Headless: each SRV target is an endpoint (its hostname or dashed IP) at the pod's port.
        var endpoints = new List<(IPAddress Address, string? Hostname, List<(string? Name, int Port, TransportProtocol Protocol)> Ports)>();
        var unresolved = new List<string>();
        foreach (var target in pairs.Select(p => p.Target).Distinct())
        {
            if (!addresses.TryGetValue(target, out var ips))
            {
                unresolved.Add(target);
                continue;
            }

            var ports = PortsOf(target);
            foreach (var ip in ips)
            {
                endpoints.Add((ip, HostnameOf(target, ip), ports));
            }
        }

        if (unresolved.Count > 0)
        {
            // The server left a target's addresses out of the additional section: ask for them.
            var more = await Task.WhenAll(unresolved.SelectMany(t => new[] { QueryAsync(t, QueryType.A, cancellationToken), QueryAsync(t, QueryType.AAAA, cancellationToken) })).ConfigureAwait(false);
            if (more.FirstOrDefault(r => r.Error is not null) is { } f)
            {
                return DnsLookupOutcome.Failed(f.Error!);
            }

            foreach (var r in more.SelectMany(m => m.Response!.Answers.AddressRecords()))
            {
                Seen(r);
                var target = r.DomainName.Value.ToLowerInvariant();
                endpoints.Add((r.Address, HostnameOf(target, r.Address), PortsOf(target)));
            }
        }

        if (pairs.Count == 0)
        {
            // A headless Service without ports: its A/AAAA records are its endpoints.
            foreach (var r in aR.Answers.AddressRecords().Concat(aaaaR.Answers.AddressRecords()))
            {
                Seen(r);
                endpoints.Add((r.Address, null, []));
            }
        }

        var headlessPorts = endpoints.SelectMany(e => e.Ports)
            .GroupBy(p => p.Name is null ? "#" + p.Port.ToString(CultureInfo.InvariantCulture) + "/" + p.Protocol : p.Name + "/" + p.Protocol)
            .Select(g => g.MinBy(p => p.Port))
            .OrderBy(p => p.Name ?? string.Empty, StringComparer.Ordinal).ThenBy(p => p.Port)
            .Select(p => new ServicePortInfo(p.Name ?? string.Empty, p.Port, TargetPort.FromNumber(p.Port), p.Protocol));
        var headlessSpec = new ServiceSpecInfo { ClusterIPs = [ServiceSpecInfo.ClusterIPNone], Ports = [.. headlessPorts] };

        // One slice per address family and port list, as the EndpointSlice controller groups them.
        var groups = endpoints
            .GroupBy(e => (Family: Family(e.Address.AddressFamily), Ports: string.Join(",", e.Ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"))))
            .OrderBy(g => g.Key.Family).ThenBy(g => g.Key.Ports, StringComparer.Ordinal)
            .Select((g, i) => new EndpointSliceInfo(
                $"dns-{g.Key.Family.ToString().ToLowerInvariant()}-{i}",
                g.Key.Family,
                [.. g.First().Ports.Select(p => new EndpointPort(p.Name, p.Port, p.Protocol))],
                [.. g.DistinctBy(e => e.Address).OrderBy(e => e.Address.ToString(), StringComparer.Ordinal)
                    .Select(e => new Endpoint(e.Address.ToString(), EndpointConditions.ReadyEndpoint) { Hostname = e.Hostname })]))
            .ToList();
        return Build(headlessSpec, groups, ttl);
    }

    private static DnsLookupOutcome Build(ServiceSpecInfo spec, List<EndpointSliceInfo> slices, int ttlSeconds)
    {
        var print = new StringBuilder();
        print.Append(spec.Type).Append('|').AppendJoin(',', spec.ClusterIPs).Append('|')
            .AppendJoin(',', spec.Ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"));
        foreach (var s in slices)
        {
            print.Append('|').Append(s.Name).Append(':').AppendJoin(',', s.Ports.Select(p => $"{p.Name}:{p.Port}/{p.Protocol}"))
                .Append(':').AppendJoin(',', s.Endpoints.Select(e => e.Address + "=" + e.Hostname));
        }

        return DnsLookupOutcome.Found(spec, slices, print.ToString(), TimeSpan.FromSeconds(ttlSeconds == int.MaxValue ? 0 : ttlSeconds));
    }

    private async Task<QueryResult> QueryAsync(string name, QueryType type, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
            var code = response.Header.ResponseCode;
            _metrics.Query(type.ToString(), code.ToString());
            return code is DnsHeaderResponseCode.NoError or DnsHeaderResponseCode.NotExistentDomain
                ? new QueryResult(response, null)
                : new QueryResult(null, $"{type} {name}: {code} from {response.NameServer}");
        }
        catch (DnsResponseException e)
        {
            _metrics.Query(type.ToString(), e.Code == DnsClient.DnsResponseCode.ConnectionTimeout ? "timeout" : "error");
            return new QueryResult(null, $"{type} {name}: {e.Code} ({e.Message})");
        }
        catch (SocketException e)
        {
            _metrics.Query(type.ToString(), "error");
            return new QueryResult(null, $"{type} {name}: {e.SocketErrorCode} ({e.Message})");
        }
    }

    private static bool IsNxDomain(IDnsQueryResponse response) => response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain;

    // RFC 2308: a negative answer is kept for min(SOA TTL, SOA minimum).
    private static TimeSpan NegativeTtl(IDnsQueryResponse response) =>
        response.Authorities.SoaRecords().FirstOrDefault() is { } soa
            ? TimeSpan.FromSeconds(Math.Min(soa.InitialTimeToLive, (long)soa.Minimum))
            : TimeSpan.Zero;

    private static bool SameName(DnsString name, string fqdn) => string.Equals(name.Value, fqdn, StringComparison.OrdinalIgnoreCase);

    private static AddressType Family(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? AddressType.IPv6 : AddressType.IPv4;

    // The target's first label is the endpoint's hostname unless it is only its address, dashed.
    private static string? HostnameOf(string target, IPAddress address)
    {
        var label = target.AsSpan(0, Math.Max(0, target.IndexOf('.', StringComparison.Ordinal)));
        return DnsNames.TryParseDashedAddress(label, out var dashed) && dashed.Equals(address) ? null : label.ToString();
    }

    private sealed record QueryResult(IDnsQueryResponse? Response, string? Error);
}

/// <summary>What one round of queries said about a Service.</summary>
internal sealed record DnsLookupOutcome(DnsLookupKind Kind, ServiceSpecInfo? Spec, ImmutableArray<EndpointSliceInfo> Slices, string Fingerprint, TimeSpan Ttl, string? Error)
{
    public static DnsLookupOutcome Found(ServiceSpecInfo spec, IEnumerable<EndpointSliceInfo> slices, string fingerprint, TimeSpan ttl) =>
        new(DnsLookupKind.Found, spec, [.. slices], fingerprint, ttl, null);

    public static DnsLookupOutcome Absent(TimeSpan negativeTtl) => new(DnsLookupKind.Absent, null, [], "absent", negativeTtl, null);

    public static DnsLookupOutcome Failed(string error) => new(DnsLookupKind.Failed, null, [], string.Empty, TimeSpan.Zero, error);
}

/// <summary>The kind of <see cref="DnsLookupOutcome"/>.</summary>
internal enum DnsLookupKind
{
    Found,
    Absent,
    Failed,
}
