namespace K8sNet;

/// <summary>The L4 protocol of a Service or EndpointSlice port (Kubernetes <c>Protocol</c>; the API default is TCP).</summary>
public enum TransportProtocol
{
    /// <summary>TCP, the Kubernetes default.</summary>
    Tcp = 0,

    /// <summary>UDP.</summary>
    Udp = 1,

    /// <summary>SCTP.</summary>
    Sctp = 2,
}
