using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing.Generators;

namespace K8sNet.Gateway.Tests;

/// <summary>
/// The indexed route table against an oracle written straight from the HTTPRoute docs' words (every match of every
/// rule checked; the most precise matching hostname, then Exact, the longest PathPrefix, a method, the most headers,
/// the most query parameters, the route first by namespace/name, the first rule and match), over random routes and
/// requests from <see cref="HttpRouteGen"/>; and the properties the issue names: load order, unmatchable rules, Exact
/// over Prefix, weights.
/// </summary>
public class GatewayRouterProperties
{
    public sealed record Scenario(V1HTTPRoute[] Routes, GatewayRequest[] Requests, int Shuffle)
    {
        public override string ToString() =>
            string.Join(" | ", Routes.Select(r => $"{r.Metadata.Name} [{string.Join(",", r.Spec.Hostnames ?? [])}]: " + string.Join("; ", r.Spec.Rules!.Select(rule =>
                string.Join(" or ", rule.Matches!.Select(m => $"{m.Path?.Type} {m.Path?.Value} {m.Method} {string.Join("&", (m.Headers ?? []).Select(h => $"{h.Name}={h.Value}"))} {(m.QueryParams is { } q ? "q=" + q[0].Value : string.Empty)}"))))))
            + " ← " + string.Join(", ", Requests.Select(r => $"{r.Method} {r.Host}{r.PathAndQuery} {string.Join("&", r.Headers.Select(h => $"{h.Key}={h.Value}"))}"));
    }

