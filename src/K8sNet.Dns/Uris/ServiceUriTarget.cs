using System.Collections.Immutable;

namespace K8sNet.Dns;

/// <summary>
/// What a URI names in the cluster: the candidate Services in the order this pod's resolver would try them, and the
/// port it asks for.
/// </summary>
/// <remarks>
/// The caller takes the first candidate its endpoint source knows (DESIGN.md's request path). Candidates are limited to
/// the namespaces the resolver allows; a URI with none is not a cluster name and passes through.
/// </remarks>
public sealed record ServiceUriTarget
{
    /// <summary>Creates a target.</summary>
    /// <param name="host">The host as written in the URI.</param>
    /// <param name="candidates">The candidate Services, in search order.</param>
    /// <param name="port">The port the URI asks for.</param>
    /// <param name="schemes">The URI's scheme(s), in preference order (<c>https+http</c> gives https, http).</param>
    public ServiceUriTarget(string host, ImmutableArray<ServiceName> candidates, ServicePortRequest port, ImmutableArray<string> schemes)
    {
        Host = host;
        Candidates = candidates;
        Port = port;
        Schemes = schemes;
    }

    /// <summary>The host as written in the URI.</summary>
    public string Host { get; }

    /// <summary>The candidate Services, in the order the pod's resolver would try them.</summary>
    public ImmutableArray<ServiceName> Candidates { get; }

    /// <summary>The port the URI asks for.</summary>
    public ServicePortRequest Port { get; }

    /// <summary>The URI's scheme(s), in preference order.</summary>
    public ImmutableArray<string> Schemes { get; }

    /// <summary>Whether the URI names any Service.</summary>
    public bool HasCandidates => !Candidates.IsEmpty;
}
