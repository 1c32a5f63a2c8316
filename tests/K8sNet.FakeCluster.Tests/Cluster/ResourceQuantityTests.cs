using System.Globalization;
using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Testing.Cluster;

namespace K8sNet.Testing.Tests.Cluster;

/// <summary>
/// resource.Quantity as apimachinery parses, compares and writes it: the tables of
/// k8s.io/apimachinery/pkg/api/resource/quantity_test.go (TestQuantityParse, TestQuantityString, TestQuantityParseEmit,
/// TestQuantityCmp, the invalid inputs), reproduced as data.
/// </summary>
public sealed class ResourceQuantityTests
{
    // The format by name (the enum is internal to the library).
    private const string Dec = nameof(QuantityFormat.DecimalSI);
    private const string Bin = nameof(QuantityFormat.BinarySI);
    private const string Exp = nameof(QuantityFormat.DecimalExponent);

    // TestQuantityParse: input, then the expected value as mantissa × 10^exponent and its format.
    public static TheoryData<string, long, int, string> Parsed => new()
    {
        { "0", 0, 0, Dec }, { "0n", 0, 0, Dec }, { "0u", 0, 0, Dec }, { "0m", 0, 0, Dec }, { "0Ki", 0, 0, Bin }, { "0k", 0, 0, Dec },
        { "0Mi", 0, 0, Bin }, { "0M", 0, 0, Dec }, { "0Gi", 0, 0, Bin }, { "0G", 0, 0, Dec }, { "0Ti", 0, 0, Bin }, { "0T", 0, 0, Dec },
        { "1", 1, 0, Dec },
        { "1Ki", 1024, 0, Bin }, { "8Ki", 8 * 1024, 0, Bin }, { "7Mi", 7 * 1024 * 1024, 0, Bin }, { "6Gi", 6L * 1024 * 1024 * 1024, 0, Bin },
        { "5Ti", 5L << 40, 0, Bin }, { "4Pi", 4L << 50, 0, Bin }, { "3Ei", 3L << 60, 0, Bin }, { "10Ti", 10L << 40, 0, Bin }, { "100Ti", 100L << 40, 0, Bin },
        { "5n", 5, -9, Dec }, { "4u", 4, -6, Dec }, { "3m", 3, -3, Dec }, { "9", 9, 0, Dec }, { "8k", 8, 3, Dec }, { "50k", 5, 4, Dec },
        { "7M", 7, 6, Dec }, { "6G", 6, 9, Dec }, { "5T", 5, 12, Dec }, { "40T", 4, 13, Dec }, { "300T", 3, 14, Dec }, { "2P", 2, 15, Dec }, { "1E", 1, 18, Dec },
        { "1E-3", 1, -3, Exp }, { "1e3", 1, 3, Exp }, { "1E6", 1, 6, Exp }, { "1e9", 1, 9, Exp }, { "1E12", 1, 12, Exp }, { "1e15", 1, 15, Exp }, { "1E18", 1, 18, Exp },
        { "1e14", 1, 14, Exp }, { "1e13", 1, 13, Exp }, { "100.035k", 100035, 0, Dec },
        { "0.001", 1, -3, Dec }, { "0.0005k", 5, -1, Dec }, { "0.005", 5, -3, Dec }, { "0.05", 5, -2, Dec }, { "0.5", 5, -1, Dec }, { "0.00050k", 5, -1, Dec },
        { "0.00500", 5, -3, Dec }, { "0.05000", 5, -2, Dec }, { "0.50000", 5, -1, Dec }, { "0.5e0", 5, -1, Exp }, { "0.5e-1", 5, -2, Exp }, { "0.5e-2", 5, -3, Exp },
        { "10.035M", 10035, 3, Dec },
        { "1.2e3", 12, 2, Exp }, { "1.3E+6", 13, 5, Exp }, { "1.40e9", 14, 8, Exp }, { "1.53E12", 153, 10, Exp }, { "1.6e15", 16, 14, Exp }, { "1.7E18", 17, 17, Exp },
        { "9.01", 901, -2, Dec }, { "8.1k", 81, 2, Dec }, { "7.123456M", 7123456, 0, Dec }, { "6.987654321G", 6987654321, 0, Dec }, { "5.444T", 5444, 9, Dec },
        { "40.1T", 401, 11, Dec }, { "300.2T", 3002, 11, Dec }, { "2.5P", 25, 14, Dec }, { "1.01E", 101, 16, Dec },
        { "3.001n", 4, -9, Dec }, { "1.1E-9", 2, -9, Exp }, { "0.0000000001", 1, -9, Dec }, { "0.0000000005", 1, -9, Dec }, { "0.00000000050", 1, -9, Dec },
        { "0.5e-9", 1, -9, Exp }, { "0.9n", 1, -9, Dec }, { "0.00000012345", 124, -9, Dec }, { "0.00000012354", 124, -9, Dec },
        { "9Ei", long.MaxValue, 0, Bin }, { "9223372036854775807Ki", long.MaxValue, 0, Bin }, { "12E", 12, 18, Dec },
        { "100.035Ki", 10243584, -2, Bin }, { "0.5Mi", 512 * 1024, 0, Bin }, { "0.05Gi", 536870912, -1, Bin }, { "0.025Ti", 274877906944, -1, Bin },
        { "0.000000000001Ki", 2, -9, Dec }, { ".001", 1, -3, Dec }, { ".0001k", 100, -3, Dec }, { "1.", 1, 0, Dec }, { "1.G", 1, 9, Dec },
    };

