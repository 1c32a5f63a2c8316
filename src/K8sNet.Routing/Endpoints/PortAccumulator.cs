namespace K8sNet.Routing;

/// <summary>
/// The endpoints of one Service port gathered from every slice, de-duplicated as kube-proxy's EndpointSliceCache does,
/// kept sorted by key. Updated one slice at a time: O(that slice) plus one copy of the array.
/// </summary>
internal sealed class PortAccumulator
{
    private readonly Dictionary<string, List<Contribution>> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (EndpointStats Stats, EndpointTargetRef? Pod)> _stats = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private ServiceEndpoint[] _sorted = [];

    public ServiceEndpoint[] Sorted => _sorted;

    /// <summary>Counts over the ready endpoints of <see cref="Sorted"/>, for the topology mode.</summary>
    public ReadySummary Summary { get; } = new();

    public bool IsDirty => _dirty.Count > 0;

    /// <summary>
    /// The statistics (outstanding requests, EWMA, ejection) of the endpoint at <paramref name="key"/>, when it is still
    /// the same pod: a new pod that reuses an address starts afresh instead of inheriting the old one's ejection.
    /// </summary>
    public EndpointStats? StatsFor(string key, EndpointTargetRef? pod) =>
        _stats.TryGetValue(key, out var entry) && Equals(entry.Pod, pod) ? entry.Stats : null;

    public void Remove(string slice, ServiceEndpoint?[] endpoints)
    {
        foreach (var ep in endpoints)
        {
            if (ep is null || !_byKey.TryGetValue(ep.Key, out var list))
            {
                continue;
            }

            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (string.Equals(list[i].Slice, slice, StringComparison.Ordinal))
                {
                    list.RemoveAt(i);
                }
            }

            if (list.Count == 0)
            {
                _byKey.Remove(ep.Key);
            }

            _dirty.Add(ep.Key);
        }
    }

    /// <summary>
    /// Replaces a slice's contributions: positions whose endpoint object is unchanged are left alone, so an update that
    /// changes one endpoint touches one key.
    /// </summary>
    public void Replace(string slice, ServiceEndpoint?[] before, ServiceEndpoint?[] after)
    {
        var n = Math.Max(before.Length, after.Length);
        for (var i = 0; i < n; i++)
        {
            var b = i < before.Length ? before[i] : null;
            var a = i < after.Length ? after[i] : null;
            if (ReferenceEquals(a, b))
            {
                continue;
            }

            if (b is not null)
            {
                RemoveAt(slice, b.Key, i);
            }

            if (a is not null)
            {
                AddAt(slice, a, i);
            }
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

            AddAt(slice, ep, i);
        }
    }

    private void AddAt(string slice, ServiceEndpoint ep, int index)
    {
        if (!_byKey.TryGetValue(ep.Key, out var list))
        {
            list = new List<Contribution>(1);
            _byKey[ep.Key] = list;
        }

        // Keep contributions in the order kube-proxy would see them: slices by name, endpoints by position.
        var c = new Contribution(slice, index, ep);
        var at = list.Count;
        while (at > 0 && Compare(list[at - 1], c) > 0)
        {
            at--;
        }

        list.Insert(at, c);
        _dirty.Add(ep.Key);
    }

    private void RemoveAt(string slice, string key, int index)
    {
        if (!_byKey.TryGetValue(key, out var list))
        {
            return;
        }

        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i].Index == index && string.Equals(list[i].Slice, slice, StringComparison.Ordinal))
            {
                list.RemoveAt(i);
                break;
            }
        }

        if (list.Count == 0)
        {
            _byKey.Remove(key);
        }

        _dirty.Add(key);
    }

    /// <summary>Applies pending changes to <see cref="Sorted"/>: one pass over the changed keys, one copy of the array.</summary>
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
        var positions = new int[dirty.Length];
        var winners = new ServiceEndpoint?[dirty.Length];
        var length = old.Length;
        var changed = false;
        for (var k = 0; k < dirty.Length; k++)
        {
            var at = BinarySearch(old, dirty[k]);
            var winner = Winner(dirty[k]);
            positions[k] = at;
            winners[k] = winner;
            if (at >= 0)
            {
                if (!ReferenceEquals(winner, old[at]))
                {
                    changed = true;
                    Summary.Add(old[at], -1);
                    if (winner is not null)
                    {
                        Summary.Add(winner, +1);
                    }
                }

                length -= winner is null ? 1 : 0;
            }
            else if (winner is not null)
            {
                changed = true;
                Summary.Add(winner, +1);
                length++;
            }

            if (winner is not null)
            {
                _stats[dirty[k]] = (winner.Stats, winner.Source.TargetRef);
            }
            else
            {
                _stats.Remove(dirty[k]);
            }
        }

        if (!changed)
        {
            return false;
        }

        var result = new ServiceEndpoint[length];
        var copied = 0;
        var written = 0;
        for (var k = 0; k < dirty.Length; k++)
        {
            var at = positions[k];
            var insertAt = at >= 0 ? at : ~at;
            if (insertAt > copied)
            {
                Array.Copy(old, copied, result, written, insertAt - copied);
                written += insertAt - copied;
                copied = insertAt;
            }

            if (at >= 0)
            {
                copied = at + 1;
            }

            if (winners[k] is { } w)
            {
                result[written++] = w;
            }
        }

        if (copied < old.Length)
        {
            Array.Copy(old, copied, result, written, old.Length - copied);
        }

        _sorted = result;
        return true;
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
