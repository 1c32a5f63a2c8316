namespace K8sNet;

/// <summary>
/// An endpoint source that can say how well it follows the Services asked of it, for health checks
/// (<c>services.AddHealthChecks().AddK8sNetEndpoints()</c>). The Kubernetes and DNS sources implement it; a source that
/// does not is taken as healthy.
/// </summary>
public interface IEndpointSourceHealth
{
    /// <summary>The source's state now.</summary>
    /// <returns>The state, with a line per Service in <see cref="EndpointSourceHealth.Data"/>.</returns>
    EndpointSourceHealth CheckHealth();
}

/// <summary>How an endpoint source is doing.</summary>
public enum EndpointSourceHealthStatus
{
    /// <summary>Every Service asked for is synced and current.</summary>
    Healthy = 0,

    /// <summary>Some Services are served from their last known state (the source cannot reach its backend now).</summary>
    Degraded = 1,

    /// <summary>Some Services have no state at all (never synced, or refused).</summary>
    Unhealthy = 2,
}

/// <summary>An endpoint source's health: a status, a sentence, and a line per Service.</summary>
/// <param name="Status">The status.</param>
/// <param name="Description">What is wrong (or how many Services are followed).</param>
/// <param name="Data">Per Service (<c>namespace/name</c>), its state in words.</param>
public sealed record EndpointSourceHealth(EndpointSourceHealthStatus Status, string Description, IReadOnlyDictionary<string, object> Data);
