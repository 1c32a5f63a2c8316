using System.Diagnostics.CodeAnalysis;

namespace K8sNet.Dns;

/// <summary>
/// A DNS query name read the way CoreDNS's kubernetes plugin reads it (plugin/kubernetes/parse.go): the zone is
/// stripped, then labels are taken from the right — <c>svc</c> or <c>pod</c>, the namespace, the Service, and then
/// either one endpoint label or two labels read as <c>_port._protocol</c>.
/// </summary>
/// <remarks>
/// Matching is case-insensitive; the parts are lower case. <see cref="QueryName"/> keeps the spelling of the query, as
/// answers must. Labels are not validated here (an invalid label simply finds nothing), except that the leading
/// underscore of the port and protocol labels is stripped, as CoreDNS does. Under <c>pod.&lt;zone&gt;</c> the extra
/// labels are kept but, as in CoreDNS's findPods, only the namespace and the pod label (<see cref="Service"/>) matter.
/// </remarks>
public sealed class ClusterDnsName
{
    private ClusterDnsName(string queryName, string zone, ClusterDnsNameKind kind)
    {
        QueryName = queryName;
        Zone = zone;
        Kind = kind;
    }

    /// <summary>The name as queried (spelling kept, no trailing dot).</summary>
    public string QueryName { get; }

    /// <summary>The zone it is in (lower case, no trailing dot).</summary>
    public string Zone { get; }

    /// <summary>What the name asks for.</summary>
    public ClusterDnsNameKind Kind { get; }

    /// <summary>Whether the name is under <c>pod.&lt;zone&gt;</c> rather than <c>svc.&lt;zone&gt;</c>.</summary>
    public bool IsPodName { get; private init; }

    /// <summary>The namespace label, when the name has one.</summary>
    public string? Namespace { get; private init; }

    /// <summary>The Service label (for pod names, the dashed pod IP label).</summary>
    public string? Service { get; private init; }

    /// <summary>The endpoint label of an endpoint name.</summary>
    public string? Endpoint { get; private init; }

    /// <summary>The port label of an SRV name, without its underscore.</summary>
    public string? Port { get; private init; }

    /// <summary>The protocol label of an SRV name, without its underscore.</summary>
    public string? Protocol { get; private init; }

    /// <summary>
    /// The Service this name refers to, when it is a Service, endpoint or SRV name whose labels are a valid namespace and
    /// Service name.
    /// </summary>
    /// <param name="service">The Service.</param>
    /// <returns><see langword="true"/> when the name refers to a valid Service name.</returns>
    public bool TryGetService(out ServiceName service)
    {
        service = default;
        return !IsPodName && Kind is ClusterDnsNameKind.Service or ClusterDnsNameKind.Endpoint or ClusterDnsNameKind.ServicePort
            && ServiceName.TryCreate(Namespace, Service, out service, out _);
    }

    /// <summary>Reads <paramref name="name"/> as a name in <paramref name="zone"/>.</summary>
    /// <param name="name">The query name (any case; trailing dot optional).</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="result">The reading, when the name is in the zone (its kind may be <see cref="ClusterDnsNameKind.Invalid"/>).</param>
    /// <returns><see langword="false"/> when the name is not in the zone.</returns>
    public static bool TryParse(string? name, string zone, [NotNullWhen(true)] out ClusterDnsName? result)
    {
        result = null;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var z = DnsNames.NormalizeZone(zone);
        var query = name.EndsWith('.') ? name[..^1] : name;
        string @base;
        if (query.Equals(z, StringComparison.OrdinalIgnoreCase))
        {
            @base = string.Empty;
        }
        else if (query.Length > z.Length + 1 && query.EndsWith(z, StringComparison.OrdinalIgnoreCase) && query[query.Length - z.Length - 1] == '.')
        {
            @base = query[..(query.Length - z.Length - 1)].ToLowerInvariant();
        }
        else
        {
            return false;
        }

        if (@base.Length == 0 || @base == DnsNames.ServiceLabel || @base == DnsNames.PodLabel)
        {
            result = new ClusterDnsName(query, z, ClusterDnsNameKind.Apex) { IsPodName = @base == DnsNames.PodLabel };
            return true;
        }

        if (@base == "dns-version")
        {
            result = new ClusterDnsName(query, z, ClusterDnsNameKind.DnsVersion);
            return true;
        }

        var segs = @base.Split('.');
        var last = segs.Length - 1;
        var type = segs[last];
        if (type != DnsNames.ServiceLabel && type != DnsNames.PodLabel)
        {
            result = new ClusterDnsName(query, z, ClusterDnsNameKind.Invalid);
            return true;
        }

        var isPod = type == DnsNames.PodLabel;
        last--;
        var ns = segs[last];
        last--;
        if (last < 0)
        {
            result = new ClusterDnsName(query, z, ClusterDnsNameKind.Namespace) { IsPodName = isPod, Namespace = ns };
            return true;
        }

        var svc = segs[last];
        last--;
        if (last < 0)
        {
            result = new ClusterDnsName(query, z, isPod ? ClusterDnsNameKind.Pod : ClusterDnsNameKind.Service)
            {
                IsPodName = isPod,
                Namespace = ns,
                Service = svc,
            };
            return true;
        }

        result = last switch
        {
            0 => new ClusterDnsName(query, z, isPod ? ClusterDnsNameKind.Pod : ClusterDnsNameKind.Endpoint)
            {
                IsPodName = isPod,
                Namespace = ns,
                Service = svc,
                Endpoint = segs[0],
            },
            1 => new ClusterDnsName(query, z, isPod ? ClusterDnsNameKind.Pod : ClusterDnsNameKind.ServicePort)
            {
                IsPodName = isPod,
                Namespace = ns,
                Service = svc,
                Port = StripUnderscore(segs[0]),
                Protocol = StripUnderscore(segs[1]),
            },
            _ => new ClusterDnsName(query, z, ClusterDnsNameKind.Invalid),
        };
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{QueryName} ({Kind})";

    private static string StripUnderscore(string label) => label.StartsWith('_') ? label[1..] : label;
}
