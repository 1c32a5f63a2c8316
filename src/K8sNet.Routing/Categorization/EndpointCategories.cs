using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>
/// The result of <see cref="EndpointCategorizer"/>, kube-proxy's CategorizeEndpoints. A list that
/// kube-proxy leaves nil is <c>default</c> here (<see cref="ImmutableArray{T}.IsDefault"/>): for <see cref="Local"/>
/// that means "Local policy with no usable local endpoint", i.e. traffic is dropped.
/// </summary>
public sealed class EndpointCategories
{
    internal EndpointCategories(
        ServicePortTraffic traffic,
        ImmutableArray<ServiceEndpoint> cluster,
        ImmutableArray<ServiceEndpoint> local,
        ImmutableArray<ServiceEndpoint> allReachable,
        bool hasAnyEndpoints,
        TopologyMode mode,
        bool clusterUsesTerminating,
        bool localUsesTerminating)
    {
        Traffic = traffic;
        Cluster = cluster;
        Local = local;
        AllReachable = allReachable;
        HasAnyEndpoints = hasAnyEndpoints;
        TopologyMode = mode;
        ClusterUsesTerminating = clusterUsesTerminating;
        LocalUsesTerminating = localUsesTerminating;
    }

    /// <summary>The port's traffic flags the categories were computed for.</summary>
    public ServicePortTraffic Traffic { get; }

    /// <summary>Endpoints for Cluster-policy traffic (ready, topology-filtered; else serving and terminating); default when not used.</summary>
    public ImmutableArray<ServiceEndpoint> Cluster { get; }

    /// <summary>Endpoints for Local-policy traffic (ready local ones; else serving and terminating local ones); default when not used or none.</summary>
    public ImmutableArray<ServiceEndpoint> Local { get; }

    /// <summary>Every endpoint some traffic may reach: the union of <see cref="Cluster"/> and <see cref="Local"/>.</summary>
    public ImmutableArray<ServiceEndpoint> AllReachable { get; }

    /// <summary>
    /// Whether the Service has any usable endpoint anywhere in the cluster (so an empty result means "dropped by policy",
    /// not "no endpoints").
    /// </summary>
    public bool HasAnyEndpoints { get; }

    /// <summary>The topology mode chosen for <see cref="Cluster"/>.</summary>
    public TopologyMode TopologyMode { get; }

    /// <summary>Whether <see cref="Cluster"/> fell back to serving and terminating endpoints because none was ready.</summary>
    public bool ClusterUsesTerminating { get; }

    /// <summary>Whether <see cref="Local"/> fell back to serving and terminating endpoints.</summary>
    public bool LocalUsesTerminating { get; }

    /// <summary>The endpoints traffic from inside the cluster (a pod dialling the Service) goes to: Local when internalTrafficPolicy is Local, else Cluster.</summary>
    public ImmutableArray<ServiceEndpoint> ForInternalTraffic => OrEmpty(Traffic.InternalPolicyLocal ? Local : Cluster);

    /// <summary>The endpoints external traffic (NodePort, LoadBalancer) goes to: Local when externalTrafficPolicy is Local, else Cluster.</summary>
    public ImmutableArray<ServiceEndpoint> ForExternalTraffic => OrEmpty(Traffic.ExternalPolicyLocal ? Local : Cluster);

    private static ImmutableArray<ServiceEndpoint> OrEmpty(ImmutableArray<ServiceEndpoint> a) => a.IsDefault ? [] : a;
}
