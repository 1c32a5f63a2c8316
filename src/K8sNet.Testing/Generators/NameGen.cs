using FsCheck;
using FsCheck.Fluent;

namespace K8sNet.Testing.Generators;

/// <summary>
/// FsCheck generators of Kubernetes names: valid DNS-1035 labels, DNS-1123 labels and subdomains, port names and
/// Service names, and invalid names paired with the rule they break first. Built from the rules, not by filtering.
/// </summary>
public static class NameGen
{
    private static readonly char[] Letters = "abcdefghijklmnopqrstuvwxyz".ToCharArray();
    private static readonly char[] Digits = "0123456789".ToCharArray();
    private static readonly char[] Alphanumerics = [.. Letters, .. Digits];
    private static readonly char[] Middle = [.. Alphanumerics, '-'];

    /// <summary>Valid DNS-1035 labels (Service names), 1 to <paramref name="maxLength"/> characters.</summary>
    /// <param name="maxLength">The longest label to generate (at most 63).</param>
    /// <returns>The generator.</returns>
    public static Gen<string> Dns1035Label(int maxLength = KubernetesNames.Dns1035LabelMaxLength) =>
        Label(Letters, Math.Min(maxLength, KubernetesNames.Dns1035LabelMaxLength));

    /// <summary>Valid DNS-1123 labels (namespaces, hostnames), 1 to <paramref name="maxLength"/> characters.</summary>
    /// <param name="maxLength">The longest label to generate (at most 63).</param>
    /// <returns>The generator.</returns>
    public static Gen<string> Dns1123Label(int maxLength = KubernetesNames.Dns1123LabelMaxLength) =>
        Label(Alphanumerics, Math.Min(maxLength, KubernetesNames.Dns1123LabelMaxLength));

    /// <summary>Valid DNS-1123 subdomains of one to four labels, at most 253 characters.</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> Dns1123Subdomain() =>
        Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Dns1123Label(60), n)).Select(labels => string.Join('.', labels));

    /// <summary>Valid port names: 1 to 15 of <c>[-a-z0-9]</c>, at least one letter, no <c>--</c>, no hyphen at either end.</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> PortName() =>
        from length in Gen.Choose(1, KubernetesNames.PortNameMaxLength)
        from chars in Gen.ArrayOf(Gen.Elements(Alphanumerics), length)
        from letterAt in Gen.Choose(0, length - 1)
        from letter in Gen.Elements(Letters)
        from hyphens in Gen.ArrayOf(Gen.Elements(true, false, false, false), length)
        select BuildPortName(chars, letterAt, letter, hyphens);

    /// <summary>Valid Service names (a DNS-1123 namespace and a DNS-1035 name).</summary>
    /// <returns>The generator.</returns>
    public static Gen<ServiceName> ServiceName() =>
        from ns in Dns1123Label(20)
        from name in Dns1035Label(20)
        select new ServiceName(ns, name);

    /// <summary>Invalid DNS-1035 labels, each with the rule K8sNet reports first for it.</summary>
    /// <returns>The generator.</returns>
    public static Gen<InvalidName> InvalidDns1035Label() => Gen.OneOf(
        from valid in Dns1035Label(62)
        from at in Gen.Choose(0, valid.Length - 1)
        let c = valid[at]
        where char.IsAsciiLetterLower(c)
        select new InvalidName(valid[..at] + char.ToUpperInvariant(c) + valid[(at + 1)..], "must be lower case"),
        from valid in Dns1035Label(62)
        from digit in Gen.Elements(Digits)
        select new InvalidName(digit + valid, "must start with an alphabetic character"),
        from valid in Dns1035Label(62)
        select new InvalidName("-" + valid, "must start with an alphabetic character"),
        from valid in Dns1035Label(62)
        select new InvalidName(valid + "-", "must end with an alphanumeric character"),
        from valid in Dns1035Label(60)
        from at in Gen.Choose(1, valid.Length)
        from bad in Gen.Elements('_', ' ', '@', '%', '*', '/', ':', 'é')
        select new InvalidName(valid[..at] + bad + valid[at..], "must consist of lower case alphanumeric characters or '-'"),
        from valid in Dns1035Label(30)
        from at in Gen.Choose(1, valid.Length)
        select new InvalidName(valid[..at] + "." + valid[at..], "must not contain dots"),
        from extra in Gen.Choose(64, 120)
        from valid in Dns1035Label()
        select new InvalidName(valid + new string('a', extra - valid.Length), "must be no more than 63 characters"),
        Gen.Constant(new InvalidName(string.Empty, "must not be empty")));

    private static Gen<string> Label(char[] first, int maxLength) =>
        from length in Gen.Choose(1, maxLength)
        from head in Gen.Elements(first)
        from middle in Gen.ArrayOf(Gen.Elements(Middle), Math.Max(0, length - 2))
        from last in Gen.Elements(Alphanumerics)
        select length == 1 ? head.ToString() : head + new string(middle) + last;

    private static string BuildPortName(char[] chars, int letterAt, char letter, bool[] hyphens)
    {
        chars[letterAt] = letter;
        for (var i = 1; i < chars.Length - 1; i++)
        {
            if (hyphens[i] && i != letterAt && chars[i - 1] != '-')
            {
                chars[i] = '-';
            }
        }

        return new string(chars);
    }
}
