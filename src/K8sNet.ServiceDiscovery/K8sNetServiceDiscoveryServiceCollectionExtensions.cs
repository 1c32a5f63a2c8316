using K8sNet.ServiceDiscovery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers K8sNet as an endpoint provider of Microsoft.Extensions.ServiceDiscovery.</summary>
public static class K8sNetServiceDiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// Makes Microsoft.Extensions.ServiceDiscovery (and so an Aspire app's <c>AddServiceDiscovery()</c> clients) resolve
    /// Kubernetes Service names to their pods, as <c>services.AddServiceDiscovery().AddK8sNetServiceEndpointProvider()</c>:
    /// <c>http://orders</c>, <c>https+http://orders.shop</c> or <c>http://_grpc.orders</c> give the endpoints of the
    /// Service's port that kube-proxy's rules make eligible for this client, updated as its EndpointSlices change. Needs
    /// an endpoint source (<c>services.AddK8sNet().AddKubernetesEndpoints()</c>, <c>.UseFakeCluster(...)</c>...).
    /// </summary>
    /// <remarks>
    /// Providers are asked in registration order and the first that finds endpoints wins, the pass-through provider
    /// always last: with <c>AddServiceDiscovery()</c> first, names in configuration (<c>Services:orders:http</c>) keep
    /// their configured endpoints, Service names go to K8sNet, and anything else passes through to DNS.
    /// M.E.SD then picks round robin among the endpoints, with no outcome fed back; for per-request P2C, PeakEwma,
    /// outlier ejection and a retry on another pod, use K8sNet's handler (<c>AddK8sNetServiceDiscovery()</c>) on the client.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">The provider's options.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddK8sNetServiceEndpointProvider(this IServiceCollection services, Action<K8sNetServiceEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddK8sNet().AddServiceRouting();
        var options = services.AddOptions<K8sNetServiceEndpointOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<K8sNetServiceEndpointOptions>, K8sNetServiceEndpointOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<K8sNetServiceEndpointOptions>, K8sNet.K8sNetOptionsValidator<K8sNetServiceEndpointOptions>>(
            sp => new K8sNet.K8sNetOptionsValidator<K8sNetServiceEndpointOptions>(new K8sNetServiceEndpointOptionsValidator(), sp.GetService<K8sNet.K8sNetConfiguration>(), _ => ["ServiceDiscovery", string.Empty])));

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, K8sNetServiceEndpointProviderFactory>());
        return services;
    }
}
