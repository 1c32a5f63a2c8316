using System.Diagnostics.CodeAnalysis;

namespace K8sNet;

/// <summary>
/// A Kubernetes Service's identity: its namespace and name, both validated as the API server does (the name is a
/// DNS-1035 label, the namespace a DNS-1123 label; both lower case).
/// </summary>
/// <remarks>
/// The text form is <c>namespace/name</c>, the key Kubernetes caches use. Names written in URIs and DNS queries match
/// case-insensitively; K8sNet.Dns lower-cases them before building a <see cref="ServiceName"/>.
/// <c>default(ServiceName)</c> is not a valid name (<see cref="IsDefault"/>).
/// </remarks>
public readonly struct ServiceName : IEquatable<ServiceName>, IComparable<ServiceName>, ISpanFormattable
{
    /// <summary>What a Service name is called in error messages.</summary>
    public const string NameField = "Service name";

    /// <summary>What a namespace is called in error messages.</summary>
    public const string NamespaceField = "Service namespace";

    private ServiceName(string @namespace, string name, bool _)
    {
        Namespace = @namespace;
        Name = name;
    }

    /// <summary>Creates a Service name.</summary>
    /// <param name="namespace">The namespace: a lower-case DNS-1123 label.</param>
    /// <param name="name">The Service name: a lower-case DNS-1035 label.</param>
    /// <exception cref="KubernetesNameException">Either part breaks its rule; the message names the part and the rule.</exception>
    public ServiceName(string @namespace, string name)
    {
        KubernetesNames.ThrowIfInvalidDns1123Label(@namespace, NamespaceField);
        KubernetesNames.ThrowIfInvalidDns1035Label(name, NameField);
        Namespace = @namespace;
        Name = name;
    }

    /// <summary>The namespace.</summary>
    public string Namespace { get; }

    /// <summary>The Service's name.</summary>
    public string Name { get; }

    /// <summary>Whether this is <c>default(ServiceName)</c>, which names nothing.</summary>
    public bool IsDefault => Name is null;

    /// <summary>Creates a Service name, or reports why it is invalid.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="name">The Service name.</param>
    /// <param name="result">The Service name when valid.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when both parts are valid.</returns>
    public static bool TryCreate(string? @namespace, string? name, out ServiceName result, [NotNullWhen(false)] out KubernetesNameException? error)
    {
        result = default;
        if (!KubernetesNames.TryValidateDns1123Label(@namespace, NamespaceField, out error)
            || !KubernetesNames.TryValidateDns1035Label(name, NameField, out error))
        {
            return false;
        }

        result = new ServiceName(@namespace, name, false);
        return true;
    }

    /// <summary>Parses <c>namespace/name</c>.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The Service name.</returns>
    /// <exception cref="K8sNetFormatException">The text is not <c>namespace/name</c> with valid parts.</exception>
    public static ServiceName Parse(string value)
    {
        if (!TryParse(value, out var result, out var error))
        {
            throw error;
        }

        return result;
    }

    /// <summary>Parses <c>namespace/name</c>.</summary>
    /// <param name="value">The text.</param>
    /// <param name="result">The Service name when valid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out ServiceName result) => TryParse(value, out result, out _);

    /// <summary>Parses <c>namespace/name</c>, reporting why the text is invalid.</summary>
    /// <param name="value">The text.</param>
    /// <param name="result">The Service name when valid.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out ServiceName result, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        result = default;
        if (value is null)
        {
            error = new K8sNetFormatException(null, "Service reference", "must be 'namespace/name'");
            return false;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || value.IndexOf('/', slash + 1) >= 0)
        {
            error = new K8sNetFormatException(value, "Service reference", "must be 'namespace/name' with exactly one '/'");
            return false;
        }

        if (!TryCreate(value[..slash], value[(slash + 1)..], out result, out var nameError))
        {
            error = nameError;
            return false;
        }

        error = null;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(ServiceName other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal) && string.Equals(Namespace, other.Namespace, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ServiceName other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(
        Namespace is null ? 0 : StringComparer.Ordinal.GetHashCode(Namespace),
        Name is null ? 0 : StringComparer.Ordinal.GetHashCode(Name));

    /// <inheritdoc />
    public int CompareTo(ServiceName other)
    {
        var c = string.CompareOrdinal(Namespace, other.Namespace);
        return c != 0 ? c : string.CompareOrdinal(Name, other.Name);
    }

    /// <summary>The text form, <c>namespace/name</c>.</summary>
    /// <returns>The text form; empty for <c>default</c>.</returns>
    public override string ToString() => IsDefault ? string.Empty : $"{Namespace}/{Name}";

    /// <inheritdoc />
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc />
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (IsDefault)
        {
            charsWritten = 0;
            return true;
        }

        return destination.TryWrite($"{Namespace}/{Name}", out charsWritten);
    }

    /// <summary>Equality.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether both name the same Service.</returns>
    public static bool operator ==(ServiceName left, ServiceName right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>Whether they name different Services.</returns>
    public static bool operator !=(ServiceName left, ServiceName right) => !left.Equals(right);

    /// <summary>Ordering by namespace, then name (ordinal).</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <(ServiceName left, ServiceName right) => left.CompareTo(right) < 0;

    /// <summary>Ordering by namespace, then name (ordinal).</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >(ServiceName left, ServiceName right) => left.CompareTo(right) > 0;

    /// <summary>Ordering by namespace, then name (ordinal).</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison.</returns>
    public static bool operator <=(ServiceName left, ServiceName right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering by namespace, then name (ordinal).</summary>
    /// <param name="left">The left operand.</param>
    /// <param name="right">The right operand.</param>
    /// <returns>The comparison.</returns>
    public static bool operator >=(ServiceName left, ServiceName right) => left.CompareTo(right) >= 0;
}
