using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sNet.Kubernetes;

/// <summary>
/// Reports <see cref="KubernetesEndpointSource"/>'s sync state per Service: Healthy when every Service asked for is
/// synced and connected; Degraded when some are disconnected (they serve their last state); Unhealthy when one has
/// not synced within <see cref="KubernetesEndpointSourceOptions.SyncTimeout"/> of being asked for, or was refused
/// (401/403). The data holds one entry per Service.
/// </summary>
/// <remarks>
/// <c>services.AddHealthChecks().AddK8sNetEndpoints()</c> (K8sNet.Routing) reports this together with the Services
/// routed to; alone: <c>services.AddHealthChecks().AddCheck&lt;KubernetesEndpointSourceHealthCheck&gt;("k8snet-kubernetes")</c>.
/// </remarks>
/// <param name="source">The source.</param>
public sealed class KubernetesEndpointSourceHealthCheck(KubernetesEndpointSource source) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = source.CheckHealth();
        var data = health.Data;
        return Task.FromResult(health.Status switch
        {
            EndpointSourceHealthStatus.Unhealthy => HealthCheckResult.Unhealthy(health.Description, data: data),
            EndpointSourceHealthStatus.Degraded => HealthCheckResult.Degraded(health.Description, data: data),
            _ => HealthCheckResult.Healthy(health.Description, data),
        });
    }
}
