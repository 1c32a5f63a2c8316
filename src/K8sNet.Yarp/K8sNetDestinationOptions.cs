using Microsoft.Extensions.Options;

namespace K8sNet.Yarp;

/// <summary>How K8sNet resolves YARP cluster destinations that name Kubernetes Services.</summary>
/// <remarks>Defaults: only the client's own namespace; kube-proxy's endpoint rules; 10 s to wait for the endpoint source; the Host kept.</remarks>
public sealed class K8sNetDestinationOptions
{
    /// <summary>
    /// The namespaces whose Services destinations may name; empty (the default) means only the proxy's own namespace;
    /// <c>*</c> means any. Other destinations are left as they are.
    /// </summary>
    [NamespaceList]
    public ISet<string> AllowedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Which endpoints become destinations (address family, zone-aware routing).</summary>
    [ValidateObjectMembers]
    public K8sNet.Routing.EndpointSetOptions Endpoints { get; } = new();

    /// <summary>How long a resolution waits for the endpoint source's first state of a Service. Default 10 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether each pod destination sends the Service's name as its <c>Host</c> (<see cref="global::Yarp.ReverseProxy.Configuration.DestinationConfig.Host"/>,
    /// unless the destination sets one), as a request through the Service would. Default <see langword="true"/>.
    /// </summary>
    public bool KeepHost { get; set; } = true;
}
