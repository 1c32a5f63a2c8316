namespace K8sNet.Testing;

/// <summary>How a partitioned pod treats connections.</summary>
public enum PartitionMode
{
    /// <summary>Connections are refused (a closed port; K8sNet.Routing retries them elsewhere).</summary>
    Refuse = 0,

    /// <summary>Requests go unanswered until the client gives up (packets dropped).</summary>
    Drop = 1,
}
