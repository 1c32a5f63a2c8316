using K8sNet;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        return builder;
    }
}
