using FsCheck;
using FsCheck.Fluent;
using K8sNet.Testing.Generators;

namespace K8sNet.Testing.Tests.Generators;

public class NameGenTests
{
    private const int Samples = 2_000;

    [Fact]
    public void Dns1035Label_AlwaysValid_AndCoversTheLengthRange()
    {
        var values = NameGen.Dns1035Label().Sample(Samples, 30);

        Assert.All(values, v => Assert.Empty(KubernetesNames.ValidateDns1035Label(v)));
        Assert.Contains(values, v => v.Length == 1);
        Assert.Contains(values, v => v.Contains('-'));
    }

    [Fact]
    public void Dns1123LabelAndSubdomain_AlwaysValid()
    {
        Assert.All(NameGen.Dns1123Label().Sample(Samples, 30), v => Assert.Empty(KubernetesNames.ValidateDns1123Label(v)));
        Assert.All(NameGen.Dns1123Subdomain().Sample(Samples, 30), v => Assert.Empty(KubernetesNames.ValidateDns1123Subdomain(v)));
    }

    [Fact]
    public void PortName_AlwaysValid_AndSometimesHasHyphens()
    {
        var values = NameGen.PortName().Sample(Samples, 30);

        Assert.All(values, v => Assert.Empty(KubernetesNames.ValidatePortName(v)));
        Assert.Contains(values, v => v.Contains('-'));
    }

    [Fact]
    public void InvalidDns1035Label_AlwaysInvalid_AndCoversEveryRule()
    {
        var values = NameGen.InvalidDns1035Label().Sample(Samples, 30);

        Assert.All(values, v => Assert.NotEmpty(KubernetesNames.ValidateDns1035Label(v.Value)));
        Assert.All(values, v =>
        {
            // The generated rule is the first one K8sNet reports (a non-ASCII character near 63 must not trip the byte length first).
            Assert.False(KubernetesNames.TryValidateDns1035Label(v.Value, "Service name", out var error));
            Assert.StartsWith(v.ExpectedRule, error.Rule);
        });
        foreach (var rule in new[]
        {
            "must be lower case", "must start with an alphabetic character", "must end with an alphanumeric character",
            "must consist of lower case alphanumeric characters or '-'", "must not contain dots",
            "must be no more than 63 characters", "must not be empty",
        })
        {
            Assert.Contains(values, v => v.ExpectedRule == rule);
        }
    }

    [Fact]
    public void ServiceName_IsValidAndVaried()
    {
        var values = NameGen.ServiceName().Sample(500, 30);

        Assert.True(values.Distinct().Count() > 400);
    }
}
