using K8sNet.Yarp;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers K8sNet's destination resolver with YARP.</summary>
public static class K8sNetYarpBuilderExtensions
{
    /// <summary>
    /// Resolves cluster destinations that name Kubernetes Services into their pods:
    /// <c>services.AddReverseProxy().LoadFromConfig(...).AddK8sNetDestinationResolver()</c>, and a destination
    /// <c>"Address": "http://orders.shop:8080"</c> becomes one destination per eligible pod (ready first; terminating
    /// only while none is ready), updated as the Service's EndpointSlices change — so YARP balances across pods with
    /// its own policies and health checks. Needs an endpoint source (<c>services.AddK8sNet().AddKubernetesEndpoints()</c>,
    /// <c>.UseFakeCluster(...)</c>...). Replaces any other destination resolver (YARP uses one).
    /// </summary>
    /// <param name="builder">YARP's builder.</param>
    /// <param name="configure">The resolver's options.</param>
    /// <returns>The builder.</returns>
    public static IReverseProxyBuilder AddK8sNetDestinationResolver(this IReverseProxyBuilder builder, Action<K8sNetDestinationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddK8sNet().AddServiceRouting();
        var options = builder.Services.AddOptions<K8sNetDestinationOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<K8sNetDestinationOptions>, K8sNetDestinationOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<K8sNetDestinationOptions>, K8sNet.K8sNetOptionsValidator<K8sNetDestinationOptions>>(
            sp => new K8sNet.K8sNetOptionsValidator<K8sNetDestinationOptions>(new K8sNetDestinationOptionsValidator(), sp.GetService<K8sNet.K8sNetConfiguration>(), _ => ["Yarp", string.Empty])));

        builder.Services.AddSingleton<IDestinationResolver, K8sNetDestinationResolver>();
        return builder;
    }
}
