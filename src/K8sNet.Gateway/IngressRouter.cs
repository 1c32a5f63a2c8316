using System.Globalization;
using System.Net;
using k8s;
using k8s.Models;
using K8sNet.Gateway.Yaml;

namespace K8sNet.Gateway;

/// <summary>
/// Ingress (networking.k8s.io/v1) evaluated as the Kubernetes API and docs specify it, compiled into a route table: the
/// host first — a precise host, else a single-label wildcard (<c>*.foo.com</c> matches <c>bar.foo.com</c>, not
/// <c>foo.com</c> nor <c>baz.bar.foo.com</c>), else the rules without a host — then the paths of every Ingress for that
/// host together: <c>Exact</c> (the whole path, case-sensitive), <c>Prefix</c> (element by element on '/', a trailing
/// slash ignored on both sides), <c>ImplementationSpecific</c> (<see cref="IngressRouterOptions.ImplementationSpecificAs"/>);
/// the longest path as written wins, <c>Exact</c> before <c>Prefix</c> at equal length, then the first-created Ingress
/// (creationTimestamp, then namespace/name as the controller orders ties: <see cref="IngressRouterOptions.TieOrder"/>). No path: the Ingress's <c>defaultBackend</c> for that host, else the first
/// Ingress's with one, else 404. Ingresses of other classes are left out (<see cref="Ignored"/> says which and why).
/// </summary>
/// <remarks>Build once (or again on change); <see cref="Route(string?, string)"/> allocates nothing.</remarks>
public sealed class IngressRouter
{
    private static readonly IngressDecision NotFoundDecision = new(IngressOutcome.NotFound, null, null, null, null, null, null, -1, -1, null, false,
        "404: no Ingress rule matches and no Ingress has a defaultBackend");

    private readonly Dictionary<string, Bucket> _hosts;
    private readonly Dictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> _hostLookup;
    private readonly Dictionary<string, Bucket> _wildcards;
    private readonly Dictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> _wildcardLookup;
    private readonly Bucket _anyHost;
    private readonly IngressDecision _fallback;

    private IngressRouter(Dictionary<string, Bucket> hosts, Dictionary<string, Bucket> wildcards, Bucket anyHost, IngressDecision fallback, IReadOnlyList<string> ignored, int count)
    {
        _hosts = hosts;
        _hostLookup = hosts.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcards = wildcards;
        _wildcardLookup = wildcards.GetAlternateLookup<ReadOnlySpan<char>>();
        _anyHost = anyHost;
        _fallback = fallback;
        Ignored = ignored;
        Count = count;
    }

    /// <summary>The Ingresses left out, each with why (another class, no class while this one is not the default).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>How many Ingresses the table serves.</summary>
    public int Count { get; }

    /// <summary>Builds the route table.</summary>
    /// <param name="ingresses">The Ingresses (any namespaces).</param>
    /// <param name="classes">IngressClasses, for the default-class annotation; optional.</param>
    /// <param name="options">The controller's class and choices; defaults when <see langword="null"/>.</param>
    /// <returns>The router.</returns>
    /// <exception cref="K8sNetFormatException">An Ingress the API server would reject: the message names the Ingress, the field and the rule.</exception>
    public static IngressRouter Build(IEnumerable<V1Ingress> ingresses, IEnumerable<V1IngressClass>? classes = null, IngressRouterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ingresses);
        options ??= new IngressRouterOptions();
        var isDefault = options.IsDefaultClass || (options.ClassName is { } own && (classes ?? []).Any(c => c.Metadata?.Name == own
            && c.Metadata.Annotations?.TryGetValue(WellKnownAnnotations.IsDefaultIngressClass, out var flag) == true && flag == "true"));
        var ignored = new List<string>();
        var served = new List<V1Ingress>();
        foreach (var ingress in ingresses)
        {
            ArgumentNullException.ThrowIfNull(ingress);
            Validate(ingress);
            var className = ingress.Spec.IngressClassName
                ?? (ingress.Metadata.Annotations?.TryGetValue(WellKnownAnnotations.IngressClass, out var annotated) == true ? annotated : null);
            if (options.ClassName is null || className == options.ClassName || (className is null && isDefault))
            {
                served.Add(ingress);
            }
            else
            {
                ignored.Add(className is null
                    ? $"{Id(ingress)}: no ingressClassName, and class '{options.ClassName}' is not the default"
                    : $"{Id(ingress)}: class '{className}', not '{options.ClassName}'");
            }
        }

