using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace K8sNet.Routing;

/// <summary>
/// kube-proxy's endpoint selection (kubernetes/kubernetes pkg/proxy/topology.go CategorizeEndpoints, at
/// 008b3652959ca58af8be3fb5b6ecfe9ae7638282), for a client on a given node and zone.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>With no endpoints, everything is empty.</item>
/// <item>Cluster endpoints (when the port uses them): the ready endpoints available for the topology mode; if none,
/// the serving and terminating ones (topology ignored). The mode looks only at ready endpoints: PreferSameNode when
/// node hints are enabled, every ready endpoint has a node hint and one names this node; else PreferSameZone when every
/// ready endpoint has a zone hint and one names this zone; else none. The Service's trafficDistribution is not read:
/// only the hints the EndpointSlice controller set.</item>
/// <item>Local endpoints (when the port uses them): ready ones on this node, else serving and terminating ones on this
/// node, else none (traffic dropped). Topology never applies to them.</item>
/// <item>All reachable: Cluster, Local, or their union.</item>
/// </list>
/// An endpoint is local when its node name equals the client's (and both are known).
/// </remarks>
public static class EndpointCategorizer
{
    /// <summary>Categorises the endpoints of one Service port for a client.</summary>
    /// <param name="endpoints">The port's merged, de-duplicated endpoints.</param>
    /// <param name="traffic">The port's traffic flags.</param>
    /// <param name="client">The client's node and zone.</param>
    /// <param name="preferSameTrafficDistribution">
    /// The PreferSameTrafficDistribution feature gate: whether node hints are honoured (on by default since
    /// Kubernetes 1.34).
    /// </param>
    /// <returns>The categories.</returns>
    public static EndpointCategories Categorize(
        IReadOnlyList<ServiceEndpoint> endpoints,
        ServicePortTraffic traffic,
        ClientTopology client,
        bool preferSameTrafficDistribution = true)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return Categorize(endpoints is ImmutableArray<ServiceEndpoint> a ? a : [.. endpoints], traffic, client, preferSameTrafficDistribution);
    }

    /// <summary>
    /// Categorises the endpoints of one Service port for a client. When every endpoint is usable, the result shares
    /// <paramref name="endpoints"/> instead of copying it.
    /// </summary>
    /// <param name="endpoints">The port's merged, de-duplicated endpoints.</param>
    /// <param name="traffic">The port's traffic flags.</param>
    /// <param name="client">The client's node and zone.</param>
    /// <param name="preferSameTrafficDistribution">The PreferSameTrafficDistribution feature gate (node hints).</param>
    /// <returns>The categories.</returns>
    public static EndpointCategories Categorize(
        ImmutableArray<ServiceEndpoint> endpoints,
        ServicePortTraffic traffic,
        ClientTopology client,
        bool preferSameTrafficDistribution = true) => Categorize(endpoints, traffic, client, preferSameTrafficDistribution, null);

    internal static EndpointCategories Categorize(
        ImmutableArray<ServiceEndpoint> endpoints,
        ServicePortTraffic traffic,
        ClientTopology client,
        bool preferSameTrafficDistribution,
        ReadySummary? summary)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (endpoints.IsDefaultOrEmpty)
        {
            return new EndpointCategories(traffic, default, default, default, false, TopologyMode.None, false, false);
        }

        var nodeName = client.NodeName ?? string.Empty;
        var zone = client.Zone ?? string.Empty;
        var mode = TopologyMode.None;
        var hasAny = false;
        var clusterTerminating = false;
        ImmutableArray<ServiceEndpoint> cluster = default;

        if (traffic.UsesClusterEndpoints)
        {
            int readyCount;
            if (summary is not null)
            {
                mode = summary.Mode(nodeName, zone, preferSameTrafficDistribution);
                readyCount = summary.Ready;
            }
            else
            {
                mode = ModeFromHints(endpoints, nodeName, zone, preferSameTrafficDistribution, out readyCount);
            }

            cluster = mode == TopologyMode.None && readyCount == endpoints.Length
                ? endpoints // every endpoint ready, no topology: share the array
                : readyCount == 0 ? []
                : mode == TopologyMode.None ? Filter(endpoints, static ep => ep.IsReady, readyCount)
                : Filter(endpoints, ep => ep.IsReady && AvailableForTopology(ep, mode, nodeName, zone));
            if (cluster.IsEmpty)
            {
                cluster = Filter(endpoints, static ep => ep.IsServing && ep.IsTerminating);
                clusterTerminating = !cluster.IsEmpty;
            }

            hasAny = cluster.Length > 0;
        }

        if (!traffic.UsesLocalEndpoints)
        {
            return new EndpointCategories(traffic, cluster, default, cluster, hasAny, mode, clusterTerminating, false);
        }

        var hasLocalReady = false;
        var hasLocalServingTerminating = false;
        foreach (var ep in endpoints)
        {
            if (ep.IsReady)
            {
                hasAny = true;
                hasLocalReady |= IsLocal(ep, nodeName);
            }
            else if (ep.IsServing && ep.IsTerminating)
            {
                hasAny = true;
                hasLocalServingTerminating |= IsLocal(ep, nodeName);
            }
        }

        ImmutableArray<ServiceEndpoint> local = default;
        var localTerminating = false;
        if (hasLocalReady || hasLocalServingTerminating)
        {
            localTerminating = !hasLocalReady;
            var builder = ImmutableArray.CreateBuilder<ServiceEndpoint>();
            foreach (var ep in endpoints)
            {
                if (IsLocal(ep, nodeName) && (hasLocalReady ? ep.IsReady : ep.IsServing && ep.IsTerminating))
                {
                    builder.Add(ep);
                }
            }

            local = builder.DrainToImmutable();
        }

        if (!traffic.UsesClusterEndpoints)
        {
            return new EndpointCategories(traffic, cluster, local, local.IsDefault ? [] : local, hasAny, mode, clusterTerminating, localTerminating);
        }

        if (mode == TopologyMode.None && !localTerminating)
        {
            // Cluster is then a superset of Local.
            return new EndpointCategories(traffic, cluster, local, cluster, hasAny, mode, clusterTerminating, localTerminating);
        }

        var union = new HashSet<ServiceEndpoint>(ReferenceEqualityComparer.Instance);
        union.UnionWith(cluster);
        if (!local.IsDefault)
        {
            union.UnionWith(local);
        }

        var all = ImmutableArray.CreateBuilder<ServiceEndpoint>(union.Count);
        foreach (var ep in endpoints)
        {
            if (union.Contains(ep))
            {
                all.Add(ep);
            }
        }

        return new EndpointCategories(traffic, cluster, local, all.DrainToImmutable(), hasAny, mode, clusterTerminating, localTerminating);
    }

    /// <summary>Whether an endpoint runs on the client's node.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="nodeName">The client's node.</param>
    /// <returns><see langword="true"/> when both node names are known and equal.</returns>
    public static bool IsLocal(ServiceEndpoint endpoint, string? nodeName)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return !string.IsNullOrEmpty(nodeName) && string.Equals(endpoint.NodeName, nodeName, StringComparison.Ordinal);
    }

    // The endpoints that pass, sharing the input when all do.
    private static ImmutableArray<ServiceEndpoint> Filter(ImmutableArray<ServiceEndpoint> endpoints, Func<ServiceEndpoint, bool> keep, int count = -1)
    {
        if (count < 0)
        {
            count = 0;
            foreach (var ep in endpoints)
            {
                count += keep(ep) ? 1 : 0;
            }
        }

        if (count == endpoints.Length)
        {
            return endpoints;
        }

        var result = new ServiceEndpoint[count];
        var i = 0;
        foreach (var ep in endpoints)
        {
            if (keep(ep))
            {
                result[i++] = ep;
            }
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(result);
    }

    private static bool Has(ImmutableArray<string> values, string value)
    {
        if (values.IsDefault)
        {
            return false;
        }

        foreach (var v in values)
        {
            if (string.Equals(v, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static TopologyMode ModeFromHints(ImmutableArray<ServiceEndpoint> endpoints, string nodeName, string zone, bool nodeHintsEnabled, out int readyCount)
    {
        readyCount = 0;
        var hasReady = false;
        var allHaveNodeHints = true;
        var hasEndpointForNode = false;
        var allHaveZoneHints = true;
        var hasEndpointForZone = false;
        foreach (var ep in endpoints)
        {
            if (!ep.IsReady)
            {
                continue;
            }

            hasReady = true;
            readyCount++;
            var nodeHints = ep.NodeHints;
            if (nodeHints.IsDefaultOrEmpty)
            {
                allHaveNodeHints = false;
            }
            else if (Has(nodeHints, nodeName))
            {
                hasEndpointForNode = true;
            }

            var zoneHints = ep.ZoneHints;
            if (zoneHints.IsDefaultOrEmpty)
            {
                allHaveZoneHints = false;
            }
            else if (Has(zoneHints, zone))
            {
                hasEndpointForZone = true;
            }
        }

        if (!hasReady)
        {
            return TopologyMode.None;
        }

        if (nodeHintsEnabled && allHaveNodeHints && hasEndpointForNode && nodeName.Length > 0)
        {
            return TopologyMode.PreferSameNode;
        }

        return allHaveZoneHints && hasEndpointForZone && zone.Length > 0 ? TopologyMode.PreferSameZone : TopologyMode.None;
    }

    private static bool AvailableForTopology(ServiceEndpoint ep, TopologyMode mode, string nodeName, string zone) => mode switch
    {
        TopologyMode.None => true,
        TopologyMode.PreferSameNode => Has(ep.NodeHints, nodeName),
        TopologyMode.PreferSameZone => Has(ep.ZoneHints, zone),
        _ => false,
    };
}
