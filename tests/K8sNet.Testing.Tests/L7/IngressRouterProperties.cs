using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s.Models;
using K8sNet.Testing.L7;

namespace K8sNet.Testing.Tests.L7;

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

    public static class Arbitraries
    {
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
}
