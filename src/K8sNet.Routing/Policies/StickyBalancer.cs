using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>
/// Opt-in stickiness by key: a request whose hash key was seen within the timeout goes to the endpoint that key went to
/// last time, while that endpoint stays eligible and healthy; otherwise the inner policy picks and the choice is
/// remembered. Like kube-proxy's ClientIP affinity, but keyed on whatever the request carries.
/// </summary>
internal sealed class StickyBalancer : ILoadBalancer
{
    private readonly ILoadBalancer _inner;
    private readonly TimeProvider _time;
    private readonly long _timeoutTicks;
    private readonly int _maxEntries;
    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();

    /// <summary>Creates the balancer.</summary>
    /// <param name="inner">The policy for keys without a live binding (and requests without a key).</param>
    /// <param name="timeProvider">The clock the timeout runs on.</param>
    /// <param name="timeout">How long a binding lasts after its last use.</param>
    /// <param name="maxEntries">The most bindings kept; expired ones are swept when this is reached.</param>
    public StickyBalancer(ILoadBalancer inner, TimeProvider timeProvider, TimeSpan timeout, int maxEntries = 100_000)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _inner = inner;
        _time = timeProvider;
        _timeoutTicks = (long)(timeout.TotalSeconds * timeProvider.TimestampFrequency);
        _maxEntries = maxEntries;
    }

    /// <inheritdoc />
    public string Name => $"Sticky({_inner.Name})";

    /// <summary>The number of live and expired bindings held.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public EndpointLease Pick(EndpointSet endpoints, in PickContext context)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (context.HashKey is not { } key)
        {
            return _inner.Pick(endpoints, context);
        }

        var now = context.Timestamp != 0 ? context.Timestamp : _time.GetTimestamp(); // the attempt's shared read, when given
        if (_entries.TryGetValue(key, out var entry) && now - Volatile.Read(ref entry.LastUsed) <= _timeoutTicks
            && Find(endpoints.Eligible, Volatile.Read(ref entry.EndpointKey)) is { } bound && context.IsPreferred(bound))
        {
            Volatile.Write(ref entry.LastUsed, now);
            bound.Stats.IncrementOutstanding();
            return new EndpointLease(bound, now, OutstandingTracker.Instance);
        }

        var lease = _inner.Pick(endpoints, context);
        if (lease.Endpoint is null)
        {
            return lease;
        }

        if (_entries.Count >= _maxEntries)
        {
            Sweep(now);
        }

        _entries[key] = new Entry { EndpointKey = lease.Endpoint.Key, LastUsed = now };
        return lease;
    }

    private void Sweep(long now)
    {
        foreach (var (k, e) in _entries)
        {
            if (now - Volatile.Read(ref e.LastUsed) > _timeoutTicks)
            {
                _entries.TryRemove(k, out _);
            }
        }
    }

    // Eligible endpoints are in key order (a subset of the port's sorted endpoints).
    private static ServiceEndpoint? Find(ImmutableArray<ServiceEndpoint> eligible, string key)
    {
        int lo = 0, hi = eligible.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(eligible[mid].Key, key);
            if (c == 0)
            {
                return eligible[mid];
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }

    private sealed class Entry
    {
        public string EndpointKey = string.Empty;
        public long LastUsed;
    }
}
