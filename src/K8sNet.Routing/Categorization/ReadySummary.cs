namespace K8sNet.Routing;

/// <summary>
/// Counts over a port's ready endpoints that decide the topology mode, kept up to date as endpoints change so the mode
/// is known without a pass over the set.
/// </summary>
internal sealed class ReadySummary
{
    private readonly Dictionary<string, int> _byZoneHint = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byNodeHint = new(StringComparer.Ordinal);

    public int Ready { get; private set; }

    private int WithoutZoneHints { get; set; }

    private int WithoutNodeHints { get; set; }

    public void Add(ServiceEndpoint endpoint, int sign)
    {
        if (!endpoint.IsReady)
        {
            return;
        }

        Ready += sign;
        if (endpoint.ZoneHints.IsEmpty)
        {
            WithoutZoneHints += sign;
        }

        if (endpoint.NodeHints.IsEmpty)
        {
            WithoutNodeHints += sign;
        }

        Count(_byZoneHint, endpoint.ZoneHints, sign);
        Count(_byNodeHint, endpoint.NodeHints, sign);
    }

    /// <summary>kube-proxy's topologyModeFromHints, from the counts.</summary>
    public TopologyMode Mode(string nodeName, string zone, bool nodeHintsEnabled)
    {
        if (Ready == 0)
        {
            return TopologyMode.None;
        }

        if (nodeHintsEnabled && WithoutNodeHints == 0 && nodeName.Length > 0 && _byNodeHint.GetValueOrDefault(nodeName) > 0)
        {
            return TopologyMode.PreferSameNode;
        }

        return WithoutZoneHints == 0 && zone.Length > 0 && _byZoneHint.GetValueOrDefault(zone) > 0 ? TopologyMode.PreferSameZone : TopologyMode.None;
    }

    private static void Count(Dictionary<string, int> counts, System.Collections.Immutable.ImmutableArray<string> hints, int sign)
    {
        foreach (var hint in hints)
        {
            var n = counts.GetValueOrDefault(hint) + sign;
            if (n == 0)
            {
                counts.Remove(hint);
            }
            else
            {
                counts[hint] = n;
            }
        }
    }
}
