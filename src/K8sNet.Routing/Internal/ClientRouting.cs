using System.Collections.Concurrent;
using K8sNet.Dns;

namespace K8sNet.Routing;

/// <summary>Per named HttpClient: its options, its URI resolver, and a cache of what each host means.</summary>
internal sealed class ClientRouting
{
    private const int MaxCachedTargets = 4096;
    private readonly ConcurrentDictionary<TargetKey, TargetEntry> _targets = new();

    public ClientRouting(string name, K8sNetRoutingOptions options, ClientContext context)
    {
        Name = name;
        Options = options;
        var uriOptions = new ServiceUriOptions();
        foreach (var ns in options.AllowedNamespaces)
        {
            uriOptions.AllowedNamespaces.Add(ns);
        }

        Resolver = new ServiceUriResolver(context, uriOptions);
    }

    public string Name { get; }

    public K8sNetRoutingOptions Options { get; }

    public ServiceUriResolver Resolver { get; }

    /// <summary>What the URI's host and port mean: a cached <see cref="ServiceUriTarget"/>, or an entry without one for hosts that name no Service.</summary>
    public TargetEntry GetTarget(Uri uri)
    {
        var key = new TargetKey(uri.Scheme, uri.Host, uri.Port, !uri.IsDefaultPort || HasExplicitPort(uri.OriginalString));
        if (_targets.TryGetValue(key, out var entry))
        {
            return entry;
        }

        ServiceUriTarget? target = null;
        if (Resolver.TryResolve(uri, out var resolved, out _) && resolved.HasCandidates)
        {
            target = resolved;
        }

        entry = new TargetEntry(target, uri.Authority);
        if (_targets.Count >= MaxCachedTargets)
        {
            _targets.Clear();
        }

        _targets[key] = entry;
        return entry;
    }

    // Whether the authority as written carries a port (http://orders:80 versus http://orders), without allocating.
    private static bool HasExplicitPort(string original)
    {
        var s = original.AsSpan();
        var start = s.IndexOf("://");
        if (start < 0)
        {
            return false;
        }

        s = s[(start + 3)..];
        var end = s.IndexOfAny('/', '?', '#');
        if (end >= 0)
        {
            s = s[..end];
        }

        var at = s.LastIndexOf('@');
        if (at >= 0)
        {
            s = s[(at + 1)..];
        }

        var colon = s.LastIndexOf(':');
        return colon > s.LastIndexOf(']') && colon < s.Length - 1;
    }

    private readonly record struct TargetKey(string Scheme, string Host, int Port, bool ExplicitPort);
}

/// <summary>A cached reading of one scheme, host and port.</summary>
internal sealed class TargetEntry(ServiceUriTarget? target, string authority)
{
    public ServiceUriTarget? Target { get; } = target;

    /// <summary>The Host header to keep: the URI's authority as the client would send it.</summary>
    public string Authority { get; } = authority;

    /// <summary>The last Service port chosen for this target, with the spec it was chosen from.</summary>
    public PortChoice? Port { get; set; }
}

internal sealed record PortChoice(ServiceSpecInfo Spec, ServiceName Service, ServicePortInfo Port, string Scheme);
