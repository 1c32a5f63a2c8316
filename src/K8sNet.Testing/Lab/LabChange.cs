namespace K8sNet.Testing.Lab;

/// <summary>
/// A change to the Service's endpoints during a run (a scale event, a pod turning unready): published through the
/// endpoint source, so the routing core sees it as it would a watch event.
/// </summary>
public sealed record LabChange
{
    private LabChange(TimeSpan at, LabEndpoint? added, string? name, bool? ready)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(at, TimeSpan.Zero);
        At = at;
        Added = added;
        Name = name ?? added!.Name;
        Ready = ready;
    }

    /// <summary>When, from the start of the run.</summary>
    public TimeSpan At { get; }

    /// <summary>The endpoint added, for a scale-up.</summary>
    public LabEndpoint? Added { get; }

    /// <summary>The endpoint changed.</summary>
    public string Name { get; }

    /// <summary>Its readiness after the change; <see langword="null"/> when it is removed (or added).</summary>
    public bool? Ready { get; }

    /// <summary>Whether the endpoint is removed (its requests in flight still finish).</summary>
    public bool Removes => Added is null && Ready is null;

    /// <summary>Adds <paramref name="endpoint"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="endpoint">The new endpoint.</param>
    /// <returns>The change.</returns>
    public static LabChange Add(TimeSpan at, LabEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new(at, endpoint, null, null);
    }

    /// <summary>Removes the endpoint named <paramref name="name"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="name">Which.</param>
    /// <returns>The change.</returns>
    public static LabChange Remove(TimeSpan at, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(at, null, name, null);
    }

    /// <summary>Sets the readiness of the endpoint named <paramref name="name"/> at <paramref name="at"/>.</summary>
    /// <param name="at">When.</param>
    /// <param name="name">Which.</param>
    /// <param name="ready">Ready or not.</param>
    /// <returns>The change.</returns>
    public static LabChange SetReady(TimeSpan at, string name, bool ready)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new(at, null, name, ready);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"at {At.TotalSeconds:0.###} s: " + (Added is not null ? $"add {Name}" : Ready is { } r ? $"{Name} {(r ? "ready" : "not ready")}" : $"remove {Name}");
}
