using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace K8sNet;

/// <summary>
/// Kubernetes naming rules, exactly as the API server applies them (k8s.io/apimachinery/pkg/util/validation at
/// 008b3652): DNS-1035 labels (Service names), DNS-1123 labels (namespaces, endpoint hostnames, slice port names),
/// DNS-1123 subdomains (Pod, Node and most object names) and port names.
/// </summary>
/// <remarks>
/// <para>
/// The <c>Validate*</c> methods return the API server's own messages, verbatim and in its order (empty when valid),
/// including its quirks (two spaces before "or" in the examples). The <c>Is*</c> methods answer the same question
/// without allocating. The <c>ThrowIfInvalid*</c> / <c>TryValidate*</c> methods give a
/// <see cref="KubernetesNameException"/> whose <see cref="K8sNetFormatException.Rule"/> is the first broken rule
/// stated precisely (e.g. <c>must be lower case</c>).
/// </para>
/// <para>
/// Names in API objects must be lower case. Names written in URIs and DNS queries match case-insensitively: pass
/// <c>ignoreCase: true</c> to the <c>Is*</c> methods to accept either case. Lengths count UTF-8 bytes, as Go's
/// <c>len</c> does.
/// </para>
/// </remarks>
public static class KubernetesNames
{
    /// <summary>Maximum length of a DNS-1123 label (63).</summary>
    public const int Dns1123LabelMaxLength = 63;

    /// <summary>Maximum length of a DNS-1123 subdomain (253).</summary>
    public const int Dns1123SubdomainMaxLength = 253;

    /// <summary>Maximum length of a DNS-1035 label (63).</summary>
    public const int Dns1035LabelMaxLength = 63;

    /// <summary>Maximum length of a port name (15, IANA_SVC_NAME).</summary>
    public const int PortNameMaxLength = 15;

    /// <summary>The regular expression upstream validates DNS-1123 labels with.</summary>
    public const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    /// <summary>The regular expression upstream validates DNS-1123 subdomains with.</summary>
    public const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";

    /// <summary>The regular expression upstream validates DNS-1035 labels with.</summary>
    public const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";

    /// <summary>The name of the DNS-1035 label rule set, as messages use it.</summary>
    public const string Dns1035LabelKind = "DNS-1035 label";

    /// <summary>The name of the DNS-1123 label rule set, as messages use it.</summary>
    public const string Dns1123LabelKind = "DNS-1123 label";

    /// <summary>The name of the DNS-1123 subdomain rule set, as messages use it.</summary>
    public const string Dns1123SubdomainKind = "DNS-1123 subdomain";

    /// <summary>The name of the port-name rule set, as messages use it.</summary>
    public const string PortNameKind = "port name";

    private const string Dns1123LabelErrorMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";

    private const string Dns1123SubdomainErrorMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

    private const string Dns1035LabelErrorMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";

    private enum Problem
    {
        None,
        Empty,
        TooLong,
        Dot,
        EmptyLabel,
        UpperCase,
        InvalidCharacter,
        BadStart,
        BadEnd,
    }

    // ---- Upstream messages -------------------------------------------------------------------------------------

    /// <summary>The API server's messages for <paramref name="value"/> as a DNS-1123 label (IsDNS1123Label).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The messages in upstream order; empty when the value is valid.</returns>
    public static IReadOnlyList<string> ValidateDns1123Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>(2);
        if (ByteLength(value) > Dns1123LabelMaxLength)
        {
            errors.Add(MaxLengthError(Dns1123LabelMaxLength));
        }

        if (CheckLabel(value, letterFirst: false, ignoreCase: false, out _) != Problem.None)
        {
            errors.Add(CheckSubdomain(value, ignoreCase: false, out _) == Problem.None
                ? "must not contain dots"
                : RegexError(Dns1123LabelErrorMessage, Dns1123LabelFormat, "my-name", "123-abc"));
        }

