using System.Collections.Immutable;
using System.Globalization;

namespace K8sNet.Dns;

/// <summary>
/// Which Service port a URI asks for: an explicit number (<c>:8080</c>), an explicit name (<c>k8s:///orders:grpc</c>),
/// or, with no port, the ports named after the URI's scheme(s), in order.
/// </summary>
public sealed record ServicePortRequest
{
    private ServicePortRequest(int number, string? name, ImmutableArray<string> schemeNames, TransportProtocol protocol)
    {
        Number = number;
        Name = name;
        SchemeNames = schemeNames;
        Protocol = protocol;
    }

    /// <summary>The explicit port number; 0 when none.</summary>
    public int Number { get; }

    /// <summary>The explicit port name (lower case), when the URI names one.</summary>
    public string? Name { get; }

    /// <summary>The port names to try when the URI gives no port: its scheme(s), e.g. <c>https</c>, <c>http</c>.</summary>
    public ImmutableArray<string> SchemeNames { get; }

    /// <summary>The protocol of the port (TCP for HTTP and gRPC).</summary>
    public TransportProtocol Protocol { get; }

    /// <summary>Whether the URI gave the port explicitly (number or name).</summary>
    public bool IsExplicit => Number != 0 || Name is not null;

    /// <summary>Asks for the Service port with this number.</summary>
    /// <param name="number">The Service port (1 to 65535).</param>
    /// <param name="protocol">The protocol.</param>
    /// <returns>The request.</returns>
    public static ServicePortRequest ForNumber(int number, TransportProtocol protocol = TransportProtocol.Tcp)
    {
        if (number is < 1 or > 65535)
        {
            throw new K8sNetFormatException(number.ToString(CultureInfo.InvariantCulture), "Service port", "must be between 1 and 65535, inclusive");
        }

        return new(number, null, [], protocol);
    }

    /// <summary>Asks for the Service port with this name.</summary>
    /// <param name="name">The port name (either case).</param>
    /// <param name="protocol">The protocol.</param>
    /// <returns>The request.</returns>
    public static ServicePortRequest ForName(string name, TransportProtocol protocol = TransportProtocol.Tcp) =>
        new(0, ServicePortRef.FromName(name).Name, [], protocol);

    /// <summary>Asks for the port named after one of <paramref name="schemes"/> (in order), else the only port.</summary>
    /// <param name="schemes">The scheme names, e.g. <c>https</c>, <c>http</c>.</param>
    /// <param name="protocol">The protocol.</param>
    /// <returns>The request.</returns>
    public static ServicePortRequest ForSchemes(IEnumerable<string> schemes, TransportProtocol protocol = TransportProtocol.Tcp) =>
        new(0, null, [.. schemes.Select(s => s.ToLowerInvariant())], protocol);

    /// <inheritdoc />
    public override string ToString() =>
        Number != 0 ? Number.ToString(CultureInfo.InvariantCulture)
        : Name ?? (SchemeNames.IsEmpty ? "<only port>" : $"<named {string.Join(" or ", SchemeNames)}, else the only port>");
}
