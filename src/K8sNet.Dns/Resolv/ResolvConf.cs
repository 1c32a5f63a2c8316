using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;

namespace K8sNet.Dns;

/// <summary>
/// A resolver configuration (resolv.conf(5)): nameservers, the search list and options, read as glibc reads it.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Parse"/> is lenient like glibc: unknown keywords and unparsable nameservers are ignored, <c>domain</c> and
/// <c>search</c> replace each other (the last wins), at most three nameservers are kept, <c>ndots</c> is capped at 15,
/// <c>timeout</c> at 30 and <c>attempts</c> at 5. <see cref="TryParse(string?, out ResolvConf?, out K8sNetFormatException?)"/>
/// is strict and names the line and the rule of the first problem.
/// </para>
/// <para>Search entries are stored without a trailing dot; the root domain is stored as <c>.</c>.</para>
/// </remarks>
public sealed class ResolvConf
{
    /// <summary>glibc's MAXNS: nameservers beyond the third are ignored.</summary>
    public const int MaxNameservers = 3;

    /// <summary>glibc's RES_MAXNDOTS.</summary>
    public const int MaxNdots = 15;

    /// <summary>glibc's RES_MAXRETRANS (seconds).</summary>
    public const int MaxTimeout = 30;

    /// <summary>glibc's RES_MAXRETRY.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The well-known path, <c>/etc/resolv.conf</c>.</summary>
    public const string DefaultPath = "/etc/resolv.conf";

    private ResolvConf(ImmutableArray<IPAddress> nameservers, ImmutableArray<string> search, ImmutableArray<string> options)
    {
        Nameservers = nameservers;
        Search = search;
        Options = options;
        foreach (var option in options)
        {
            ApplyOption(option);
        }
    }

    /// <summary>A configuration with no nameserver, no search list and glibc's default options (ndots 1, timeout 5, attempts 2).</summary>
    public static ResolvConf Empty { get; } = new([], [], []);

    /// <summary>The nameservers, in order (at most <see cref="MaxNameservers"/>).</summary>
    public ImmutableArray<IPAddress> Nameservers { get; }

    /// <summary>The search list, in order, without trailing dots (the root domain is <c>.</c>).</summary>
    public ImmutableArray<string> Search { get; }

    /// <summary>The options as written (after merging), e.g. <c>ndots:5</c>.</summary>
    public ImmutableArray<string> Options { get; }

    /// <summary>The ndots threshold (default 1, at most 15).</summary>
    public int Ndots { get; private set; } = 1;

    /// <summary>The per-query timeout in seconds (default 5, at most 30).</summary>
    public int Timeout { get; private set; } = 5;

    /// <summary>The number of attempts per nameserver (default 2, at most 5).</summary>
    public int Attempts { get; private set; } = 2;

    /// <summary>Whether <c>no-tld-query</c> is set: a name without dots is never tried as written.</summary>
    public bool NoTldQuery { get; private set; }

    /// <summary>Whether <c>rotate</c> is set.</summary>
    public bool Rotate { get; private set; }

    /// <summary>
    /// The configuration the kubelet writes for a pod with <c>dnsPolicy: ClusterFirst</c>: the cluster DNS nameserver;
    /// search <c>&lt;ns&gt;.svc.&lt;zone&gt; svc.&lt;zone&gt; &lt;zone&gt;</c> then the node's search domains (duplicates
    /// removed); options exactly <c>ndots:5</c>.
    /// </summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="clusterDomain">The cluster domain.</param>
    /// <param name="clusterDns">The cluster DNS Service IP (kubeadm's default is 10.96.0.10).</param>
    /// <param name="hostSearch">The node's own search domains, if any.</param>
    /// <returns>The pod's configuration.</returns>
    public static ResolvConf ForClusterFirstPod(string @namespace, string clusterDomain = DnsNames.DefaultClusterDomain, IPAddress? clusterDns = null, IEnumerable<string>? hostSearch = null)
    {
        KubernetesNames.ThrowIfInvalidDns1123Label(@namespace, "pod namespace");
        var zone = DnsNames.NormalizeZone(clusterDomain);
        var search = new List<string> { $"{@namespace}.svc.{zone}", $"svc.{zone}", zone };
        foreach (var s in hostSearch ?? [])
        {
            var entry = NormalizeSearchEntry(s);
            if (entry.Length > 0 && !search.Contains(entry, StringComparer.Ordinal))
            {
                search.Add(entry);
            }
        }

        return new ResolvConf([clusterDns ?? IPAddress.Parse("10.96.0.10")], [.. search], ["ndots:5"]);
    }

    /// <summary>Creates a configuration from parts.</summary>
    /// <param name="nameservers">The nameservers (the first three are kept).</param>
    /// <param name="search">The search list.</param>
    /// <param name="options">Options as written, e.g. <c>ndots:5</c>.</param>
    /// <returns>The configuration.</returns>
    public static ResolvConf Create(IEnumerable<IPAddress>? nameservers = null, IEnumerable<string>? search = null, IEnumerable<string>? options = null) =>
        new(
            [.. (nameservers ?? []).Take(MaxNameservers)],
            [.. (search ?? []).Select(NormalizeSearchEntry).Where(s => s.Length > 0)],
            [.. options ?? []]);

    /// <summary>Reads <paramref name="path"/> leniently (see <see cref="Parse"/>); a missing file gives <see cref="Empty"/>.</summary>
    /// <param name="path">The file, <c>/etc/resolv.conf</c> by default.</param>
    /// <returns>The configuration.</returns>
    public static ResolvConf Load(string path = DefaultPath) => File.Exists(path) ? Parse(File.ReadAllText(path)) : Empty;

