namespace K8sNet;

/// <summary>Where this process runs: its node and zone, as kube-proxy on that node would see them.</summary>
/// <param name="NodeName">The node (downward API <c>spec.nodeName</c>), or <see langword="null"/> when unknown.</param>
/// <param name="Zone">
/// The node's <c>topology.kubernetes.io/zone</c>, or <see langword="null"/> when unknown (topology hints then never
/// match, as for a node without the label).
/// </param>
public sealed record ClientTopology(string? NodeName, string? Zone)
{
    /// <summary>A client whose node and zone are unknown.</summary>
    public static ClientTopology Unknown { get; } = new(null, null);
}
