using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>
/// Consistent hashing with Maglev (Eisenbud et al., NSDI 2016; Envoy's <c>MAGLEV</c>): a lookup table of a prime size
/// (65537 by default) filled from each endpoint's permutation, so a key maps to an endpoint in O(1). When one of N
/// endpoints leaves, about 1/N of keys move to other endpoints plus a small share of reshuffling — Maglev's bound is
/// about 2/N, against ring hashing's 1/N, in exchange for an even spread and a fast pick.
/// </summary>
/// <remarks>
/// Endpoints are identified by their <c>ip:port</c> key, so every client builds the same table for the same endpoints.
/// A request without a hash key gets a random endpoint. When the key's endpoint is ejected or already tried, the table
/// is walked forward to the next preferred endpoint (a rehash, as Envoy does). The table is built on the first pick after
/// the set changes.
/// </remarks>
internal sealed class MaglevBalancer : LoadBalancer
{
    private readonly int _tableSize;
    private Table? _table;

    /// <summary>Creates the balancer.</summary>
    /// <param name="options">The table size; defaults when <see langword="null"/>.</param>
    /// <param name="random">The random source for requests without a key.</param>
    public MaglevBalancer(ConsistentHashOptions? options = null, Random? random = null)
        : base(random)
    {
        _tableSize = options?.TableSize ?? 65537;
        if (_tableSize < 3 || !IsPrime(_tableSize))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _tableSize, "The Maglev table size must be a prime of at least 3.");
        }
    }

    /// <inheritdoc />
    public override string Name => nameof(LoadBalancingPolicy.ConsistentHash);

    /// <inheritdoc />
    protected override EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context)
    {
        var n = eligible.Length;
        ServiceEndpoint ep;
        if (context.HashKey is not { } key)
        {
            var index = n == 1 ? 0 : NextRandom(n);
            ep = eligible[index];
            if (!context.IsPreferred(ep))
            {
                ep = Fallback(eligible, index, context);
            }
        }
        else
        {
            var table = GetTable(endpoints);
            var slot = (int)(key % (ulong)table.Entries.Length);
            ep = eligible[table.Entries[slot]];
            if (!context.IsPreferred(ep))
            {
                ep = Rehash(eligible, table, slot, context);
            }
        }

        return new EndpointLease(ep, 0, null);
    }

    /// <summary>The endpoint a key maps to in a set, ignoring health (for tests and diagnostics).</summary>
    /// <param name="endpoints">The set.</param>
    /// <param name="hashKey">The key's hash.</param>
    /// <returns>The endpoint, or <see langword="null"/> when the set is empty.</returns>
    public ServiceEndpoint? Lookup(EndpointSet endpoints, ulong hashKey)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Eligible.IsEmpty)
        {
            return null;
        }

        var table = GetTable(endpoints);
        return endpoints.Eligible[table.Entries[(int)(hashKey % (ulong)table.Entries.Length)]];
    }

    private static ServiceEndpoint Rehash(ImmutableArray<ServiceEndpoint> eligible, Table table, int slot, in PickContext context)
    {
        var entries = table.Entries;
        for (var k = 1; k < entries.Length; k++)
        {
            var ep = eligible[entries[(slot + k) % entries.Length]];
            if (context.IsPreferred(ep))
            {
                return ep;
            }
        }

        return Fallback(eligible, entries[slot], context);
    }

    private Table GetTable(EndpointSet set)
    {
        var table = Volatile.Read(ref _table);
        if (table is not null && ReferenceEquals(table.Set, set))
        {
            return table;
        }

        table = Build(set, _tableSize);
        Volatile.Write(ref _table, table);
        return table;
    }

    private static Table Build(EndpointSet set, int m)
    {
        var eligible = set.Eligible;
        var n = eligible.Length;
        var entries = new int[m];
        Array.Fill(entries, -1);
        var offset = new int[n];
        var skip = new int[n];
        var next = new int[n];
        for (var i = 0; i < n; i++)
        {
            var h1 = StableHash.Hash(eligible[i].Key, 0xA5A5A5A5UL);
            var h2 = StableHash.Hash(eligible[i].Key, 0x5A5A5A5AUL);
            offset[i] = (int)(h1 % (ulong)m);
            skip[i] = (int)(h2 % (ulong)(m - 1)) + 1;
        }

        var filled = 0;
        while (true)
        {
            for (var i = 0; i < n; i++)
            {
                int c;
                do
                {
                    c = (int)((offset[i] + ((long)next[i] * skip[i])) % m);
                    next[i]++;
                }
                while (entries[c] >= 0);

                entries[c] = i;
                if (++filled == m)
                {
                    return new Table(set, entries);
                }
            }
        }
    }

    private static bool IsPrime(int value)
    {
        for (var d = 2; (long)d * d <= value; d++)
        {
            if (value % d == 0)
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Table(EndpointSet Set, int[] Entries);

}
