using System.Globalization;
using System.Numerics;

namespace K8sNet.Testing.Cluster;

/// <summary>How a quantity is written: its suffix family (apimachinery's <c>resource.Format</c>).</summary>
internal enum QuantityFormat
{
    /// <summary>Decimal SI suffixes: <c>n u m "" k M G T P E</c>.</summary>
    DecimalSI,

    /// <summary>Binary suffixes: <c>Ki Mi Gi Ti Pi Ei</c>.</summary>
    BinarySI,

    /// <summary>A decimal exponent: <c>1e3</c>.</summary>
    DecimalExponent,
}

/// <summary>
/// A Kubernetes quantity as apimachinery's <c>resource.Quantity</c> reads and writes it: parsed exactly (the value is
/// <see cref="Mantissa"/> × 10^<see cref="Exponent"/>), rounded up to 1n when finer, binary values capped at 2^63-1, and
/// written back in canonical form (<c>1000m</c> → <c>1</c>, <c>0.5</c> → <c>500m</c>, <c>1.5Gi</c> → <c>1536Mi</c>) unless
/// the text was already canonical, in which case it is kept as sent, as upstream keeps it (<c>+1</c> stays <c>+1</c>).
/// </summary>
/// <remarks>
/// Nothing here raises 10 to a caller-chosen power: exponents come from the text (<c>1e2000000000</c> is a quantity), so
/// comparisons settle by order of magnitude first and only align exponents that differ by at most the digits written.
/// </remarks>
internal readonly struct ResourceQuantity : IComparable<ResourceQuantity>
{
    /// <summary>resource.ErrFormatWrong.</summary>
    public const string FormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    /// <summary>resource.ErrNumeric.</summary>
    public const string Numeric = "unable to parse numeric part of quantity";

    /// <summary>resource.ErrSuffix.</summary>
    public const string Suffix = "unable to parse quantity's suffix";

    private const int Nano = -9;
    private static readonly BigInteger MaxBinary = long.MaxValue;

    private readonly string? _text; // the caller's text, when it was canonical already

    private ResourceQuantity(BigInteger mantissa, long exponent, QuantityFormat format, string? text)
    {
        Mantissa = mantissa;
        Exponent = exponent;
        Format = format;
        _text = text;
    }

    /// <summary>The value's digits, signed: the value is <see cref="Mantissa"/> × 10^<see cref="Exponent"/>.</summary>
    public BigInteger Mantissa { get; }

    /// <summary>The value's power of ten.</summary>
    public long Exponent { get; }

    /// <summary>How the value is written back.</summary>
    public QuantityFormat Format { get; }

    /// <summary>-1, 0 or 1.</summary>
    public int Sign => Mantissa.Sign;

    /// <summary>Parses <paramref name="text"/> as resource.ParseQuantity does; throws <see cref="FormatException"/> with upstream's error.</summary>
    public static ResourceQuantity Parse(string text) =>
        TryParse(text, out var quantity, out var error) ? quantity : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/> as resource.ParseQuantity does; <paramref name="error"/> is upstream's error text.</summary>
    public static bool TryParse(string text, out ResourceQuantity quantity, out string? error)
    {
        quantity = default;
        error = FormatWrong;
        if (text.Length == 0)
        {
            return false;
        }

        if (text == "0")
        {
            quantity = new(BigInteger.Zero, 0, QuantityFormat.DecimalSI, text);
            error = null;
            return true;
        }

        if (!Split(text, out var positive, out var value, out var num, out var denom, out var suffix))
        {
            return false;
        }

        if (!Interpret(suffix, out var binary, out var exponent, out var format))
        {
            error = Suffix;
            return false;
        }

        error = null;

        // The fast path: the digits fit an int64 at a scale no finer than nano. When the text is already canonical,
        // upstream keeps it as it came.
        long precision;
        long scale = 0;
        var multiplier = 1L;
        if (!binary)
        {
            scale = exponent;
            precision = 18 - (num.Length + denom.Length);
        }
        else if (exponent >= 0 && denom.Length == 0)
        {
            multiplier = 1L << (int)exponent;
            precision = 15 - num.Length - (int)((float)exponent * 3 / 10) - 1;
        }
        else
        {
            precision = -1;
        }

        if (precision >= 0 && scale - denom.Length >= Nano)
        {
            scale -= denom.Length;
            var shifted = num + denom;
            var digits = long.Parse(shifted, NumberStyles.None, CultureInfo.InvariantCulture);
            if (TryMultiply(digits, multiplier, out var result))
            {
                var canonical = format == QuantityFormat.BinarySI
                    ? exponent % 10 == 0 && (digits & 0x07) != 0
                    : scale % 3 == 0 && !shifted.EndsWith("000", StringComparison.Ordinal) && shifted[0] != '0';
                quantity = new(positive ? result : -(BigInteger)result, scale, format, canonical ? text : null);
                return true;
            }
        }

        // The exact path: any number of digits, rounded up (away from zero) to 1n.
        var unsigned = value.TrimStart('+', '-');
        if (!unsigned.Any(char.IsAsciiDigit))
        {
            error = Numeric;
            return false;
        }

        var magnitude = BigInteger.Parse(num + denom, NumberStyles.None, CultureInfo.InvariantCulture);
        long power = -denom.Length;
        if (binary)
        {
            magnitude <<= (int)exponent;
        }
        else
        {
            power += exponent;
        }

        if (!magnitude.IsZero && power < Nano)
        {
            var drop = Nano - power;
            if (drop > Digits(magnitude))
            {
                magnitude = BigInteger.One;
            }
            else
            {
                magnitude = BigInteger.DivRem(magnitude, BigInteger.Pow(10, (int)drop), out var rest) + (rest.IsZero ? 0 : 1);
            }

            power = Nano;
        }

        var amount = new ResourceQuantity(magnitude, power, format, null);
        if (format == QuantityFormat.BinarySI && amount.CompareTo(FromInteger(MaxBinary)) > 0)
        {
            amount = new(MaxBinary, 0, format, null);
        }

        if (format == QuantityFormat.BinarySI && amount.Sign > 0 && amount.CompareTo(FromInteger(1)) < 0)
        {
            format = QuantityFormat.DecimalSI; // "this avoids rounding and hopefully confusion"
        }

        quantity = new(positive ? amount.Mantissa : -amount.Mantissa, amount.Exponent, format, null);
        return true;
    }

    /// <summary>An integer quantity.</summary>
    public static ResourceQuantity FromInteger(BigInteger value, QuantityFormat format = QuantityFormat.DecimalSI) => new(value, 0, format, null);

    /// <summary>The quantity <paramref name="mantissa"/> × 10^<paramref name="exponent"/>, written in <paramref name="format"/>.</summary>
    public static ResourceQuantity Create(BigInteger mantissa, long exponent, QuantityFormat format) => new(mantissa, exponent, format, null);

    /// <summary>The text upstream writes: the caller's when it was canonical, else the canonical form.</summary>
    public override string ToString() => _text ?? Canonical();

    /// <summary>The canonical form (CanonicalizeBytes): the largest suffix that keeps the value exact, no fraction, no plus sign.</summary>
    public string Canonical()
    {
        if (Mantissa.IsZero)
        {
            return "0";
        }

        var format = Format;
        var integer = BigInteger.Zero;
        if (format == QuantityFormat.BinarySI)
        {
            if (CompareTo(FromInteger(-1024)) > 0 && CompareTo(FromInteger(1024)) < 0)
            {
                format = QuantityFormat.DecimalSI;
            }
            else if (!TryInteger(out integer))
            {
                format = QuantityFormat.DecimalSI; // don't lose precision
            }
        }

        if (format == QuantityFormat.BinarySI)
        {
            var powers = 0;
            while (!integer.IsZero && (integer % 1024).IsZero)
            {
                integer /= 1024;
                powers++;
            }

            var binarySuffix = powers switch { 1 => "Ki", 2 => "Mi", 3 => "Gi", 4 => "Ti", 5 => "Pi", 6 => "Ei", _ => string.Empty };
            return integer.ToString(CultureInfo.InvariantCulture) + binarySuffix;
        }

        var mantissa = Mantissa;
        var exponent = Exponent;
        while ((mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }

        var lower = ((exponent % 3) + 3) % 3; // down to a multiple of 3
        mantissa *= lower == 0 ? 1 : lower == 1 ? 10 : 100;
        exponent -= lower;
        var suffix = format == QuantityFormat.DecimalExponent
            ? exponent == 0 ? string.Empty : "e" + exponent.ToString(CultureInfo.InvariantCulture)
            : exponent switch
            {
                -9 => "n", -6 => "u", -3 => "m", 3 => "k", 6 => "M", 9 => "G", 12 => "T", 15 => "P", 18 => "E",
                _ => string.Empty, // upstream's suffix table has nothing past E and writes none
            };
        return mantissa.ToString(CultureInfo.InvariantCulture) + suffix;
    }

    /// <summary>Whether the value is whole (MilliValue() % 1000 == 0 for the sizes that matter).</summary>
    public bool IsInteger => Exponent >= 0 || (Mantissa % BigInteger.Pow(10, (int)Math.Min(-Exponent, 40))).IsZero;

    /// <summary>The value rounded up (away from zero) to a whole number, as Quantity.Value() rounds it.</summary>
    public BigInteger CeilingInteger()
    {
        if (Exponent >= 0)
        {
            return Exponent > 40 ? BigInteger.Pow(10, 40) * Mantissa.Sign : Mantissa * BigInteger.Pow(10, (int)Exponent); // far past int64: capped
        }

        var quotient = BigInteger.DivRem(Mantissa, BigInteger.Pow(10, (int)Math.Min(-Exponent, 40)), out var rest);
        return rest.IsZero ? quotient : quotient + Mantissa.Sign;
    }

    /// <summary>The sum of two quantities, in this one's format (Quantity.Add).</summary>
    public ResourceQuantity Add(ResourceQuantity other)
    {
        if (Mantissa.IsZero)
        {
            return new(other.Mantissa, other.Exponent, other.Format, null);
        }

        var exponent = Math.Min(Exponent, other.Exponent);
        if (Math.Max(Exponent, other.Exponent) - exponent > 60)
        {
            return CompareTo(other) >= 0 ? this : other; // a sum this lopsided is not a resource amount
        }

        var sum = (Mantissa * BigInteger.Pow(10, (int)(Exponent - exponent))) + (other.Mantissa * BigInteger.Pow(10, (int)(other.Exponent - exponent)));
        return new(sum, exponent, Format, null);
    }

    /// <inheritdoc/>
    public int CompareTo(ResourceQuantity other)
    {
        if (Sign != other.Sign)
        {
            return Sign.CompareTo(other.Sign);
        }

        if (Sign == 0)
        {
            return 0;
        }

        // Same sign: compare magnitudes by their order first (digits + exponent), aligning only when it is the same.
        var order = Digits(BigInteger.Abs(Mantissa)) + Exponent;
        var otherOrder = Digits(BigInteger.Abs(other.Mantissa)) + other.Exponent;
        int byMagnitude;
        if (order != otherOrder)
        {
            byMagnitude = order.CompareTo(otherOrder);
        }
        else
        {
            var a = BigInteger.Abs(Mantissa);
            var b = BigInteger.Abs(other.Mantissa);
            if (Exponent > other.Exponent)
            {
                a *= BigInteger.Pow(10, (int)(Exponent - other.Exponent));
            }
            else if (other.Exponent > Exponent)
            {
                b *= BigInteger.Pow(10, (int)(other.Exponent - Exponent));
            }

            byMagnitude = a.CompareTo(b);
        }

        return Sign > 0 ? byMagnitude : -byMagnitude;
    }

    private bool TryInteger(out BigInteger integer)
    {
        // Only binary quantities get here: their exponent is 0 or a nano-bounded fraction's (-9 at the least).
        if (Exponent >= 0)
        {
            integer = Mantissa * BigInteger.Pow(10, (int)Exponent);
            return true;
        }

        integer = BigInteger.DivRem(Mantissa, BigInteger.Pow(10, (int)-Exponent), out var rest);
        return rest.IsZero;
    }

    private static long Digits(BigInteger magnitude) => magnitude.IsZero ? 1 : magnitude.ToString(CultureInfo.InvariantCulture).Length;

    private static bool TryMultiply(long a, long b, out long result)
    {
        try
        {
            result = checked(a * b);
            return true;
        }
        catch (OverflowException)
        {
            result = 0;
            return false;
        }
    }

    // parseQuantityString: sign, leading zeros, numerator, '.' denominator, then the suffix (letters, an optional sign,
    // digits). The numeric part keeps its sign and point; a number that is all zeros is "0" with no suffix.
    private static bool Split(string text, out bool positive, out string value, out string num, out string denom, out string suffix)
    {
        positive = true;
        value = num = denom = suffix = string.Empty;
        var pos = 0;
        var end = text.Length;
        if (text[0] == '-')
        {
            positive = false;
            pos++;
        }
        else if (text[0] == '+')
        {
            pos++;
        }

        while (pos < end && text[pos] == '0')
        {
            pos++;
        }

        if (pos >= end)
        {
            num = value = "0";
            return true;
        }

        var start = pos;
        while (pos < end && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        num = text[start..pos];
        if (pos >= end)
        {
            value = text;
            return true;
        }

        if (num.Length == 0)
        {
            num = "0";
        }

        if (text[pos] == '.')
        {
            start = ++pos;
            while (pos < end && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }

            denom = text[start..pos];
            if (pos >= end)
            {
                value = text;
                return true;
            }
        }

        value = text[..pos];
        var suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(text[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < end && text[pos] is '-' or '+')
        {
            pos++;
        }

        while (pos < end && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        suffix = text[suffixStart..];
        return pos >= end;
    }

    private static bool Interpret(string suffix, out bool binary, out long exponent, out QuantityFormat format)
    {
        binary = false;
        format = QuantityFormat.DecimalSI;
        exponent = suffix switch
        {
            "" => 0, "n" => -9, "u" => -6, "m" => -3, "k" => 3, "M" => 6, "G" => 9, "T" => 12, "P" => 15, "E" => 18,
            _ => long.MinValue,
        };
        if (exponent != long.MinValue)
        {
            return true;
        }

        exponent = suffix switch { "Ki" => 10, "Mi" => 20, "Gi" => 30, "Ti" => 40, "Pi" => 50, "Ei" => 60, _ => long.MinValue };
        if (exponent != long.MinValue)
        {
            binary = true;
            format = QuantityFormat.BinarySI;
            return true;
        }

        format = QuantityFormat.DecimalExponent;
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E' && long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
        {
            exponent = unchecked((int)parsed); // Go keeps an int32
            return true;
        }

        exponent = 0;
        return false;
    }
}
