namespace K8sNet.Routing;

/// <summary>
/// Passive outlier detection for one Service's endpoints (see <see cref="OutlierDetectionOptions"/>): counts consecutive
/// failures per endpoint, ejects for base time × consecutive ejections (capped), returns ejected endpoints when their
/// time is up (reviewed every <see cref="OutlierDetectionOptions.Interval"/>), and says when a set is in panic.
/// All time comes from the <see cref="TimeProvider"/>.
/// </summary>
internal sealed class OutlierDetector : IDisposable
{
    private readonly OutlierDetectionOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly HashSet<EndpointStats> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly ITimer? _timer;

    /// <summary>Creates a detector.</summary>
    /// <param name="options">The rules.</param>
    /// <param name="timeProvider">The clock.</param>
    public OutlierDetector(OutlierDetectionOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
        if (options.Enabled)
        {
            _timer = timeProvider.CreateTimer(static s => ((OutlierDetector)s!).Review(), this, options.Interval, options.Interval);
        }
    }

    /// <summary>Raised when an endpoint is ejected: the endpoint and how long for.</summary>
    public event Action<ServiceEndpoint, TimeSpan>? Ejected;

    /// <summary>Raised when an ejected endpoint returns.</summary>
    public event Action<EndpointStats>? Returned;

    /// <summary>Records how a request to an endpoint of <paramref name="set"/> ended, ejecting the endpoint if it has now failed too often.</summary>
    /// <param name="set">The set the endpoint was picked from.</param>
    /// <param name="endpoint">The endpoint.</param>
    /// <param name="outcome">How the request ended.</param>
    /// <returns><see langword="true"/> when this report ejected the endpoint.</returns>
    public bool Report(EndpointSet set, ServiceEndpoint endpoint, EndpointOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!_options.Enabled)
        {
            return false;
        }

        var stats = endpoint.Stats;
        switch (outcome)
        {
            case EndpointOutcome.Success:
            case EndpointOutcome.ServerError when !_options.CountServerErrors:
                stats.RecordSuccess();
                return false;
            case EndpointOutcome.Canceled:
                return false;
        }

        if (stats.RecordFailure() < _options.ConsecutiveFailures || stats.IsEjected)
        {
            return false;
        }

        TimeSpan duration;
        lock (_gate)
        {
            if (stats.IsEjected || !MayEject(set))
            {
                return false;
            }

            var multiplier = stats.EjectionCount + 1;
            duration = TimeSpan.FromTicks(Math.Min(_options.BaseEjectionTime.Ticks * multiplier, Math.Max(_options.MaxEjectionTime.Ticks, _options.BaseEjectionTime.Ticks)));
            stats.Eject(_time.GetTimestamp() + (long)(duration.TotalSeconds * _time.TimestampFrequency));
            _tracked.Add(stats);
        }

        Ejected?.Invoke(endpoint, duration);
        return true;
    }

    /// <summary>Whether <paramref name="set"/> is in panic: fewer than the panic threshold of its endpoints are healthy.</summary>
    /// <param name="set">The set.</param>
    /// <returns><see langword="true"/> when balancers should ignore health.</returns>
    public bool IsPanic(EndpointSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (!_options.Enabled || _options.PanicThreshold <= 0 || set.Eligible.IsEmpty)
        {
            return false;
        }

        var healthy = 0;
        foreach (var ep in set.Eligible)
        {
            if (!ep.Stats.IsEjected)
            {
                healthy++;
            }
        }

        return healthy < _options.PanicThreshold * set.Eligible.Length;
    }

    /// <summary>Returns endpoints whose ejection has expired and lowers the multiplier of healthy ones; runs every interval.</summary>
    public void Review()
    {
        var now = _time.GetTimestamp();
        List<EndpointStats>? returned = null;
        lock (_gate)
        {
            foreach (var stats in _tracked.ToArray())
            {
                if (stats.IsEjected)
                {
                    if (now >= stats.EjectedUntilTimestamp)
                    {
                        stats.Uneject();
                        (returned ??= []).Add(stats);
                    }
                }
                else if (stats.DecrementEjectionCount() == 0)
                {
                    _tracked.Remove(stats);
                }
            }
        }

        if (returned is not null && Returned is { } handler)
        {
            foreach (var s in returned)
            {
                handler(s);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer?.Dispose();

    private bool MayEject(EndpointSet set)
    {
        var n = set.Eligible.Length;
        var ejected = 0;
        foreach (var ep in set.Eligible)
        {
            if (ep.Stats.IsEjected)
            {
                ejected++;
            }
        }

        var allowed = Math.Max(1, n * _options.MaxEjectionPercent / 100);
        return ejected < allowed && ejected < n - 1;
    }
}
