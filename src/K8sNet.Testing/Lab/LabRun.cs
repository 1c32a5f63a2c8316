namespace K8sNet.Testing.Lab;

/// <summary>The raw record of one run, handed from the simulation to <see cref="LabResult"/>.</summary>
internal sealed class LabRun
{
    public required long[] Starts { get; init; }

    public required long[] Latencies { get; init; }

    public required LabOutcome[] Outcomes { get; init; }

    public required byte[] AttemptCounts { get; init; }

    public required short[] LastEndpoints { get; init; }

    public required long[] AttemptStarts { get; init; }

    public required short[] AttemptEndpoints { get; init; }

    public int Retries { get; init; }

    public int Ejections { get; init; }

    public int OutstandingAtEnd { get; init; }

    public long LastEnd { get; init; }

    public TimeSpan WallTime { get; init; }
}
