using K8sNet.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds K8sNet's health check.</summary>
public static class K8sNetHealthChecksBuilderExtensions
{
    /// <summary>
    /// Reports K8sNet's health: the endpoint source's (Kubernetes: every Service synced and connected; DNS: answered)
    /// and the Services routed to (Degraded when one has a port without an endpoint this client may use), a line per
    /// Service in the data. For a readiness probe: <c>services.AddHealthChecks().AddK8sNetEndpoints(tags: ["ready"])</c>.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default <c>k8snet</c>.</param>
    /// <param name="failureStatus">The status reported when the endpoint source fails; <see cref="HealthStatus.Unhealthy"/> when <see langword="null"/>.</param>
    /// <param name="tags">Tags, to select the check in an endpoint.</param>
    /// <returns>The builder.</returns>
    public static IHealthChecksBuilder AddK8sNetEndpoints(this IHealthChecksBuilder builder, string name = "k8snet", HealthStatus? failureStatus = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddK8sNet().AddServiceRouting();
        return builder.Add(new HealthCheckRegistration(name, sp => new K8sNetHealthCheck(sp.GetRequiredService<ServiceRouterPool>()), failureStatus, tags));
    }
}
