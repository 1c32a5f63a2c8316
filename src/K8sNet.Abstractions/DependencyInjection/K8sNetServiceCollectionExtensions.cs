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

    /// <summary>
    /// Adds K8sNet's core services and binds every K8sNet package's options from <paramref name="configuration"/>
    /// (usually <c>builder.Configuration.GetSection("K8sNet")</c>): <c>AllowedNamespaces</c> for every client,
    /// <c>Routing</c> for every HttpClient and <c>Clients:&lt;name&gt;</c> for one, <c>Grpc</c>, <c>Kubernetes</c>,
    /// <c>Dns</c>, <c>ClientContext</c>, <c>ServiceDiscovery</c>, <c>Yarp</c>. Options set in code are applied after
    /// the configuration. Every options type is validated when the host starts; a bad value fails it naming the key,
    /// the value and the rule.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The K8sNet section.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddK8sNet(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.RemoveAll<K8sNetConfiguration>();
        services.AddSingleton(new K8sNetConfiguration(configuration));
        return services.AddK8sNet();
    }

    /// <summary>Uses <paramref name="source"/>, an in-memory endpoint source, as K8sNet's endpoint source.</summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="source">The source; its Services and slices are set by code.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddInMemoryEndpoints(this IK8sNetBuilder builder, InMemoryEndpointSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Services.TryAddSingleton(source);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEndpointSource>(source));
        return builder;
    }
}
