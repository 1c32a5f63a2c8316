using System.Collections.Immutable;

namespace K8sNet.Testing.Lab;

/// <summary>One simulated pod behind the Service: how long it takes, how it fails, how much it serves at once, and how that changes over time.</summary>
public sealed record LabEndpoint
{
    /// <summary>Creates an endpoint.</summary>
    /// <param name="name">Its name, unique in the scenario (results are reported by it).</param>
    /// <param name="latency">Its service time.</param>
    public LabEndpoint(string name, LatencyModel latency)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(latency);
        Name = name;
        Latency = latency;
    }

    /// <summary>Its name.</summary>
    public string Name { get; init; }

    /// <summary>Its service time.</summary>
    public LatencyModel Latency { get; init; }

    /// <summary>How it fails outside its episodes. Default: never.</summary>
    public FailureModel Failures { get; init; } = FailureModel.None;

    /// <summary>
    /// How many requests it serves at once; more wait in a first-come queue (their wait counts in their latency).
    /// <see langword="null"/> (the default): no limit, latency independent of load.
    /// </summary>
    public int? ConcurrencyLimit { get; init; }

    /// <summary>How many may wait when it is at its limit; beyond that a request gets an immediate server error (503). <see langword="null"/>: no bound.</summary>
    public int? QueueLimit { get; init; }

    /// <summary>Windows in which it is slower or fails.</summary>
    public ImmutableArray<LabEpisode> Episodes { get; init; } = [];

    /// <summary>Its zone (<c>topology.kubernetes.io/zone</c>), for zone-aware routing; <see langword="null"/>: none.</summary>
    public string? Zone { get; init; }

    /// <summary>Its node, for node-local routing; <see langword="null"/>: none.</summary>
    public string? Node { get; init; }

    /// <summary>Whether it is ready when the run starts (a scenario's changes may flip it). Default <see langword="true"/>.</summary>
    public bool Ready { get; init; } = true;

    /// <summary>Adds an episode.</summary>
    /// <param name="episode">The episode.</param>
    /// <returns>The endpoint with it.</returns>
    public LabEndpoint With(LabEpisode episode) => this with { Episodes = Episodes.Add(episode) };

    internal void Validate()
    {
        var where = $"Lab endpoint '{Name}'";
        Failures.Validate(where);
        if (ConcurrencyLimit is < 1)
        {
            throw new ArgumentException($"{where}: ConcurrencyLimit {ConcurrencyLimit} must be at least 1 (or null for no limit).");
        }

        if (QueueLimit is < 0)
        {
            throw new ArgumentException($"{where}: QueueLimit {QueueLimit} must be 0 or more (or null for no bound).");
        }

        foreach (var e in Episodes)
        {
            e.Validate(where);
        }
    }
}
