using System.Collections.Immutable;

namespace K8sNet;

/// <summary>
/// The endpoints of one Service port as one client should use them: merged from every slice, de-duplicated, and
/// categorised for the client's topology. Immutable; updates produce a new set that is swapped in atomically.
/// </summary>
public sealed class EndpointSet
{
    private EndpointStats[]? _eligibleStats;

    /// <summary>Creates a set.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="port">The Service port.</param>
    /// <param name="version">The <see cref="ServiceState.Version"/> the set was built from.</param>
    /// <param name="all">Every merged, de-duplicated endpoint for the port, in key order.</param>
    /// <param name="eligible">The endpoints a balancer may pick from.</param>
    /// <param name="status">Why the eligible endpoints are what they are.</param>
    public EndpointSet(
        ServiceName service,
        ServicePortKey port,
        long version,
        ImmutableArray<ServiceEndpoint> all,
        ImmutableArray<ServiceEndpoint> eligible,
        EndpointSetStatus status)
    {
        Service = service;
        Port = port;
        Version = version;
        All = all.IsDefault ? [] : all;
        Eligible = eligible.IsDefault ? [] : eligible;
        Status = status;
    }

    /// <summary>The Service.</summary>
    public ServiceName Service { get; }

    /// <summary>The Service port (name and protocol).</summary>
    public ServicePortKey Port { get; }

    /// <summary>The <see cref="ServiceState.Version"/> the set was built from.</summary>
    public long Version { get; }

    /// <summary>Every merged, de-duplicated endpoint for the port, in key order, whatever its conditions.</summary>
    public ImmutableArray<ServiceEndpoint> All { get; }

    /// <summary>The endpoints a balancer may pick from (kube-proxy's categorisation for this client).</summary>
    public ImmutableArray<ServiceEndpoint> Eligible { get; }

    /// <summary>
    /// The <see cref="ServiceEndpoint.Stats"/> of <see cref="Eligible"/>, index for index, built at first use: a policy
    /// that scans statistics alone (least request) reads one object per endpoint instead of two.
    /// </summary>
    public ReadOnlySpan<EndpointStats> EligibleStats => _eligibleStats ?? BuildEligibleStats();

    /// <summary>Why <see cref="Eligible"/> is what it is.</summary>
    public EndpointSetStatus Status { get; }

    /// <summary>The number of eligible endpoints.</summary>
    public int Count => Eligible.Length;

    /// <summary>An empty set with a status saying why it is empty.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="port">The port.</param>
    /// <param name="version">The state version.</param>
    /// <param name="status">Why it is empty.</param>
    /// <returns>The set.</returns>
    public static EndpointSet Empty(ServiceName service, ServicePortKey port, long version, EndpointSetStatus status) =>
        new(service, port, version, [], [], status);

    private EndpointStats[] BuildEligibleStats()
    {
        var stats = new EndpointStats[Eligible.Length];
        for (var i = 0; i < stats.Length; i++)
        {
            stats[i] = Eligible[i].Stats;
        }

        Volatile.Write(ref _eligibleStats, stats); // two racing builders build the same array
        return stats;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Service} {Port} v{Version}: {Eligible.Length}/{All.Length} eligible ({Status})";
}
