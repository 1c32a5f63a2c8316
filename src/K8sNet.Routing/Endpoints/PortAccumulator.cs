namespace K8sNet.Routing;

/// <summary>
/// The endpoints of one Service port gathered from every slice, de-duplicated as kube-proxy's EndpointSliceCache does,
/// kept sorted by key. Updated one slice at a time: O(that slice) plus one copy of the array.
/// </summary>
internal sealed class PortAccumulator
{
    private readonly Dictionary<string, List<Contribution>> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointStats> _stats = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private ServiceEndpoint[] _sorted = [];

    public ServiceEndpoint[] Sorted => _sorted;

    public bool IsDirty => _dirty.Count > 0;

    public EndpointStats? StatsFor(string key) => _stats.GetValueOrDefault(key);

    public void Remove(string slice, ServiceEndpoint?[] endpoints)
    {
        foreach (var ep in endpoints)
        {
            if (ep is null || !_byKey.TryGetValue(ep.Key, out var list))
            {
                continue;
            }

            list.RemoveAll(c => string.Equals(c.Slice, slice, StringComparison.Ordinal));
            if (list.Count == 0)
            {
                _byKey.Remove(ep.Key);
            }

            _dirty.Add(ep.Key);
        }
    }

    public void Add(string slice, ServiceEndpoint?[] endpoints)
    {
        for (var i = 0; i < endpoints.Length; i++)
        {
            var ep = endpoints[i];
            if (ep is null)
            {
                continue;
            }

            if (!_byKey.TryGetValue(ep.Key, out var list))
            {
                list = new List<Contribution>(1);
                _byKey[ep.Key] = list;
            }

            // Keep contributions in the order kube-proxy would see them: slices by name, endpoints by position.
            var c = new Contribution(slice, i, ep);
            var at = list.Count;
            while (at > 0 && Compare(list[at - 1], c) > 0)
            {
                at--;
            }

            list.Insert(at, c);
            _dirty.Add(ep.Key);
        }
    }

    /// <summary>Applies pending changes to <see cref="Sorted"/>.</summary>
    /// <returns>Whether the sorted endpoints changed.</returns>
    public bool Flush()
    {
        if (_dirty.Count == 0)
        {
            return false;
        }

        var dirty = new string[_dirty.Count];
        _dirty.CopyTo(dirty);
        _dirty.Clear();
        Array.Sort(dirty, StringComparer.Ordinal);

        var old = _sorted;
        var result = new List<ServiceEndpoint>(old.Length + dirty.Length);
        var changed = false;
        var copied = 0;
        foreach (var key in dirty)
        {
            var at = BinarySearch(old, key);
            var insertAt = at >= 0 ? at : ~at;
            if (insertAt > copied)
            {
                result.AddRange(new ArraySegment<ServiceEndpoint>(old, copied, insertAt - copied));
                copied = insertAt;
            }

            var winner = Winner(key);
            if (at >= 0)
            {
                copied = at + 1;
                changed |= !ReferenceEquals(winner, old[at]);
            }
            else
            {
                changed |= winner is not null;
            }

            if (winner is not null)
            {
                result.Add(winner);
                _stats[key] = winner.Stats;
            }
            else
            {
                _stats.Remove(key);
            }
        }

        if (copied < old.Length)
        {
            result.AddRange(new ArraySegment<ServiceEndpoint>(old, copied, old.Length - copied));
        }

        if (changed)
        {
            _sorted = [.. result];
        }

        return changed;
    }

    // kube-proxy: the first endpoint seen for a key is kept unless a later one is not terminating. Equivalently, the
    // last non-terminating contribution wins; with none, the first.
    private ServiceEndpoint? Winner(string key)
    {
        if (!_byKey.TryGetValue(key, out var list) || list.Count == 0)
        {
            return null;
        }

        for (var i = list.Count - 1; i > 0; i--)
        {
            if (!list[i].Endpoint.IsTerminating)
            {
                return list[i].Endpoint;
            }
        }

        return list[0].Endpoint;
    }

    private static int BinarySearch(ServiceEndpoint[] sorted, string key)
    {
        int lo = 0, hi = sorted.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(sorted[mid].Key, key);
            if (c == 0)
            {
                return mid;
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

        return ~lo;
    }

    private static int Compare(Contribution a, Contribution b)
    {
        var c = string.CompareOrdinal(a.Slice, b.Slice);
        return c != 0 ? c : a.Index.CompareTo(b.Index);
    }

    private readonly record struct Contribution(string Slice, int Index, ServiceEndpoint Endpoint);
}
