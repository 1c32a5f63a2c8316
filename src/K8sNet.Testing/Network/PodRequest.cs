using System.Net;

namespace K8sNet.Testing;

/// <summary>Handles an HTTP request that reached a pod.</summary>
/// <param name="request">The request and the pod it reached.</param>
/// <param name="cancellationToken">Cancelled when the client goes away.</param>
/// <returns>The response.</returns>
public delegate Task<HttpResponseMessage> PodRequestHandler(PodRequest request, CancellationToken cancellationToken);

/// <summary>A pod of a <see cref="FakeCluster"/>, as the network knows it.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Node">Its node.</param>
/// <param name="Address">Its IP.</param>
public sealed record PodInfo(string Namespace, string Name, string Node, IPAddress Address)
{
    /// <inheritdoc />
    public override string ToString() => $"{Namespace}/{Name} ({Address} on {Node})";
}

/// <summary>An HTTP request that reached a pod.</summary>
public sealed class PodRequest
{
    internal PodRequest(HttpRequestMessage message, PodInfo pod, int port, IPAddress? clientAddress)
    {
        Message = message;
        Pod = pod;
        Port = port;
        ClientAddress = clientAddress;
    }

    /// <summary>The request (in the loopback network mode, rebuilt from what arrived on the socket).</summary>
    public HttpRequestMessage Message { get; }

    /// <summary>The pod that received it.</summary>
    public PodInfo Pod { get; }

    /// <summary>The pod port it arrived on.</summary>
    public int Port { get; }

    /// <summary>The client's address as the pod sees it: the calling pod's IP, a node's, or (unknown) <see langword="null"/>.</summary>
    public IPAddress? ClientAddress { get; }
}

/// <summary>How a partitioned pod treats connections.</summary>
public enum PartitionMode
{
    /// <summary>Connections are refused (a closed port; K8sNet.Routing retries them elsewhere).</summary>
    Refuse = 0,

    /// <summary>Requests go unanswered until the client gives up (packets dropped).</summary>
    Drop = 1,
}

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
