namespace K8sNet.Routing;

/// <summary>
/// A per-thread xorshift64* generator for balancer picks: a few instructions, no locks, no allocation. Not for anything
/// that needs unpredictability.
/// </summary>
internal static class FastRandom
{
    [ThreadStatic]
    private static ulong t_state;

    /// <summary>A value in [0, <paramref name="maxExclusive"/>).</summary>
    public static int Next(int maxExclusive)
    {
        var x = t_state;
        if (x == 0)
        {
            x = (ulong)Random.Shared.NextInt64() | 1;
        }

        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        t_state = x;
        var r = (uint)((x * 0x2545F4914F6CDD1DUL) >> 32);
        return (int)(((ulong)r * (uint)maxExclusive) >> 32); // Lemire's multiply-shift reduction
    }
}
