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
}
