namespace K8sNet.Gateway.Yaml;

/// <summary>
/// Integers as Go's <c>strconv.ParseInt(s, 0, 64)</c> reads them (go-yaml v2 resolves plain scalars so): an optional
/// sign, then <c>0x</c> hexadecimal, <c>0o</c> or a bare leading <c>0</c> octal, <c>0b</c> binary, or decimal.
/// </summary>
internal static class GoInteger
{
    /// <summary>Reads <paramref name="text"/> (underscores already removed).</summary>
    /// <param name="text">The text.</param>
    /// <param name="negative">Whether a minus sign led.</param>
    /// <param name="magnitude">The value without its sign.</param>
    /// <returns><see langword="false"/> when it is not an integer of 64 bits.</returns>
    public static bool TryParse(ReadOnlySpan<char> text, out bool negative, out ulong magnitude)
    {
        negative = false;
        magnitude = 0;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            negative = text[0] == '-';
            text = text[1..];
        }

        var radix = 10;
        if (text.Length > 1 && text[0] == '0')
        {
            var prefix = char.ToLowerInvariant(text[1]);
            radix = prefix switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 8 };
            text = text[(prefix is 'x' or 'o' or 'b' ? 2 : 1)..];
        }

        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            var digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }

            var next = unchecked((magnitude * (ulong)radix) + (ulong)digit);
            if (magnitude > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return false;
            }

            magnitude = next;
        }

        return true;
    }
}