    public static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenarios() => Arb.From(
            from routes in HttpRouteGen.HttpRoutes()
            from requests in Gen.ArrayOf(HttpRouteGen.Request(), 20)
            from shuffle in Gen.Choose(0, 1000)
            select new Scenario(routes, requests, shuffle));
    }

    private static GatewayRouter Build(IEnumerable<V1HTTPRoute> routes) => GatewayRouter.Build([HttpRouteGen.Gateway(), .. routes]);

    // The spec's words, checked one candidate at a time.
    private static (string Route, int Rule, int Match)? Oracle(V1HTTPRoute[] routes, GatewayRequest request)
    {
        var candidates =
            from route in routes
            let hostname = BestHostname(route.Spec.Hostnames, request.HostName)
            where hostname is not null
            from rule in route.Spec.Rules!.Select((rule, index) => (rule, index))
            from match in rule.rule.Matches!.Select((match, index) => (match, index))
            where Matches(match.match, request)
            let path = match.match.Path ?? new V1HTTPPathMatch { Type = "PathPrefix", Value = "/" }
            orderby hostname.Value.NonWildcard descending, hostname.Value.Length descending,
                path.Type == "Exact" ? 0 : 1, path.Value!.Length descending, match.match.Method is null ? 1 : 0,
                match.match.Headers?.Count ?? 0 descending, match.match.QueryParams?.Count ?? 0 descending,
                route.Metadata.Name, rule.index, match.index
            select (route.Metadata.Name, rule.index, match.index);
        return candidates.Cast<(string, int, int)?>().FirstOrDefault();
    }

    // The route hostname that matches the request best: (characters of a precise name, characters), or null.
    private static (int NonWildcard, int Length)? BestHostname(IList<string>? hostnames, string host)
    {
        if (hostnames is not { Count: > 0 })
        {
            return (0, 0);
        }

        var matching = hostnames.Where(h => h == host || (h.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(h[1..], StringComparison.Ordinal) && host.Length > h.Length - 1)).ToList();
        return matching.Count == 0 ? null : matching.Select(h => (h.StartsWith('*') ? 0 : h.Length, h.Length)).Max();
    }

    private static bool Matches(V1HTTPRouteMatch match, GatewayRequest request)
    {
        var path = match.Path ?? new V1HTTPPathMatch { Type = "PathPrefix", Value = "/" };
        var pathMatches = path.Type == "Exact"
            ? path.Value == request.Path
            : path.Value!.TrimEnd('/').Split('/') is var rule && request.Path.TrimEnd('/').Split('/') is var elements && rule.Length <= elements.Length && rule.SequenceEqual(elements.Take(rule.Length));
        var query = request.Query.Split('&').Select(p => p.Split('=')).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        return pathMatches
            && (match.Method is null || match.Method == request.Method)
            && (match.Headers ?? []).All(h => request.Header(h.Name) == h.Value)
            && (match.QueryParams ?? []).All(q => query.GetValueOrDefault(q.Name) == q.Value);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 300)]
    public bool TheIndexAgreesWithTheSpec(Scenario scenario)
    {
        var router = Build(scenario.Routes);

        return scenario.Requests.All(request =>
        {
            var decision = router.Route(request, new Random(1));
            var expected = Oracle(scenario.Routes, request);
            return expected is { } e
                ? (decision.RouteName, decision.RuleIndex, decision.MatchIndex) == e
                : decision.RouteName is null && decision.StatusCode == 404;
        });
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool TheGivenOrderOfRoutes_ChangesNothing(Scenario scenario)
    {
        var shuffled = (V1HTTPRoute[])scenario.Routes.Clone();
        new Random(scenario.Shuffle).Shuffle(shuffled);
        var (a, b) = (Build(scenario.Routes), Build(shuffled));

        return scenario.Requests.All(r => a.Route(r, new Random(1)).Reason == b.Route(r, new Random(1)).Reason);
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool ARuleThatCannotMatch_NeverChangesADecision(Scenario scenario)
    {
        var before = Build(scenario.Routes);
        var withRule = scenario.Routes.Select(r => new V1HTTPRoute
        {
            Metadata = r.Metadata,
            Spec = new V1HTTPRouteSpec
            {
                ParentRefs = r.Spec.ParentRefs,
                Hostnames = r.Spec.Hostnames,
                Rules = [.. r.Spec.Rules!, new V1HTTPRouteRule { Matches = [new V1HTTPRouteMatch { Headers = [new V1HTTPHeaderMatch { Name = "x-never", Value = "sent" }] }], BackendRefs = [new V1HTTPBackendRef { Name = "never", Port = 80 }] }],
            },
        });
        var elsewhere = new V1HTTPRoute
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "a-elsewhere", NamespaceProperty = "default" },
            Spec = new V1HTTPRouteSpec { ParentRefs = [new V1ParentReference { Name = "gw" }], Hostnames = ["never.invalid-domain.test"], Rules = [new V1HTTPRouteRule { BackendRefs = [new V1HTTPBackendRef { Name = "never", Port = 80 }] }] },
        };
        var after = Build([.. withRule.Where(r => r.Spec.Rules!.Count <= 16), elsewhere]);

        return scenario.Requests.All(r => Identity(before.Route(r, new Random(1))) == Identity(after.Route(r, new Random(1))));
    }

    // What decided and where it goes (a 404's reason lists the routes attached, so it is left out).
    private static (string?, int, int, string?, int?) Identity(GatewayDecision d) => (d.RouteName, d.RuleIndex, d.MatchIndex, d.ServiceName, d.StatusCode);

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 200)]
    public bool AnExactPath_BeatsAPrefixOfTheSamePath(Scenario scenario) => scenario.Requests.All(request =>
    {
        var route = new V1HTTPRoute
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "both", NamespaceProperty = "default" },
            Spec = new V1HTTPRouteSpec
            {
                ParentRefs = [new V1ParentReference { Name = "gw" }],
                Rules =
                [
                    new V1HTTPRouteRule { Matches = [new V1HTTPRouteMatch { Path = new V1HTTPPathMatch { Type = "PathPrefix", Value = request.Path } }], BackendRefs = [new V1HTTPBackendRef { Name = "prefix", Port = 80 }] },
                    new V1HTTPRouteRule { Matches = [new V1HTTPRouteMatch { Path = new V1HTTPPathMatch { Type = "Exact", Value = request.Path } }], BackendRefs = [new V1HTTPBackendRef { Name = "exact", Port = 80 }] },
                ],
            },
        };
        return Build([route]).Route(request).ServiceName == "exact";
    });

    // With a uniform source of choices (each value of Next(n) equally often, as a good Random tends to), every
    // backend's share over 500 requests is its weight's share within ±0.05, and a weight-0 backend gets nothing.
    [Property(MaxTest = 200)]
    public bool Weights_SplitTrafficWithinTolerance(PositiveInt seed)
    {
        var random = new Random(seed.Item);
        var weights = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(0, 6)).ToArray();
        weights[0] = Math.Max(weights[0], 1);
        var route = new V1HTTPRoute
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "split", NamespaceProperty = "default" },
            Spec = new V1HTTPRouteSpec { ParentRefs = [new V1ParentReference { Name = "gw" }], Rules = [new V1HTTPRouteRule { BackendRefs = [.. weights.Select((w, i) => new V1HTTPBackendRef { Name = $"b{i}", Port = 80, Weight = w })] }] },
        };
        var router = Build([route]);
        var request = GatewayRequest.Get("http://split.example/");
        var uniform = new UniformRandom(seed.Item);

        var shares = Enumerable.Range(0, 500).Select(_ => router.Route(request, uniform).ServiceName).GroupBy(s => s!).ToDictionary(g => g.Key, g => g.Count() / 500.0);

        return weights.Select((w, i) => (w, share: shares.GetValueOrDefault($"b{i}"))).All(x => Math.Abs(x.share - ((double)x.w / weights.Sum())) <= 0.05 && (x.w > 0 || x.share == 0));
    }

    // Next(n) walks 0, 1, ..., n-1 from a seeded start: a perfectly uniform source for a fixed n.
    private sealed class UniformRandom(int start) : Random
    {
        private int _next = start;

        public override int Next(int maxValue) => (int)((uint)_next++ % (uint)maxValue);
    }
}
