using System.Net;

namespace K8sNet.Testing;

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
