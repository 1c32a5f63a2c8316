namespace K8sNet.Testing.Lab;

/// <summary>What happens at one instant of a simulation.</summary>
internal enum LabEventKind
{
    /// <summary>An open-loop client sends its next request.</summary>
    Arrival,

    /// <summary>A closed-loop worker sends its next request.</summary>
    WorkerSends,

    /// <summary>An endpoint finishes an attempt.</summary>
    AttemptEnds,

    /// <summary>A request's timeout expires.</summary>
    Timeout,

    /// <summary>The scenario changes the Service's endpoints.</summary>
    Change,

    /// <summary>A timer on the virtual clock fires.</summary>
    Timer,
}

/// <summary>One scheduled event: its kind, what it is about, and a number (an index, a timer's generation).</summary>
internal readonly record struct LabEvent(LabEventKind Kind, object? Target, long Value)
{
    public static LabEvent ForTimer(object timer, long generation) => new(LabEventKind.Timer, timer, generation);
}
