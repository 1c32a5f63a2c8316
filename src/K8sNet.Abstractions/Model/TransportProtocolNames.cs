using System.Diagnostics.CodeAnalysis;

namespace K8sNet;

/// <summary>Converts <see cref="TransportProtocol"/> to and from the spellings Kubernetes and DNS use.</summary>
public static class TransportProtocolNames
{
    /// <summary>The Kubernetes API spelling: <c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>The upper-case API value.</returns>
    public static string ToApiString(this TransportProtocol protocol) => protocol switch
    {
        TransportProtocol.Tcp => "TCP",
        TransportProtocol.Udp => "UDP",
        TransportProtocol.Sctp => "SCTP",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown transport protocol."),
    };

    /// <summary>The DNS SRV label spelling (without the underscore): <c>tcp</c>, <c>udp</c> or <c>sctp</c>.</summary>
    /// <param name="protocol">The protocol.</param>
    /// <returns>The lower-case label.</returns>
    public static string ToDnsLabel(this TransportProtocol protocol) => protocol switch
    {
        TransportProtocol.Tcp => "tcp",
        TransportProtocol.Udp => "udp",
        TransportProtocol.Sctp => "sctp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown transport protocol."),
    };

    /// <summary>Parses a protocol name case-insensitively (<c>TCP</c>, <c>udp</c>, <c>Sctp</c>...).</summary>
    /// <param name="value">The text to parse.</param>
    /// <param name="protocol">The protocol when the text names one.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> names a protocol.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out TransportProtocol protocol)
    {
        protocol = TransportProtocol.Tcp;
        if (value is null)
        {
            return false;
        }

        if (value.Equals("TCP", StringComparison.OrdinalIgnoreCase))
        {
            protocol = TransportProtocol.Tcp;
            return true;
        }

        if (value.Equals("UDP", StringComparison.OrdinalIgnoreCase))
        {
            protocol = TransportProtocol.Udp;
            return true;
        }

        if (value.Equals("SCTP", StringComparison.OrdinalIgnoreCase))
        {
            protocol = TransportProtocol.Sctp;
            return true;
        }

        return false;
    }
}
