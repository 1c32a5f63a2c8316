using K8sNet.Routing;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
    /// Do not combine with Microsoft.Extensions.ServiceDiscovery's <c>AddServiceDiscovery()</c> on the same client: both
    /// rewrite the request URI. Creating such a client throws <see cref="InvalidOperationException"/> saying so.
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
        if (configure is not null)
        {
            services.Configure(builder.Name, configure);
        }
        else
        {
            services.AddOptions<K8sNetRoutingOptions>(builder.Name);
        }

        builder.AddHttpMessageHandler(sp => new K8sNetServiceDiscoveryHandler(
            sp.GetRequiredService<ServiceRouterPool>(),
            sp.GetRequiredService<HttpClientRoutings>().Get(builder.Name),
            sp.GetService<ILoggerFactory>()?.CreateLogger("K8sNet.Routing.ServiceDiscoveryHandler") ?? NullLogger.Instance));

        // Runs after every other configuration of this client, so it sees handlers added later too.
        var name = builder.Name;
        services.PostConfigure<HttpClientFactoryOptions>(name, o => o.HttpMessageHandlerBuilderActions.Add(b => CheckConflicts(name, b)));
        return builder;
    }

    private static void CheckConflicts(string name, HttpMessageHandlerBuilder builder)
    {
        var ours = 0;
        foreach (var handler in builder.AdditionalHandlers)
        {
            var type = handler.GetType();
            if (type == typeof(K8sNetServiceDiscoveryHandler))
            {
                ours++;
            }
            else if (type.Namespace?.StartsWith("Microsoft.Extensions.ServiceDiscovery", StringComparison.Ordinal) == true)
            {
                throw new InvalidOperationException(
                    $"HttpClient '{name}' has both K8sNet's AddK8sNetServiceDiscovery() and Microsoft.Extensions.ServiceDiscovery's "
                    + $"AddServiceDiscovery() ({type.Name}). Both rewrite the request URI; use one. K8sNet resolves Kubernetes "
                    + "Service names itself; for other names keep AddServiceDiscovery() on a separate client.");
            }
        }

        if (ours > 1)
        {
            throw new InvalidOperationException($"HttpClient '{name}' has AddK8sNetServiceDiscovery() {ours} times; add it once.");
        }
    }
}
