using static K8sNet.Abstractions.Tests.Naming.UpstreamValidationCases;

namespace K8sNet.Abstractions.Tests.Naming;

public class KubernetesNamesTests
{
    private const string Dns1035Message =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    public static TheoryData<string> LabelGood => Data(Dns1123LabelGood);
    public static TheoryData<string> LabelBad => Data(Dns1123LabelBad);
    public static TheoryData<string> SubdomainGood => Data(Dns1123SubdomainGood);
    public static TheoryData<string> SubdomainBad => Data(Dns1123SubdomainBad);
    public static TheoryData<string> Dns1035Good => Data(Dns1035LabelGood);
    public static TheoryData<string> Dns1035Bad => Data(Dns1035LabelBad);
    public static TheoryData<string> PortGood => Data(PortNameGood);
    public static TheoryData<string> PortBad => Data(PortNameBad);

    [Theory, MemberData(nameof(LabelGood))]
    public void Dns1123Label_UpstreamGood_IsAccepted(string value)
    {
        Assert.Empty(KubernetesNames.ValidateDns1123Label(value));
        Assert.True(KubernetesNames.IsDns1123Label(value));
        Assert.True(KubernetesNames.TryValidateDns1123Label(value, "namespace", out _));
    }

    [Theory, MemberData(nameof(LabelBad))]
    public void Dns1123Label_UpstreamBad_IsRejected(string value)
    {
        Assert.NotEmpty(KubernetesNames.ValidateDns1123Label(value));
        Assert.False(KubernetesNames.IsDns1123Label(value));
        Assert.False(KubernetesNames.TryValidateDns1123Label(value, "namespace", out var error));
        Assert.Equal(value, error.Input);
        Assert.Equal("namespace", error.Field);
        Assert.Contains($"namespace '{value}' is not a DNS-1123 label: ", error.Message);
    }

    [Theory, MemberData(nameof(SubdomainGood))]
    public void Dns1123Subdomain_UpstreamGood_IsAccepted(string value)
    {
        Assert.Empty(KubernetesNames.ValidateDns1123Subdomain(value));
        Assert.True(KubernetesNames.IsDns1123Subdomain(value));
    }

    [Theory, MemberData(nameof(SubdomainBad))]
    public void Dns1123Subdomain_UpstreamBad_IsRejected(string value)
    {
        Assert.NotEmpty(KubernetesNames.ValidateDns1123Subdomain(value));
        Assert.False(KubernetesNames.IsDns1123Subdomain(value));
        Assert.False(KubernetesNames.TryValidateDns1123Subdomain(value, "Pod name", out _));
    }

    [Theory, MemberData(nameof(Dns1035Good))]
    public void Dns1035Label_UpstreamGood_IsAccepted(string value)
    {
        Assert.Empty(KubernetesNames.ValidateDns1035Label(value));
        Assert.True(KubernetesNames.IsDns1035Label(value));
    }

    [Theory, MemberData(nameof(Dns1035Bad))]
    public void Dns1035Label_UpstreamBad_IsRejected(string value)
    {
        Assert.NotEmpty(KubernetesNames.ValidateDns1035Label(value));
        Assert.False(KubernetesNames.IsDns1035Label(value));
    }

    [Theory, MemberData(nameof(PortGood))]
    public void PortName_UpstreamGood_IsAccepted(string value)
    {
        Assert.Empty(KubernetesNames.ValidatePortName(value));
        Assert.True(KubernetesNames.IsValidPortName(value));
    }

    [Theory, MemberData(nameof(PortBad))]
    public void PortName_UpstreamBad_IsRejected(string value)
    {
        Assert.NotEmpty(KubernetesNames.ValidatePortName(value));
        Assert.False(KubernetesNames.IsValidPortName(value));
    }

    [Fact]
    public void ValidateDns1035Label_UpperCase_GivesUpstreamMessageVerbatim()
    {
        var errors = KubernetesNames.ValidateDns1035Label("Foo");

        Assert.Equal([Dns1035Message], errors);
    }

    [Fact]
    public void ValidateDns1123Label_Dots_SaysMustNotContainDots()
    {
        Assert.Equal<string>(["must not contain dots"], KubernetesNames.ValidateDns1123Label("a.b"));
        Assert.Equal([Dns1123LabelMessage], KubernetesNames.ValidateDns1123Label("a."));
        Assert.Equal([Dns1123LabelMessage], KubernetesNames.ValidateDns1123Label("A"));
    }

