using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Routing;
using K8sNet.Testing.Sources;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Network;

/// <summary>
/// kube-proxy as every node of a <see cref="FakeCluster"/> runs it: a connection to a Service's cluster IP and port, a
/// node port on a node's address, or a load-balancer or external IP goes to one backend pod, chosen from the Service
/// port's endpoints with K8sNet.Routing's <see cref="EndpointCategorizer"/> (kube-proxy's CategorizeEndpoints, for the
/// handling node and its zone) and then at random, as iptables' <c>statistic</c> rules choose.
/// </summary>
/// <remarks>
/// <para>
/// Traffic to a cluster IP is internal (<c>internalTrafficPolicy</c>); traffic to a node port or a load-balancer/external
/// IP from outside the cluster is external (<c>externalTrafficPolicy</c> Local keeps it on the node that received it);
/// the same from a pod or a node is short-circuited to the Service's cluster endpoints, as kube-proxy does. A load
/// balancer sends to a node with a ready local endpoint when the policy is Local (its health check), else to any ready
/// node. ClientIP session affinity keeps a client IP on its endpoint per Service port while the endpoint stays eligible
/// and for <c>timeoutSeconds</c> (default 10800) after its last connection, on the cluster's clock. Headless and
/// ExternalName Services are not proxied (they have no cluster IP). No usable endpoint at all: the connection is
/// rejected; endpoints but none for this traffic: dropped.
/// </para>
/// <para>Choices are random from <see cref="FakeClusterOptions.Seed"/>, so a run repeats.</para>
/// </remarks>
public sealed class KubeProxy
{
    private readonly FakeCluster _cluster;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly ConcurrentDictionary<(ServiceName Service, ServicePortKey Port, IPAddress Client), (string Endpoint, long LastUsed)> _affinity = new();

    internal KubeProxy(FakeCluster cluster)
    {
        _cluster = cluster;
        _random = new Random(cluster.Options.Seed);
    }