        // First-created first: creationTimestamp, then namespace/name in the controller's order (manifests rarely carry a
        // timestamp; ingress-nginx puts the later name first).
        var descending = (options.TieOrder ?? ((classes ?? []).Any(c => c.Metadata?.Name == options.ClassName && c.Spec?.Controller == "k8s.io/ingress-nginx")
            ? IngressTieOrder.NameDescending : IngressTieOrder.NameAscending)) == IngressTieOrder.NameDescending;
        served.Sort((a, b) =>
        {
            var byTime = Nullable.Compare(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
            return byTime != 0 ? byTime : descending ? string.CompareOrdinal(Id(b), Id(a)) : string.CompareOrdinal(Id(a), Id(b));
        });

        var hosts = new Dictionary<string, Bucket>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new Dictionary<string, Bucket>(StringComparer.OrdinalIgnoreCase);
        var anyHost = new Bucket();
        IngressDecision? fallback = null;
        for (var order = 0; order < served.Count; order++)
        {
            var ingress = served[order];
            var defaultBackend = ingress.Spec.DefaultBackend is { } db
                ? Decision(ingress, db, null, null, null, -1, -1, $"the defaultBackend of Ingress {Id(ingress)}")
                : null;
            fallback ??= defaultBackend is null ? null : Decision(ingress, ingress.Spec.DefaultBackend!, null, null, null, -1, -1,
                $"the defaultBackend of Ingress {Id(ingress)} (the first Ingress with one): no rule matches");
            var rules = ingress.Spec.Rules ?? [];
            for (var r = 0; r < rules.Count; r++)
            {
                var rule = rules[r];
                var bucket = rule.Host is not { Length: > 0 } host ? anyHost
                    : host.StartsWith("*.", StringComparison.Ordinal) ? Get(wildcards, host[2..])
                    : Get(hosts, host);
                if (defaultBackend is not null)
                {
                    bucket.Default ??= Decision(ingress, ingress.Spec.DefaultBackend!, rule.Host, null, null, -1, -1,
                        $"the defaultBackend of Ingress {Id(ingress)}, which has rules for {(rule.Host is { Length: > 0 } h ? $"host {h}" : "any host")}: none of their paths matches");
                }

                var paths = rule.Http?.Paths ?? [];
                for (var p = 0; p < paths.Count; p++)
                {
                    var path = paths[p];
                    var type = path.PathType switch
                    {
                        "Exact" => IngressPathType.Exact,
                        "Prefix" => IngressPathType.Prefix,
                        _ => options.ImplementationSpecificAs,
                    };
                    var written = string.IsNullOrEmpty(path.Path) ? "/" : path.Path;
                    var why = $"Ingress {Id(ingress)} rule {r} ({(rule.Host is { Length: > 0 } rh ? $"host {rh}" : "any host")}) path {written} ({path.PathType}"
                        + (path.PathType == "ImplementationSpecific" ? $", taken as {type}" : string.Empty) + ")";
                    bucket.Entries.Add(new Entry(written, type, order, r, p, Decision(ingress, path.Backend, rule.Host, written, path.PathType, r, p, why)));
                }
            }
        }

        foreach (var bucket in hosts.Values.Concat(wildcards.Values).Append(anyHost))
        {
            bucket.Seal();
        }

        return new IngressRouter(hosts, wildcards, anyHost, fallback ?? NotFoundDecision, ignored, served.Count);
    }

    /// <summary>
    /// Builds the route table from YAML manifests: the Ingresses and IngressClasses (networking.k8s.io/v1) in them;
    /// documents of any other kind, custom resources included, are skipped.
    /// </summary>
    /// <param name="yaml">One or more documents.</param>
    /// <param name="options">The controller's class and choices.</param>
    /// <returns>The router.</returns>
    /// <exception cref="K8sNetFormatException">The text is not YAML, or an Ingress in it is invalid.</exception>
    public static IngressRouter Load(string yaml, IngressRouterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var documents = YamlManifest.Parse(yaml).Where(d => ManifestFields.Str(d["apiVersion"]) == "networking.k8s.io/v1").ToList();
        return Build(
            documents.Where(d => ManifestFields.Str(d["kind"]) == "Ingress").Select(d => KubernetesJson.Deserialize<V1Ingress>(d.ToJsonString())),
            documents.Where(d => ManifestFields.Str(d["kind"]) == "IngressClass").Select(d => KubernetesJson.Deserialize<V1IngressClass>(d.ToJsonString())),
            options);
    }

