using Microsoft.Extensions.Options;

namespace K8sNet.ServiceDiscovery;

/// <summary>How K8sNet resolves names for Microsoft.Extensions.ServiceDiscovery.</summary>
/// <remarks>Defaults: only the client's own namespace; kube-proxy's endpoint rules; 10 s to wait for the endpoint source.</remarks>
public sealed class K8sNetServiceEndpointOptions
{
    /// <summary>
    /// The namespaces whose Services names may resolve to; empty (the default) means only the client's own namespace;
    /// <c>*</c> means any. Other names are left to the next provider (DNS, pass-through).
    /// </summary>
    [NamespaceList]
    public ISet<string> AllowedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Which endpoints are given (address family, zone-aware routing).</summary>
    [ValidateObjectMembers]
    public K8sNet.Routing.EndpointSetOptions Endpoints { get; } = new();

    /// <summary>How long a resolution waits for the endpoint source's first state of a Service. Default 10 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether each endpoint carries the request's original host as its host name (<c>IHostNameFeature</c>), so the
    /// <c>Host</c> header (and TLS) keep naming the Service rather than the pod's address. Default <see langword="true"/>.
    /// </summary>
    public bool KeepHostName { get; set; } = true;
}
