using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace K8sNet.Dns;

/// <summary>
/// The names cluster DNS serves, formatted as the Kubernetes DNS specification (schema 1.1.0) and CoreDNS's
/// kubernetes plugin write them, and reverse (PTR) names both ways.
/// </summary>
/// <remarks>
/// Names are returned without a trailing dot unless <c>absolute</c> is set. Zones are normalised: lower case, no
/// trailing dot. Object names are expected valid (see <see cref="KubernetesNames"/>).
/// </remarks>
public static class DnsNames
{
    /// <summary>The default cluster domain, <c>cluster.local</c>.</summary>
    public const string DefaultClusterDomain = "cluster.local";

    /// <summary>The schema version the spec defines and <c>dns-version</c> answers with.</summary>
    public const string SchemaVersion = "1.1.0";

    /// <summary>The label that introduces Service names under the zone.</summary>
    public const string ServiceLabel = "svc";

    /// <summary>The label that introduces pod names under the zone.</summary>
    public const string PodLabel = "pod";

    /// <summary><c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;</c>.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="absolute">Append the trailing dot.</param>
    /// <returns>The Service's FQDN.</returns>
    public static string ServiceFqdn(ServiceName service, string zone = DefaultClusterDomain, bool absolute = false)
    {
        ThrowIfDefault(service);
        return Finish($"{service.Name}.{service.Namespace}.{ServiceLabel}.{NormalizeZone(zone)}", absolute);
    }

    /// <summary><c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;</c>: the SRV owner name of a named port.</summary>
    /// <param name="portName">The Service port's name (unnamed ports have no SRV record).</param>
    /// <param name="protocol">The port's protocol.</param>
    /// <param name="service">The Service.</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="absolute">Append the trailing dot.</param>
    /// <returns>The SRV owner name.</returns>
    /// <exception cref="KubernetesNameException"><paramref name="portName"/> is not a valid port name.</exception>
    public static string SrvName(string portName, TransportProtocol protocol, ServiceName service, string zone = DefaultClusterDomain, bool absolute = false)
    {
        KubernetesNames.ThrowIfInvalidPortName(portName, "SRV port name");
        ThrowIfDefault(service);
        return Finish($"_{portName}._{protocol.ToDnsLabel()}.{service.Name}.{service.Namespace}.{ServiceLabel}.{NormalizeZone(zone)}", absolute);
    }

    /// <summary><c>&lt;hostname&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;</c>: a (headless) Service endpoint's name.</summary>
    /// <param name="hostname">The endpoint's hostname (see <see cref="EndpointHostname(Endpoint, bool)"/>).</param>
    /// <param name="service">The Service.</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="absolute">Append the trailing dot.</param>
    /// <returns>The endpoint's name.</returns>
    /// <exception cref="KubernetesNameException"><paramref name="hostname"/> is not a DNS-1123 label.</exception>
    public static string EndpointFqdn(string hostname, ServiceName service, string zone = DefaultClusterDomain, bool absolute = false)
    {
        KubernetesNames.ThrowIfInvalidDns1123Label(hostname, "endpoint hostname");
        ThrowIfDefault(service);
        return Finish($"{hostname}.{service.Name}.{service.Namespace}.{ServiceLabel}.{NormalizeZone(zone)}", absolute);
    }

