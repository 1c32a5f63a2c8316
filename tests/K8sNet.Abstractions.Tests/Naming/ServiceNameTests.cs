namespace K8sNet.Abstractions.Tests.Naming;

public class ServiceNameTests
{
    [Fact]
    public void Constructor_Valid_KeepsParts()
    {
        var name = new ServiceName("shop", "orders");

        Assert.Equal("shop", name.Namespace);
        Assert.Equal("orders", name.Name);
        Assert.Equal("shop/orders", name.ToString());
        Assert.False(name.IsDefault);
    }

    [Fact]
    public void Constructor_UpperCaseName_ThrowsNamingInputFieldAndRule()
    {
        var ex = Assert.Throws<KubernetesNameException>(() => new ServiceName("shop", "Orders"));

        Assert.StartsWith("Service name 'Orders' is not a DNS-1035 label: must be lower case", ex.Message);
        Assert.Equal("Orders", ex.Input);
        Assert.Equal("Service name", ex.Field);
        Assert.StartsWith("must be lower case", ex.Rule);
        Assert.Contains("a DNS-1035 label must consist of lower case alphanumeric characters", ex.Message);
    }

    [Fact]
    public void Constructor_NamespaceStartingWithDigit_IsValidButServiceNameIsNot()
    {
        var ok = new ServiceName("1shop", "orders");
        var ex = Assert.Throws<KubernetesNameException>(() => new ServiceName("shop", "1orders"));

        Assert.Equal("1shop", ok.Namespace);
        Assert.Equal("must start with an alphabetic character", ex.Rule);
    }

    [Fact]
    public void Constructor_BadNamespace_NamesTheNamespaceField()
    {
        var ex = Assert.Throws<KubernetesNameException>(() => new ServiceName("Shop_1", "orders"));

        Assert.Equal(ServiceName.NamespaceField, ex.Field);
        Assert.Equal(KubernetesNames.Dns1123LabelKind, ex.Kind);
    }

    [Theory]
    [InlineData("shop/orders", "shop", "orders")]
    [InlineData("default/kubernetes", "default", "kubernetes")]
    public void Parse_NamespaceSlashName_Works(string text, string ns, string name)
    {
        var parsed = ServiceName.Parse(text);

        Assert.Equal(new ServiceName(ns, name), parsed);
    }

    [Theory]
    [InlineData("orders", "orders", "must be 'namespace/name' with exactly one '/'")]
    [InlineData("a/b/c", "a/b/c", "must be 'namespace/name' with exactly one '/'")]
    [InlineData("/orders", "", "must not be empty")]
    [InlineData("shop/", "", "must not be empty")]
    [InlineData("shop/Orders", "Orders", "must be lower case ('O' at position 0)")]
    public void TryParse_Invalid_ReturnsFalseWithError(string text, string input, string rule)
    {
        Assert.False(ServiceName.TryParse(text, out _, out var error));

        Assert.Equal(input, error.Input);
        Assert.Equal(rule, error.Rule);
        Assert.Throws(error.GetType(), () => ServiceName.Parse(text));
    }

    [Fact]
    public void Equality_And_Ordering_AreOrdinal()
    {
        var a = new ServiceName("a", "z");
        var b = new ServiceName("b", "a");

        Assert.Equal(new ServiceName("a", "z"), a);
        Assert.True(a == new ServiceName("a", "z"));
        Assert.True(a < b);
        Assert.NotEqual(a.GetHashCode(), default(ServiceName).GetHashCode());
        Assert.True(default(ServiceName).IsDefault);
        Assert.Equal(string.Empty, default(ServiceName).ToString());
    }
}