    /// <summary>Parses resolv.conf text as glibc does: leniently, ignoring what it does not understand.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The configuration.</returns>
    public static ResolvConf Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ParseCore(text, strict: false, out var conf, out _);
        return conf!;
    }

    /// <summary>Parses resolv.conf text strictly: an unknown keyword, a bad address or a bad option value is an error.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="conf">The configuration when valid.</param>
    /// <param name="error">The first problem, naming the line and the rule.</param>
    /// <returns><see langword="true"/> when every line is valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out ResolvConf? conf, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        if (text is null)
        {
            conf = null;
            error = new K8sNetFormatException(null, "resolv.conf", "text must not be null");
            return false;
        }

        return ParseCore(text, strict: true, out conf, out error);
    }

    /// <summary>
    /// Applies the environment overrides glibc honours: <c>LOCALDOMAIN</c> replaces the search list and
    /// <c>RES_OPTIONS</c> adds options.
    /// </summary>
    /// <param name="localDomain">The value of <c>LOCALDOMAIN</c>, if set.</param>
    /// <param name="resOptions">The value of <c>RES_OPTIONS</c>, if set.</param>
    /// <returns>The configuration with the overrides.</returns>
    public ResolvConf WithEnvironment(string? localDomain, string? resOptions)
    {
        var search = localDomain is null
            ? Search
            : [.. localDomain.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(NormalizeSearchEntry).Where(s => s.Length > 0)];
        var options = resOptions is null
            ? Options
            : Options.AddRange(resOptions.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries));
        return new ResolvConf(Nameservers, search, options);
    }

    /// <summary>A copy with a different search list.</summary>
    /// <param name="search">The search list.</param>
    /// <returns>The configuration.</returns>
    public ResolvConf WithSearch(IEnumerable<string> search) =>
        new(Nameservers, [.. search.Select(NormalizeSearchEntry).Where(s => s.Length > 0)], Options);

    /// <summary>Writes the configuration as resolv.conf text.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var ns in Nameservers)
        {
            sb.Append("nameserver ").Append(ns).Append('\n');
        }

        if (Search.Length > 0)
        {
            sb.Append("search ").AppendJoin(' ', Search).Append('\n');
        }

        if (Options.Length > 0)
        {
            sb.Append("options ").AppendJoin(' ', Options).Append('\n');
        }

        return sb.ToString();
    }

    private static bool ParseCore(string text, bool strict, out ResolvConf? conf, out K8sNetFormatException? error)
    {
        var nameservers = new List<IPAddress>();
        var search = new List<string>();
        var options = new List<string>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }

            var field = $"resolv.conf line {lineNumber}";
            var keyword = char.IsWhiteSpace(line[0]) ? string.Empty : tokens[0];
            switch (keyword)
            {
                case "nameserver":
                    if (tokens.Length < 2 || !IPAddress.TryParse(tokens[1], out var ip))
                    {
                        if (strict)
                        {
                            conf = null;
                            error = new K8sNetFormatException(line, field, "nameserver must be followed by an IPv4 or IPv6 address");
                            return false;
                        }

                        break;
                    }

                    if (nameservers.Count < MaxNameservers)
                    {
                        nameservers.Add(ip);
                    }

                    break;
                case "domain":
                    search.Clear();
                    if (tokens.Length > 1)
                    {
                        search.Add(NormalizeSearchEntry(tokens[1]));
                    }

                    break;
                case "search":
                    search.Clear();
                    search.AddRange(tokens.Skip(1).Select(NormalizeSearchEntry).Where(s => s.Length > 0));
                    break;
                case "options":
                    foreach (var option in tokens.Skip(1))
                    {
                        if (strict && !IsValidOption(option, out var rule))
                        {
                            conf = null;
                            error = new K8sNetFormatException(option, field, rule);
                            return false;
                        }

                        options.Add(option);
                    }

                    break;
                case "sortlist":
                case "lookup":
                case "family":
                    break;
                default:
                    if (strict)
                    {
                        conf = null;
                        error = new K8sNetFormatException(line, field,
                            "must start with nameserver, search, domain, options or sortlist at the start of the line, or be a comment (# or ;)");
                        return false;
                    }

                    break;
            }
        }

        conf = new ResolvConf([.. nameservers], [.. search], [.. options]);
        error = null;
        return true;
    }

    private static bool IsValidOption(string option, out string rule)
    {
        rule = string.Empty;
        var colon = option.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return true;
        }

        var name = option[..colon];
        var value = option[(colon + 1)..];
        if (name is "ndots" or "timeout" or "attempts")
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                rule = $"option {name} must be followed by a non-negative whole number";
                return false;
            }
        }

        return true;
    }

    private void ApplyOption(string option)
    {
        if (TryNumber(option, "ndots:", out var n))
        {
            Ndots = Math.Min(n, MaxNdots);
        }
        else if (TryNumber(option, "timeout:", out n))
        {
            Timeout = Math.Min(n, MaxTimeout);
        }
        else if (TryNumber(option, "attempts:", out n))
        {
            Attempts = Math.Min(n, MaxAttempts);
        }
        else if (option == "no-tld-query")
        {
            NoTldQuery = true;
        }
        else if (option == "rotate")
        {
            Rotate = true;
        }
    }

    // glibc reads option values with atoi: leading digits, anything else stops the number (no digits: 0).
    private static bool TryNumber(string option, string prefix, out int value)
    {
        value = 0;
        if (!option.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in option.AsSpan(prefix.Length))
        {
            if (!char.IsAsciiDigit(c))
            {
                break;
            }

            value = Math.Min((value * 10) + (c - '0'), 1_000_000);
        }

        return true;
    }

    private static string NormalizeSearchEntry(string entry)
    {
        var trimmed = entry.Trim();
        if (trimmed == ".")
        {
            return ".";
        }

        return trimmed.TrimEnd('.');
    }
}
