using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.ClientFactory;
using K8sNet;
using K8sNet.Dns;
using K8sNet.Grpc;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers K8sNet's gRPC balancing.</summary>
public static class K8sNetGrpcBuilderExtensions
{
    /// <summary>
    /// Makes every gRPC client whose address is <c>k8s:///service.namespace:port</c> balance its calls across the
    /// Service's pods: registers <see cref="K8sNetResolverFactory"/> and <see cref="K8sNetLoadBalancerFactory"/> (found by
    /// channels through their <c>ServiceProvider</c>, which <c>AddGrpcClient</c> sets), adds <see cref="K8sNetGrpcHandler"/>
    /// to gRPC clients' handler chains, and gives <c>k8s:///</c> channels without credentials insecure ones (or TLS with
    /// <see cref="K8sNetGrpcOptions.UseTls"/>). Then
    /// <c>services.AddGrpcClient&lt;Greeter.GreeterClient&gt;(o =&gt; o.Address = new("k8s:///greeter.shop:grpc"))</c>
    /// needs nothing more. Needs an endpoint source (<c>AddKubernetesEndpoints()</c>, <c>AddDnsEndpoints()</c>,
    /// <c>UseFakeCluster(...)</c>); adds the <see cref="ClientContext"/> if missing.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="configure">The balancing options.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddGrpcBalancing(this IK8sNetBuilder builder, Action<K8sNetGrpcOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddServiceRouting();
        var options = builder.Services.AddOptions<K8sNetGrpcOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<K8sNetGrpcOptions>, K8sNetGrpcOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<K8sNetGrpcOptions>, K8sNetOptionsValidator<K8sNetGrpcOptions>>(
            sp => new K8sNetOptionsValidator<K8sNetGrpcOptions>(new K8sNetGrpcOptionsValidator(), sp.GetService<K8sNetConfiguration>(), _ => ["Grpc", string.Empty])));

        builder.Services.TryAddSingleton(sp => new K8sNetResolverFactory(
            sp.GetRequiredService<ServiceRouterPool>(), sp.GetRequiredService<ClientContext>(), sp.GetRequiredService<IOptions<K8sNetGrpcOptions>>().Value));
        builder.Services.TryAddSingleton(sp => new K8sNetLoadBalancerFactory(sp.GetRequiredService<IOptions<K8sNetGrpcOptions>>().Value, sp.GetService<TimeProvider>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ResolverFactory, K8sNetResolverFactory>(sp => sp.GetRequiredService<K8sNetResolverFactory>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<LoadBalancerFactory, K8sNetLoadBalancerFactory>(sp => sp.GetRequiredService<K8sNetLoadBalancerFactory>()));
        if (!builder.Services.Any(d => d.ServiceType == typeof(K8sNetGrpcMarker)))
        {
            builder.Services.AddSingleton<K8sNetGrpcMarker>();
            builder.Services.AddSingleton<IConfigureOptions<GrpcClientFactoryOptions>, K8sNetGrpcClientSetup>();
            builder.Services.ConfigureHttpClientDefaults(http => http.AddHttpMessageHandler(() => new K8sNetGrpcHandler()));
        }

        return builder;
    }

    /// <summary>Marks that the one-time registrations are done, so that a second call adds nothing.</summary>
    private sealed class K8sNetGrpcMarker;

    /// <summary>Sets up each gRPC client of the factory: credentials and service config (balancer, retries) for <c>k8s:///</c> channels.</summary>
    private sealed class K8sNetGrpcClientSetup(IOptions<K8sNetGrpcOptions> options) : IConfigureNamedOptions<GrpcClientFactoryOptions>
    {
        public void Configure(GrpcClientFactoryOptions options) => Configure(Microsoft.Extensions.Options.Options.DefaultName, options);

        public void Configure(string? name, GrpcClientFactoryOptions clientOptions)
        {
            ArgumentNullException.ThrowIfNull(clientOptions);
            clientOptions.ChannelOptionsActions.Add(channel =>
            {
                if (clientOptions.Address?.Scheme != K8sNet.Dns.ServiceUriResolver.K8sScheme)
                {
                    return;
                }

                channel.Credentials ??= options.Value.UseTls ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure;
                channel.ServiceConfig ??= options.Value.CreateServiceConfig();
            });
        }
    }
}
