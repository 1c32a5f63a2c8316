namespace K8sNet.Abstractions.Tests.Naming;

/// <summary>
/// Upstream's own examples, reproduced as data: kubernetes/kubernetes
/// staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go at commit
/// 008b3652959ca58af8be3fb5b6ecfe9ae7638282 (TestIsDNS1123Label, TestIsDNS1123Subdomain, TestIsDNS1035Label,
/// TestIsValidPortName). Quirks kept as upstream has them ("a_b" twice, "1--a--b--2" without ".a").
/// </summary>
public static class UpstreamValidationCases
{
    public static readonly string[] Dns1123LabelGood =
    [
        "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
        "0", "01", "012", "1a", "1-a", "1--a--b--2",
        new string('a', 63),
    ];

    public static readonly string[] Dns1123LabelBad =
    [
        "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
        "-", "a-", "-a", "1-", "-1",
        "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
        ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
        " ", "a ", " a", "a b", "1 ", " 1", "1 2",
        new string('a', 64),
    ];

    public static readonly string[] Dns1123SubdomainGood =
    [
        "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
        "0", "01", "012", "1a", "1-a", "1--a--b--2",
        "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a",
        "a.1", "ab.1", "abc.1", "a1.1", "a-1.1", "a--1--2--b.1",
        "0.a", "01.a", "012.a", "1a.a", "1-a.a", "1--a--b--2",
        "0.1", "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1",
        "a.b.c.d.e", "aa.bb.cc.dd.ee", "1.2.3.4.5", "11.22.33.44.55",
        new string('a', 253),
    ];

    public static readonly string[] Dns1123SubdomainBad =
    [
        "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
        "-", "a-", "-a", "1-", "-1",
        "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
        ".", "a.", ".a", "a..b", "1.", ".1", "1..2",
        " ", "a ", " a", "a b", "1 ", " 1", "1 2",
        "A.a", "aB.a", "ab.A", "A1.a", "a1.A",
        "A.1", "aB.1", "A1.1", "1A.1",
        "0.A", "01.A", "012.A", "1A.a", "1a.A",
        "A.B.C.D.E", "AA.BB.CC.DD.EE", "a.B.c.d.e", "aa.bB.cc.dd.ee",
        "a@b", "a,b", "a_b", "a;b",
        "a:b", "a%b", "a?b", "a$b",
        new string('a', 254),
    ];

    public static readonly string[] Dns1035LabelGood =
    [
        "a", "ab", "abc", "a1", "a-1", "a--1--2--b",
        new string('a', 63),
    ];

    public static readonly string[] Dns1035LabelBad =
    [
        "0", "01", "012", "1a", "1-a", "1--a--b--2",
        "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
        "-", "a-", "-a", "1-", "-1",
        "_", "a_", "_a", "a_b", "1_", "_1", "1_2",
        ".", "a.", ".a", "a.b", "1.", ".1", "1.2",
        " ", "a ", " a", "a b", "1 ", " 1", "1 2",
        new string('a', 64),
    ];

    public static readonly string[] PortNameGood = ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"];

    public static readonly string[] PortNameBad =
        ["longerthan15characters", "", new string('a', 16), "12345", "1-2-3-4", "-begin", "end-", "two--hyphens", "whois++"];

    public static TheoryData<string> Data(string[] values)
    {
        var data = new TheoryData<string>();
        foreach (var v in values.Distinct())
        {
            data.Add(v);
        }

        return data;
    }
}
