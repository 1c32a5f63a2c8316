using K8sNet;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires an app under test to a <see cref="FakeCluster"/>.</summary>
public static class K8sNetTestingBuilderExtensions
{
    /// <summary>
    /// Uses <paramref name="cluster"/>'s Services and EndpointSlices as K8sNet's endpoint source, so an app's
    /// <c>AddK8sNetServiceDiscovery()</c> clients route to the cluster's pods; and keeps every HttpClient the app's
    /// factory makes on this machine (<see cref="FakeCluster.CreateNetworkGuard"/>, innermost): requests to the cluster's
    /// pods, Services and names go over its network (in memory in the simulated mode), requests to loopback go on as
    /// usual, and any other fails at once saying why. No request of an app under test reaches the real network.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="cluster">The cluster.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder UseFakeCluster(this IK8sNetBuilder builder, FakeCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        builder.Services.TryAddSingleton(cluster);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEndpointSource>(cluster.EndpointSource));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Http.IHttpMessageHandlerBuilderFilter, FakeClusterNetworkFilter>());
        return builder;
    }

    /// <summary>
    /// Sends all of this client's requests over <paramref name="cluster"/>'s network (its primary handler becomes
    /// <see cref="FakeCluster.CreateHttpMessageHandler"/>), as from <paramref name="fromPod"/>: names resolve through that
    /// pod's DNS search path, and Service IPs go through kube-proxy from its node. Without it, UseFakeCluster's guard
    /// sends the cluster's addresses over the network as from outside the cluster.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="cluster">The cluster.</param>
    /// <param name="fromPod">The pod the app runs in; <see langword="null"/> for outside the cluster.</param>
    /// <param name="namespace">That pod's namespace.</param>
    /// <returns>The builder.</returns>
    public static IHttpClientBuilder UseFakeClusterNetwork(this IHttpClientBuilder builder, FakeCluster cluster, string? fromPod = null, string @namespace = "default")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        builder.Services.AddSingleton(new FakeClusterNetworkClient(builder.Name));
        return builder.ConfigurePrimaryHttpMessageHandler(() => cluster.CreateHttpMessageHandler(fromPod, @namespace));
    }
}
