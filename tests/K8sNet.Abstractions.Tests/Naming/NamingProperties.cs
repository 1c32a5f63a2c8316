using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Testing.Generators;

namespace K8sNet.Abstractions.Tests.Naming;

public class NamingProperties
{
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 1_000)]
    public bool ServiceName_FormatThenParse_IsIdentity(ServiceName name) =>
        ServiceName.Parse(name.ToString()) == name;

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 1_000)]
    public bool GeneratedDns1035Labels_AreValidUpstream(ValidLabel label) =>
        KubernetesNames.ValidateDns1035Label(label.Value).Count == 0 && KubernetesNames.IsDns1035Label(label.Value);

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 1_000)]
    public void InvalidServiceName_IsRejected_NamingTheRule(InvalidName invalid)
    {
        Assert.False(KubernetesNames.TryValidateDns1035Label(invalid.Value, ServiceName.NameField, out var error));
        Assert.StartsWith(invalid.ExpectedRule, error.Rule);
        Assert.NotEmpty(error.UpstreamErrors);
        Assert.NotEmpty(KubernetesNames.ValidateDns1035Label(invalid.Value));
        Assert.False(ServiceName.TryCreate("default", invalid.Value, out _, out _));
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 1_000)]
    public bool GeneratedPortNames_AreValidUpstream(ValidPortName port) =>
        KubernetesNames.ValidatePortName(port.Value).Count == 0 && ServicePortRef.Parse(port.Value).Name == port.Value;

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public bool AllowFastChecks_AgreeWithUpstreamMessages(AnyText text) =>
        KubernetesNames.IsDns1123Label(text.Value) == (KubernetesNames.ValidateDns1123Label(text.Value).Count == 0)
        && KubernetesNames.IsDns1035Label(text.Value) == (KubernetesNames.ValidateDns1035Label(text.Value).Count == 0)
        && KubernetesNames.IsDns1123Subdomain(text.Value) == (KubernetesNames.ValidateDns1123Subdomain(text.Value).Count == 0)
        && KubernetesNames.IsValidPortName(text.Value) == (KubernetesNames.ValidatePortName(text.Value).Count == 0);

    public sealed record ValidLabel(string Value);

    public sealed record ValidPortName(string Value);

    public sealed record AnyText(string Value);

    public static class Arbitraries
    {
        public static Arbitrary<ServiceName> ServiceNames() => Arb.From(NameGen.ServiceName());

        public static Arbitrary<ValidLabel> Labels() => Arb.From(NameGen.Dns1035Label().Select(v => new ValidLabel(v)));

        public static Arbitrary<InvalidName> InvalidNames() => Arb.From(NameGen.InvalidDns1035Label());

        public static Arbitrary<ValidPortName> PortNames() => Arb.From(NameGen.PortName().Select(v => new ValidPortName(v)));

        public static Arbitrary<AnyText> Texts() => Arb.From(
            from length in Gen.Choose(0, 70)
            from chars in Gen.ArrayOf(Gen.Elements("abz09-.A_ ".ToCharArray()), length)
            select new AnyText(new string(chars)));
    }
}
