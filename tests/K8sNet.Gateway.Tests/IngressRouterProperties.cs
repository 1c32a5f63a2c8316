using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Testing.Generators;

namespace K8sNet.Gateway.Tests;

/// <summary>
/// The indexed route table against an oracle written straight from the spec's words (every path checked, Exact by
/// equality, Prefix element by element after dropping trailing slashes, the longest written path first, Exact before
/// Prefix, then the first Ingress), over random path sets and requests; and the decision does not depend on the order
/// the Ingresses are given in.
/// </summary>
public class IngressRouterProperties
{
    public sealed record PathSpec(string Path, string Type, int Ingress);

    public sealed record Case(PathSpec[] Paths, string Request, int Shuffle)
    {
        public override string ToString() => $"{string.Join(", ", Paths.Select(p => $"{p.Type} {p.Path} (ing-{p.Ingress})"))} ← {Request}";
    }

    public sealed record Scenario(V1Ingress[] Ingresses, (string Host, string Path)[] Requests)
    {
        public override string ToString() =>
            string.Join(" | ", Ingresses.Select(i => $"{i.Metadata.Name}: " + string.Join("; ", i.Spec.Rules.Select(r => $"{r.Host ?? "*any*"} " + string.Join(",", r.Http.Paths.Select(p => $"{p.PathType} {p.Path}"))))))
            + " ← " + string.Join(", ", Requests.Select(r => r.Host + r.Path));
    }

    public static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenarios() => Arb.From(
            from ingresses in IngressGen.Ingresses()
            from requests in Gen.ArrayOf(from h in IngressGen.RequestHost() from p in IngressGen.Path() select (h, p), 20)
            select new Scenario(ingresses, requests));

        private static readonly Gen<string> Paths =
            from n in Gen.Choose(0, 3)
            from segments in Gen.ArrayOf(Gen.Elements("a", "b", "ab", "a.b"), n)
            from slash in Gen.Elements(string.Empty, string.Empty, "/")
            select "/" + string.Join('/', segments) + (n > 0 ? slash : string.Empty);

        public static Arbitrary<Case> Cases() => Arb.From(
            from count in Gen.Choose(1, 8)
            from paths in Gen.ArrayOf(from p in Paths from t in Gen.Elements("Exact", "Prefix") from i in Gen.Choose(0, 2) select new PathSpec(p, t, i), count)
            from request in Paths
            from shuffle in Gen.Choose(0, 1000)
            select new Case(paths, request, shuffle));
    }

    private static V1Ingress[] Ingresses(Case c) => [.. Enumerable.Range(0, 3).Select(i => new V1Ingress
    {
        Metadata = new V1ObjectMeta { Name = $"ing-{i}", NamespaceProperty = "shop" },
        Spec = new V1IngressSpec
        {
            Rules = [new V1IngressRule { Host = "shop.example", Http = new V1HTTPIngressRuleValue { Paths = [.. c.Paths.Select((p, k) => (p, k)).Where(x => x.p.Ingress == i).Select(x => new V1HTTPIngressPath
            {
                Path = x.p.Path,
                PathType = x.p.Type,
                Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = $"svc-{x.k}", Port = new V1ServiceBackendPort { Number = 80 } } },
            })] } }],
            DefaultBackend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "default", Port = new V1ServiceBackendPort { Number = 80 } } },
        },
    })];

    private static bool Matches(PathSpec rule, string request)
    {
        if (rule.Type == "Exact")
        {
            return rule.Path == request;
        }

        var ruleElements = rule.Path.TrimEnd('/').Split('/');
        var requestElements = request.TrimEnd('/').Split('/');
        return ruleElements.Length <= requestElements.Length && ruleElements.SequenceEqual(requestElements.Take(ruleElements.Length));
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 500)]
    public bool TheIndexAgreesWithTheSpec(Case c)
    {
        var expected = c.Paths.Select((p, k) => (p, k))
            .Where(x => Matches(x.p, c.Request))
            .OrderByDescending(x => x.p.Path.Length)
            .ThenBy(x => x.p.Type == "Exact" ? 0 : 1)
            .ThenBy(x => x.p.Ingress)
            .ThenBy(x => x.k)
            .Select(x => $"svc-{x.k}")
            .FirstOrDefault() ?? "default";

        return IngressRouter.Build(Ingresses(c)).Route("shop.example", c.Request).ServiceName == expected;
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool TheGivenOrderOfIngresses_ChangesNothing(Case c)
    {
        var ingresses = Ingresses(c);
        var shuffled = (V1Ingress[])ingresses.Clone();
        new Random(c.Shuffle).Shuffle(shuffled);

        return IngressRouter.Build(ingresses).Route("shop.example", c.Request).Reason == IngressRouter.Build(shuffled).Route("shop.example", c.Request).Reason;
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool ARuleThatCannotMatch_NeverChangesADecision(Scenario scenario)
    {
        var before = IngressRouter.Build(scenario.Ingresses);
        var unreachable = new V1Ingress
        {
            Metadata = new V1ObjectMeta { Name = "unreachable", NamespaceProperty = "default" },
            Spec = new V1IngressSpec { Rules = [new V1IngressRule { Host = "never.invalid-domain.test", Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "never", Port = new V1ServiceBackendPort { Number = 80 } } } }] } }] },
        };
        var after = IngressRouter.Build([.. scenario.Ingresses, unreachable]);

        return scenario.Requests.All(r => before.Route(r.Host, r.Path).Reason == after.Route(r.Host, r.Path).Reason);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool AnExactPath_BeatsAPrefixOfTheSamePath(Scenario scenario)
    {
        return scenario.Requests.All(r =>
        {
            var both = new V1Ingress
            {
                Metadata = new V1ObjectMeta { Name = "both", NamespaceProperty = "default" },
                Spec = new V1IngressSpec
                {
                    Rules = [new V1IngressRule { Http = new V1HTTPIngressRuleValue { Paths =
                    [
                        new V1HTTPIngressPath { Path = r.Path, PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "prefix", Port = new V1ServiceBackendPort { Number = 80 } } } },
                        new V1HTTPIngressPath { Path = r.Path, PathType = "Exact", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = "exact", Port = new V1ServiceBackendPort { Number = 80 } } } },
                    ] } }],
                },
            };
            return IngressRouter.Build([both]).Route(r.Host, r.Path).ServiceName == "exact";
        });
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool GeneratedIngresses_AreValid_AndEveryDecisionNamesAServedIngressOr404(Scenario scenario)
    {
        var router = IngressRouter.Build(scenario.Ingresses);
        var names = scenario.Ingresses.Select(i => i.Metadata.Name).ToHashSet();
        return scenario.Requests.Select(r => router.Route(r.Host, r.Path))
            .All(d => d.Outcome == IngressOutcome.NotFound ? d.StatusCode == 404 : names.Contains(d.Ingress!) && d.ServiceName!.StartsWith(d.Ingress!, StringComparison.Ordinal));
    }
}
