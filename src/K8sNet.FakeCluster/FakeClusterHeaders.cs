using K8sNet.Testing.Network;

namespace K8sNet.Testing;

/// <summary>Response headers FakeCluster's pods add to every answer, naming who served it.</summary>
public static class FakeClusterHeaders
{
    /// <summary>The serving pod, <c>namespace/name</c>.</summary>
    public const string Pod = PodNetwork.PodHeader;

    /// <summary>The serving pod's IP.</summary>
    public const string PodIP = PodNetwork.PodIPHeader;

    /// <summary>The serving pod's node.</summary>
    public const string Node = PodNetwork.NodeHeader;
}
