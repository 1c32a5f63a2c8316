using System.Runtime.CompilerServices;

namespace K8sNet;

/// <summary>
/// What a balancer may consider beyond the endpoints: the request's hash key, endpoints already tried (a retry), and
/// whether health must be ignored (panic).
/// </summary>
public readonly struct PickContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="hashKey">The request's hash key (consistent hashing, stickiness), if any.</param>
    /// <param name="excluded">Endpoints already tried for this request: avoided while another is eligible.</param>
    /// <param name="ignoreHealth">
    /// Pick as if no endpoint were ejected: the set is in panic (too few healthy endpoints), as Envoy's panic threshold.
    /// </param>
    /// <param name="timestamp">
    /// When the attempt starts, as a <see cref="TimeProvider"/> timestamp, read once by the caller and shared with the
    /// policy (PeakEwma's "now" and round-trip start) and the metrics; 0 when not read (a policy that needs the time
    /// reads it itself).
    /// </param>
    public PickContext(ulong? hashKey, IReadOnlyCollection<ServiceEndpoint>? excluded = null, bool ignoreHealth = false, long timestamp = 0)
    {
        HashKey = hashKey;
        Excluded = excluded is { Count: > 0 } ? excluded : null;
        IgnoreHealth = ignoreHealth;
        Timestamp = timestamp;
    }

    /// <summary>A context with no key, nothing excluded, health respected.</summary>
    public static PickContext None => default;

    /// <summary>The request's hash key, if any.</summary>
    public ulong? HashKey { get; }

    /// <summary>Endpoints already tried for this request; <see langword="null"/> when none.</summary>
    public IReadOnlyCollection<ServiceEndpoint>? Excluded { get; }

    /// <summary>Whether to pick as if no endpoint were ejected.</summary>
    public bool IgnoreHealth { get; }

    /// <summary>When the attempt starts (a <see cref="TimeProvider"/> timestamp), or 0 when the caller did not read the clock.</summary>
    public long Timestamp { get; }

    /// <summary>Whether <paramref name="endpoint"/> may be picked on the first try: not ejected (unless in panic) and not already tried.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><see langword="true"/> when the endpoint is a good pick.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsPreferred(ServiceEndpoint endpoint) =>
        (IgnoreHealth || !endpoint.Stats.IsEjected) && (Excluded is null || !IsExcluded(endpoint));

    /// <summary>Whether <paramref name="endpoint"/> was already tried.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><see langword="true"/> when excluded.</returns>
    public bool IsExcluded(ServiceEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (Excluded is null)
        {
            return false;
        }

        foreach (var e in Excluded)
        {
            if (ReferenceEquals(e, endpoint) || string.Equals(e.Key, endpoint.Key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
