using System.Collections.Immutable;
using K8sNet.Routing;

namespace K8sNet.Testing.Lab;

/// <summary>
/// What the policy lab simulates: a Service's endpoints (<see cref="LabEndpoint"/>), the clients' traffic
/// (<see cref="LabLoad"/>), the changes made during the run, and the routing settings that are not the policy's —
/// timeouts, retries, outlier detection, topology — with the shipped defaults unless set.
/// </summary>
public sealed record LabScenario
{
    /// <summary>Creates a scenario.</summary>
    /// <param name="name">Its name, shown in results.</param>
    /// <param name="endpoints">The Service's endpoints when the run starts (at least one; names unique).</param>
    /// <param name="load">The traffic.</param>
    public LabScenario(string name, IEnumerable<LabEndpoint> endpoints, LabLoad load)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(load);
        Name = name;
        Endpoints = [.. endpoints];
        Load = load;
    }

    /// <summary>Its name.</summary>
    public string Name { get; init; }

    /// <summary>The endpoints when the run starts.</summary>
    public ImmutableArray<LabEndpoint> Endpoints { get; init; }

    /// <summary>The traffic.</summary>
    public LabLoad Load { get; init; }

    /// <summary>Changes to the endpoints during the run.</summary>
    public ImmutableArray<LabChange> Changes { get; init; } = [];

    /// <summary>A request's whole time limit (queueing and retries included), as <c>HttpClient.Timeout</c>; <see langword="null"/> (the default): none.</summary>
    public TimeSpan? RequestTimeout { get; init; }

    /// <summary>As <see cref="K8sNetRoutingOptions.MaxRetries"/>: other endpoints a failed request may be retried on. Default 2, the handler's.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>As <see cref="K8sNetRoutingOptions.RetryIdempotentAfterSend"/>. Default <see langword="true"/>.</summary>
    public bool RetryIdempotentAfterSend { get; init; } = true;

    /// <summary>Whether the requests are idempotent and carry no body (GETs), so a reset may be retried. Default <see langword="true"/>.</summary>
    public bool IdempotentRequests { get; init; } = true;

    /// <summary>Passive outlier detection, as <see cref="K8sNetRoutingOptions.OutlierDetection"/>; the shipped defaults unless set.</summary>
    public OutlierDetectionOptions OutlierDetection { get; init; } = new();

    /// <summary>How endpoints are chosen for the client (zone-aware routing, address family); the shipped defaults unless set.</summary>
    public EndpointSetOptions EndpointOptions { get; init; } = new();

    /// <summary>The client's zone, for topology; <see langword="null"/>: unknown.</summary>
    public string? ClientZone { get; init; }

    /// <summary>The client's node, for node-local routing; <see langword="null"/>: unknown.</summary>
    public string? ClientNode { get; init; }

    /// <summary>How many distinct hash keys requests carry (drawn uniformly, for consistent hashing and stickiness); 0 (the default): none.</summary>
    public int HashKeys { get; init; }

    /// <summary>A copy with another name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The scenario.</returns>
    public LabScenario Named(string name) => this with { Name = name };

    /// <summary>Checks the scenario, naming what is wrong.</summary>
    /// <exception cref="ArgumentException">An endpoint, episode, change or setting is invalid.</exception>
    public void Validate()
    {
        if (Endpoints.IsDefaultOrEmpty)
        {
            throw new ArgumentException($"Lab scenario '{Name}' has no endpoints: give at least one.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in Endpoints)
        {
            e.Validate();
            if (!names.Add(e.Name))
            {
                throw new ArgumentException($"Lab scenario '{Name}': endpoint name '{e.Name}' is used twice; names must be unique.");
            }
        }

        foreach (var c in Changes)
        {
            if (c.Added is { } added)
            {
                added.Validate();
                if (!names.Add(added.Name))
                {
                    throw new ArgumentException($"Lab scenario '{Name}': change '{c}' adds endpoint '{added.Name}', a name already used.");
                }
            }
            else if (!names.Contains(c.Name))
            {
                throw new ArgumentException($"Lab scenario '{Name}': change '{c}' names endpoint '{c.Name}', which the scenario does not have.");
            }
        }

        if (MaxRetries is < 0 or > 10)
        {
            throw new ArgumentException($"Lab scenario '{Name}': MaxRetries {MaxRetries} must be from 0 to 10 (as K8sNetRoutingOptions.MaxRetries).");
        }

        if (RequestTimeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Lab scenario '{Name}': RequestTimeout {t} must be positive when set.");
        }

        if (HashKeys < 0)
        {
            throw new ArgumentException($"Lab scenario '{Name}': HashKeys {HashKeys} must be 0 or more.");
        }

        if (Load.Workers == 0 && Load.RequestsPerSecond is { } rate && Load.Duration is { } d && rate * d.TotalSeconds > 50_000_000)
        {
            throw new ArgumentException($"Lab scenario '{Name}': {rate * d.TotalSeconds:N0} requests is more than the lab's 50,000,000 per run.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Endpoints.Length} endpoints, {Load}";
}