    /// <summary>Routes a request by its Host header (port ignored) and URL path (query and fragment ignored).</summary>
    /// <param name="host">The Host header, <see langword="null"/> or empty when the request has none.</param>
    /// <param name="path">The URL path (a query or fragment after it is ignored).</param>
    /// <returns>The decision.</returns>
    public IngressDecision Route(string? host, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var requestPath = path.AsSpan();
        var cut = requestPath.IndexOfAny('?', '#');
        if (cut >= 0)
        {
            requestPath = requestPath[..cut];
        }

        if (requestPath.IsEmpty)
        {
            requestPath = "/";
        }

        var name = HostName(host);
        Bucket? bucket = null;
        if (!name.IsEmpty)
        {
            if (_hostLookup.TryGetValue(name, out var precise))
            {
                bucket = precise;
            }
            else if (name.IndexOf('.') is var dot and > 0 && _wildcardLookup.TryGetValue(name[(dot + 1)..], out var wild))
            {
                bucket = wild;
            }
        }

        bucket ??= _anyHost;
        return bucket.Match(requestPath) ?? bucket.Default ?? _fallback;
    }

    /// <summary>Routes a request as an Ingress controller receives it: Host header, else the URI's host; the URI's path.</summary>
    /// <param name="request">The request (its URI absolute).</param>
    /// <returns>The decision.</returns>
    public IngressDecision Route(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new ArgumentException("The request has no RequestUri.", nameof(request));
        return Route(request.Headers.Host ?? (uri.IsAbsoluteUri ? uri.Authority : null), uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString);
    }

    private static ReadOnlySpan<char> HostName(string? header)
    {
        var host = header.AsSpan().Trim();
        if (host.StartsWith("["))
        {
            return host; // an IPv6 literal: no rule host can be an IP
        }

        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            host = host[..colon];
        }

