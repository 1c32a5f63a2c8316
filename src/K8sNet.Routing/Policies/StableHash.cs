using System.Text;

namespace K8sNet.Routing;

/// <summary>
/// A stable 64-bit hash (FNV-1a over UTF-8, then the SplitMix64 finaliser) for hash keys: the same key hashes the same
/// in every process and on every run, so clients agree on where a key goes.
/// </summary>
internal static class StableHash
{
    /// <summary>Hashes a string.</summary>
    /// <param name="value">The key.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Hash(value.AsSpan());
    }

    /// <summary>Hashes characters (as their UTF-8 encoding).</summary>
    /// <param name="value">The key.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(ReadOnlySpan<char> value)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var h = offset;
        Span<byte> buffer = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            var written = rune.EncodeToUtf8(buffer);
            for (var i = 0; i < written; i++)
            {
                h = (h ^ buffer[i]) * prime;
            }
        }

        return Mix(h);
    }

    /// <summary>Hashes bytes.</summary>
    /// <param name="value">The key.</param>
    /// <returns>The hash.</returns>
    public static ulong Hash(ReadOnlySpan<byte> value)
    {
        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var h = offset;
        foreach (var b in value)
        {
            h = (h ^ b) * prime;
        }

        return Mix(h);
    }

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static ulong Hash(string value, ulong seed) => Hash(Encoding.UTF8.GetBytes(value)) ^ Mix(seed);
}
