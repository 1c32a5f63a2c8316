namespace K8sNet;

/// <summary>What a balancer may consider beyond the endpoints: a hash key, and endpoints to avoid (a retry).</summary>
public readonly struct PickContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="hashKey">The request's hash key (consistent hashing, stickiness), if any.</param>
    /// <param name="excluded">Endpoints already tried for this request, to avoid when others are eligible.</param>
    public PickContext(ulong? hashKey, IReadOnlyCollection<ServiceEndpoint>? excluded = null)
    {
        HashKey = hashKey;
        Excluded = excluded;
    }

    /// <summary>A context with no key and nothing excluded.</summary>
    public static PickContext None => default;

    /// <summary>The request's hash key, if any.</summary>
    public ulong? HashKey { get; }

    /// <summary>Endpoints already tried for this request; <see langword="null"/> when none.</summary>
    public IReadOnlyCollection<ServiceEndpoint>? Excluded { get; }

    /// <summary>Whether <paramref name="endpoint"/> was already tried.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><see langword="true"/> when excluded.</returns>
    public bool IsExcluded(ServiceEndpoint endpoint)
    {
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
