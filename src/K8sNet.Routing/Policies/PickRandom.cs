using System.Runtime.CompilerServices;

namespace K8sNet.Routing;

/// <summary>
/// The random draws of the pick path: a per-thread SplitMix64 (no lock, no virtual call: about a third of
/// <see cref="Random.Shared"/>'s cost), or the caller's <see cref="Random"/> when one was given (seeded tests). Indices come
/// from the high bits by multiply-shift (Lemire), whose bias below 2⁻³² · n is far under any balancing effect.
/// </summary>
internal static class PickRandom
{
    [ThreadStatic]
    private static ulong t_state;

    /// <summary>An index in [0, <paramref name="n"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(Random? random, int n) =>
        random is null ? (int)(((ulong)(uint)(Next() >> 32) * (uint)n) >> 32) : random.Next(n);

    /// <summary>Two distinct indices in [0, <paramref name="n"/>), <paramref name="n"/> at least 2, from one draw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (int First, int Second) TwoIndices(Random? random, int n)
    {
        int i, j;
        if (random is null)
        {
            var r = Next();
            i = (int)(((ulong)(uint)(r >> 32) * (uint)n) >> 32);
            j = (int)(((ulong)(uint)r * (uint)(n - 1)) >> 32);
        }
        else
        {
            i = random.Next(n);
            j = random.Next(n - 1);
        }

        // j over the n - 1 others: skip i.
        return (i, j >= i ? j + 1 : j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Next()
    {
        var s = t_state;
        if (s == 0)
        {
            s = Seed();
        }

        s += 0x9E3779B97F4A7C15UL;
        t_state = s;
        var z = s;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Seed() => (ulong)Random.Shared.NextInt64() | 1;
}
