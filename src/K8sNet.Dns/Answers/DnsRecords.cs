using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace K8sNet.Dns;

/// <summary>The record types cluster DNS deals in (their wire values).</summary>
public enum DnsRecordType : ushort
{
    /// <summary>An IPv4 address.</summary>
    A = 1,

    /// <summary>A name server.</summary>
    NS = 2,

    /// <summary>An alias.</summary>
    CNAME = 5,

    /// <summary>The start of authority.</summary>
    SOA = 6,

    /// <summary>A reverse pointer.</summary>
    PTR = 12,

    /// <summary>Text.</summary>
    TXT = 16,

    /// <summary>An IPv6 address.</summary>
    AAAA = 28,

    /// <summary>A service location.</summary>
    SRV = 33,

    /// <summary>Any type (a query type).</summary>
    ANY = 255,
}

/// <summary>A DNS response code.</summary>
public enum DnsResponseCode
{
    /// <summary>NOERROR: the name exists (with or without records of the type asked).</summary>
    NoError = 0,

    /// <summary>FORMERR: the query could not be read.</summary>
    FormatError = 1,

    /// <summary>SERVFAIL: the server cannot answer now (cluster DNS before its first sync).</summary>
    ServerFailure = 2,

    /// <summary>NXDOMAIN: the name does not exist.</summary>
    NameError = 3,

    /// <summary>NOTIMP.</summary>
    NotImplemented = 4,

    /// <summary>REFUSED: not a name this server answers for.</summary>
    Refused = 5,
}

/// <summary>One resource record: an owner name (absolute, with its trailing dot), a TTL and typed data.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Ttl">The TTL in seconds.</param>
public abstract record DnsRecord(string Name, int Ttl)
{
    /// <summary>The record type.</summary>
    public abstract DnsRecordType Type { get; }

    /// <summary>The record in zone-file presentation form (<c>name ttl IN type data</c>).</summary>
    /// <returns>The text.</returns>
    public sealed override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}\t{Ttl}\tIN\t{Type}\t{Data}");

    /// <summary>The data in presentation form.</summary>
    protected abstract string Data { get; }
}

/// <summary>An A or AAAA record.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Address">The address (its family decides A or AAAA).</param>
public sealed record AddressRecord(string Name, int Ttl, IPAddress Address) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => Address.AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.AAAA : DnsRecordType.A;

    /// <inheritdoc />
    protected override string Data => Address.ToString();
}

/// <summary>An SRV record.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Priority">The priority.</param>
/// <param name="Weight">The weight.</param>
/// <param name="Port">The port.</param>
/// <param name="Target">The target host (absolute).</param>
public sealed record SrvRecord(string Name, int Ttl, ushort Priority, ushort Weight, ushort Port, string Target) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.SRV;

    /// <inheritdoc />
    protected override string Data => string.Create(CultureInfo.InvariantCulture, $"{Priority} {Weight} {Port} {Target}");
}

/// <summary>A CNAME record.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Target">The canonical name (absolute).</param>
public sealed record CnameRecord(string Name, int Ttl, string Target) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.CNAME;

    /// <inheritdoc />
    protected override string Data => Target;
}

/// <summary>A PTR record.</summary>
/// <param name="Name">The owner (reverse) name.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Target">The name pointed to (absolute).</param>
public sealed record PtrRecord(string Name, int Ttl, string Target) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.PTR;

    /// <inheritdoc />
    protected override string Data => Target;
}

/// <summary>An NS record.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Target">The name server (absolute).</param>
public sealed record NsRecord(string Name, int Ttl, string Target) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.NS;

    /// <inheritdoc />
    protected override string Data => Target;
}

/// <summary>A TXT record with one string.</summary>
/// <param name="Name">The owner name.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="Text">The text.</param>
public sealed record TxtRecord(string Name, int Ttl, string Text) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.TXT;

    /// <inheritdoc />
    protected override string Data => $"\"{Text}\"";
}

/// <summary>An SOA record.</summary>
/// <param name="Name">The zone.</param>
/// <param name="Ttl">The TTL.</param>
/// <param name="PrimaryServer">MNAME.</param>
/// <param name="Mailbox">RNAME.</param>
/// <param name="Serial">The serial.</param>
/// <param name="Refresh">Refresh, seconds.</param>
/// <param name="Retry">Retry, seconds.</param>
/// <param name="Expire">Expire, seconds.</param>
/// <param name="Minimum">The negative-caching TTL.</param>
public sealed record SoaRecord(string Name, int Ttl, string PrimaryServer, string Mailbox, uint Serial, int Refresh, int Retry, int Expire, int Minimum) : DnsRecord(Name, Ttl)
{
    /// <inheritdoc />
    public override DnsRecordType Type => DnsRecordType.SOA;

    /// <inheritdoc />
    protected override string Data => string.Create(CultureInfo.InvariantCulture, $"{PrimaryServer} {Mailbox} {Serial} {Refresh} {Retry} {Expire} {Minimum}");
}

/// <summary>
/// What cluster DNS answers to one question: the response code and the answer, authority and additional sections.
/// When the answer is a CNAME to a name outside the cluster zone, <see cref="UpstreamName"/> is that name: a server
/// resolves it upstream and appends the result (the answerer does no I/O).
/// </summary>
/// <param name="ResponseCode">The response code.</param>
/// <param name="Answer">The answer section.</param>
/// <param name="Authority">The authority section (the zone's SOA on negative answers).</param>
/// <param name="Additional">The additional section (SRV targets' addresses).</param>
public sealed record ClusterDnsAnswer(DnsResponseCode ResponseCode, ImmutableArray<DnsRecord> Answer, ImmutableArray<DnsRecord> Authority, ImmutableArray<DnsRecord> Additional)
{
    /// <summary>A name outside the zone that the answer's CNAME points to and that still needs resolving, if any.</summary>
    public string? UpstreamName { get; init; }

    /// <summary>Whether the name is one this server is authoritative for (false: forward it or refuse).</summary>
    public bool IsAuthoritative { get; init; } = true;
}