        return errors;
    }

    /// <summary>The API server's messages for <paramref name="value"/> as a DNS-1123 subdomain (IsDNS1123Subdomain).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The messages in upstream order; empty when the value is valid.</returns>
    public static IReadOnlyList<string> ValidateDns1123Subdomain(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>(2);
        if (ByteLength(value) > Dns1123SubdomainMaxLength)
        {
            errors.Add(MaxLengthError(Dns1123SubdomainMaxLength));
        }

        if (CheckSubdomain(value, ignoreCase: false, out _) != Problem.None)
        {
            errors.Add(RegexError(Dns1123SubdomainErrorMessage, Dns1123SubdomainFormat, "example.com"));
        }

        return errors;
    }

    /// <summary>The API server's messages for <paramref name="value"/> as a DNS-1035 label (IsDNS1035Label).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The messages in upstream order; empty when the value is valid.</returns>
    public static IReadOnlyList<string> ValidateDns1035Label(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>(2);
        if (ByteLength(value) > Dns1035LabelMaxLength)
        {
            errors.Add(MaxLengthError(Dns1035LabelMaxLength));
        }

        if (CheckLabel(value, letterFirst: true, ignoreCase: false, out _) != Problem.None)
        {
            errors.Add(RegexError(Dns1035LabelErrorMessage, Dns1035LabelFormat, "my-name", "abc-123"));
        }

        return errors;
    }

    /// <summary>The API server's messages for <paramref name="value"/> as a port name (IsValidPortName).</summary>
    /// <param name="value">The value.</param>
    /// <returns>The messages in upstream order; empty when the value is valid.</returns>
    public static IReadOnlyList<string> ValidatePortName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>(2);
        if (ByteLength(value) > PortNameMaxLength)
        {
            errors.Add(MaxLengthError(PortNameMaxLength));
        }

        var charsetOk = value.Length > 0;
        var hasLetter = false;
        foreach (var c in value)
        {
            if (c is >= 'a' and <= 'z')
            {
                hasLetter = true;
            }
            else if (c is not ((>= '0' and <= '9') or '-'))
            {
                charsetOk = false;
            }
        }

        if (!charsetOk)
        {
            errors.Add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
        }

        if (!hasLetter)
        {
            errors.Add("must contain at least one letter (a-z)");
        }

        if (value.Contains("--", StringComparison.Ordinal))
        {
            errors.Add("must not contain consecutive hyphens");
        }

        if (value.Length > 0 && (value[0] == '-' || value[^1] == '-'))
        {
            errors.Add("must not begin or end with a hyphen");
        }

        return errors;
    }

    // ---- Allocation-free checks --------------------------------------------------------------------------------

    /// <summary>Whether <paramref name="value"/> is a DNS-1123 label.</summary>
    /// <param name="value">The value.</param>
    /// <param name="ignoreCase">Accept upper-case letters (names in URIs and DNS queries).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsDns1123Label(ReadOnlySpan<char> value, bool ignoreCase = false) =>
        value.Length <= Dns1123LabelMaxLength && CheckLabel(value, letterFirst: false, ignoreCase, out _) == Problem.None;

    /// <summary>Whether <paramref name="value"/> is a DNS-1035 label.</summary>
    /// <param name="value">The value.</param>
    /// <param name="ignoreCase">Accept upper-case letters (names in URIs and DNS queries).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsDns1035Label(ReadOnlySpan<char> value, bool ignoreCase = false) =>
        value.Length <= Dns1035LabelMaxLength && CheckLabel(value, letterFirst: true, ignoreCase, out _) == Problem.None;

    /// <summary>Whether <paramref name="value"/> is a DNS-1123 subdomain.</summary>
    /// <param name="value">The value.</param>
    /// <param name="ignoreCase">Accept upper-case letters (names in URIs and DNS queries).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsDns1123Subdomain(ReadOnlySpan<char> value, bool ignoreCase = false) =>
        value.Length <= Dns1123SubdomainMaxLength && CheckSubdomain(value, ignoreCase, out _) == Problem.None;

    /// <summary>Whether <paramref name="value"/> is a valid port name (IsValidPortName).</summary>
    /// <param name="value">The value.</param>
    /// <param name="ignoreCase">Accept upper-case letters (port names written in URIs).</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValidPortName(ReadOnlySpan<char> value, bool ignoreCase = false)
    {
        if (value.Length is 0 or > PortNameMaxLength || value[0] == '-' || value[^1] == '-')
        {
            return false;
        }

        var hasLetter = false;
        var previousHyphen = false;
        foreach (var c in value)
        {
            if (c is >= 'a' and <= 'z' || (ignoreCase && c is >= 'A' and <= 'Z'))
            {
                hasLetter = true;
                previousHyphen = false;
            }
            else if (c == '-')
            {
                if (previousHyphen)
                {
                    return false;
                }

                previousHyphen = true;
            }
            else if (c is >= '0' and <= '9')
            {
                previousHyphen = false;
            }
            else
            {
                return false;
            }
        }

        return hasLetter;
    }

    // ---- Typed errors ------------------------------------------------------------------------------------------

    /// <summary>Checks a DNS-1035 label (a Service name), giving a typed error when it is invalid.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message, e.g. <c>Service name</c>.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryValidateDns1035Label([NotNullWhen(true)] string? value, string field, [NotNullWhen(false)] out KubernetesNameException? error) =>
        TryValidate(value, field, Dns1035LabelKind, Dns1035LabelMaxLength, letterFirst: true, subdomain: false, out error);

    /// <summary>Checks a DNS-1123 label (a namespace), giving a typed error when it is invalid.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message, e.g. <c>namespace</c>.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryValidateDns1123Label([NotNullWhen(true)] string? value, string field, [NotNullWhen(false)] out KubernetesNameException? error) =>
        TryValidate(value, field, Dns1123LabelKind, Dns1123LabelMaxLength, letterFirst: false, subdomain: false, out error);

    /// <summary>Checks a DNS-1123 subdomain (a Pod or Node name), giving a typed error when it is invalid.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message, e.g. <c>Pod name</c>.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryValidateDns1123Subdomain([NotNullWhen(true)] string? value, string field, [NotNullWhen(false)] out KubernetesNameException? error) =>
        TryValidate(value, field, Dns1123SubdomainKind, Dns1123SubdomainMaxLength, letterFirst: false, subdomain: true, out error);

    /// <summary>Checks a port name, giving a typed error when it is invalid.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message, e.g. <c>port name</c>.</param>
    /// <param name="error">The error when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryValidatePortName([NotNullWhen(true)] string? value, string field, [NotNullWhen(false)] out KubernetesNameException? error)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (value is null)
        {
            error = new KubernetesNameException(null, field, PortNameKind, "must not be null", []);
            return false;
        }

        var upstream = ValidatePortName(value);
        if (upstream.Count == 0)
        {
            error = null;
            return true;
        }

        var rule = upstream[0];
        if (value.Length > 0 && upstream[0].StartsWith("must contain only", StringComparison.Ordinal))
        {
            for (var i = 0; i < value.Length; i++)
            {
                var c = value[i];
                if (c is >= 'A' and <= 'Z')
                {
                    rule = $"must be lower case ('{c}' at position {i})";
                    break;
                }
            }
        }

        error = new KubernetesNameException(value, field, PortNameKind, rule, upstream);
        return false;
    }

    /// <summary>Throws when <paramref name="value"/> is not a DNS-1035 label.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message.</param>
    /// <exception cref="KubernetesNameException">The value is invalid.</exception>
    public static void ThrowIfInvalidDns1035Label(string? value, string field)
    {
        if (!TryValidateDns1035Label(value, field, out var error))
        {
            throw error;
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not a DNS-1123 label.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message.</param>
    /// <exception cref="KubernetesNameException">The value is invalid.</exception>
    public static void ThrowIfInvalidDns1123Label(string? value, string field)
    {
        if (!TryValidateDns1123Label(value, field, out var error))
        {
            throw error;
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not a DNS-1123 subdomain.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message.</param>
    /// <exception cref="KubernetesNameException">The value is invalid.</exception>
    public static void ThrowIfInvalidDns1123Subdomain(string? value, string field)
    {
        if (!TryValidateDns1123Subdomain(value, field, out var error))
        {
            throw error;
        }
    }

    /// <summary>Throws when <paramref name="value"/> is not a valid port name.</summary>
    /// <param name="value">The value.</param>
    /// <param name="field">What the value is for, used in the message.</param>
    /// <exception cref="KubernetesNameException">The value is invalid.</exception>
    public static void ThrowIfInvalidPortName(string? value, string field)
    {
        if (!TryValidatePortName(value, field, out var error))
        {
            throw error;
        }
    }

    // ---- Internals ---------------------------------------------------------------------------------------------

    private static bool TryValidate(
        [NotNullWhen(true)] string? value, string field, string kind, int maxLength, bool letterFirst, bool subdomain,
        [NotNullWhen(false)] out KubernetesNameException? error)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (value is null)
        {
            error = new KubernetesNameException(null, field, kind, "must not be null", []);
            return false;
        }

        var tooLong = ByteLength(value) > maxLength;
        var problem = subdomain
            ? CheckSubdomain(value, ignoreCase: false, out var position)
            : CheckLabel(value, letterFirst, ignoreCase: false, out position);
        if (!tooLong && problem == Problem.None)
        {
            error = null;
            return true;
        }

        var upstream = subdomain ? ValidateDns1123Subdomain(value)
            : letterFirst ? ValidateDns1035Label(value)
            : ValidateDns1123Label(value);
        var rule = tooLong
            ? $"{MaxLengthError(maxLength)} (it has {ByteLength(value)})"
            : Describe(problem, value, position, letterFirst, subdomain);
        error = new KubernetesNameException(value, field, kind, rule, upstream);
        return false;
    }

    private static string Describe(Problem problem, string value, int position, bool letterFirst, bool subdomain) => problem switch
    {
        Problem.Empty => "must not be empty",
        Problem.Dot => "must not contain dots",
        Problem.EmptyLabel => "must not contain an empty label (a leading, trailing or doubled '.')",
        Problem.UpperCase => $"must be lower case ('{value[position]}' at position {position})",
        Problem.InvalidCharacter => subdomain
            ? $"must consist of lower case alphanumeric characters, '-' or '.' ('{value[position]}' at position {position} is not allowed)"
            : $"must consist of lower case alphanumeric characters or '-' ('{value[position]}' at position {position} is not allowed)",
        Problem.BadStart => letterFirst
            ? "must start with an alphabetic character"
            : "must start with an alphanumeric character",
        Problem.BadEnd => "must end with an alphanumeric character",
        _ => "is invalid",
    };

    private static Problem CheckLabel(ReadOnlySpan<char> value, bool letterFirst, bool ignoreCase, out int position)
    {
        position = 0;
        if (value.IsEmpty)
        {
            return Problem.Empty;
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            {
                continue;
            }

            position = i;
            if (c is >= 'A' and <= 'Z')
            {
                if (ignoreCase)
                {
                    continue;
                }

                return Problem.UpperCase;
            }

            return c == '.' ? Problem.Dot : Problem.InvalidCharacter;
        }

        var first = value[0];
        if (first == '-' || (letterFirst && first is >= '0' and <= '9'))
        {
            position = 0;
            return Problem.BadStart;
        }

        if (value[^1] == '-')
        {
            position = value.Length - 1;
            return Problem.BadEnd;
        }

        return Problem.None;
    }

    private static Problem CheckSubdomain(ReadOnlySpan<char> value, bool ignoreCase, out int position)
    {
        position = 0;
        if (value.IsEmpty)
        {
            return Problem.Empty;
        }

        var start = 0;
        while (true)
        {
            var rest = value[start..];
            var dot = rest.IndexOf('.');
            var label = dot < 0 ? rest : rest[..dot];
            if (label.IsEmpty)
            {
                position = start;
                return Problem.EmptyLabel;
            }

            var problem = CheckLabel(label, letterFirst: false, ignoreCase, out var inLabel);
            if (problem != Problem.None)
            {
                position = start + inLabel;
                return problem;
            }

            if (dot < 0)
            {
                return Problem.None;
            }

            start += dot + 1;
            if (start == value.Length)
            {
                position = value.Length - 1;
                return Problem.EmptyLabel;
            }
        }
    }

    private static int ByteLength(string value)
    {
        foreach (var c in value)
        {
            if (c > 0x7F)
            {
                return Encoding.UTF8.GetByteCount(value);
            }
        }

        return value.Length;
    }

    private static string MaxLengthError(int length) => $"must be no more than {length} characters";

    // Upstream's RegexError: examples are joined so that a second example follows "',  or '" (two spaces).
    private static string RegexError(string message, string format, params string[] examples)
    {
        var sb = new StringBuilder(message);
        if (examples.Length > 0)
        {
            sb.Append(" (e.g. ");
            for (var i = 0; i < examples.Length; i++)
            {
                if (i > 0)
                {
                    sb.Append(" or ");
                }

                sb.Append('\'').Append(examples[i]).Append("', ");
            }

            sb.Append("regex used for validation is '").Append(format).Append("')");
        }
        else
        {
            sb.Append(" (regex used for validation is '").Append(format).Append("')");
        }

        return sb.ToString();
    }
}
