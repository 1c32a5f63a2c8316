namespace K8sNet.Routing;

/// <summary>How topology filtered the Cluster endpoints, as kube-proxy's topologyModeFromHints decides.</summary>
public enum TopologyMode
{
    /// <summary>No filtering: some ready endpoint lacks a hint, or none is hinted for this client.</summary>
    None = 0,

    /// <summary>Only endpoints hinted for this client's zone.</summary>
    PreferSameZone = 1,

    /// <summary>Only endpoints hinted for this client's node (the PreferSameTrafficDistribution gate).</summary>
    PreferSameNode = 2,
}
