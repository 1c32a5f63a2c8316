namespace K8sNet.Kubernetes;

/// <summary>
/// client-go's reflector backoff: from <see cref="KubernetesEndpointSourceOptions.InitialBackoff"/> doubling to
/// <see cref="KubernetesEndpointSourceOptions.MaxBackoff"/>, each delay jittered up to twice its base (capped at the
/// maximum), starting over after <see cref="KubernetesEndpointSourceOptions.BackoffReset"/> without a failure. A
/// server's Retry-After is a floor.
/// </summary>
internal sealed class Backoff(KubernetesEndpointSourceOptions options, TimeProvider time)
{
    private TimeSpan _next = options.InitialBackoff;
    private DateTimeOffset? _lastFailure;

    public TimeSpan Next(TimeSpan? retryAfter)
    {
        var now = time.GetUtcNow();
        if (_lastFailure is { } last && now - last > options.BackoffReset)
        {
            _next = options.InitialBackoff;
        }

        _lastFailure = now;
        var baseDelay = _next;
        _next = TimeSpan.FromTicks(Math.Min(options.MaxBackoff.Ticks, _next.Ticks * 2));
        var jittered = TimeSpan.FromTicks(Math.Min(options.MaxBackoff.Ticks, (long)(baseDelay.Ticks * (1 + Random.Shared.NextDouble()))));
        return retryAfter is { } floor && floor > jittered ? floor : jittered;
    }

    public void Succeeded()
    {
        if (_lastFailure is { } last && time.GetUtcNow() - last > options.BackoffReset)
        {
            _next = options.InitialBackoff;
            _lastFailure = null;
        }
    }
}
