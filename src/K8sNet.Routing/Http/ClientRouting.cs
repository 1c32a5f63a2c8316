using System.Collections.Concurrent;
using K8sNet.Dns;

namespace K8sNet.Routing;

/// <summary>Per named HttpClient: its options and routing profile, its URI resolver, and a cache of what each host means.</summary>
internal sealed class ClientRouting
{
    private const int MaxCachedTargets = 4096;
    private const int MaxCachedUris = 4096;
    private readonly ConcurrentDictionary<string, TargetEntry> _targets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<RewriteKey, Uri> _rewrites = new();

    public ClientRouting(string name, K8sNetRoutingOptions options, ClientContext context)
    {
        Name = name;
        Options = options;
        Profile = RoutingProfile.ForHttpClient(name, options);
        var uriOptions = new ServiceUriOptions();
        foreach (var ns in options.AllowedNamespaces)
        {
            uriOptions.AllowedNamespaces.Add(ns);
        }

        Resolver = new ServiceUriResolver(context, uriOptions);
    }

    public string Name { get; }

    public K8sNetRoutingOptions Options { get; }

    /// <summary>The client's routing profile: its routers in <see cref="ServiceRouterPool"/>.</summary>
    public RoutingProfile Profile { get; }

    public ServiceUriResolver Resolver { get; }

    /// <summary>What the URI's host and port mean: a cached <see cref="ServiceUriTarget"/>, or an entry without one for hosts that name no Service.</summary>
    public TargetEntry GetTarget(Uri uri)
    {
        // Keyed by the URI's scheme and authority as written, looked up without allocating.
        var original = uri.OriginalString;
        var prefix = AuthorityPrefix(original);
        var lookup = _targets.GetAlternateLookup<ReadOnlySpan<char>>();
        if (prefix > 0 && lookup.TryGetValue(original.AsSpan(0, prefix), out var entry))
        {
            return entry;
        }

        ServiceUriTarget? target = null;
        ServiceUriTarget? excluded = null;
        if (Resolver.TryResolve(uri, out var resolved, out _))
        {
            if (resolved.HasCandidates)
            {
                target = resolved;
            }
            else if (Resolver.ExcludedCandidates(resolved.Host) is { IsEmpty: false } others)
            {
                excluded = new ServiceUriTarget(resolved.Host, others, resolved.Port, resolved.Schemes); // checked once, off the request path
            }
        }

        entry = new TargetEntry(target, uri.Authority) { Excluded = excluded };
        if (_targets.Count >= MaxCachedTargets)
        {
            _targets.Clear();
        }

        if (prefix > 0)
        {
            _targets[original[..prefix]] = entry;
        }

        return entry;
    }

    // The length of "scheme://authority" at the start of an absolute URI as written; 0 when it cannot be told.
    private static int AuthorityPrefix(string original)
    {
        var start = original.IndexOf("://", StringComparison.Ordinal);
        if (start <= 0)
        {
            return 0;
        }

        var end = original.AsSpan(start + 3).IndexOfAny('/', '?', '#');
        return end < 0 ? original.Length : start + 3 + end;
    }

    /// <summary>
    /// The request URI for an endpoint: the same path, query and fragment at the pod's address and port. Repeated URLs
    /// to the same endpoint reuse one <see cref="Uri"/> (it is immutable).
    /// </summary>
    public Uri Rewrite(Uri original, string scheme, ServiceEndpoint endpoint)
    {
        var key = new RewriteKey(original.OriginalString, scheme, endpoint);
        if (_rewrites.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var uri = new Uri(string.Concat(scheme, "://", endpoint.UriHost, ":", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), original.PathAndQuery, original.Fragment), UriKind.Absolute);
        if (_rewrites.Count >= MaxCachedUris)
        {
            _rewrites.Clear();
        }

        _rewrites[key] = uri;
        return uri;
    }

    private readonly record struct RewriteKey(string Original, string Scheme, ServiceEndpoint Endpoint)
    {
        public bool Equals(RewriteKey other) =>
            ReferenceEquals(Endpoint, other.Endpoint) && string.Equals(Original, other.Original, StringComparison.Ordinal)
            && string.Equals(Scheme, other.Scheme, StringComparison.Ordinal);

        public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Original), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Endpoint));
    }
}

/// <summary>A cached reading of one scheme, host and port.</summary>
internal sealed class TargetEntry(ServiceUriTarget? target, string authority)
{
    public ServiceUriTarget? Target { get; } = target;

    /// <summary>The Host header to keep: the URI's authority as the client would send it.</summary>
    public string Authority { get; } = authority;

    /// <summary>The Service this target resolved to last time and the port chosen, valid while the spec is the same object.</summary>
    public ResolvedTarget? Resolved { get; set; }

    /// <summary>For a host that names no Service this client may call: the Services it names in other namespaces.</summary>
    public ServiceUriTarget? Excluded { get; init; }

    /// <summary>The check whether one of <see cref="Excluded"/> exists: the existing one, or <see langword="null"/>.</summary>
    public Task<ServiceName?>? ExcludedCheck { get; set; }
}

internal sealed record PortChoice(ServiceSpecInfo Spec, ServiceName Service, ServicePortInfo Port, string Scheme);

internal sealed record ResolvedTarget(ServiceRouter Router, PortChoice Choice);
