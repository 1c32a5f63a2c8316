using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;

namespace K8sNet.Dns;

/// <summary>
/// The answer cluster DNS gives to one question, as the Kubernetes DNS specification (schema 1.1.0) and CoreDNS's
/// kubernetes plugin give it. Pure: no I/O, no clock; the data comes from <see cref="IClusterDnsData"/>.
/// </summary>
/// <remarks>
/// <para>
/// Services with cluster IPs answer A/AAAA with those IPs whether or not they have endpoints; headless Services answer
/// with their ready endpoints' addresses (ready meaning <c>conditions.ready</c> true or unset, as CoreDNS reads it) and
/// NXDOMAIN when they have none; each endpoint is also named by its hostname, or its dashed IP
/// (<see cref="DnsNames.EndpointHostname"/>). SRV answers, for a named port or (bare Service name) every port, target
/// the Service name (cluster IP) or each endpoint's name (headless), priority 0, weight ⌊100 ÷ the records before
/// duplicates are dropped⌋ (at least 1), the targets' addresses in the additional section. ExternalName Services
/// answer a CNAME (followed when the target is in the zone; otherwise <see cref="ClusterDnsAnswer.UpstreamName"/>
/// asks the server to resolve it); names below one are NXDOMAIN. PTR: a cluster IP names its Service; otherwise every
/// ready endpoint with that IP names itself. <c>dns-version</c> answers TXT "1.1.0" with TTL 28800.
/// </para>
/// <para>
/// Names that exist but hold no records of the type (the zone, <c>svc</c>, <c>pod</c>, a namespace, AAAA of an
/// IPv4-only Service, TXT or SOA of a Service) answer NOERROR with no records; unknown names NXDOMAIN; both with the
/// zone's SOA in the authority section (TTL min(ttl, 300), minimum ttl). Before the data has synced an NXDOMAIN is
/// SERVFAIL. Owner names keep the query's spelling; targets are built from the lower-case object names and the zone
/// as the query spelled it.
/// </para>
/// </remarks>
public sealed class ClusterDnsAnswerer
{
    /// <summary>The TTL CoreDNS gives the <c>dns-version</c> TXT record.</summary>
    public const int DnsVersionTtl = 28800;

    private readonly IClusterDnsData _data;
    private readonly ClusterDnsOptions _options;
    private readonly string _zone;
    private readonly HashSet<string>? _exposed;
    private readonly string[] _reverseZones;

    /// <summary>Creates an answerer.</summary>
    /// <param name="data">The cluster's data.</param>
    /// <param name="options">Options; defaults when <see langword="null"/>.</param>
    public ClusterDnsAnswerer(IClusterDnsData data, ClusterDnsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        _options = options ?? new ClusterDnsOptions();
        _options.Validate();
        _zone = DnsNames.NormalizeZone(_options.Zone);
        _exposed = _options.Namespaces.Count == 0 ? null : new HashSet<string>(_options.Namespaces.Select(n => n.ToLowerInvariant()), StringComparer.Ordinal);
        _reverseZones = [.. _options.ReverseZones.Select(z => DnsNames.NormalizeZone(z) + ".")];
    }

    /// <summary>The answer to (<paramref name="name"/>, <paramref name="type"/>).</summary>
    /// <param name="name">The query name (any case, trailing dot optional).</param>
    /// <param name="type">The query type.</param>
    /// <returns>The answer.</returns>
    public ClusterDnsAnswer Answer(string name, DnsRecordType type)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var owner = name.EndsWith('.') ? name : name + ".";
        if (ReverseZone(owner) is { } reverseZone)
        {
            if (DnsNames.TryParseReverseName(name, out var reverse))
            {
                return Reverse(owner, reverse, type, reverseZone);
            }

            var unknown = new Builder(this, owner, reverseZone);
            if (!string.Equals(owner, reverseZone, StringComparison.OrdinalIgnoreCase))
            {
                unknown.NxDomain(); // in a reverse zone but not an address
            }

            return unknown.Build(_data.IsSynced);
        }

