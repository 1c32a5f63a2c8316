using K8sNet;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds K8sNet to a service collection.</summary>
public static class K8sNetServiceCollectionExtensions
{
    /// <summary>
    /// Adds K8sNet's core services (a <see cref="TimeProvider"/> unless one is registered) and returns the builder the
    /// K8sNet packages extend: <c>services.AddK8sNet().AddKubernetesEndpoints()</c>, <c>.UseFakeCluster(cluster)</c>...
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder. Calling this twice is harmless.</returns>
    public static IK8sNetBuilder AddK8sNet(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions();
        return new K8sNetBuilder(services);
    }
}