    [Fact]
    public void ValidateDns1123Subdomain_Invalid_GivesUpstreamMessageVerbatim()
    {
        Assert.Equal([Dns1123SubdomainMessage], KubernetesNames.ValidateDns1123Subdomain("a..b"));
    }

    [Fact]
    public void Validate_TooLongAndInvalid_ListsLengthFirstThenRegex()
    {
        var value = new string('A', 64);

        var errors = KubernetesNames.ValidateDns1035Label(value);

        Assert.Equal<string>(["must be no more than 63 characters", Dns1035Message], errors);
    }

    [Theory]
    [InlineData("", new[] { "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)" })]
    [InlineData("12345", new[] { "must contain at least one letter (a-z)" })]
    [InlineData("whois++", new[] { "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)" })]
    [InlineData("longerthan15characters", new[] { "must be no more than 15 characters" })]
    [InlineData("-begin", new[] { "must not begin or end with a hyphen" })]
    [InlineData("two--hyphens", new[] { "must not contain consecutive hyphens" })]
    public void ValidatePortName_Bad_GivesUpstreamMessagesInOrder(string value, string[] expected)
    {
        Assert.Equal(expected, KubernetesNames.ValidatePortName(value));
    }

    [Theory]
    [InlineData("Orders", "must be lower case ('O' at position 0)")]
    [InlineData("1orders", "must start with an alphabetic character")]
    [InlineData("-orders", "must start with an alphabetic character")]
    [InlineData("orders-", "must end with an alphanumeric character")]
    [InlineData("ord_ers", "must consist of lower case alphanumeric characters or '-' ('_' at position 3 is not allowed)")]
    [InlineData("orders.shop", "must not contain dots")]
    [InlineData("", "must not be empty")]
    public void TryValidateDns1035Label_Bad_RuleIsTheFirstBrokenOne(string value, string rule)
    {
        Assert.False(KubernetesNames.TryValidateDns1035Label(value, "Service name", out var error));

        Assert.Equal(rule, error.Rule);
        Assert.Equal(KubernetesNames.Dns1035LabelKind, error.Kind);
        Assert.StartsWith($"Service name '{value}' is not a DNS-1035 label: {rule}", error.Message);
        Assert.Equal(KubernetesNames.ValidateDns1035Label(value), error.UpstreamErrors);
    }

    [Fact]
    public void TryValidate_TooLong_LengthIsTheFirstRule()
    {
        var value = new string('a', 64);

        Assert.False(KubernetesNames.TryValidateDns1123Label(value, "namespace", out var error));

        Assert.Equal("must be no more than 63 characters (it has 64)", error.Rule);
    }

    [Fact]
    public void TryValidateDns1123Subdomain_EmptyLabel_SaysSo()
    {
        Assert.False(KubernetesNames.TryValidateDns1123Subdomain("a..b", "Pod name", out var error));

        Assert.StartsWith("must not contain an empty label", error.Rule);
    }

    [Fact]
    public void Is_IgnoreCase_AcceptsUpperCaseButStillChecksShape()
    {
        Assert.True(KubernetesNames.IsDns1035Label("Orders", ignoreCase: true));
        Assert.False(KubernetesNames.IsDns1035Label("Orders"));
        Assert.False(KubernetesNames.IsDns1035Label("1Orders", ignoreCase: true));
        Assert.True(KubernetesNames.IsValidPortName("HTTP", ignoreCase: true));
        Assert.True(KubernetesNames.IsDns1123Subdomain("Cluster.Local", ignoreCase: true));
    }

    [Fact]
    public void Validate_NonAsciiLength_CountsUtf8Bytes()
    {
        // 32 two-byte characters are 64 bytes: over the limit as Go's len counts, though only 32 chars.
        var value = new string('ā', 32);

        Assert.Contains("must be no more than 63 characters", KubernetesNames.ValidateDns1123Label(value));
    }

    [Fact]
    public void Validate_TrailingNewline_IsRejected()
    {
        // Go's RE2 '$' matches only at the very end; .NET's would also match before a final '\n'.
        Assert.False(KubernetesNames.IsDns1123Label("abc\n"));
        Assert.NotEmpty(KubernetesNames.ValidateDns1035Label("abc\n"));
    }
}
