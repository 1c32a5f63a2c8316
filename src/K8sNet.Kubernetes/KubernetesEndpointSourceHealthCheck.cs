using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sNet.Kubernetes;

/// <summary>
/// Reports <see cref="KubernetesEndpointSource"/>'s sync state per Service: Healthy when every Service asked for is
/// synced and connected; Degraded when some are disconnected (they serve their last state); Unhealthy when one has
/// not synced within <see cref="KubernetesEndpointSourceOptions.SyncTimeout"/> of being asked for, or was refused
/// (401/403). The data holds one entry per Service.
/// </summary>
/// <remarks>Register with <c>services.AddHealthChecks().AddCheck&lt;KubernetesEndpointSourceHealthCheck&gt;("k8snet-kubernetes")</c>.</remarks>
/// <param name="source">The source.</param>
public sealed class KubernetesEndpointSourceHealthCheck(KubernetesEndpointSource source) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var statuses = source.GetSyncStatus();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var s in statuses)
        {
            data[s.Service.ToString()] = s.Synced
                ? s.Connected ? "synced" : $"disconnected for {s.DisconnectedFor?.TotalSeconds:0} s, serving the last state: {s.LastError}"
                : $"not synced: {s.LastError ?? "waiting for the API server"}";
        }

        var unsynced = statuses.Where(s => !s.Synced && (s.LastError is not null || s.DisconnectedFor > TimeSpan.Zero)).ToList();
        if (unsynced.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{unsynced.Count} of {statuses.Count} Service(s) not synced: {unsynced[0].Service}: {unsynced[0].LastError}", data: data));
        }

        var disconnected = statuses.Where(s => !s.Connected).ToList();
        if (disconnected.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"{disconnected.Count} of {statuses.Count} Service(s) disconnected, serving their last state", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{statuses.Count} Service(s) synced", data));
    }
}