        if (!ClusterDnsName.TryParse(name, _zone, out var parsed))
        {
            return new ClusterDnsAnswer(DnsResponseCode.Refused, [], [], []) { IsAuthoritative = false };
        }

        var answer = new Builder(this, owner, ZoneAsQueried(parsed));
        Resolve(parsed, type, answer);
        return answer.Build(_data.IsSynced);
    }

    // The longest configured reverse zone the name is in, as configured (lower case, absolute).
    private string? ReverseZone(string owner)
    {
        string? best = null;
        foreach (var zone in _reverseZones)
        {
            var inZone = string.Equals(owner, zone, StringComparison.OrdinalIgnoreCase)
                || (owner.Length > zone.Length && owner.EndsWith(zone, StringComparison.OrdinalIgnoreCase) && owner[owner.Length - zone.Length - 1] == '.');
            if (inZone && (best is null || zone.Length > best.Length))
            {
                best = zone;
            }
        }

        return best;
    }

    private string ZoneAsQueried(ClusterDnsName name) => name.QueryName[^_zone.Length..] + ".";

    private bool NamespaceServed(string ns) => (_exposed is null || _exposed.Contains(ns)) && _data.NamespaceExists(ns);

    private void Resolve(ClusterDnsName name, DnsRecordType type, Builder answer)
    {
        switch (name.Kind)
        {
            case ClusterDnsNameKind.Apex:
                if (name.QueryName.Length == _zone.Length && type == DnsRecordType.SOA)
                {
                    answer.Answer.Add(answer.Soa());
                }
                else if (name.QueryName.Length == _zone.Length && type == DnsRecordType.NS)
                {
                    answer.Answer.Add(new NsRecord(answer.Owner, _options.Ttl, "ns.dns." + answer.Zone));
                    foreach (var ip in _options.NameServerAddresses)
                    {
                        answer.Additional.Add(new AddressRecord("ns.dns." + answer.Zone, _options.Ttl, ip)); // the server's own address as glue
                    }
                }

                return;
            case ClusterDnsNameKind.DnsVersion:
                if (type is DnsRecordType.TXT or DnsRecordType.ANY)
                {
                    answer.Answer.Add(new TxtRecord(answer.Owner, DnsVersionTtl, DnsNames.SchemaVersion));
                }

                return;
            case ClusterDnsNameKind.Invalid when _options.NameServerAddresses.Count > 0 && string.Equals(answer.Owner, "ns.dns." + answer.Zone, StringComparison.OrdinalIgnoreCase):
                // ns.dns.<zone>: the name the apex NS record gives the server, answered with its addresses (CoreDNS's isDefaultNS).
                answer.AddAddresses(answer.Owner, [.. _options.NameServerAddresses], type);
                return;
            case ClusterDnsNameKind.Namespace:
                if (!NamespaceServed(name.Namespace!))
                {
                    answer.NxDomain();
                }

                return;
            case ClusterDnsNameKind.Pod:
                Pod(name, type, answer);
                return;
            case ClusterDnsNameKind.Service:
            case ClusterDnsNameKind.Endpoint:
            case ClusterDnsNameKind.ServicePort:
                Service(name, type, answer);
                return;
            default:
                answer.NxDomain();
                return;
        }
    }

    private void Pod(ClusterDnsName name, DnsRecordType type, Builder answer)
    {
        if (_options.PodRecords == PodRecordMode.Disabled || name.Endpoint is not null || name.Port is not null
            || !DnsNames.TryParseDashedAddress(name.Service, out var ip)
            || (_exposed is not null && !_exposed.Contains(name.Namespace!)))
        {
            answer.NxDomain();
            return;
        }

        if (_options.PodRecords == PodRecordMode.Verified && !_data.GetPods(ip).Any(p => string.Equals(p.Namespace, name.Namespace, StringComparison.OrdinalIgnoreCase)))
        {
            answer.NxDomain();
            return;
        }

        answer.AddAddresses(answer.Owner, [ip], type);
    }

    private void Service(ClusterDnsName name, DnsRecordType type, Builder answer)
    {
        if (!NamespaceServed(name.Namespace!) || !name.TryGetService(out var serviceName)
            || _data.GetService(serviceName) is not { Spec: { } spec } state)
        {
            answer.NxDomain();
            return;
        }

        var target = $"{serviceName.Name}.{serviceName.Namespace}.{DnsNames.ServiceLabel}.{answer.Zone}";
        if (spec.Type == ServiceType.ExternalName)
        {
            if (name.Kind != ClusterDnsNameKind.Service || string.IsNullOrEmpty(spec.ExternalName))
            {
                answer.NxDomain();
                return;
            }

            ExternalName(spec.ExternalName, type, answer);
            return;
        }

        var headless = spec.ClusterIPs.IsEmpty || spec.ClusterIPs.All(ip => ip == "None");
        var endpoints = ReadyEndpoints(state).ToList();
        if (_options.IgnoreEmptyService && !headless && !endpoints.Any(e => e.Addresses.Count > 0))
        {
            answer.NxDomain(); // ignore empty_service: no ready address, so as if the Service did not exist
            return;
        }

        switch (name.Kind)
        {
            case ClusterDnsNameKind.Endpoint:
                var label = name.Endpoint!;
                var matches = endpoints.Where(e => string.Equals(e.Hostname, label, StringComparison.OrdinalIgnoreCase)).SelectMany(e => e.Addresses).Distinct().ToList();
                if (matches.Count == 0)
                {
                    answer.NxDomain();
                    return;
                }

                answer.AddAddresses(answer.Owner, matches, type);
                return;

            case ClusterDnsNameKind.ServicePort:
            case ClusterDnsNameKind.Service when type == DnsRecordType.SRV:
                var portName = name.Port;
                var protocol = name.Protocol;
                if (headless)
                {
                    var backends = (from e in endpoints
                                    from p in e.Ports
                                    where PortMatches(portName, protocol, p.Name, p.Protocol)
                                    select (Target: $"{e.Hostname}.{target}", Port: p.Port, e.Addresses)).ToList();
                    if (backends.Count == 0)
                    {
                        answer.NxDomain();
                        return;
                    }

                    if (type is DnsRecordType.SRV or DnsRecordType.ANY)
                    {
                        answer.AddSrv(backends.SelectMany(b => b.Addresses.Select(a => (b.Target, b.Port, a))).ToList(), backends.Sum(b => b.Addresses.Count));
                    }
                    else
                    {
                        answer.AddAddresses(answer.Owner, backends.SelectMany(b => b.Addresses).Distinct().ToList(), type);
                    }

                    return;
                }

                var ports = spec.Ports.Where(p => PortMatches(portName, protocol, p.Name, p.Protocol)).ToList();
                if (ports.Count == 0)
                {
                    answer.NxDomain();
                    return;
                }

                var ips = ClusterIps(spec);
                if (type is DnsRecordType.SRV or DnsRecordType.ANY)
                {
                    answer.AddSrv([.. from p in ports from ip in ips select (target, (ushort)p.Port, ip)], ports.Count * ips.Count);
                }
                else
                {
                    answer.AddAddresses(answer.Owner, ips, type);
                }

                return;

            default: // the Service name
                if (headless)
                {
                    var addresses = endpoints.SelectMany(e => e.Addresses).Distinct().ToList();
                    if (addresses.Count == 0)
                    {
                        answer.NxDomain(); // a headless Service without ready endpoints does not exist in DNS
                        return;
                    }

                    answer.AddAddresses(answer.Owner, addresses, type);
                    return;
                }

                answer.AddAddresses(answer.Owner, ClusterIps(spec), type);
                return;
        }
    }

    private void ExternalName(string externalName, DnsRecordType type, Builder answer)
    {
        var cname = externalName.EndsWith('.') ? externalName : externalName + ".";
        if (type is not (DnsRecordType.CNAME or DnsRecordType.A or DnsRecordType.AAAA or DnsRecordType.ANY))
        {
            return; // the name exists; SRV and the rest are not served for ExternalName Services
        }

        answer.Answer.Add(new CnameRecord(answer.Owner, _options.Ttl, cname));
        if (type == DnsRecordType.CNAME)
        {
            return;
        }

        if (ClusterDnsName.TryParse(cname, _zone, out var inZone) && answer.Depth < 8)
        {
            // Followed locally (CoreDNS resolves in-zone targets itself); the target's records keep its own owner name.
            var follow = new Builder(this, cname, ZoneAsQueried(inZone)) { Depth = answer.Depth + 1 };
            Resolve(inZone, type, follow);
            answer.Answer.AddRange(follow.Answer);
            return;
        }

        answer.Upstream = cname;
    }

    private ClusterDnsAnswer Reverse(string owner, IPAddress address, DnsRecordType type, string zone)
    {
        var answer = new Builder(this, owner, zone);
        var text = address.ToString();
        var targets = new List<string>();
        ServiceState? byClusterIp = null;
        var byEndpoint = new List<(ServiceState State, string Hostname)>();
        foreach (var s in _data.GetServices())
        {
            if (s.Spec is { Type: not ServiceType.ExternalName } spec && spec.ClusterIPs.Any(ip => SameAddress(ip, text, address))
                && NamespaceServed(s.Service.Namespace)
                && (byClusterIp is null || Compare(s, byClusterIp) < 0))
            {
                byClusterIp = s;
            }

            if (byClusterIp is null)
            {
                foreach (var slice in s.Slices.Values)
                {
                    foreach (var e in slice.Endpoints)
                    {
                        if (e.Conditions.Ready != false && e.Addresses.Any(a => SameAddress(a, text, address)) && NamespaceServed(s.Service.Namespace))
                        {
                            byEndpoint.Add((s, DnsNames.EndpointHostname(e, _options.EndpointPodNames).ToLowerInvariant()));
                        }
                    }
                }
            }
        }

        if (byClusterIp is not null)
        {
            targets.Add($"{byClusterIp.Service.Name}.{byClusterIp.Service.Namespace}.{DnsNames.ServiceLabel}.{_zone}.");
        }
        else
        {
            foreach (var (s, hostname) in byEndpoint.OrderBy(b => b.State.Service.Namespace, StringComparer.Ordinal).ThenBy(b => b.State.Service.Name, StringComparer.Ordinal))
            {
                var target = $"{hostname}.{s.Service.Name}.{s.Service.Namespace}.{DnsNames.ServiceLabel}.{_zone}.";
                if (!targets.Contains(target, StringComparer.Ordinal))
                {
                    targets.Add(target);
                }
            }
        }

        if (targets.Count == 0)
        {
            answer.NxDomain();
        }
        else if (type is DnsRecordType.PTR or DnsRecordType.ANY)
        {
            answer.Answer.AddRange(targets.Select(t => new PtrRecord(owner, _options.Ttl, t)));
        }

        return answer.Build(_data.IsSynced);
    }

    // API servers write addresses canonically; parse only when the text could be another spelling of an IPv6 address.
    private static bool SameAddress(string candidate, string canonical, IPAddress address) =>
        string.Equals(candidate, canonical, StringComparison.OrdinalIgnoreCase)
        || (candidate.Contains(':', StringComparison.Ordinal) && address.AddressFamily == AddressFamily.InterNetworkV6 && IPAddress.TryParse(candidate, out var ip) && ip.Equals(address));

    private static int Compare(ServiceState a, ServiceState b)
    {
        var c = string.CompareOrdinal(a.Service.Namespace, b.Service.Namespace);
        return c != 0 ? c : string.CompareOrdinal(a.Service.Name, b.Service.Name);
    }

    private static List<IPAddress> ClusterIps(ServiceSpecInfo spec) =>
        [.. spec.ClusterIPs.Select(ip => IPAddress.TryParse(ip, out var a) ? a : null).OfType<IPAddress>()];

    private static bool PortMatches(string? wantName, string? wantProtocol, string? name, TransportProtocol protocol) =>
        (wantName is null || string.Equals(wantName, name ?? string.Empty, StringComparison.OrdinalIgnoreCase))
        && (wantProtocol is null || string.Equals(wantProtocol, protocol.ToApiString(), StringComparison.OrdinalIgnoreCase));

    /// <summary>A Service's ready endpoints (ready true or unset), named, with their ports, across its slices.</summary>
    private IEnumerable<(string Hostname, List<IPAddress> Addresses, List<(string? Name, ushort Port, TransportProtocol Protocol)> Ports)> ReadyEndpoints(ServiceState state)
    {
        var seen = new HashSet<(string, IPAddress)>();
        foreach (var slice in state.Slices.Values)
        {
            if (slice.AddressType == AddressType.Fqdn)
            {
                continue;
            }

            var ports = slice.Ports.Where(p => p.Port is > 0 and <= 65535).Select(p => (p.Name, (ushort)p.Port!.Value, p.Protocol)).ToList();
            foreach (var e in slice.Endpoints)
            {
                if (e.Conditions.Ready == false)
                {
                    continue;
                }

                var hostname = DnsNames.EndpointHostname(e, _options.EndpointPodNames).ToLowerInvariant();
                var addresses = e.Addresses.Select(a => IPAddress.TryParse(a, out var ip) ? ip : null).OfType<IPAddress>().Where(ip => seen.Add((hostname, ip))).ToList();
                if (addresses.Count > 0)
                {
                    yield return (hostname, addresses, ports);
                }
            }
        }
    }

    /// <summary>Accumulates one answer.</summary>
    private sealed class Builder(ClusterDnsAnswerer owner, string name, string zone)
    {
        private bool _nxDomain;

        public string Owner { get; } = name;

        public string Zone { get; } = zone;

        public int Depth { get; init; }

        public List<DnsRecord> Answer { get; } = [];

        public List<DnsRecord> Additional { get; } = [];

        public string? Upstream { get; set; }

        private int Ttl => owner._options.Ttl;

        public void NxDomain() => _nxDomain = true;

        public SoaRecord Soa() => new(
            Zone,
            Math.Min(Ttl, 300),
            "ns.dns." + Zone,
            "hostmaster." + Zone,
            owner._data.Serial,
            7200,
            1800,
            86400,
            Ttl);

        public void AddAddresses(string recordName, IReadOnlyList<IPAddress> addresses, DnsRecordType type)
        {
            foreach (var ip in addresses)
            {
                var v6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
                if (type == DnsRecordType.ANY || (type == DnsRecordType.A && !v6) || (type == DnsRecordType.AAAA && v6))
                {
                    Answer.Add(new AddressRecord(recordName, Ttl, ip));
                }
            }
        }

        // CoreDNS's SRV: one record per (target, port), weight ⌊100 / backends⌋ (at least 1), target addresses as extras.
        public void AddSrv(IReadOnlyList<(string Target, ushort Port, IPAddress Address)> backends, int count)
        {
            var weight = (ushort)Math.Max(1, 100 / Math.Max(1, count));
            var seen = new HashSet<(string, ushort)>();
            var extras = new HashSet<(string, IPAddress)>();
            foreach (var (target, port, address) in backends)
            {
                if (seen.Add((target, port)))
                {
                    Answer.Add(new SrvRecord(Owner, Ttl, 0, weight, port, target));
                }

                if (extras.Add((target, address)))
                {
                    Additional.Add(new AddressRecord(target, Ttl, address));
                }
            }
        }

        public ClusterDnsAnswer Build(bool synced)
        {
            if (_nxDomain)
            {
                return new ClusterDnsAnswer(synced ? DnsResponseCode.NameError : DnsResponseCode.ServerFailure, [], [Soa()], []);
            }

            if (Answer.Count == 0)
            {
                return new ClusterDnsAnswer(DnsResponseCode.NoError, [], [Soa()], []);
            }

            return new ClusterDnsAnswer(DnsResponseCode.NoError, [.. Answer], [], [.. Additional]) { UpstreamName = Upstream };
        }
    }
}
