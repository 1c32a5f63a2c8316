namespace K8sNet.Testing.Lab;

/// <summary>One simulated request, as recorded.</summary>
/// <param name="Start">When it was sent, from the start of the run.</param>
/// <param name="Latency">How long until its caller had the outcome (queueing, retries and all).</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Attempts">How many endpoints it was sent to (1 without retries; 0 when none was eligible).</param>
/// <param name="Endpoint">The endpoint of its last attempt; <see langword="null"/> when it was not sent.</param>
public readonly record struct LabRequestRecord(TimeSpan Start, TimeSpan Latency, LabOutcome Outcome, int Attempts, string? Endpoint);
