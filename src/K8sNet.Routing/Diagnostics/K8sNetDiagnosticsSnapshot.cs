namespace K8sNet.Routing;

/// <summary>
/// What K8sNet's routing is doing, at one moment (<see cref="ServiceRouterPool.CaptureDiagnostics"/>): the endpoint
/// source, each Service followed with each endpoint's state and how many requests it took, and the hosts that were
/// not routed to pods. <c>app.MapK8sNetDiagnostics()</c> (K8sNet.AspNetCore) serves it as JSON and as text;
/// <see cref="ToText"/> writes the text.
/// </summary>
public sealed class K8sNetDiagnosticsSnapshot
{
    /// <summary>When it was taken.</summary>
    public required DateTimeOffset TakenAt { get; init; }

    /// <summary>Where the "recent" counts start (<see cref="EndpointDiagnostics.RecentPicks"/>): one to two minutes before
    /// <see cref="TakenAt"/> when snapshots are taken at least once a minute; otherwise the last snapshot taken a minute
    /// or more ago, or when routing started.</summary>
    public required DateTimeOffset RecentSince { get; init; }

    /// <summary>The endpoint source.</summary>
    public required EndpointSourceDiagnostics Source { get; init; }

    /// <summary>Each Service followed, per client (routing profile), by namespace, name and client.</summary>
    public required IReadOnlyList<ServiceDiagnostics> Services { get; init; }

    /// <summary>Hosts shaped like Service names that were not routed to pods, most recent first.</summary>
    public required IReadOnlyList<PassThroughRecord> PassThroughs { get; init; }

    /// <summary>The snapshot as plain text, a table per Service port, for a terminal.</summary>
    /// <returns>The text.</returns>
    public string ToText() => DiagnosticsText.Write(this);

    /// <inheritdoc />
    public override string ToString() => ToText();
}

/// <summary>The endpoint source as a snapshot sees it.</summary>
public sealed class EndpointSourceDiagnostics
{
    /// <summary>The source's type name, e.g. <c>KubernetesEndpointSource</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Its health (a source that does not report health is <see cref="EndpointSourceHealthStatus.Healthy"/>).</summary>
    public required EndpointSourceHealthStatus Status { get; init; }

    /// <summary>What it says about itself.</summary>
    public required string Description { get; init; }

    /// <summary>Its details (a line per Service or watch).</summary>
    public required IReadOnlyDictionary<string, string> Data { get; init; }
}

/// <summary>One Service one client follows.</summary>
public sealed class ServiceDiagnostics
{
    /// <summary>The Service's namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The Service's name.</summary>
    public required string Name { get; init; }

    /// <summary>The client: the routing profile (<c>http:orders-client</c>, <c>grpc</c>, <c>servicediscovery</c>, ...).</summary>
    public required string Client { get; init; }

    /// <summary>The balancing policy's name.</summary>
    public required string Policy { get; init; }

    /// <summary>
    /// Who picks among the endpoints when not K8sNet's policy (<see cref="RoutingProfile.PickedBy"/>): then K8sNet sees no
    /// picks, and the counts are 0. <see langword="null"/> when K8sNet's policy picks.
    /// </summary>
    public required string? PickedBy { get; init; }

    /// <summary>Whether the endpoint source has delivered the Service's state at least once.</summary>
    public required bool Synced { get; init; }

    /// <summary>Whether the Service exists (false when the source says it does not, or before the first state).</summary>
    public required bool Exists { get; init; }

    /// <summary>The version of the Service's state (it grows with each change).</summary>
    public required long StateVersion { get; init; }

    /// <summary>When the last state arrived; <see langword="null"/> before the first.</summary>
    public required DateTimeOffset? LastChange { get; init; }

    /// <summary>The last failure following the Service, until the next state arrives.</summary>
    public required string? LastError { get; init; }

    /// <summary>Each port's endpoints.</summary>
    public required IReadOnlyList<ServicePortDiagnostics> Ports { get; init; }
}

/// <summary>One port of a followed Service and the endpoints behind it.</summary>
public sealed class ServicePortDiagnostics
{
    /// <summary>The port's name (empty for the one unnamed port).</summary>
    public required string Port { get; init; }

    /// <summary>The port's protocol as Kubernetes writes it: <c>TCP</c>, <c>UDP</c> or <c>SCTP</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>What kube-proxy's rules made of the endpoints.</summary>
    public required EndpointSetStatus Status { get; init; }

    /// <summary>Whether outlier detection is in panic (too many ejected: ejections ignored).</summary>
    public required bool Panic { get; init; }

    /// <summary>How many endpoints requests may go to (before ejection).</summary>
    public required int Eligible { get; init; }

    /// <summary>Picks completed on this port since it was first followed.</summary>
    public required long Picks { get; init; }

    /// <summary>Picks completed since <see cref="K8sNetDiagnosticsSnapshot.RecentSince"/>.</summary>
    public required long RecentPicks { get; init; }

    /// <summary>Every endpoint of the port, eligible or not.</summary>
    public required IReadOnlyList<EndpointDiagnostics> Endpoints { get; init; }
}

/// <summary>One endpoint: where it runs, its conditions, and what this process sent it.</summary>
public sealed class EndpointDiagnostics
{
    /// <summary>The pod's IP address.</summary>
    public required string Address { get; init; }

    /// <summary>The target port.</summary>
    public required int Port { get; init; }

    /// <summary>The pod, when the EndpointSlice names it.</summary>
    public required string? Pod { get; init; }

    /// <summary>The node.</summary>
    public required string? Node { get; init; }

    /// <summary>The zone.</summary>
    public required string? Zone { get; init; }

    /// <summary>The EndpointSlice condition <c>ready</c>.</summary>
    public required bool Ready { get; init; }

    /// <summary>The EndpointSlice condition <c>serving</c>.</summary>
    public required bool Serving { get; init; }

    /// <summary>The EndpointSlice condition <c>terminating</c>.</summary>
    public required bool Terminating { get; init; }

    /// <summary>Whether kube-proxy's rules let requests go to it (conditions, topology, traffic policy).</summary>
    public required bool Eligible { get; init; }

    /// <summary>Whether outlier detection has ejected it.</summary>
    public required bool Ejected { get; init; }

    /// <summary>How much longer the ejection lasts; <see langword="null"/> when not ejected.</summary>
    public required TimeSpan? EjectedFor { get; init; }

    /// <summary>Requests in flight.</summary>
    public required int InFlight { get; init; }

    /// <summary>The peak-sensitive latency average (PeakEwma) in milliseconds, as last updated; <see langword="null"/> before the first sample or under another policy.</summary>
    public required double? EwmaMilliseconds { get; init; }

    /// <summary>Requests completed on it since it was first seen.</summary>
    public required long Picks { get; init; }

    /// <summary>Its share of the port's <see cref="ServicePortDiagnostics.Picks"/>, 0 to 1.</summary>
    public required double Share { get; init; }

    /// <summary>Requests completed on it since <see cref="K8sNetDiagnosticsSnapshot.RecentSince"/>.</summary>
    public required long RecentPicks { get; init; }

    /// <summary>Its share of the port's <see cref="ServicePortDiagnostics.RecentPicks"/>, 0 to 1.</summary>
    public required double RecentShare { get; init; }
}