    [Theory]
    [MemberData(nameof(Parsed))]
    public void Parse_AsApimachinery(string input, long mantissa, int exponent, string formatName)
    {
        var format = Enum.Parse<QuantityFormat>(formatName);
        var expected = ResourceQuantity.Create(mantissa, exponent, format);
        foreach (var (text, sign) in new[] { (input, 1), ("-" + input, -1), ("+" + input, 1) })
        {
            var got = ResourceQuantity.Parse(text);
            Assert.True(got.CompareTo(ResourceQuantity.Create(sign * (BigInteger)mantissa, exponent, format)) == 0, $"{text}: {got.Canonical()} is not {expected.Canonical()}");
            Assert.Equal(format, got.Format);
        }
    }

    [Theory]
    [InlineData("1.1.M", ResourceQuantity.FormatWrong)]
    [InlineData("1+1.0M", ResourceQuantity.FormatWrong)]
    [InlineData("0.1mi", ResourceQuantity.Suffix)]
    [InlineData("0.1am", ResourceQuantity.FormatWrong)]
    [InlineData("aoeu", ResourceQuantity.FormatWrong)]
    [InlineData(".5i", ResourceQuantity.Suffix)]
    [InlineData("1i", ResourceQuantity.Suffix)]
    [InlineData("-3.01i", ResourceQuantity.Suffix)]
    [InlineData("-3.01e-", ResourceQuantity.Suffix)]
    [InlineData(" 1", ResourceQuantity.FormatWrong)]
    [InlineData("1 ", ResourceQuantity.FormatWrong)]
    [InlineData("", ResourceQuantity.FormatWrong)]
    [InlineData(".e-20", ResourceQuantity.Numeric)]
    public void Invalid_IsRefusedWithUpstreamsError(string input, string error)
    {
        Assert.False(ResourceQuantity.TryParse(input, out _, out var message));
        Assert.Equal(error, message);
    }

    // TestQuantityString: a value and format, its canonical text, and another text of the same value.
    public static TheoryData<long, int, string, string, string> Written => new()
    {
        { 1024 * 1024 * 1024, 0, Bin, "1Gi", "1024Mi" }, { 300 * 1024 * 1024, 0, Bin, "300Mi", "307200Ki" }, { 6 * 1024, 0, Bin, "6Ki", "" },
        { 1001L * 1024 * 1024 * 1024, 0, Bin, "1001Gi", "1025024Mi" }, { 1024L * 1024 * 1024 * 1024, 0, Bin, "1Ti", "1024Gi" },
        { 5, 0, Bin, "5", "5000m" }, { 500, -3, Bin, "500m", "0.5" }, { 1, 9, Dec, "1G", "1000M" }, { 1000, 6, Dec, "1G", "0.001T" },
        { 1000000, 3, Dec, "1G", "" }, { 1000000000, 0, Dec, "1G", "" }, { 1, -3, Dec, "1m", "1000u" }, { 80, -3, Dec, "80m", "" },
        { 1080, -3, Dec, "1080m", "1.08" }, { 108, -2, Dec, "1080m", "1080000000n" }, { 10800, -4, Dec, "1080m", "" }, { 300, 6, Dec, "300M", "" },
        { 1, 12, Dec, "1T", "" }, { 1234567, 6, Dec, "1234567M", "" }, { 1234567, -3, Bin, "1234567m", "" }, { 3, 3, Dec, "3k", "" },
        { 1025, 0, Bin, "1025", "" }, { 0, 0, Dec, "0", "" }, { 0, 0, Bin, "0", "" }, { 1, 9, Exp, "1e9", ".001e12" }, { 1, -3, Exp, "1e-3", "0.001e0" },
        { 1, -9, Exp, "1e-9", "1000e-12" }, { 80, -3, Exp, "80e-3", "" }, { 300, 6, Exp, "300e6", "" }, { 1, 12, Exp, "1e12", "" }, { 1, 3, Exp, "1e3", "" },
        { 3, 3, Exp, "3e3", "" }, { 0, 0, Exp, "0", "00" }, { 1, -9, Dec, "1n", "" }, { 80, -9, Dec, "80n", "" }, { 1080, -9, Dec, "1080n", "" },
        { 108, -8, Dec, "1080n", "" }, { 10800, -10, Dec, "1080n", "" }, { 1, -6, Dec, "1u", "" }, { 80, -6, Dec, "80u", "" }, { 1080, -6, Dec, "1080u", "" },
    };

