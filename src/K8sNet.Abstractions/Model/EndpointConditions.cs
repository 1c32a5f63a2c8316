namespace K8sNet;

/// <summary>
/// An EndpointSlice endpoint's conditions exactly as the API carries them: each may be absent (<see langword="null"/>).
/// </summary>
/// <remarks>
/// Consumers apply their own defaults, as upstream does: kube-proxy reads a nil <see cref="Ready"/> and a nil
/// <see cref="Serving"/> as true and a nil <see cref="Terminating"/> as false (<see cref="ProxyReady"/>,
/// <see cref="ProxyServing"/>, <see cref="ProxyTerminating"/>); CoreDNS reads a nil <see cref="Ready"/> as ready.
/// </remarks>
/// <param name="Ready">The raw <c>conditions.ready</c>.</param>
/// <param name="Serving">The raw <c>conditions.serving</c>.</param>
/// <param name="Terminating">The raw <c>conditions.terminating</c>.</param>
public readonly record struct EndpointConditions(bool? Ready, bool? Serving, bool? Terminating)
{
    /// <summary>Conditions of an endpoint that is ready, serving and not terminating, all stated explicitly.</summary>
    public static EndpointConditions ReadyEndpoint { get; } = new(true, true, false);

    /// <summary>Conditions with every field absent (how an older controller or a hand-written slice may look).</summary>
    public static EndpointConditions Unknown { get; } = new(null, null, null);

    /// <summary>kube-proxy's reading of <see cref="Ready"/>: nil counts as ready.</summary>
    public bool ProxyReady => Ready ?? true;

    /// <summary>kube-proxy's reading of <see cref="Serving"/>: nil counts as serving.</summary>
    public bool ProxyServing => Serving ?? true;

    /// <summary>kube-proxy's reading of <see cref="Terminating"/>: nil counts as not terminating.</summary>
    public bool ProxyTerminating => Terminating ?? false;

    /// <inheritdoc />
    public override string ToString() =>
        $"ready={Format(Ready)} serving={Format(Serving)} terminating={Format(Terminating)}";

    private static string Format(bool? value) => value switch { null => "nil", true => "true", false => "false" };
}