    /// <summary>Routes a connection from a pod (its node's kube-proxy, its IP as the client address).</summary>
    /// <param name="pod">The connecting pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="destination">Where it connects.</param>
    /// <param name="protocol">The transport protocol.</param>
    /// <returns>The route.</returns>
    /// <exception cref="KubernetesStatusException">404 when the pod does not exist.</exception>
    /// <exception cref="InvalidOperationException">The pod has no node or IP yet.</exception>
    public KubeProxyRoute RouteFromPod(string pod, string @namespace, IPEndPoint destination, TransportProtocol protocol = TransportProtocol.Tcp)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (node, ip) = PodPlacement(pod, @namespace);
        return Route(destination, node, ip, fromCluster: true, protocol);
    }

    /// <summary>Routes a connection made on a node (a host-network process: the node's address as the client address).</summary>
    /// <param name="node">The node.</param>
    /// <param name="destination">Where it connects.</param>
    /// <param name="protocol">The transport protocol.</param>
    /// <returns>The route.</returns>
    /// <exception cref="KubernetesStatusException">404 when the node does not exist.</exception>
    public KubeProxyRoute RouteFromNode(string node, IPEndPoint destination, TransportProtocol protocol = TransportProtocol.Tcp)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var address = NodeAddress(node) ?? throw KubernetesStatusException.NotFound(ResourceType.Node, node);
        return Route(destination, node, address, fromCluster: true, protocol);
    }

    /// <summary>
    /// Routes a connection from outside the cluster to a node port (on a node's address) or a load-balancer or external
    /// IP: external traffic.
    /// </summary>
    /// <param name="client">The client's address (what ClientIP affinity keys on).</param>
    /// <param name="destination">Where it connects.</param>
    /// <param name="protocol">The transport protocol.</param>
    /// <returns>The route.</returns>
    public KubeProxyRoute RouteFromOutside(IPAddress client, IPEndPoint destination, TransportProtocol protocol = TransportProtocol.Tcp)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(destination);
        return Route(destination, node: null, client, fromCluster: false, protocol);
    }

    internal (string Node, IPAddress Address) PodPlacement(string pod, string @namespace)
    {
        var obj = _cluster.Store.PeekOne(ResourceType.Pod, @namespace, pod) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, pod);
        var node = Json.Str(obj["spec"]?["nodeName"]);
        var ip = Json.Str(obj["status"]?["podIP"]);
        return node is not null && ip is not null && IPAddress.TryParse(ip, out var address)
            ? (node, address)
            : throw new InvalidOperationException($"Pod {@namespace}/{pod} has no node or IP yet (scheduled and started pods have both; wait with WaitForIdleAsync).");
    }

    private KubeProxyRoute Route(IPEndPoint destination, string? node, IPAddress client, bool fromCluster, TransportProtocol protocol)
    {
        var address = destination.Address.ToString();
        var nodeOwning = NodeWithAddress(address);
        foreach (var svc in _cluster.Store.Peek(ResourceType.Service, null))
        {
            var spec = StoredModels.Spec(svc);
            if (spec.Type == ServiceType.ExternalName || spec.IsHeadless)
            {
                continue;
            }

            foreach (var port in spec.Ports)
            {
                if (port.Protocol != protocol)
                {
                    continue;
                }

                bool external;
                string? handler = node;
                if (port.Port == destination.Port && spec.ClusterIPs.Contains(address))
                {
                    external = false;
                }
                else if (nodeOwning is not null && port.NodePort != 0 && port.NodePort == destination.Port)
                {
                    external = true;
                    handler = nodeOwning;
                }
                else if (port.Port == destination.Port && (spec.ExternalIPs.Contains(address) || spec.LoadBalancerIngress.Any(i => i.IP == address)))
                {
                    external = true;
                }
                else
                {
                    continue;
                }

                var service = new ServiceName(Json.Namespace(svc), Json.Name(svc));
                return ToBackend(destination, service, spec, port, handler, client, external, fromCluster);
            }
        }

        return new KubeProxyRoute(KubeProxyOutcome.NotAService, destination, null, null, node, false, destination, null, null, false);
    }

    private KubeProxyRoute ToBackend(IPEndPoint destination, ServiceName service, ServiceSpecInfo spec, ServicePortInfo port, string? node, IPAddress client, bool external, bool fromCluster)
    {
        var state = _cluster.EndpointSource.Snapshot(service, out _);
        var traffic = ServicePortTraffic.For(spec, port);

        // A load balancer (no handling node yet) sends to a ready node; with policy Local, one with a ready local endpoint.
        if (node is null)
        {
            var all = Endpoints(state, port, ClientTopology.Unknown);
            var localOnly = external && !fromCluster && traffic.ExternalPolicyLocal;
            var nodes = ReadyNodes().Where(n => !localOnly || all.Any(e => e.IsReady && e.NodeName == n)).ToList();
            node = nodes.Count == 0 ? ReadyNodes().FirstOrDefault() : nodes[Next(nodes.Count)];
        }

        var topology = new ClientTopology(node, node is null ? null : NodeZone(node));
        var endpoints = Endpoints(state, port, topology);
        var categories = EndpointCategorizer.Categorize(endpoints, traffic, topology);
        var eligible = !external ? categories.ForInternalTraffic
            : fromCluster ? (categories.Cluster.IsDefault ? [] : categories.Cluster) // short-circuited to the cluster endpoints
            : categories.ForExternalTraffic;
        if (eligible.IsDefaultOrEmpty)
        {
            var outcome = categories.HasAnyEndpoints ? KubeProxyOutcome.Dropped : KubeProxyOutcome.Rejected;
            return new KubeProxyRoute(outcome, destination, service, port, node, external, destination, null, null, false);
        }

        ServiceEndpoint? chosen = null;
        var affinity = false;
        if (spec.SessionAffinity == SessionAffinity.ClientIP)
        {
            var key = (service, port.Key, client);
            var timeout = TimeSpan.FromSeconds(spec.SessionAffinityTimeoutSeconds ?? ServiceSpecInfo.DefaultSessionAffinityTimeoutSeconds);
            var now = _cluster.TimeProvider.GetTimestamp();
            if (_affinity.TryGetValue(key, out var entry) && _cluster.TimeProvider.GetElapsedTime(entry.LastUsed, now) <= timeout)
            {
                chosen = eligible.FirstOrDefault(e => e.Key == entry.Endpoint);
                affinity = chosen is not null;
            }

            chosen ??= eligible[Next(eligible.Length)];
            _affinity[key] = (chosen.Key, now);
        }

        chosen ??= eligible[Next(eligible.Length)];
        return new KubeProxyRoute(KubeProxyOutcome.Backend, destination, service, port, node, external, chosen.EndPoint, chosen.Source.TargetRef, chosen.NodeName, affinity);
    }

    /// <summary>
    /// An eligible endpoint of a Service port, at random: what a proxy that sends to endpoints (a Gateway
    /// implementation) dials, on the endpoint's own port. <see langword="null"/> when none is eligible.
    /// </summary>
    internal IPEndPoint? PickEndpoint(ServiceName service, ServicePortInfo port)
    {
        var state = _cluster.EndpointSource.Snapshot(service, out _);
        var sets = new EndpointSetBuilder(service, ClientTopology.Unknown).Update(state);
        return sets.TryGetValue(port.Key, out var set) && set.Eligible.Length > 0 ? set.Eligible[Next(set.Eligible.Length)].EndPoint : null;
    }

    private static System.Collections.Immutable.ImmutableArray<ServiceEndpoint> Endpoints(ServiceState state, ServicePortInfo port, ClientTopology topology)
    {
        var builder = new EndpointSetBuilder(state.Service, topology);
        return builder.Update(state).TryGetValue(port.Key, out var set) ? set.All : [];
    }

    private int Next(int count)
    {
        lock (_randomGate)
        {
            return _random.Next(count);
        }
    }

    private IEnumerable<string> ReadyNodes() => _cluster.Store.Peek(ResourceType.Node, null)
        .Where(n => (n["status"]?["conditions"] as JsonArray)?.Any(c => Json.Str(c?["type"]) == "Ready" && Json.Str(c?["status"]) == "True") == true)
        .Select(Json.Name)
        .Order(StringComparer.Ordinal);

    private string? NodeZone(string node) =>
        Json.Str(_cluster.Store.PeekOne(ResourceType.Node, null, node)?["metadata"]?["labels"]?[WellKnownLabels.Zone]);

    internal IPAddress? NodeAddress(string node) =>
        _cluster.Store.PeekOne(ResourceType.Node, null, node) is { } n && InternalIP(n) is { } ip ? IPAddress.Parse(ip) : null;

    private string? NodeWithAddress(string address) =>
        _cluster.Store.Peek(ResourceType.Node, null).FirstOrDefault(n => InternalIP(n) == address) is { } n ? Json.Name(n) : null;

    private static string? InternalIP(JsonObject node) =>
        (node["status"]?["addresses"] as JsonArray)?.Where(a => Json.Str(a?["type"]) == "InternalIP").Select(a => Json.Str(a?["address"])).FirstOrDefault();
}