        return host.TrimEnd('.');
    }

    private static Bucket Get(Dictionary<string, Bucket> map, string key)
    {
        if (!map.TryGetValue(key, out var bucket))
        {
            map[key] = bucket = new Bucket();
        }

        return bucket;
    }

    private static IngressDecision Decision(V1Ingress ingress, V1IngressBackend backend, string? host, string? path, string? pathType, int rule, int pathIndex, string why)
    {
        var tls = host is { Length: > 0 } ? ingress.Spec.Tls?.FirstOrDefault(t => t.Hosts?.Contains(host, StringComparer.OrdinalIgnoreCase) == true) : null;
        var target = backend.Service is { } service
            ? $"Service {ingress.Metadata.NamespaceProperty ?? "default"}/{service.Name} port {(service.Port?.Name is { Length: > 0 } portName ? portName : service.Port?.Number?.ToString(CultureInfo.InvariantCulture))}"
            : $"{backend.Resource?.Kind} {backend.Resource?.Name} (a resource backend)";
        return new IngressDecision(backend.Service is not null ? IngressOutcome.Service : IngressOutcome.Resource,
            ingress.Metadata.NamespaceProperty ?? "default", ingress.Metadata.Name, backend, host, path, pathType, rule, pathIndex,
            tls?.SecretName, tls is not null, $"{target}: {why}");
    }

    private static string Id(V1Ingress ingress) => $"{ingress.Metadata?.NamespaceProperty ?? "default"}/{ingress.Metadata?.Name}";

    // What the API server's validation rejects (networking/validation ValidateIngress), so a table is never built from
    // an Ingress a cluster would not hold.
    private static void Validate(V1Ingress ingress)
    {
        var id = $"Ingress {Id(ingress)}";
        if (string.IsNullOrEmpty(ingress.Metadata?.Name))
        {
            throw new K8sNetFormatException(null, $"{id} metadata.name", "is required");
        }

        var spec = ingress.Spec ?? throw new K8sNetFormatException(null, $"{id} spec", "is required");
        if ((spec.Rules is null || spec.Rules.Count == 0) && spec.DefaultBackend is null)
        {
            throw new K8sNetFormatException(null, $"{id} spec", "must have rules or a defaultBackend (either defaultBackend or rules must be specified)");
        }

        if (spec.DefaultBackend is { } db)
        {
            ValidateBackend(db, $"{id} spec.defaultBackend");
        }

        for (var r = 0; r < (spec.Rules?.Count ?? 0); r++)
        {
            var rule = spec.Rules![r];
            if (rule.Host is { Length: > 0 } host)
            {
                ValidateHost(host, $"{id} spec.rules[{r}].host");
            }

            for (var p = 0; p < (rule.Http?.Paths?.Count ?? 0); p++)
            {
                var path = rule.Http!.Paths[p];
                var field = $"{id} spec.rules[{r}].http.paths[{p}]";
                switch (path.PathType)
                {
                    case null or "":
                        throw new K8sNetFormatException(null, field + ".pathType", "is required (Exact, Prefix or ImplementationSpecific)");
                    case "Exact" or "Prefix":
                        if (path.Path is not { Length: > 0 } p0 || p0[0] != '/')
                        {
                            throw new K8sNetFormatException(path.Path, field + ".path", "must be an absolute path (start with '/') for pathType " + path.PathType);
                        }

                        break;
                    case "ImplementationSpecific":
                        if (path.Path is { Length: > 0 } p1 && p1[0] != '/')
                        {
                            throw new K8sNetFormatException(path.Path, field + ".path", "must be an absolute path (start with '/')");
                        }

                        break;
                    default:
                        throw new K8sNetFormatException(path.PathType, field + ".pathType", "must be one of Exact, Prefix, ImplementationSpecific");
                }

                ValidateBackend(path.Backend ?? throw new K8sNetFormatException(null, field + ".backend", "is required"), field + ".backend");
            }
        }

        for (var t = 0; t < (spec.Tls?.Count ?? 0); t++)
        {
            foreach (var host in spec.Tls![t].Hosts ?? [])
            {
                ValidateHost(host, $"{id} spec.tls[{t}].hosts");
            }
        }
    }

    private static void ValidateBackend(V1IngressBackend backend, string field)
    {
        if ((backend.Service is null) == (backend.Resource is null))
        {
            throw new K8sNetFormatException(null, field, "must name exactly one of service and resource");
        }

        if (backend.Service is { } service)
        {
            if (string.IsNullOrEmpty(service.Name))
            {
                throw new K8sNetFormatException(null, field + ".service.name", "is required");
            }

            var hasName = !string.IsNullOrEmpty(service.Port?.Name);
            var hasNumber = service.Port?.Number is not null;
            if (hasName == hasNumber)
            {
                throw new K8sNetFormatException(null, field + ".service.port", "must have exactly one of name and number");
            }

            if (service.Port!.Number is { } n and (< 1 or > 65535))
            {
                throw new K8sNetFormatException(n.ToString(CultureInfo.InvariantCulture), field + ".service.port.number", "must be between 1 and 65535, inclusive");
            }
        }
    }

    private static void ValidateHost(string host, string field)
    {
        if (IPAddress.TryParse(host, out _))
        {
            throw new K8sNetFormatException(host, field, "must be a DNS name, not an IP address");
        }

        if (host == "*")
        {
            throw new K8sNetFormatException(host, field, "must be a wildcard of the form *.example.com, not '*' alone");
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            throw new K8sNetFormatException(host, field, "may contain '*' only as its whole first label");
        }

        if (name.Length > 253 || name.Split('.').Any(label => label.Length is 0 or > 63 || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1])
            || label.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))))
        {
            throw new K8sNetFormatException(host, field, "must be a lowercase RFC 1123 subdomain (labels of a-z, 0-9 and '-', starting and ending alphanumeric), without a port");
        }
    }

    private sealed record Entry(string Path, IngressPathType Type, int Order, int Rule, int PathIndex, IngressDecision Decision)
    {
        // Prefix: the path without its trailing slashes ("" for "/", which matches everything).
        public string Trimmed { get; } = Path.TrimEnd('/');

        // Precedence: the longest path as written, Exact before Prefix, the first-created Ingress, then rule and path order.
        public bool Beats(Entry? other) => other is null || Rank.CompareTo(other.Rank) < 0;

        private (int, int, int, int, int) Rank => (-Path.Length, Type == IngressPathType.Exact ? 0 : 1, Order, Rule, PathIndex);
    }

    // One host's paths, indexed: Exact paths by the path, Prefix paths by the path without trailing slashes. A request
    // looks up its own path, then each element-wise prefix of it (cutting at '/', down to the root), and keeps the
    // candidate with the highest precedence: O(path elements) whatever the number of paths.
    private sealed class Bucket
    {
        private readonly Dictionary<string, Entry> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Entry> _prefix = new(StringComparer.Ordinal);
        private Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _exactLookup;
        private Dictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _prefixLookup;

        public List<Entry> Entries { get; } = [];

        public IngressDecision? Default { get; set; }

        public void Seal()
        {
            foreach (var entry in Entries)
            {
                var index = entry.Type == IngressPathType.Exact ? _exact : _prefix;
                var key = entry.Type == IngressPathType.Exact ? entry.Path : entry.Trimmed;
                if (!index.TryGetValue(key, out var held) || entry.Beats(held))
                {
                    index[key] = entry;
                }
            }

            _exactLookup = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
            _prefixLookup = _prefix.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public IngressDecision? Match(ReadOnlySpan<char> path)
        {
            Entry? best = null;
            if (_exact.Count > 0 && _exactLookup.TryGetValue(path, out var exact))
            {
                best = exact;
            }

            if (_prefix.Count > 0)
            {
                var candidate = path.TrimEnd('/');
                while (true)
                {
                    if (_prefixLookup.TryGetValue(candidate, out var prefix) && prefix.Beats(best))
                    {
                        best = prefix;
                    }

                    if (candidate.IsEmpty)
                    {
                        break;
                    }

                    candidate = candidate[..candidate.LastIndexOf('/')];
                }
            }

            return best?.Decision;
        }
    }
}
