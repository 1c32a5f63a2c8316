namespace K8sNet.Testing;

/// <summary>What a pod's port speaks in the loopback network mode (the simulated mode answers any version).</summary>
public enum PodHttpProtocol
{
    /// <summary>HTTP/1.1 (the default), as most apps serve cleartext.</summary>
    Http1 = 0,

    /// <summary>
    /// HTTP/2 over cleartext by prior knowledge (h2c), as gRPC servers serve; HTTP/1.1 clients are turned away
    /// (Kestrel answers HTTP_1_1_REQUIRED).
    /// </summary>
    Http2 = 1,
}
