using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;

namespace K8sNet.Gateway.Tests;

/// <summary>
/// Gateway API evaluation against the spec's own text and tables (kubernetes-sigs/gateway-api apis/v1
/// httproute_types.go, gateway_types.go, shared_types.go, referencegrant_types.go; site hostnames.md) as digested in
/// ../shared/reference/l7-routing.md §2. The conformance suite's HTTPRoute scenarios run in GatewayConformanceTests.
/// </summary>
public class GatewayRouterTests
{
    private const string Gateway = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: infra}
        spec:
          gatewayClassName: k8snet
          listeners:
          - {name: http, port: 80, protocol: HTTP}
        ---

        """;

    private static GatewayRouter Load(string yaml, GatewayRouterOptions? options = null) => GatewayRouter.Load(yaml, options);

    // Gateway infra/gw (class k8snet) with these listeners, then a document separator.
    private static string Listeners(params string[] listeners) =>
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: infra}\nspec:\n  gatewayClassName: k8snet\n  listeners:\n"
        + string.Concat(listeners.Select(l => $"  - {l}\n")) + "---\n";

    private static string Route(string name, string rules, string? hostnames = null, string ns = "infra", string parent = "{name: gw, namespace: infra}", string? created = null) => $"""
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {"{"}name: {name}, namespace: {ns}{(created is null ? string.Empty : $", creationTimestamp: \"{created}\"")}{"}"}
        spec:
          parentRefs: [{parent}]
          {(hostnames is null ? string.Empty : "hostnames: " + hostnames)}
          rules:
        {rules}
        ---

        """;

    private static GatewayDecision Get(GatewayRouter router, string url, string method = "GET", params (string, string)[] headers) =>
        router.Route(GatewayRequest.Get(url, method, headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))));

    // HTTPPathModifier.ReplacePrefixMatch's table (httproute_types.go), row by row.
    [Theory]
    [InlineData("/foo/bar", "/foo", "/xyz", "/xyz/bar")]
    [InlineData("/foo/bar", "/foo", "/xyz/", "/xyz/bar")]
    [InlineData("/foo/bar", "/foo/", "/xyz", "/xyz/bar")]
    [InlineData("/foo/bar", "/foo/", "/xyz/", "/xyz/bar")]
    [InlineData("/foo", "/foo", "/xyz", "/xyz")]
    [InlineData("/foo/", "/foo", "/xyz", "/xyz/")]
    [InlineData("/foo/bar", "/foo", "", "/bar")]
    [InlineData("/foo/", "/foo", "", "/")]
    [InlineData("/foo", "/foo", "", "/")]
    [InlineData("/foo/", "/foo", "/", "/")]
    [InlineData("/foo", "/foo", "/", "/")]
    public void ReplacePrefixMatch_FollowsTheSpecTable(string requestPath, string prefix, string replacement, string expected)
    {
        var router = Load(Gateway + Route("rewrite", $$$$"""
              - matches: [{path: {type: PathPrefix, value: "{{{{prefix}}}}"}}]
                filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: "{{{{replacement}}}}"}}}]
                backendRefs: [{name: app, port: 8080}]
            """));

        var decision = Get(router, "http://example.com" + requestPath + "?q=1");

        Assert.Equal(GatewayOutcome.Backend, decision.Outcome);
        Assert.Equal(expected + "?q=1", decision.ForwardedPathAndQuery);
    }

    [Fact]
    public void UrlRewrite_ReplaceFullPathAndHostname()
    {
        var router = Load(Gateway + Route("rewrite", """
              - matches: [{path: {type: PathPrefix, value: /full}}]
                filters: [{type: URLRewrite, urlRewrite: {hostname: one.example.org, path: {type: ReplaceFullPath, replaceFullPath: /one}}}]
                backendRefs: [{name: app, port: 8080}]
            """));

        var decision = Get(router, "http://rewrite.example/full/path/x");

        Assert.Equal(("one.example.org", "/one"), (decision.ForwardedHost, decision.ForwardedPathAndQuery));
    }

    // HTTPRequestRedirectFilter: an unset port is the scheme's well-known port when the scheme is set, else the
    // listener's; :80 and :443 are left out (HTTPRouteRedirectPortAndScheme).
    [Theory]
    [InlineData(80, "", "http://example.org/path?x=1")]
    [InlineData(8080, "", "http://example.org:8080/path?x=1")]
    [InlineData(8080, "scheme: https", "https://example.org/path?x=1")]
    [InlineData(8080, "scheme: https, port: 8443", "https://example.org:8443/path?x=1")]
    [InlineData(80, "port: 8083", "http://example.org:8083/path?x=1")]
    [InlineData(80, "hostname: other.example.org, statusCode: 301", "http://other.example.org/path?x=1")]
    [InlineData(80, "path: {type: ReplaceFullPath, replaceFullPath: /new}", "http://example.org/new?x=1")]
    public void Redirect_Location_FollowsTheFilterDefaults(int listenerPort, string filter, string location)
    {
        var router = Load(Gateway.Replace("port: 80", $"port: {listenerPort}") + Route("redirect", "  - filters: [{type: RequestRedirect, requestRedirect: {" + filter + "}}]"));

        var decision = router.Route(new GatewayRequest("GET", $"example.org:{listenerPort}", "/path?x=1", port: listenerPort));

        Assert.Equal(GatewayOutcome.Redirect, decision.Outcome);
        Assert.Equal(filter.Contains("301", StringComparison.Ordinal) ? 301 : 302, decision.StatusCode);
        Assert.Equal(location, decision.Location);
    }

    [Fact]
    public void RequestHeaderModifier_SetAddRemove_AsTheConformanceSuiteExpects()
    {
        var router = Load(Gateway + Route("headers", """
              - filters:
                - type: RequestHeaderModifier
                  requestHeaderModifier:
                    set: [{name: X-Header-Set, value: set-overwrites-values}]
                    add: [{name: X-Header-Add, value: add-appends-values}]
                    remove: [X-Header-Remove]
                - type: ResponseHeaderModifier
                  responseHeaderModifier: {add: [{name: X-Header-Add, value: add-appends-values}], remove: [X-Remove]}
                backendRefs: [{name: app, port: 8080}]
            """));

        var decision = Get(router, "http://example.com/", "GET", ("x-header-set", "some-other-value"), ("X-Header-Add", "some-other-value"), ("x-header-remove", "gone"), ("Keep", "1"));

        Assert.Equal(
            [new("X-Header-Set", "set-overwrites-values"), new("X-Header-Add", "some-other-value,add-appends-values"), new("Keep", "1")],
            decision.ForwardedHeaders);
        Assert.Equal([new("x-remove-not", "1"), new("X-Header-Add", "add-appends-values")], decision.ModifyResponseHeaders([new("X-Remove", "a"), new("x-remove-not", "1")]));
    }

    // The HTTPRouteRule.Matches precedence, each step against the next one down.
    [Theory]
    [InlineData("/a/b", "GET", "", "exact")]                 // Exact beats every prefix
    [InlineData("/a/b/c", "GET", "", "long-prefix")]         // the longest prefix
    [InlineData("/a/x", "PATCH", "", "method")]              // a method match beats header matches
    [InlineData("/a/x", "GET", "h1=1&h2=2", "two-headers")]  // the most header matches
    [InlineData("/a/x", "GET", "h1=1", "one-header+query")]  // equal headers: the most query matches
    [InlineData("/a/x", "GET", "", "prefix")]
    public void Precedence_FollowsTheMatchesDoc(string path, string method, string headerSpec, string expected)
    {
        var router = Load(Gateway + Route("order", """
              - matches: [{path: {type: PathPrefix, value: /a}}]
                backendRefs: [{name: prefix, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /a}, headers: [{name: h1, value: "1"}], queryParams: [{name: q, value: "1"}]}]
                backendRefs: [{name: one-header+query, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /a}, headers: [{name: h1, value: "1"}, {name: h2, value: "2"}]}]
                backendRefs: [{name: two-headers, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /a}, method: PATCH}]
                backendRefs: [{name: method, port: 80}]
              - matches: [{path: {type: PathPrefix, value: /a/b}}]
                backendRefs: [{name: long-prefix, port: 80}]
              - matches: [{path: {type: Exact, value: /a/b}}]
                backendRefs: [{name: exact, port: 80}]
            """));
        var headers = headerSpec.Length == 0 ? [] : headerSpec.Split('&').Select(h => (h.Split('=')[0], h.Split('=')[1])).ToArray();

        var decision = router.Route(new GatewayRequest(method, "example.com", path + "?q=1", headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2))));

        Assert.Equal(expected, decision.ServiceName);
    }

    [Fact]
    public void Precedence_AcrossRoutes_OldestThenAlphabetical_ThenRuleOrder()
    {
        var newer = Route("b-newer", "      - backendRefs: [{name: b-newer, port: 80}]", created: "2026-01-02T00:00:00Z")
            + Route("a-newer", "      - backendRefs: [{name: a-newer, port: 80}]\n      - backendRefs: [{name: a-second, port: 80}]", created: "2026-01-02T00:00:00Z");
        var oldest = Route("c-oldest", "      - backendRefs: [{name: c-oldest, port: 80}]", created: "2026-01-01T00:00:00Z");

        var withOldest = Get(Load(Gateway + newer + oldest), "http://x.example/");
        var alphabetical = Get(Load(Gateway + newer), "http://x.example/");

        Assert.Equal("c-oldest", withOldest.ServiceName);
        Assert.Equal(("a-newer", 0), (alphabetical.ServiceName, alphabetical.RuleIndex));
        Assert.Contains("HTTPRoute infra/a-newer rules[0]", alphabetical.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostnames_ListenerWildcardMatchesOneOrMoreLabels_RouteHostnamesIntersect_PortIgnored()
    {
        var router = Load(Listeners("""{name: wild, port: 80, protocol: HTTP, hostname: "*.example.com"}""", """{name: exact, port: 80, protocol: HTTP, hostname: "foo.example.com"}""", """{name: any, port: 80, protocol: HTTP}""")
            + Route("wild", "      - backendRefs: [{name: wild, port: 80}]", parent: "{name: gw, namespace: infra, sectionName: wild}")
            + Route("specific", "      - backendRefs: [{name: specific, port: 80}]", hostnames: "[\"*.bar.example.com\", \"other.org\"]", parent: "{name: gw, namespace: infra, sectionName: wild}")
            + Route("exact", "      - backendRefs: [{name: exact, port: 80}]", parent: "{name: gw, namespace: infra, sectionName: exact}")
            + Route("any", "      - backendRefs: [{name: any, port: 80}]", parent: "{name: gw, namespace: infra, sectionName: any}"));

        Assert.Equal(("wild", "wild"), Pair(router.Route(new GatewayRequest("GET", "a.example.com:8080", "/"))));
        Assert.Equal(("wild", "wild"), Pair(Get(router, "http://a.b.example.com/")));
        Assert.Equal(("wild", "specific"), Pair(Get(router, "http://x.bar.example.com/")));
        Assert.Equal(("exact", "exact"), Pair(Get(router, "http://foo.example.com/")));
        Assert.Equal(("any", "any"), Pair(Get(router, "http://example.com/")));
        Assert.Equal(("any", "any"), Pair(router.Route(new GatewayRequest("GET", null, "/"))));

        static (string?, string?) Pair(GatewayDecision d) => (d.Listener, d.ServiceName);
    }

    [Fact]
    public void ListenerIsolation_NoFallbackToAnotherListener_404()
    {
        var router = Load(Listeners("""{name: wild, port: 80, protocol: HTTP, hostname: "*.example.com"}""", """{name: any, port: 80, protocol: HTTP}""")
            + Route("wild", "      - matches: [{path: {value: /wild}}]\n        backendRefs: [{name: wild, port: 80}]", parent: "{name: gw, namespace: infra, sectionName: wild}")
            + Route("any", "      - backendRefs: [{name: any, port: 80}]", parent: "{name: gw, namespace: infra, sectionName: any}"));

        var decision = Get(router, "http://a.example.com/other");

        Assert.Equal((GatewayOutcome.Error, 404, "wild"), (decision.Outcome, decision.StatusCode, decision.Listener));
        Assert.Contains("no rule of the 1 route(s) attached to listener wild", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(404, Get(router, "http://a.example.com:81/").StatusCode);
    }

    [Theory]
    [InlineData("*.example.com", "foo.example.com", "foo.example.com")]
    [InlineData("foo.example.com", "*.example.com", "foo.example.com")]
    [InlineData("*.example.com", "*.com", "*.example.com")]
    [InlineData("*.com", "*.example.com", "*.example.com")]
    [InlineData("*.example.com", "example.com", null)]
    [InlineData("*.example.com", "a.b.example.com", "a.b.example.com")]
    [InlineData("foo.example.com", "bar.example.com", null)]
    [InlineData("*.foo.com", "*.bar.com", null)]
    public void Intersect_FollowsTheHostnamesDoc(string listener, string route, string? expected) =>
        Assert.Equal(expected, GatewayRouter.Intersect(listener, route));

    [Fact]
    public void Weights_SplitTraffic_WeightZeroGetsNothing()
    {
        var router = Load(Gateway + Route("weights", """
              - backendRefs: [{name: v1, port: 80, weight: 70}, {name: v2, port: 80, weight: 30}, {name: v3, port: 80, weight: 0}]
            """));
        var random = new Random(42);
        var request = GatewayRequest.Get("http://example.com/");

        var counts = Enumerable.Range(0, 500).Select(_ => router.Route(request, random).ServiceName).GroupBy(s => s).ToDictionary(g => g.Key!, g => g.Count() / 500.0);

        Assert.InRange(counts["v1"], 0.65, 0.75);
        Assert.InRange(counts["v2"], 0.25, 0.35);
        Assert.False(counts.ContainsKey("v3"));
    }

    [Fact]
    public void InvalidBackends_TakeTheirShareAs500_AndResolvedRefsIsFalse()
    {
        var router = Load(Gateway + Route("half", """
              - backendRefs: [{name: exists, port: 80}, {name: missing, port: 80}]
            """) + """
            apiVersion: v1
            kind: Service
            metadata: {name: exists, namespace: infra}
            spec: {ports: [{port: 80}]}
            """);
        var random = new Random(7);
        var request = GatewayRequest.Get("http://example.com/");

        var errors = Enumerable.Range(0, 4000).Count(_ => router.Route(request, random).StatusCode == 500) / 4000.0;

        Assert.InRange(errors, 0.47, 0.53);
        var condition = router.RouteStatus("HTTPRoute", "infra", "half")!.Parents[0].Conditions.Single(c => c.Type == "ResolvedRefs");
        Assert.Equal(("False", "BackendNotFound"), (condition.Status, condition.Reason));
    }

    [Fact]
    public void NoBackendRefs_500_AllWeightsZero_ConfigurableStatus()
    {
        var yaml = Gateway + Route("none", """
              - matches: [{path: {value: /none}}]
              - matches: [{path: {value: /zero}}]
                backendRefs: [{name: v1, port: 80, weight: 0}]
            """);

        Assert.Equal(500, Get(Load(yaml), "http://e.x/none").StatusCode);
        Assert.Equal(500, Get(Load(yaml), "http://e.x/zero").StatusCode);
        Assert.Equal(503, Get(Load(yaml, new GatewayRouterOptions { AllWeightsZeroStatusCode = 503 }), "http://e.x/zero").StatusCode);
        Assert.Equal("True", Load(yaml).RouteStatus("HTTPRoute", "infra", "none")!.Parents[0].Conditions.Single(c => c.Type == "ResolvedRefs").Status);
    }

    private const string CrossNamespaceRoute = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: cross, namespace: infra}
        spec:
          parentRefs: [{name: gw}]
          rules:
          - backendRefs: [{name: web-backend, namespace: web, port: 8080}]
        ---

        """;

    // HTTPRouteInvalidReferenceGrant's seven near misses, and the grant that works.
    [Theory]
    [InlineData("web", "gateway.networking.k8s.io", "HTTPRoute", "infra", "", "Service", "web-backend", true)]
    [InlineData("web", "gateway.networking.k8s.io", "HTTPRoute", "infra", "", "Service", "", true)]
    [InlineData("infra", "gateway.networking.k8s.io", "HTTPRoute", "infra", "", "Service", "web-backend", false)]
    [InlineData("web", "not-the-group.io", "HTTPRoute", "infra", "", "Service", "web-backend", false)]
    [InlineData("web", "gateway.networking.k8s.io", "GRPCRoute", "infra", "", "Service", "web-backend", false)]
    [InlineData("web", "gateway.networking.k8s.io", "HTTPRoute", "other", "", "Service", "web-backend", false)]
    [InlineData("web", "gateway.networking.k8s.io", "HTTPRoute", "infra", "apps", "Service", "web-backend", false)]
    [InlineData("web", "gateway.networking.k8s.io", "HTTPRoute", "infra", "", "Secret", "web-backend", false)]
    [InlineData("web", "gateway.networking.k8s.io", "HTTPRoute", "infra", "", "Service", "not-web-backend", false)]
    public void ReferenceGrant_OnlyAnExactGrantAllowsTheCrossNamespaceBackend(string grantNs, string fromGroup, string fromKind, string fromNs, string toGroup, string toKind, string toName, bool allowed)
    {
        var router = Load(Gateway + CrossNamespaceRoute + $$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: ReferenceGrant
            metadata: {name: grant, namespace: {{grantNs}}}
            spec:
              from: [{group: {{fromGroup}}, kind: {{fromKind}}, namespace: {{fromNs}}}]
              to: [{group: "{{toGroup}}", kind: {{toKind}}{{(toName.Length > 0 ? ", name: " + toName : string.Empty)}}}]
            """);

        var decision = Get(router, "http://e.x/");

        Assert.Equal(allowed ? null : 500, decision.StatusCode);
        var resolved = router.RouteStatus("HTTPRoute", "infra", "cross")!.Parents[0].Conditions.Single(c => c.Type == "ResolvedRefs");
        Assert.Equal(allowed ? "ResolvedRefs" : "RefNotPermitted", resolved.Reason);
    }

    [Fact]
    public void Status_Accepted_NoMatchingParent_NotAllowed_NoMatchingHostname_UnsupportedValue_PartiallyInvalid()
    {
        var router = Load(Listeners("""{name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}""")
            + Route("ok", "      - backendRefs: [{name: a, port: 80}]")
            + Route("section", "      - backendRefs: [{name: a, port: 80}]", parent: "{name: gw, namespace: infra, sectionName: nope}")
            + Route("port", "      - backendRefs: [{name: a, port: 80}]", parent: "{name: gw, namespace: infra, port: 8080}")
            + Route("other-ns", "      - backendRefs: [{name: a, port: 80}]", ns: "apps")
            + Route("hostname", "      - backendRefs: [{name: a, port: 80}]", hostnames: "[example.org]")
            + Route("regex", "      - matches: [{path: {type: RegularExpression, value: \"/(a\"}}]\n        backendRefs: [{name: a, port: 80}]")
            + Route("partly", "      - matches: [{path: {type: RegularExpression, value: \"/(a\"}}]\n        backendRefs: [{name: a, port: 80}]\n      - matches: [{path: {type: RegularExpression, value: \"/b[0-9]+\"}}]\n        backendRefs: [{name: b, port: 80}]"));

        Assert.Equal(("True", "Accepted"), Accepted("ok"));
        Assert.Equal(("False", "NoMatchingParent"), Accepted("section"));
        Assert.Equal(("False", "NoMatchingParent"), Accepted("port"));
        Assert.Equal(("False", "NotAllowedByListeners"), Accepted("other-ns", "apps"));
        Assert.Equal(("False", "NoMatchingListenerHostname"), Accepted("hostname"));
        Assert.Equal(("False", "UnsupportedValue"), Accepted("regex"));
        Assert.Equal(("True", "Accepted"), Accepted("partly"));
        var partial = router.RouteStatus("HTTPRoute", "infra", "partly")!.Parents[0].Conditions.Single(c => c.Type == "PartiallyInvalid");
        Assert.StartsWith("Dropped Rule 0:", partial.Message, StringComparison.Ordinal);
        Assert.Equal("b", Get(router, "http://x.example.com/b12").ServiceName);
        Assert.Equal(2, router.GatewayStatus("infra", "gw")!.Listeners!.Single().AttachedRoutes);

        (string, string) Accepted(string name, string ns = "infra")
        {
            var c = router.RouteStatus("HTTPRoute", ns, name)!.Parents.Single().Conditions.Single(c => c.Type == "Accepted");
            return (c.Status, c.Reason);
        }
    }

    [Fact]
    public void Listeners_Conflicts_AndInvalidRouteKinds_AreListenerConditions()
    {
        var router = Load(Listeners("""{name: http, port: 80, protocol: HTTP}""", """{name: tcp, port: 80, protocol: TCP}""", """{name: https, port: 443, protocol: HTTPS, hostname: a.example.com, tls: {certificateRefs: [{name: cert}]}}""", """{name: tls, port: 443, protocol: TLS, hostname: a.example.com, tls: {mode: Passthrough}}""", """{name: kinds, port: 8080, protocol: HTTP, allowedRoutes: {kinds: [{kind: HTTPRoute}, {kind: TCPRoute}]}}""", """{name: ok, port: 8081, protocol: HTTP}"""));

        var listeners = router.GatewayStatus("infra", "gw")!.Listeners!.ToDictionary(l => l.Name);

        Assert.Equal("ProtocolConflict", Condition("http", "Conflicted").Reason);
        Assert.Equal("ProtocolConflict", Condition("tcp", "Conflicted").Reason);
        Assert.Equal("HostnameConflict", Condition("https", "Conflicted").Reason);
        Assert.Equal("HostnameConflict", Condition("tls", "Conflicted").Reason);
        Assert.Equal(("False", "InvalidRouteKinds"), (Condition("kinds", "ResolvedRefs").Status, Condition("kinds", "ResolvedRefs").Reason));
        Assert.Equal(["HTTPRoute"], listeners["kinds"].SupportedKinds.Select(k => k.Kind));
        Assert.Equal(("False", "NoConflicts"), (Condition("ok", "Conflicted").Status, Condition("ok", "Conflicted").Reason));
        Assert.Equal(["HTTPRoute", "GRPCRoute"], listeners["ok"].SupportedKinds.Select(k => k.Kind));
        Assert.Equal(["kinds", "ok"], router.Listeners.Where(l => l.Ready).Select(l => l.Name));

        k8s.Models.V1Condition Condition(string listener, string type) => listeners[listener].Conditions.Single(c => c.Type == type);
    }

    [Fact]
    public void Https_MisdirectedRequest_Is421()
    {
        var router = Load(Listeners("""{name: wild, port: 443, protocol: HTTPS, hostname: "*.example.com", tls: {certificateRefs: [{name: c}]}}""", """{name: exact, port: 443, protocol: HTTPS, hostname: "secure.example.com", tls: {certificateRefs: [{name: c}]}}""")
            + Route("r", "      - backendRefs: [{name: a, port: 80}]"));

        var misdirected = router.Route(new GatewayRequest("GET", "secure.example.com", "/", port: 443, scheme: "https", serverName: "other.example.com"));
        var fine = router.Route(new GatewayRequest("GET", "secure.example.com", "/", port: 443, scheme: "https"));

        Assert.Equal((421, "wild"), (misdirected.StatusCode, misdirected.Listener));
        Assert.Equal(("exact", "a"), (fine.Listener, fine.ServiceName));
    }

    [Fact]
    public void Grpc_ByServiceAndMethod_UnimplementedWhenNothingMatches()
    {
        var router = Load(Gateway + """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: grpc, namespace: infra}
            spec:
              parentRefs: [{name: gw}]
              rules:
              - matches: [{method: {service: helloworld.Greeter, method: SayHello}}]
                backendRefs: [{name: exact, port: 50051}]
              - matches: [{method: {service: helloworld.Greeter}}]
                backendRefs: [{name: service, port: 50051}]
              - matches: [{method: {method: Check}}]
                backendRefs: [{name: method, port: 50051}]
              - matches: [{method: {type: RegularExpression, service: "grpc\\.health\\..*", method: "Wat.*"}}]
                backendRefs: [{name: regex, port: 50051}]
            """);

        Assert.Equal("exact", router.Route(GatewayRequest.Grpc("g.example", "helloworld.Greeter", "SayHello")).ServiceName);
        Assert.Equal("service", router.Route(GatewayRequest.Grpc("g.example", "helloworld.Greeter", "SayGoodbye")).ServiceName);
        Assert.Equal("method", router.Route(GatewayRequest.Grpc("g.example", "grpc.health.v1.Health", "Check")).ServiceName);
        Assert.Equal("regex", router.Route(GatewayRequest.Grpc("g.example", "grpc.health.v1.Health", "Watch")).ServiceName);
        var none = router.Route(GatewayRequest.Grpc("g.example", "other.Service", "Call"));
        Assert.Equal((404, 12), (none.StatusCode, none.GrpcStatus));
        Assert.Equal(404, Get(router, "http://g.example/helloworld.Greeter/SayHello", "POST").StatusCode); // not gRPC
    }

    [Fact]
    public void Grpc_Precedence_ServiceCharactersThenMethodCharactersThenHeaders()
    {
        var router = Load(Gateway + """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: grpc, namespace: infra}
            spec:
              parentRefs: [{name: gw}]
              rules:
              - matches: [{method: {method: Check}}]
                backendRefs: [{name: method-only, port: 50051}]
              - matches: [{method: {service: grpc.health.v1.Health}}]
                backendRefs: [{name: service-only, port: 50051}]
              - matches: [{method: {service: grpc.health.v1.Health}, headers: [{name: x-canary, value: "1"}]}]
                backendRefs: [{name: service-and-header, port: 50051}]
            """);

        Assert.Equal("service-only", router.Route(GatewayRequest.Grpc("g.example", "grpc.health.v1.Health", "Check")).ServiceName);
        Assert.Equal("service-and-header", router.Route(GatewayRequest.Grpc("g.example", "grpc.health.v1.Health", "Check", [new("x-canary", "1")])).ServiceName);
        Assert.Equal("method-only", router.Route(GatewayRequest.Grpc("g.example", "other.Health", "Check")).ServiceName);
    }

    [Fact]
    public void HttpRouteAndGrpcRoute_WithOverlappingHostnames_OnlyTheOlderIsAccepted()
    {
        var grpc = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: grpc, namespace: infra, creationTimestamp: "2026-01-02T00:00:00Z"}
            spec:
              parentRefs: [{name: gw}]
              hostnames: [HOST]
              rules: [{backendRefs: [{name: grpc, port: 50051}]}]
            """;
        var http = Route("http", "      - backendRefs: [{name: http, port: 80}]", hostnames: "[\"*.example.com\"]", created: "2026-01-01T00:00:00Z");

        var overlapping = Load(Gateway + http + grpc.Replace("HOST", "api.example.com", StringComparison.Ordinal));
        var apart = Load(Gateway + http + grpc.Replace("HOST", "api.example.org", StringComparison.Ordinal));

        var rejected = overlapping.RouteStatus("GRPCRoute", "infra", "grpc")!.Parents.Single().Conditions.Single(c => c.Type == "Accepted");
        Assert.Equal(("False", "NotAllowedByListeners"), (rejected.Status, rejected.Reason));
        Assert.Contains("holds HTTPRoute infra/http", rejected.Message, StringComparison.Ordinal);
        Assert.Equal("True", apart.RouteStatus("GRPCRoute", "infra", "grpc")!.Parents.Single().Conditions.Single(c => c.Type == "Accepted").Status);
        Assert.Equal("grpc", apart.Route(GatewayRequest.Grpc("api.example.org", "a.B", "C")).ServiceName);
    }

    [Fact]
    public void TcpTlsUdp_ByListenerPortAndSni()
    {
        var router = Load(Listeners("""{name: tcp, port: 5432, protocol: TCP}""", """{name: udp, port: 53, protocol: UDP}""", """{name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}""") + """
            apiVersion: gateway.networking.k8s.io/v1
            kind: TCPRoute
            metadata: {name: db, namespace: infra}
            spec:
              parentRefs: [{name: gw, sectionName: tcp}]
              rules: [{backendRefs: [{name: postgres, port: 5432}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: UDPRoute
            metadata: {name: dns, namespace: infra}
            spec:
              parentRefs: [{name: gw, sectionName: udp}]
              rules: [{backendRefs: [{name: coredns, port: 53}]}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: TLSRoute
            metadata: {name: tls, namespace: infra}
            spec:
              parentRefs: [{name: gw, sectionName: tls}]
              hostnames: ["*.example.com"]
              rules: [{backendRefs: [{name: passthrough, port: 8443}]}]
            """);

        Assert.Equal("postgres", router.RouteConnection("infra", "gw", 5432, "TCP").ServiceName);
        Assert.Equal("coredns", router.RouteConnection("infra", "gw", 53, "UDP").ServiceName);
        Assert.Equal("passthrough", router.RouteConnection("infra", "gw", 443, "TLS", "a.example.com").ServiceName);
        Assert.Equal(GatewayOutcome.Error, router.RouteConnection("infra", "gw", 443, "TLS", "a.b.example.com").Outcome); // SNI wildcards: one label
        Assert.Equal(GatewayOutcome.Error, router.RouteConnection("infra", "gw", 5433, "TCP").Outcome);
        Assert.Equal(1, router.GatewayStatus("infra", "gw")!.Listeners!.Single(l => l.Name == "tls").AttachedRoutes);
    }

    [Fact]
    public void Mirrors_AreReported_WithTheirFraction()
    {
        var router = Load(Gateway + Route("mirror", """
              - filters:
                - {type: RequestMirror, requestMirror: {backendRef: {name: mirror-a, port: 80}}}
                - {type: RequestMirror, requestMirror: {backendRef: {name: mirror-b, port: 80}, percent: 25}}
                backendRefs: [{name: app, port: 80}]
            """));

        var decision = Get(router, "http://e.x/");

        Assert.Equal([new GatewayMirror("infra", "mirror-a", 80, 1.0), new GatewayMirror("infra", "mirror-b", 80, 0.25)], decision.Mirrors);
    }

    [Fact]
    public void QueryParams_ExactCaseSensitiveNames_PercentDecodedValues_FirstValueCounts()
    {
        var router = Load(Gateway + Route("query", """
              - matches: [{queryParams: [{name: animal, value: whale}]}]
                backendRefs: [{name: whale, port: 80}]
              - matches: [{queryParams: [{name: color, value: "sea blue"}]}]
                backendRefs: [{name: blue, port: 80}]
              - backendRefs: [{name: rest, port: 80}]
            """));

        Assert.Equal("whale", Get(router, "http://e.x/?animal=whale").ServiceName);
        Assert.Equal("rest", Get(router, "http://e.x/?Animal=whale").ServiceName);
        Assert.Equal("blue", Get(router, "http://e.x/?color=sea%20blue").ServiceName);
        Assert.Equal("rest", Get(router, "http://e.x/?animal=dolphin&animal=whale").ServiceName);
    }

    [Theory]
    [InlineData("      - matches: [{path: {type: PathPrefix, value: \"/a//b\"}}]", "spec.rules[0].matches[0].path.value")]
    [InlineData("      - matches: [{path: {type: Exact, value: \"/a/..\"}}]", "spec.rules[0].matches[0].path.value")]
    [InlineData("      - matches: [{path: {type: Glob, value: \"/a\"}}]", "spec.rules[0].matches[0].path.type")]
    [InlineData("      - matches: [{method: FETCH}]", "spec.rules[0].matches[0].method")]
    [InlineData("      - backendRefs: [{name: a}]", "spec.rules[0].backendRefs[0].port")]
    [InlineData("      - backendRefs: [{name: a, port: 80, weight: 1000001}]", "spec.rules[0].backendRefs[0].weight")]
    [InlineData("      - filters: [{type: RequestRedirect, requestRedirect: {hostname: x.org}}]\n        backendRefs: [{name: a, port: 80}]", "spec.rules[0]")]
    [InlineData("      - matches: [{path: {type: Exact, value: /a}}]\n        filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]", "spec.rules[0]")]
    [InlineData("      - filters: [{type: RequestRedirect, requestRedirect: {statusCode: 304}}]", "spec.rules[0].filters[RequestRedirect].statusCode")]
    [InlineData("      - matches: [{queryParams: [{name: q, value: a}, {name: q, value: b}]}]", "spec.rules[0].matches[0].queryParams")]
    public void InvalidRoutes_AreFormatErrors_NamingTheField(string rules, string field)
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => Load(Gateway + Route("bad", rules)));

        Assert.Equal("HTTPRoute infra/bad " + field, ex.Field);
    }

    [Theory]
    [InlineData("{method: {service: \"helloworld/Greeter\", method: SayHello}}", "spec.rules[0].matches[0].method.service")]
    [InlineData("{method: {service: helloworld.Greeter, method: \"Say-Hello\"}}", "spec.rules[0].matches[0].method.method")]
    [InlineData("{method: {type: Exact}}", "spec.rules[0].matches[0].method")]
    public void InvalidGrpcRoutes_AreFormatErrors_NamingTheField(string match, string field)
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => Load(Gateway + $$"""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: bad, namespace: infra}
            spec:
              parentRefs: [{name: gw}]
              rules: [{matches: [{{match}}], backendRefs: [{name: a, port: 50051}]}]
            """));

        Assert.Equal("GRPCRoute infra/bad " + field, ex.Field);
    }

    [Fact]
    public void InvalidGateways_AreFormatErrors()
    {
        var duplicate = Gateway.Replace("- {name: http, port: 80, protocol: HTTP}", "- {name: http, port: 80, protocol: HTTP}\n  - {name: http, port: 81, protocol: HTTP}", StringComparison.Ordinal);
        var noTls = Gateway.Replace("protocol: HTTP}", "protocol: HTTPS}", StringComparison.Ordinal);

        Assert.Equal("Gateway infra/gw spec.listeners[1].name", Assert.Throws<K8sNetFormatException>(() => Load(duplicate)).Field);
        Assert.Equal("Gateway infra/gw spec.listeners[0].tls", Assert.Throws<K8sNetFormatException>(() => Load(noTls)).Field);
    }

    [Fact]
    public void GatewayClasses_OfAnotherController_AreIgnored_AndOursAccepted()
    {
        var yaml = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: k8snet}
            spec: {controllerName: k8snet.io/gateway}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: other}
            spec: {controllerName: example.com/other}
            ---
            """ + "\n" + Gateway + Gateway.Replace("name: gw", "name: gw2").Replace("gatewayClassName: k8snet", "gatewayClassName: other");

        var router = Load(yaml, new GatewayRouterOptions { ControllerName = "k8snet.io/gateway" });

        Assert.Equal("Accepted", router.GatewayClassStatus("k8snet")!.Conditions!.Single().Reason);
        Assert.Null(router.GatewayClassStatus("other"));
        Assert.NotNull(router.GatewayStatus("infra", "gw"));
        Assert.Null(router.GatewayStatus("infra", "gw2"));
        Assert.Contains(router.Ignored, i => i.StartsWith("Gateway infra/gw2: GatewayClass 'other' is implemented by example.com/other", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => router.Route("infra", "gw2", GatewayRequest.Get("http://e.x/")));
    }

    [Fact]
    public void ManyRulesDifferingByOneHeader_KeepPrecedence_WhenIndexedByItsValue()
    {
        var rules = string.Concat(Enumerable.Range(0, 10).Select(i => $"      - matches: [{{headers: [{{name: X-Tenant, value: t{i}}}]}}]\n        backendRefs: [{{name: tenant-{i}, port: 80}}]\n"))
            + "      - matches: [{headers: [{name: x-other, value: \"1\"}]}]\n        backendRefs: [{name: other, port: 80}]\n"
            + "      - matches: [{headers: [{name: x-tenant, type: RegularExpression, value: \"t1[0-9]\"}]}]\n        backendRefs: [{name: regex, port: 80}]\n"
            + "      - backendRefs: [{name: fallback, port: 80}]\n";
        var router = Load(Gateway + Route("tenants", rules));

        Assert.Equal("tenant-5", Get(router, "http://e.x/", "GET", ("x-tenant", "t5"), ("x-other", "1")).ServiceName);
        Assert.Equal("other", Get(router, "http://e.x/", "GET", ("x-tenant", "t12"), ("x-other", "1")).ServiceName);
        Assert.Equal("regex", Get(router, "http://e.x/", "GET", ("x-tenant", "t12")).ServiceName);
        Assert.Equal("tenant-3", Get(router, "http://e.x/", "GET", ("X-TENANT", "t3")).ServiceName);
        Assert.Equal("fallback", Get(router, "http://e.x/", "GET", ("x-tenant", "T3")).ServiceName);
    }

    [Fact]
    public void Route_AllocatesNothing()
    {
        var rules = string.Concat(Enumerable.Range(0, 16).Select(i => $"      - matches: [{{path: {{type: PathPrefix, value: /p{i}}}, headers: [{{name: x-v, value: \"{i}\"}}]}}]\n        backendRefs: [{{name: s{i}, port: 80, weight: 1}}, {{name: t{i}, port: 80, weight: 3}}]\n"));
        var router = Load(Gateway + Route("many", rules, hostnames: "[\"*.example.com\"]"));
        var request = new GatewayRequest("GET", "a.b.example.com", "/p15/x?y=1", [new("X-V", "15")]);
        var random = new Random(1);
        router.Route(request, random);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            router.Route(request, random);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Contains(router.Route(request, random).ServiceName, (string[])["s15", "t15"]);
    }

    [Fact]
    public void LoadAll_ThenBuild_SkipsKindsItDoesNotUse()
    {
        var objects = GatewayApiKinds.LoadAll(Gateway + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: infra}\n");

        var router = GatewayRouter.Build(objects);

        Assert.Single(router.Listeners);
    }
}
