using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sNet.Routing;

/// <summary>
/// K8sNet's health: the endpoint source's (<see cref="IEndpointSourceHealth"/>: synced, serving last known state, or
/// without state), then the Services routed to: Degraded when one of them, synced and existing, has a port without an
/// endpoint this client may use. The data holds a line per Service.
/// </summary>
internal sealed class K8sNetHealthCheck(ServiceRouterPool pool) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        EndpointSourceHealth? source;
        try
        {
            source = (pool.Source as IEndpointSourceHealth)?.CheckHealth();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"No endpoint source: {ex.Message}", ex, data));
        }

        foreach (var (key, value) in source?.Data ?? new Dictionary<string, object>())
        {
            data["source " + key] = value;
        }

        var empty = new List<string>();
        var followed = 0;
        foreach (var router in pool.Routers)
        {
            if (router.State is not { IsSynced: true, Exists: true })
            {
                continue;
            }

            followed++;
            foreach (var set in router.Sets.Values)
            {
                var line = $"{set.Eligible.Length} of {set.All.Length} endpoint(s) eligible ({set.Status})";
                data[$"routed {router.Profile.Name} {router.Service} {set.Port}"] = line;
                if (set.Eligible.IsEmpty)
                {
                    empty.Add($"{router.Service} port {set.Port}");
                }
            }
        }

        if (source?.Status == EndpointSourceHealthStatus.Unhealthy)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, "Endpoint source: " + source.Description, data: data));
        }

        if (empty.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"{empty.Count} routed Service port(s) without an endpoint to send to: {string.Join(", ", empty.Take(5))}", data: data));
        }

        if (source?.Status == EndpointSourceHealthStatus.Degraded)
        {
            return Task.FromResult(HealthCheckResult.Degraded("Endpoint source: " + source.Description, data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"{followed} Service(s) routed to; endpoint source {source?.Description ?? "in process"}", data));
    }
}
