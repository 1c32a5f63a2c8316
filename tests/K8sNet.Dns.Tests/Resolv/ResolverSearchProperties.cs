using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Dns;
using K8sNet.Testing.Generators;

namespace K8sNet.Dns.Tests.Resolv;

public class ResolverSearchProperties
{
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 1_000)]
    public bool Expand_NeverQueriesANameTwice(SearchCase c)
    {
        var queries = ResolverSearch.Expand(c.Name, c.Conf, c.Flavor);

        return queries.Distinct(StringComparer.OrdinalIgnoreCase).Count() == queries.Count;
    }

    // The name as written (absolute: "name.") is queried exactly once: first when it has at least ndots dots or a
    // trailing dot; otherwise last — except that a root entry (".") on the search list is where glibc queries it
    // (appending the root gives "name."), and then it is not queried again at the end.
    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 1_000)]
    public void Expand_Glibc_QueriesTheNameAsWrittenExactlyOnce(SearchCase c)
    {
        var queries = ResolverSearch.Expand(c.Name, c.Conf);
        var asIs = c.Name.EndsWith('.') ? c.Name : c.Name + ".";
        var dots = c.Name.Count(ch => ch == '.');
        var trailing = c.Name.EndsWith('.');

        Assert.Equal(1, queries.Count(q => q == asIs));
        var index = queries.ToList().IndexOf(asIs);
        if (dots >= c.Conf.Ndots || trailing)
        {
            Assert.Equal(0, index);
            if (trailing)
            {
                Assert.Single(queries);
            }
        }
        else if (c.Conf.Search.Contains("."))
        {
            Assert.Equal(c.Conf.Search.Distinct().TakeWhile(s => s != ".").Count(), index);
        }
        else
        {
            Assert.Equal(queries.Count - 1, index);
        }
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public bool Expand_EveryQueryIsAbsoluteAndEndsWithTheNameOrASearchDomain(SearchCase c) =>
        ResolverSearch.Expand(c.Name, c.Conf, c.Flavor).All(q =>
            q.EndsWith('.') && q.StartsWith(c.Name.TrimEnd('.'), StringComparison.Ordinal));

    public sealed record SearchCase(string Name, ResolvConf Conf, ResolverFlavor Flavor)
    {
        public override string ToString() => $"name={Name} search=[{string.Join(' ', Conf.Search)}] ndots={Conf.Ndots} {Flavor}";
    }

    public static class Arbitraries
    {
        private static readonly string[] Domains = ["web.svc.cluster.local", "svc.cluster.local", "cluster.local", "ec2.internal", "corp.example", ".", "a.b"];

        public static Arbitrary<SearchCase> Cases() => Arb.From(
            from labels in Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(NameGen.Dns1123Label(8), n))
            from trailing in Gen.Elements(false, false, false, true)
            from search in Gen.Choose(0, 6).SelectMany(n => Gen.ArrayOf(Gen.Elements(Domains), n))
            from ndots in Gen.Choose(0, 15)
            from flavor in Gen.Elements(ResolverFlavor.Glibc, ResolverFlavor.Musl)
            select new SearchCase(
                string.Join('.', labels) + (trailing ? "." : string.Empty),
                ResolvConf.Create(search: search.Distinct(), options: [$"ndots:{ndots}"]),
                flavor));
    }
}
