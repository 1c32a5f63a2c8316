namespace K8sNet.Testing;

/// <summary>How FakeCluster gives pods their IPs.</summary>
public enum PodNetworkMode
{
    /// <summary>Pod IPs from each node's pod CIDR, 10.244.N.0/24; traffic stays in memory.</summary>
    Simulated = 0,

    /// <summary>
    /// Each node's pod CIDR carved from 127.0.0.0/8 (127.B.N.0/24, B a /16 claimed for the cluster so that clusters side by side never share an address), so every pod IP is a real local address a pod can
    /// listen on: sockets, refusals and resets are real.
    /// </summary>
    Loopback = 1,
}
