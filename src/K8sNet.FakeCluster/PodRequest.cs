using System.Net;

namespace K8sNet.Testing;

/// <summary>An HTTP request that reached a pod.</summary>
public sealed class PodRequest
{
    private readonly FakeCluster? _cluster;

    internal PodRequest(HttpRequestMessage message, PodInfo pod, int port, IPAddress? clientAddress, FakeCluster? cluster = null)
    {
        _cluster = cluster;
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

    /// <summary>Writes a line to the pod's log, as the serving process would (<c>kubectl logs</c> shows it).</summary>
    /// <param name="line">The line.</param>
    public void Log(string line) => _cluster?.WritePodLog(Pod.Name, Pod.Namespace, line);
}
