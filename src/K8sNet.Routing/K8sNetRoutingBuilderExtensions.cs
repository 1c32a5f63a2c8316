using K8sNet;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers K8sNet's Service-following core.</summary>
public static class K8sNetRoutingBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceRouterPool"/>, the Service-following core K8sNet's HTTP handler and gRPC balancer
    /// share (and the client context it needs, if missing). <c>AddK8sNetServiceDiscovery()</c> and <c>AddGrpcBalancing()</c>
    /// call it; call it yourself to route a transport of your own. Calling it twice is harmless.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddServiceRouting(this IK8sNetBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddClientContext();
        builder.Services.TryAddSingleton<ServiceRouterPool>();
        builder.Services.TryAddSingleton<HttpClientRoutings>();

        // At start: the endpoint source is checked (a host that cannot route fails there, saying how to fix it) and the
        // Services to warm up are fetched.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, K8sNetStartup>());
        var warmUp = builder.Services.AddOptions<K8sNetWarmUpOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<K8sNetWarmUpOptions>, K8sNetWarmUpOptionsSetup>());
        warmUp.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<K8sNetWarmUpOptions>, K8sNetOptionsValidator<K8sNetWarmUpOptions>>(
            sp => new K8sNetOptionsValidator<K8sNetWarmUpOptions>(new K8sNetWarmUpOptionsValidator(), sp.GetService<K8sNetConfiguration>(), _ => ["WarmUp"])));
        return builder;
    }

    /// <summary>
    /// Fetches these Services' endpoints while the host starts (as <c>namespace/name</c>), so that the first requests to
    /// them do not wait for the endpoint source's first sync; start waits at most <see cref="K8sNetWarmUpOptions.Timeout"/>.
    /// Also from configuration: <c>K8sNet:WarmUp:Services</c>.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="services">The Services, e.g. <c>shop/orders</c>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="K8sNetFormatException">A name is not <c>namespace/name</c> of valid names.</exception>
    public static IK8sNetBuilder AddWarmUp(this IK8sNetBuilder builder, params string[] services)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(services);
        foreach (var s in services)
        {
            _ = ServiceName.Parse(s); // a typed error now, not at start
        }

        builder.AddServiceRouting();
        builder.Services.Configure<K8sNetWarmUpOptions>(o =>
        {
            foreach (var s in services)
            {
                o.Services.Add(s);
            }
        });
        return builder;
    }
}
