namespace K8sNet.Testing.Network;

/// <summary>What kube-proxy did with one connection.</summary>
public enum KubeProxyOutcome
{
    /// <summary>The destination is no Service's address and port: the connection goes to it unchanged.</summary>
    NotAService = 0,

    /// <summary>The connection was sent to a backend pod (<see cref="KubeProxyRoute.Backend"/>).</summary>
    Backend = 1,

    /// <summary>
    /// The Service has no usable endpoint at all: kube-proxy rejects the connection (ICMP unreachable, a refusal to the
    /// client).
    /// </summary>
    Rejected = 2,

    /// <summary>
    /// The Service has endpoints but none this traffic may use (a Local traffic policy with none on the node): kube-proxy
    /// drops the packets and the client times out.
    /// </summary>
    Dropped = 3,
}
