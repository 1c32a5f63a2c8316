using K8sNet;
using K8sNet.Dns;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers K8sNet.Dns services.</summary>
public static class K8sNetDnsBuilderExtensions
{
    /// <summary>
    /// Registers this process's <see cref="ClientContext"/> (namespace, cluster domain, node, zone, search path),
    /// discovered from the pod's environment as <see cref="ClientContextOptions"/> describes, and the
    /// <see cref="ClientTopology"/> it implies. Calling it again only adds configuration.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="configure">Overrides, e.g. <c>o =&gt; o.Namespace = "shop"</c>.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddClientContext(this IK8sNetBuilder builder, Action<ClientContextOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<ClientContextOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ClientContextOptions>, ClientContextOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton(sp => ClientContext.FromEnvironment(sp.GetRequiredService<IOptions<ClientContextOptions>>().Value));
        builder.Services.TryAddSingleton(sp => sp.GetRequiredService<ClientContext>().Topology);
        return builder;
    }

    /// <summary>
    /// Registers a <see cref="ServiceUriResolver"/> over the <see cref="ClientContext"/> (added if missing), limited to
    /// the namespaces <paramref name="configure"/> allows (the client's own by default).
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="configure">Which namespaces URIs may name.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddServiceUris(this IK8sNetBuilder builder, Action<ServiceUriOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddClientContext();
        var options = builder.Services.AddOptions<ServiceUriOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<ServiceUriOptions>, ServiceUriOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceUriOptions>, K8sNetOptionsValidator<ServiceUriOptions>>(
            sp => new K8sNetOptionsValidator<ServiceUriOptions>(new ServiceUriOptionsValidator(), sp.GetService<K8sNetConfiguration>(), _ => [string.Empty])));

        builder.Services.TryAddSingleton(sp => new ServiceUriResolver(
            sp.GetRequiredService<ClientContext>(), sp.GetRequiredService<IOptions<ServiceUriOptions>>().Value));
        return builder;
    }

    /// <summary>
    /// Uses cluster DNS as the endpoint source, for apps without access to the Kubernetes API: registers
    /// <see cref="DnsEndpointSource"/> as an <see cref="IEndpointSource"/> (and the <see cref="ClientContext"/>, whose
    /// cluster domain it uses unless <see cref="DnsEndpointOptions.ClusterDomain"/> is set). Headless Services give
    /// their ready pods; Services with a cluster IP give that IP (kube-proxy picks the pod) — see
    /// <see cref="DnsEndpointSource"/>.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="configure">Configures the options, e.g. the port names to ask for.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddDnsEndpoints(this IK8sNetBuilder builder, Action<DnsEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddClientContext();
        var options = builder.Services.AddOptions<DnsEndpointOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<DnsEndpointOptions>, DnsEndpointOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DnsEndpointOptions>, K8sNetOptionsValidator<DnsEndpointOptions>>(
            sp => new K8sNetOptionsValidator<DnsEndpointOptions>(new DnsEndpointOptionsValidator(), sp.GetService<K8sNetConfiguration>(), _ => ["Dns"])));

        options.PostConfigure<ClientContext>((o, context) => o.ClusterDomain ??= context.ClusterDomain);
        builder.Services.TryAddSingleton(sp => new DnsEndpointSource(
            sp.GetRequiredService<IOptions<DnsEndpointOptions>>().Value, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEndpointSource, DnsEndpointSource>(sp => sp.GetRequiredService<DnsEndpointSource>()));
        return builder;
    }
}