    /// <summary>
    /// The hostname cluster DNS uses for an endpoint: its <c>hostname</c> when set, otherwise its first address
    /// dashed (CoreDNS's rule, see <see cref="DashedAddress"/>).
    /// </summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="endpointPodNames">
    /// CoreDNS's <c>endpoint_pod_names</c> option: without a <c>hostname</c>, use the target pod's name when it is
    /// shorter than 64 characters.
    /// </param>
    /// <returns>The hostname label.</returns>
    public static string EndpointHostname(Endpoint endpoint, bool endpointPodNames = false)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!string.IsNullOrEmpty(endpoint.Hostname))
        {
            return endpoint.Hostname;
        }

        if (endpointPodNames && endpoint.TargetRef is { Name: { Length: > 0 and < 64 } podName })
        {
            return podName;
        }

        return IPAddress.TryParse(endpoint.Address, out var ip) ? DashedAddress(ip) : endpoint.Address.Replace('.', '-').Replace(':', '-');
    }

    /// <summary>
    /// An IP as one DNS label, as CoreDNS writes it: IPv4 <c>10.11.12.13</c> becomes <c>10-11-12-13</c>; IPv6 has each
    /// <c>:</c> replaced by <c>-</c> and a trailing <c>-</c> followed by <c>0</c>
    /// (<c>2001:db8:3333:4444:5555:6666::</c> becomes <c>2001-db8-3333-4444-5555-6666--0</c>).
    /// </summary>
    /// <param name="address">The IP.</param>
    /// <returns>The dashed label.</returns>
    public static string DashedAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4(); // Go prints IPv4-mapped addresses in dotted form, so CoreDNS dashes them as IPv4
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return address.ToString().Replace('.', '-');
        }

        var dashed = HexIPv6(address).Replace(':', '-');
        return dashed.EndsWith('-') ? dashed + "0" : dashed;
    }

    // RFC 5952 text of an IPv6 address, always in hex groups (Go's form; .NET writes ::a.b.c.d for some addresses).
    private static string HexIPv6(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        Span<int> groups = stackalloc int[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (bytes[2 * i] << 8) | bytes[(2 * i) + 1];
        }

        int bestStart = -1, bestLength = 0;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var j = i;
            while (j < 8 && groups[j] == 0)
            {
                j++;
            }

            if (j - i > bestLength && j - i >= 2)
            {
                bestStart = i;
                bestLength = j - i;
            }

            i = j;
        }

        var sb = new StringBuilder(39);
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                sb.Append("::");
                i += bestLength - 1;
                continue;
            }

            if (sb.Length > 0 && sb[^1] != ':')
            {
                sb.Append(':');
            }

            sb.Append(groups[i].ToString("x", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>
    /// Reads a dashed pod or endpoint label back as an IP, as CoreDNS's pod lookup does: a label with exactly three
    /// <c>-</c> and no <c>--</c> is IPv4; anything else has every <c>-</c> read as <c>:</c> (IPv6).
    /// </summary>
    /// <param name="label">The label, e.g. <c>10-244-1-5</c> or <c>fd00--5</c>.</param>
    /// <param name="address">The IP when the label reads as one.</param>
    /// <returns><see langword="true"/> when the label is an IP.</returns>
    public static bool TryParseDashedAddress(ReadOnlySpan<char> label, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (label.IsEmpty)
        {
            return false;
        }

        var dashes = label.Count('-');
        string text;
        if (dashes == 3 && !label.Contains("--", StringComparison.Ordinal))
        {
            text = label.ToString().Replace('-', '.');
            if (!IPAddress.TryParse(text, out var v4) || v4.AddressFamily != AddressFamily.InterNetwork || !IsDottedQuad(text))
            {
                return false;
            }

            address = v4;
            return true;
        }

        text = label.ToString().Replace('-', ':');
        if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6 || text.Contains('%', StringComparison.Ordinal))
        {
            return false;
        }

        address = v6;
        return true;
    }

    /// <summary>
    /// <c>a-b-c-d.&lt;ns&gt;.pod.&lt;zone&gt;</c> (or the IPv6 form): a pod's A/AAAA name, served by CoreDNS's
    /// <c>pods insecure|verified</c> modes (no longer part of the spec).
    /// </summary>
    /// <param name="podIP">The pod's IP.</param>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="absolute">Append the trailing dot.</param>
    /// <returns>The pod's name.</returns>
    public static string PodFqdn(IPAddress podIP, string @namespace, string zone = DefaultClusterDomain, bool absolute = false)
    {
        KubernetesNames.ThrowIfInvalidDns1123Label(@namespace, "pod namespace");
        return Finish($"{DashedAddress(podIP)}.{@namespace}.{PodLabel}.{NormalizeZone(zone)}", absolute);
    }

    /// <summary><c>dns-version.&lt;zone&gt;</c>: the name whose TXT record holds the schema version.</summary>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="absolute">Append the trailing dot.</param>
    /// <returns>The name.</returns>
    public static string DnsVersionName(string zone = DefaultClusterDomain, bool absolute = false) =>
        Finish($"dns-version.{NormalizeZone(zone)}", absolute);

    /// <summary>
    /// The PTR name of an IP: <c>d.c.b.a.in-addr.arpa</c> for IPv4, all 32 nibbles reversed under <c>ip6.arpa</c> for IPv6.
    /// </summary>
    /// <param name="address">The IP.</param>
    /// <param name="absolute">Append the trailing dot.</param>
    /// <returns>The reverse name.</returns>
    public static string ReverseName(IPAddress address, bool absolute = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        var bytes = address.GetAddressBytes();
        var sb = new StringBuilder(address.AddressFamily == AddressFamily.InterNetwork ? 29 : 73);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = 3; i >= 0; i--)
            {
                sb.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            }

            sb.Append("in-addr.arpa");
        }
        else
        {
            for (var i = 15; i >= 0; i--)
            {
                sb.Append(HexDigit(bytes[i] & 0xF)).Append('.').Append(HexDigit(bytes[i] >> 4)).Append('.');
            }

            sb.Append("ip6.arpa");
        }

        return Finish(sb.ToString(), absolute);
    }

    /// <summary>
    /// Reads a complete reverse name back as an IP: four decimal labels under <c>in-addr.arpa</c>, or 32 hex nibbles under
    /// <c>ip6.arpa</c>; case-insensitive, trailing dot optional. Partial names (a reverse zone) are not addresses.
    /// </summary>
    /// <param name="name">The reverse name.</param>
    /// <param name="address">The IP when the name is a complete reverse name.</param>
    /// <returns><see langword="true"/> when the name is one IP's reverse name.</returns>
    public static bool TryParseReverseName(string? name, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        var text = name.AsSpan().TrimEnd('.');
        if (text.EndsWith(".in-addr.arpa", StringComparison.OrdinalIgnoreCase))
        {
            var labels = text[..^".in-addr.arpa".Length];
            Span<byte> bytes = stackalloc byte[4];
            var i = 3;
            foreach (var range in labels.Split('.'))
            {
                var label = labels[range];
                if (i < 0 || label.Length is 0 or > 3 || (label.Length > 1 && label[0] == '0')
                    || !byte.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
                {
                    return false;
                }

                bytes[i--] = b;
            }

            if (i != -1)
            {
                return false;
            }

            address = new IPAddress(bytes);
            return true;
        }

        if (text.EndsWith(".ip6.arpa", StringComparison.OrdinalIgnoreCase))
        {
            var labels = text[..^".ip6.arpa".Length];
            Span<byte> bytes = stackalloc byte[16];
            var nibble = 0;
            foreach (var range in labels.Split('.'))
            {
                var label = labels[range];
                if (nibble >= 32 || label.Length != 1 || !char.IsAsciiHexDigit(label[0]))
                {
                    return false;
                }

                var value = HexValue(label[0]);
                var byteIndex = 15 - (nibble / 2);
                bytes[byteIndex] |= (byte)((nibble % 2 == 0) ? value : value << 4);
                nibble++;
            }

            if (nibble != 32)
            {
                return false;
            }

            address = new IPAddress(bytes);
            return true;
        }

        return false;
    }

    /// <summary>Normalises a zone: lower case, no trailing dot.</summary>
    /// <param name="zone">The zone, e.g. <c>Cluster.Local.</c>.</param>
    /// <returns>The normalised zone, e.g. <c>cluster.local</c>.</returns>
    /// <exception cref="KubernetesNameException">The zone is not a DNS-1123 subdomain.</exception>
    public static string NormalizeZone(string zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var trimmed = zone.EndsWith('.') ? zone[..^1] : zone;
        var lower = trimmed.ToLowerInvariant();
        if (!KubernetesNames.IsDns1123Subdomain(lower))
        {
            KubernetesNames.ThrowIfInvalidDns1123Subdomain(lower, "cluster domain");
        }

        return lower;
    }

    private static string Finish(string name, bool absolute) => absolute ? name + "." : name;

    private static void ThrowIfDefault(ServiceName service)
    {
        if (service.IsDefault)
        {
            throw new ArgumentException("default(ServiceName) names no Service.", nameof(service));
        }
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => c - 'A' + 10,
    };

    private static bool IsDottedQuad(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0') || int.Parse(p, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }
}
