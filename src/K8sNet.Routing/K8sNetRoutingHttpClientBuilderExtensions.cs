using K8sNet;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds K8sNet service discovery and client-side load balancing to an HttpClient.</summary>
public static class K8sNetRoutingHttpClientBuilderExtensions
{
    /// <summary>
    /// Routes this client's requests for cluster Services straight to their pods: <c>http://orders</c>,
    /// <c>http://orders.shop:8080/x</c> or the FQDN go to an endpoint picked with kube-proxy's rules and the configured
    /// policy; every other host passes through untouched. Needs an endpoint source
    /// (<c>services.AddK8sNet().AddKubernetesEndpoints()</c>, <c>.UseFakeCluster(...)</c> or <c>.AddInMemoryEndpoints(...)</c>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Order with resilience handlers: add them first (outer), then this handler (inner), so that each retry of a
    /// resilience pipeline picks an endpoint afresh: <c>.AddStandardResilienceHandler().AddK8sNetServiceDiscovery()</c>.
    /// This handler itself retries a connect failure on another endpoint (any method) and, for idempotent requests
    /// without a body, a failure after sending (<see cref="K8sNetRoutingOptions.MaxRetries"/>).
    /// </para>
    /// <para>
    /// With Microsoft.Extensions.ServiceDiscovery's <c>AddServiceDiscovery()</c> on the same client (an Aspire app's
    /// service defaults add it to every client through <c>ConfigureHttpClientDefaults</c>), this handler runs just
    /// before M.E.SD's, wherever either was added: K8sNet takes the names of Services in the allowed namespaces and sends
    /// them to a pod, and M.E.SD resolves every other name as it is configured to (<c>Services:catalog:http</c>, DNS,
    /// pass-through). Resilience handlers stay outside both.
    /// </para>
    /// </remarks>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="configure">The client's routing options.</param>
    /// <returns>The builder.</returns>
    public static IHttpClientBuilder AddK8sNetServiceDiscovery(this IHttpClientBuilder builder, Action<K8sNetRoutingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddK8sNet().AddServiceRouting();
        var name = builder.Name;
        var options = services.AddOptions<K8sNetRoutingOptions>(name);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<K8sNetRoutingOptions>, K8sNetRoutingOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure); // then code
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<K8sNetRoutingOptions>, K8sNetOptionsValidator<K8sNetRoutingOptions>>(
            sp => new K8sNetOptionsValidator<K8sNetRoutingOptions>(new K8sNetRoutingOptionsValidator(), sp.GetService<K8sNetConfiguration>(), n => ["Clients:" + n, "Routing", string.Empty])));

        builder.AddHttpMessageHandler(sp => new K8sNetServiceDiscoveryHandler(
            sp.GetRequiredService<ServiceRouterPool>(),
            sp.GetRequiredService<HttpClientRoutings>().Get(builder.Name),
            sp.GetService<ILoggerFactory>()?.CreateLogger("K8sNet.Routing.ServiceDiscoveryHandler") ?? NullLogger.Instance));

        // Runs after every other configuration of this client, so it sees handlers added later too.
        services.PostConfigure<HttpClientFactoryOptions>(name, o => o.HttpMessageHandlerBuilderActions.Add(b => CheckConflicts(name, b)));
        return builder;
    }

    private static void CheckConflicts(string name, HttpMessageHandlerBuilder builder)
    {
        var handlers = builder.AdditionalHandlers;
        var ours = -1;
        var serviceDiscovery = -1;
        for (var i = 0; i < handlers.Count; i++)
        {
            var type = handlers[i].GetType();
            if (type == typeof(K8sNetServiceDiscoveryHandler))
            {
                if (ours >= 0)
                {
                    throw new InvalidOperationException($"HttpClient '{name}' has AddK8sNetServiceDiscovery() more than once; add it once.");
                }

                ours = i;
            }
            else if (serviceDiscovery < 0 && type.Namespace?.StartsWith("Microsoft.Extensions.ServiceDiscovery", StringComparison.Ordinal) == true)
            {
                serviceDiscovery = i;
            }
        }

        // K8sNet first: it rewrites Service names to pods, and M.E.SD passes an address through; the other way round
        // M.E.SD would resolve the Service name itself (to a ClusterIP, or round robin) and K8sNet would see an address.
        if (ours > serviceDiscovery && serviceDiscovery >= 0)
        {
            var handler = handlers[ours];
            handlers.RemoveAt(ours);
            handlers.Insert(serviceDiscovery, handler);
        }
    }
}