    [Theory]
    [MemberData(nameof(Written))]
    public void Canonical_AsApimachinery(long mantissa, int exponent, string formatName, string expect, string alternate)
    {
        var format = Enum.Parse<QuantityFormat>(formatName);
        Assert.Equal(expect, ResourceQuantity.Create(mantissa, exponent, format).Canonical());
        Assert.Equal(expect, ResourceQuantity.Parse(expect).ToString()); // canonical text is kept as sent
        if (mantissa != 0)
        {
            Assert.Equal("-" + expect, ResourceQuantity.Create(-mantissa, exponent, format).Canonical());
        }

        if (alternate.Length > 0)
        {
            Assert.Equal(expect, ResourceQuantity.Parse(alternate).ToString());
        }
    }

    [Theory]
    [InlineData("1Ki", "1Ki")]
    [InlineData("1Mi", "1Mi")]
    [InlineData("1Gi", "1Gi")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1000M", "1G")]
    [InlineData(".001Ki", "1024m")]
    [InlineData(".000001Ki", "1024u")]
    [InlineData(".000000001Ki", "1024n")]
    [InlineData(".000000000001Ki", "2n")]
    // Derived from the rules (ParseQuantity keeps canonical text; CanonicalizeBytes otherwise).
    [InlineData("1000m", "1")]
    [InlineData("1000", "1k")]
    [InlineData("1.5", "1500m")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("0.5Gi", "512Mi")]
    [InlineData("1.1Ki", "1126400m")]
    [InlineData("0.1m", "100u")]
    [InlineData("+1", "+1")]
    [InlineData("01", "01")]
    [InlineData("1E3", "1E3")] // canonical already (scale 3): kept as sent
    [InlineData("1000E", "1")] // upstream's quirk: 1e21 has no DecimalSI suffix, and none is written
    [InlineData("1e2000000000", "100e1999999998")] // the exponent lowered to a multiple of 3, nothing materialized
    public void ParseEmit_AsApimachinery(string input, string expect)
    {
        Assert.Equal(expect, ResourceQuantity.Parse(input).ToString());
        if (!input.StartsWith('+') && input != "01" && input != "1E3" && input != "1000E")
        {
            Assert.Equal("-" + expect, ResourceQuantity.Parse("-" + input).ToString());
        }
    }

    [Theory]
    [InlineData("0", "0", 0)]
    [InlineData("100m", "50m", 1)]
    [InlineData("50m", "100m", -1)]
    [InlineData("10000T", "100Gi", 1)]
    [InlineData("1e2000000000", "1E", 1)]
    [InlineData("-1e2000000000", "-1E", -1)]
    [InlineData("1025Mi", "1Gi", 1)]
    [InlineData("1000m", "1", 0)]
    public void Compare_AsApimachinery(string x, string y, int expect)
    {
        Assert.Equal(expect, ResourceQuantity.Parse(x).CompareTo(ResourceQuantity.Parse(y)));
        Assert.Equal(-expect, ResourceQuantity.Parse(y).CompareTo(ResourceQuantity.Parse(x)));
    }

    // TestJSON's property, from text: any quantity a manifest may hold parses, its canonical form parses back to the same
    // value and is kept as it is (canonical text is canonical), and the sign is a plain minus.
    [Property(MaxTest = 500)]
    public Property AnyQuantity_ItsCanonicalForm_IsTheSameValue_AndStable() =>
        Prop.ForAll(
            (from sign in Gen.Elements("", "-", "+")
             from suffix in Gen.Elements("", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "e3", "E-2", "e0", "e-9", "e12")
             from whole in Gen.Choose(0, suffix == "E" ? 999 : 99999) // 1000E and up: upstream's suffix table ends at E and it writes none (see Parse tests)
             from fraction in Gen.Elements("", ".", ".5", ".25", ".001", ".000000001", ".1234567891")
             select sign + whole.ToString(CultureInfo.InvariantCulture) + fraction + suffix).ToArbitrary(),
            text =>
            {
                var parsed = ResourceQuantity.Parse(text);
                var canonical = parsed.Canonical();
                var again = ResourceQuantity.Parse(canonical);
                return (again.CompareTo(parsed) == 0 && again.ToString() == canonical && !canonical.StartsWith('+') && (canonical == "0" || !canonical.StartsWith('0')))
                    .Label($"{text} → {canonical} → {again}");
            });
}
