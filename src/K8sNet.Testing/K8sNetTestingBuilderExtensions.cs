using K8sNet;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Wires an app under test to a <see cref="FakeCluster"/>.</summary>
public static class K8sNetTestingBuilderExtensions
{
    /// <summary>
    /// Uses <paramref name="cluster"/>'s Services and EndpointSlices as K8sNet's endpoint source, so an app's
    /// <c>AddK8sNetServiceDiscovery()</c> clients route to the cluster's pods.
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
        return builder;
    }

    /// <summary>
    /// Sends this client's requests over <paramref name="cluster"/>'s network (its primary handler becomes
    /// <see cref="FakeCluster.CreateHttpMessageHandler"/>): needed in the simulated network mode, where pods answer in
    /// memory, for an app whose <c>AddK8sNetServiceDiscovery()</c> client sends requests straight to pod IPs. In the
    /// loopback mode pods listen for real and this is optional.
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
        return builder.ConfigurePrimaryHttpMessageHandler(() => cluster.CreateHttpMessageHandler(fromPod, @namespace));
    }
}
