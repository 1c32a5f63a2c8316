namespace K8sNet.Routing;

/// <summary>The Service a URI's candidates led to (<see cref="ServiceRouterPool.FindAsync"/>).</summary>
/// <param name="Status">What was found.</param>
/// <param name="Router">The found Service's router; the first candidate's when none exists; the one that did not sync.</param>
/// <param name="State">The Service's state (<see langword="null"/> when not synced).</param>
/// <param name="CandidateIndex">The candidate's index in search order.</param>
public sealed record ServiceLookup(ServiceLookupStatus Status, ServiceRouter Router, ServiceState? State, int CandidateIndex);
