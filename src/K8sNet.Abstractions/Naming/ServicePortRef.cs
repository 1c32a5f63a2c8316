using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace K8sNet;

/// <summary>
/// A reference to a Service port by name (<c>http</c>) or by number (<c>8080</c>), optionally with a protocol.
/// </summary>
/// <remarks>
/// A number refers to the Service's <c>port</c> (what clients dial), never to a targetPort. Names are matched
/// case-insensitively, as names written in URIs are; they are stored lower case.
/// Text forms: <c>http</c>, <c>8080</c>, <c>dns/UDP</c>, <c>53/udp</c>.
/// </remarks>
public readonly struct ServicePortRef : IEquatable<ServicePortRef>
{
    private const string Field = "Service port";

    private ServicePortRef(string? name, int number, TransportProtocol? protocol)
    {
        Name = name;
        Number = number;
        Protocol = protocol;
    }

    /// <summary>The port name (lower case) when the reference is by name.</summary>
    public string? Name { get; }

    /// <summary>The port number when the reference is by number; 0 when by name.</summary>
    public int Number { get; }

    /// <summary>The protocol, when the reference names one.</summary>
    public TransportProtocol? Protocol { get; }

    /// <summary>Whether the reference is by name.</summary>
    [MemberNotNullWhen(true, nameof(Name))]
    public bool IsNamed => Name is not null;

    /// <summary>Whether this is <c>default(ServicePortRef)</c>, which refers to nothing.</summary>
    public bool IsDefault => Name is null && Number == 0;

    /// <summary>A reference by port name.</summary>
    /// <param name="name">The port name (IsValidPortName; either case).</param>
    /// <param name="protocol">The protocol, if the reference names one.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="KubernetesNameException">The name is not a valid port name.</exception>
    public static ServicePortRef FromName(string name, TransportProtocol? protocol = null)
    {
        if (!KubernetesNames.IsValidPortName(name, ignoreCase: true))
        {
            KubernetesNames.ThrowIfInvalidPortName(name?.ToLowerInvariant(), "Service port name");
        }

        return new ServicePortRef(name!.ToLowerInvariant(), 0, protocol);
    }

    /// <summary>A reference by port number.</summary>
    /// <param name="port">The Service port, 1 to 65535.</param>
    /// <param name="protocol">The protocol, if the reference names one.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="K8sNetFormatException">The number is outside 1 to 65535.</exception>
    public static ServicePortRef FromNumber(int port, TransportProtocol? protocol = null)
    {
        if (port is < 1 or > 65535)
        {
            throw new K8sNetFormatException(port.ToString(CultureInfo.InvariantCulture), "Service port number", "must be between 1 and 65535, inclusive");
        }

        return new ServicePortRef(null, port, protocol);
    }

    /// <summary>Parses <c>name</c>, <c>number</c>, <c>name/PROTOCOL</c> or <c>number/PROTOCOL</c>.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="K8sNetFormatException">The text is not a port reference.</exception>
    public static ServicePortRef Parse(string value)
    {
        if (!TryParse(value, out var result, out var error))
        {
            throw error;
        }

        return result;
    }

    /// <summary>Parses <c>name</c>, <c>number</c>, <c>name/PROTOCOL</c> or <c>number/PROTOCOL</c>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="result">The reference when valid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out ServicePortRef result) => TryParse(value, out result, out _);

    /// <summary>Parses a port reference, reporting why the text is invalid.</summary>
    /// <param name="value">The text.</param>
    /// <param name="result">The reference when valid.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out ServicePortRef result, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        result = default;
        if (string.IsNullOrEmpty(value))
        {
            error = new K8sNetFormatException(value, Field, "must be a port name or a number from 1 to 65535");
            return false;
        }

        var text = value.AsSpan();
        TransportProtocol? protocol = null;
        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            var protocolText = text[(slash + 1)..].ToString();
            if (!TransportProtocolNames.TryParse(protocolText, out var p))
            {
                error = new K8sNetFormatException(value, Field, $"protocol '{protocolText}' must be TCP, UDP or SCTP");
                return false;
            }

            protocol = p;
            text = text[..slash];
        }

        if (text.Length > 0 && char.IsAsciiDigit(text[0]) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            if (number is < 1 or > 65535)
            {
                error = new K8sNetFormatException(value, Field, "port number must be between 1 and 65535, inclusive");
                return false;
            }

            result = new ServicePortRef(null, number, protocol);
            error = null;
            return true;
        }

        if (!KubernetesNames.IsValidPortName(text, ignoreCase: true))
        {
            var lower = text.ToString().ToLowerInvariant();
            KubernetesNames.TryValidatePortName(lower, "Service port name", out var nameError);
            error = nameError ?? new K8sNetFormatException(value, Field, "must be a port name or a number from 1 to 65535");
            return false;
        }

        result = new ServicePortRef(text.ToString().ToLowerInvariant(), 0, protocol);
        error = null;
        return true;
    }

    /// <summary>Whether <paramref name="port"/> is the port this reference names.</summary>
    /// <param name="port">A Service port.</param>
    /// <returns><see langword="true"/> when the name (or number) and, if given, the protocol match.</returns>
    public bool Matches(ServicePortInfo port)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (Protocol is { } protocol && port.Protocol != protocol)
        {
            return false;
        }

        return IsNamed ? string.Equals(port.Name, Name, StringComparison.Ordinal) : port.Port == Number;
    }

    /// <inheritdoc />
    public bool Equals(ServicePortRef other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal) && Number == other.Number && Protocol == other.Protocol;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ServicePortRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name), Number, Protocol);

    /// <summary>The text form, e.g. <c>http</c>, <c>8080</c> or <c>dns/UDP</c>.</summary>
    /// <returns>The text form.</returns>
    public override string ToString()
    {
        var head = IsNamed ? Name : Number.ToString(CultureInfo.InvariantCulture);
        return Protocol is { } p ? $"{head}/{p.ToApiString()}" : head;
    }

    /// <summary>Equality.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether equal.</returns>
    public static bool operator ==(ServicePortRef left, ServicePortRef right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether different.</returns>
    public static bool operator !=(ServicePortRef left, ServicePortRef right) => !left.Equals(right);
}
