namespace K8sNet.ServiceDiscovery;

/// <summary>
/// On each endpoint K8sNet gives Microsoft.Extensions.ServiceDiscovery: the Service port and the K8sNet endpoint behind
/// it (its conditions, node, zone, hints and pod), for a selection or a log of your own.
/// </summary>
public sealed class K8sNetEndpointFeature
{
    internal K8sNetEndpointFeature(ServiceName service, ServicePortInfo port, ServiceEndpoint endpoint)
    {
        Service = service;
        Port = port;
        Endpoint = endpoint;
    }

    /// <summary>The Service.</summary>
    public ServiceName Service { get; }

    /// <summary>The Service port the endpoint serves.</summary>
    public ServicePortInfo Port { get; }

    /// <summary>The endpoint.</summary>
    public ServiceEndpoint Endpoint { get; }
}
