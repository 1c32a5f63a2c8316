using System.Net;
using K8sNet.Dns;

namespace K8sNet.Dns.Tests.Resolv;

public class ResolvConfTests
{
    [Fact]
    public void Parse_ClusterFirstPodFile()
    {
        const string text = """
            # written by the kubelet
            search web.svc.cluster.local svc.cluster.local cluster.local ec2.internal
            nameserver 10.96.0.10
            options ndots:5
            """;

        var conf = ResolvConf.Parse(text);

        Assert.Equal<IPAddress>([IPAddress.Parse("10.96.0.10")], conf.Nameservers);
        Assert.Equal<string>(["web.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal"], conf.Search);
        Assert.Equal(5, conf.Ndots);
        Assert.Equal(5, conf.Timeout);
        Assert.Equal(2, conf.Attempts);
    }

    [Fact]
    public void Parse_DomainAndSearch_LastOneWins()
    {
        Assert.Equal<string>(["b.example"], ResolvConf.Parse("search a.example x.example\ndomain b.example\n").Search);
        Assert.Equal<string>(["c.example", "d.example"], ResolvConf.Parse("domain b.example\nsearch c.example d.example.\n").Search);
    }

    [Fact]
    public void Parse_Options_AreCappedAsGlibcCapsThem()
    {
        var conf = ResolvConf.Parse("options ndots:20 timeout:99 attempts:9 rotate no-tld-query edns0\n");

        Assert.Equal((15, 30, 5), (conf.Ndots, conf.Timeout, conf.Attempts));
        Assert.True(conf.Rotate);
        Assert.True(conf.NoTldQuery);
        Assert.Contains("edns0", conf.Options);
    }

    [Fact]
    public void Parse_LaterOptionsOverrideEarlierOnes()
    {
        Assert.Equal(2, ResolvConf.Parse("options ndots:5\noptions ndots:2\n").Ndots);
    }

    [Fact]
    public void Parse_KeepsAtMostThreeNameservers_AndSkipsBadOnes()
    {
        var conf = ResolvConf.Parse("nameserver 1.1.1.1\nnameserver not-an-ip\nnameserver ::1\nnameserver 8.8.8.8\nnameserver 9.9.9.9\n");

        Assert.Equal<string>(["1.1.1.1", "::1", "8.8.8.8"], conf.Nameservers.Select(a => a.ToString()));
    }

    [Fact]
    public void Parse_CommentsAndIndentedLines_AreIgnoredAsGlibcDoes()
    {
        var conf = ResolvConf.Parse("; comment\n# comment\n  search indented.example\nsearch real.example\r\n");

        Assert.Equal<string>(["real.example"], conf.Search);
    }

    [Fact]
    public void Parse_RootInSearch_IsKeptAsDot()
    {
        Assert.Equal<string>(["a.example", "."], ResolvConf.Parse("search a.example .\n").Search);
    }

    [Fact]
    public void Parse_LenientOptionValue_ReadsLikeAtoi()
    {
        Assert.Equal(0, ResolvConf.Parse("options ndots:x\n").Ndots);
        Assert.Equal(3, ResolvConf.Parse("options ndots:3x\n").Ndots);
    }

    [Theory]
    [InlineData("nameserver banana\n", 1, "nameserver must be followed by an IPv4 or IPv6 address")]
    [InlineData("search a\noptions ndots:x\n", 2, "option ndots must be followed by a non-negative whole number")]
    [InlineData("\n\nserach a.example\n", 3, "must start with nameserver, search, domain, options or sortlist at the start of the line, or be a comment (# or ;)")]
    public void TryParse_Strict_NamesLineAndRule(string text, int line, string rule)
    {
        Assert.False(ResolvConf.TryParse(text, out _, out var error));

        Assert.Equal($"resolv.conf line {line}", error.Field);
        Assert.Equal(rule, error.Rule);
    }

    [Fact]
    public void ForClusterFirstPod_IsWhatTheKubeletWrites()
    {
        var conf = ResolvConf.ForClusterFirstPod("web", "cluster.local", hostSearch: ["ec2.internal", "cluster.local", "corp.example."]);

        Assert.Equal<string>(["web.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal", "corp.example"], conf.Search);
        Assert.Equal<string>(["ndots:5"], conf.Options);
        Assert.Equal(5, conf.Ndots);
        Assert.Equal<IPAddress>([IPAddress.Parse("10.96.0.10")], conf.Nameservers);
    }

    [Fact]
    public void ToString_ThenParse_RoundTrips()
    {
        var conf = ResolvConf.ForClusterFirstPod("web");

        var again = ResolvConf.Parse(conf.ToString());

        Assert.Equal<string>(conf.Search, again.Search);
        Assert.Equal<System.Net.IPAddress>(conf.Nameservers, again.Nameservers);
        Assert.Equal<string>(conf.Options, again.Options);
    }

    [Fact]
    public void WithEnvironment_LocalDomainReplacesSearch_ResOptionsAdds()
    {
        var conf = ResolvConf.Parse("search a.example\noptions ndots:5\n").WithEnvironment("x.example y.example", "ndots:1 rotate");

        Assert.Equal<string>(["x.example", "y.example"], conf.Search);
        Assert.Equal(1, conf.Ndots);
        Assert.True(conf.Rotate);
    }
}
