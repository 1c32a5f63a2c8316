using System.Globalization;
using System.Text;

namespace K8sNet.Testing.ApiServer.Protobuf;

/// <summary>Go's <c>time.Duration</c> text (<c>1h0m0s</c>, <c>1.5s</c>, <c>500ms</c>), as metav1.Duration's JSON form uses it.</summary>
internal static class GoDuration
{
    private const long Microsecond = 1_000;
    private const long Millisecond = 1_000_000;
    private const long Second = 1_000_000_000;
    private const long Minute = 60 * Second;
    private const long Hour = 60 * Minute;

    /// <summary>The text of <paramref name="nanoseconds"/>, as Go's <c>Duration.String</c> writes it.</summary>
    public static string Format(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        if (negative)
        {
            sb.Append('-');
        }

        if (u < Second)
        {
            var (unit, scale) = u < Microsecond ? ("ns", 1UL) : u < Millisecond ? ("µs", (ulong)Microsecond) : ("ms", (ulong)Millisecond);
            sb.Append(Decimal(u, scale)).Append(unit);
            return sb.ToString();
        }

        var hours = u / Hour;
        u -= hours * Hour;
        var minutes = u / Minute;
        u -= minutes * Minute;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        sb.Append(Decimal(u, Second)).Append('s');
        return sb.ToString();
    }

    /// <summary>Parses Go duration text (<c>300ms</c>, <c>-1.5h</c>, <c>2h45m</c>).</summary>
    /// <exception cref="ProtoFormatException">The text is not a Go duration.</exception>
    public static long Parse(string text)
    {
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return 0;
        }

        if (s.IsEmpty)
        {
            throw new ProtoFormatException($"time: invalid duration \"{text}\"");
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var n = 0;
            while (n < s.Length && (char.IsAsciiDigit(s[n]) || s[n] == '.'))
            {
                n++;
            }

            var u = n;
            while (u < s.Length && !char.IsAsciiDigit(s[u]) && s[u] != '.')
            {
                u++;
            }

            if (n == 0 || !decimal.TryParse(s[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                throw new ProtoFormatException($"time: invalid duration \"{text}\"");
            }

            long unit = s[n..u] switch
            {
                "ns" => 1,
                "us" or "µs" or "μs" => Microsecond,
                "ms" => Millisecond,
                "s" => Second,
                "m" => Minute,
                "h" => Hour,
                _ => throw new ProtoFormatException($"time: unknown unit \"{s[n..u].ToString()}\" in duration \"{text}\""),
            };
            total += value * unit;
            s = s[u..];
        }

        return (long)(negative ? -total : total);
    }

    private static string Decimal(ulong value, ulong scale)
    {
        var whole = value / scale;
        var fraction = value % scale;
        if (fraction == 0)
        {
            return whole.ToString(CultureInfo.InvariantCulture);
        }

        var digits = scale.ToString(CultureInfo.InvariantCulture).Length - 1;
        var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return $"{whole.ToString(CultureInfo.InvariantCulture)}.{text}";
    }
}
