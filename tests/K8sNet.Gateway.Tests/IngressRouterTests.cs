using k8s.Models;
using K8sNet.Gateway;

namespace K8sNet.Gateway.Tests;

/// <summary>
/// Ingress evaluation against the Kubernetes documentation's tables (kubernetes/website
/// content/en/docs/concepts/services-networking/ingress.md, "Examples" and "Hostname wildcards"), the ingress-controller
/// conformance suite's expectations (kubernetes-sigs/ingress-controller-conformance f91a799, features/*.feature) and the
/// API's precedence rules (kubernetes/api networking/v1/types.go).
/// </summary>
public class IngressRouterTests
{
    private static V1Ingress Ingress(string name, params V1IngressRule[] rules) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop" },
        Spec = new V1IngressSpec { Rules = rules },
    };

    private static V1IngressRule Rule(string? host, params V1HTTPIngressPath[] paths) =>
        new() { Host = host, Http = new V1HTTPIngressRuleValue { Paths = paths } };

    private static V1HTTPIngressPath Path(string path, string type, string service) =>
        new() { Path = path, PathType = type, Backend = Backend(service) };

    private static V1IngressBackend Backend(string service, int port = 80) =>
        new() { Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Number = port } } };

    // The docs' "Examples" table, row by row: the Ingress's paths (all of the row's kind; Mixed spelled out), the
    // request path, whether it matches, and which path wins when it does. (Rows with two request paths are split.)
    public static TheoryData<string, string[], string, string?> DocsExamples => new()
    {
        { "Prefix", ["/"], "/anything/at/all", "/" },
        { "Exact", ["/foo"], "/foo", "/foo" },
        { "Exact", ["/foo"], "/bar", null },
        { "Exact", ["/foo"], "/foo/", null },
        { "Exact", ["/foo/"], "/foo", null },
        { "Prefix", ["/foo"], "/foo", "/foo" },
        { "Prefix", ["/foo"], "/foo/", "/foo" },
        { "Prefix", ["/foo/"], "/foo", "/foo/" },
        { "Prefix", ["/foo/"], "/foo/", "/foo/" },
        { "Prefix", ["/aaa/bb"], "/aaa/bbb", null },
        { "Prefix", ["/aaa/bbb"], "/aaa/bbb", "/aaa/bbb" },
        { "Prefix", ["/aaa/bbb/"], "/aaa/bbb", "/aaa/bbb/" },
        { "Prefix", ["/aaa/bbb"], "/aaa/bbb/", "/aaa/bbb" },
        { "Prefix", ["/aaa/bbb"], "/aaa/bbb/ccc", "/aaa/bbb" },
        { "Prefix", ["/aaa/bbb"], "/aaa/bbbxyz", null },
        { "Prefix", ["/", "/aaa"], "/aaa/ccc", "/aaa" },
        { "Prefix", ["/", "/aaa", "/aaa/bbb"], "/aaa/bbb", "/aaa/bbb" },
        { "Prefix", ["/", "/aaa", "/aaa/bbb"], "/ccc", "/" },
        { "Prefix", ["/aaa"], "/ccc", null },
    };

    [Theory]
    [MemberData(nameof(DocsExamples))]
    public void DocsExamplesTable(string kind, string[] paths, string request, string? winner)
    {
        var router = IngressRouter.Build([Ingress("web", Rule("foo.bar.com", [.. paths.Select(p => Path(p, kind, "svc" + p.Replace('/', '-')))]))]);

        var decision = router.Route("foo.bar.com", request);

        if (winner is null)
        {
            Assert.Equal(IngressOutcome.NotFound, decision.Outcome);
            Assert.Equal(404, decision.StatusCode);
        }
        else
        {
            Assert.Equal(IngressOutcome.Service, decision.Outcome);
            Assert.Equal(winner, decision.Path);
            Assert.Equal("svc" + winner.Replace('/', '-'), decision.ServiceName);
        }
    }

    [Fact]
    public void DocsExamplesTable_Mixed_PrefersExact()
    {
        var router = IngressRouter.Build([Ingress("web", Rule(null, Path("/foo", "Prefix", "prefix"), Path("/foo", "Exact", "exact")))]);

        Assert.Equal("exact", router.Route("any.example.com", "/foo").ServiceName);
        Assert.Equal("prefix", router.Route("any.example.com", "/foo/bar").ServiceName);
    }

    [Theory]
    [InlineData("bar.foo.com", true)]       // "Matches based on shared suffix"
    [InlineData("baz.bar.foo.com", false)]  // "No match, wildcard only covers a single DNS label"
    [InlineData("foo.com", false)]          // "No match, wildcard only covers a single DNS label"
    [InlineData("BAR.Foo.com", true)]       // host names compare case-insensitively
    [InlineData("bar.foo.com:8080", true)]  // the Host header's port is not part of the host
    public void DocsHostnameWildcardsTable(string hostHeader, bool matches)
    {
        var router = IngressRouter.Build([Ingress("web", Rule("*.foo.com", Path("/", "Prefix", "wild")))]);

        Assert.Equal(matches ? IngressOutcome.Service : IngressOutcome.NotFound, router.Route(hostHeader, "/").Outcome);
    }

    [Fact]
    public void PreciseHost_BeforeWildcard_BeforeRulesWithoutHost()
    {
        var router = IngressRouter.Build([Ingress("web",
            Rule("foo.bar.com", Path("/", "Prefix", "precise")),
            Rule("*.bar.com", Path("/", "Prefix", "wildcard")),
            Rule(null, Path("/", "Prefix", "any")))]);

        Assert.Equal("precise", router.Route("foo.bar.com", "/").ServiceName);
        Assert.Equal("wildcard", router.Route("subdomain.bar.com", "/").ServiceName);
        Assert.Equal("any", router.Route("other.example", "/").ServiceName);
        Assert.Equal("any", router.Route(null, "/").ServiceName); // no Host: only rules without one
    }

    [Fact]
    public void IccExpectations_NoMatchWithoutDefaultBackend_Is404()
    {
        var router = IngressRouter.Build([Ingress("web",
            Rule("foo.bar.com", Path("/foo", "Exact", "exact"), Path("/aaa", "Prefix", "prefix")),
            Rule("*.foo.com", Path("/", "Prefix", "wild")))]);

        foreach (var (host, path) in new[] { ("foo.bar.com", "/foo/"), ("foo.bar.com", "/FOO"), ("foo.bar.com", "/bar"), ("foo.bar.com", "/aaaccc"), ("subdomain.bar.com", "/foo"), ("baz.bar.foo.com", "/"), ("foo.com", "/") })
        {
            var decision = router.Route(host, path);
            Assert.True(decision.Outcome == IngressOutcome.NotFound, $"{host}{path}: {decision}");
        }
    }

    [Fact]
    public void OnlyADefaultBackend_ServesEveryHostAndPath_EvenWithoutHost()
    {
        var ingress = new V1Ingress { Metadata = new V1ObjectMeta { Name = "catch-all", NamespaceProperty = "shop" }, Spec = new V1IngressSpec { DefaultBackend = Backend("fallback", 8080) } };
        var router = IngressRouter.Build([ingress]);

        foreach (var (host, path) in new (string?, string)[] { ("a.example", "/"), (null, "/x/y?z=1"), ("", "/") })
        {
            var decision = router.Route(host, path);
            Assert.Equal("fallback", decision.ServiceName);
            Assert.Equal(8080, decision.ServicePortNumber);
            Assert.True(decision.IsDefaultBackend);
        }
    }

    [Fact]
    public void AHostsIngressDefaultBackend_TakesItsUnmatchedPaths()
    {
        var withDefault = Ingress("web", Rule("foo.bar.com", Path("/api", "Prefix", "api")));
        withDefault.Spec.DefaultBackend = Backend("web-default");
        var other = Ingress("other", Rule("other.com", Path("/api", "Prefix", "other-api")));
        var router = IngressRouter.Build([withDefault, other]);

        Assert.Equal("api", router.Route("foo.bar.com", "/api/v1").ServiceName);
        Assert.Equal("web-default", router.Route("foo.bar.com", "/home").ServiceName);
        Assert.Contains("none of their paths matches", router.Route("foo.bar.com", "/home").Reason, StringComparison.Ordinal);
        Assert.Equal("web-default", router.Route("other.com", "/home").ServiceName); // the first Ingress with a defaultBackend
    }

    [Fact]
    public void LongestPathAsWritten_Wins_SoTrailingSlashCounts()
    {
        // kubernetes/api: "/foo and /foo/ both match requests to /foo and /foo/ ... the longest matching path (/foo/) is given priority".
        var router = IngressRouter.Build([Ingress("web", Rule(null, Path("/foo", "Prefix", "short"), Path("/foo/", "Prefix", "long")))]);

        Assert.Equal("long", router.Route(null, "/foo").ServiceName);
        Assert.Equal("long", router.Route(null, "/foo/").ServiceName);
    }

    [Fact]
    public void PathsOfSeveralIngresses_ForOneHost_Compete_FirstCreatedKeepsAnIdenticalPath()
    {
        var older = Ingress("zeta", Rule("shop.example", Path("/api", "Prefix", "older")));
        older.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var newer = Ingress("alpha", Rule("shop.example", Path("/api", "Prefix", "newer"), Path("/api/v2", "Prefix", "v2")));
        newer.Metadata.CreationTimestamp = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

        var router = IngressRouter.Build([newer, older]);

        Assert.Equal("older", router.Route("shop.example", "/api/v1").ServiceName);
        Assert.Equal("v2", router.Route("shop.example", "/api/v2/x").ServiceName);
        var tie = IngressRouter.Build([Ingress("b", Rule(null, Path("/", "Prefix", "b"))), Ingress("a", Rule(null, Path("/", "Prefix", "a")))]);
        Assert.Equal("a", tie.Route(null, "/").ServiceName); // no timestamps: namespace/name order
    }

    [Theory]
    [InlineData(IngressPathType.Prefix, "/docs/intro", "docs")]
    [InlineData(IngressPathType.Exact, "/docs/intro", null)]
    public void ImplementationSpecific_IsTheDocumentedChoice(IngressPathType taken, string request, string? service)
    {
        var router = IngressRouter.Build([Ingress("web", Rule(null, Path("/docs", "ImplementationSpecific", "docs")))], options: new IngressRouterOptions { ImplementationSpecificAs = taken });

        var decision = router.Route(null, request);

        Assert.Equal(service, decision.ServiceName);
        if (service is not null)
        {
            Assert.Contains("taken as Prefix", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void QueryAndFragment_AreNotPartOfThePath()
    {
        var router = IngressRouter.Build([Ingress("web", Rule(null, Path("/search", "Exact", "search")))]);

        Assert.Equal("search", router.Route(null, "/search?q=/other").ServiceName);
        Assert.Equal("search", router.Route(null, "/search#top").ServiceName);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://shop.example/search?q=1");
        Assert.Equal("search", router.Route(request).ServiceName);
    }

    [Fact]
    public void IngressClasses_TheControllersOwn_TheDefaultForClassless_AndTheAnnotation()
    {
        var nginx = Ingress("nginx", Rule("a.example", Path("/", "Prefix", "nginx")));
        nginx.Spec.IngressClassName = "nginx";
        var traefik = Ingress("traefik", Rule("b.example", Path("/", "Prefix", "traefik")));
        traefik.Spec.IngressClassName = "traefik";
        var classless = Ingress("classless", Rule("c.example", Path("/", "Prefix", "classless")));
        var annotated = Ingress("annotated", Rule("d.example", Path("/", "Prefix", "annotated")));
        annotated.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/ingress.class"] = "nginx" };
        var defaultClass = new V1IngressClass { Metadata = new V1ObjectMeta { Name = "nginx", Annotations = new Dictionary<string, string> { ["ingressclass.kubernetes.io/is-default-class"] = "true" } } };

        var asDefault = IngressRouter.Build([nginx, traefik, classless, annotated], [defaultClass], new IngressRouterOptions { ClassName = "nginx" });
        var notDefault = IngressRouter.Build([nginx, traefik, classless, annotated], options: new IngressRouterOptions { ClassName = "nginx" });
        var all = IngressRouter.Build([nginx, traefik, classless, annotated]);

        Assert.Equal(3, asDefault.Count);
        Assert.Equal(IngressOutcome.NotFound, asDefault.Route("b.example", "/").Outcome);
        Assert.Equal("classless", asDefault.Route("c.example", "/").ServiceName);
        Assert.Equal("annotated", asDefault.Route("d.example", "/").ServiceName);
        Assert.Equal(["shop/traefik: class 'traefik', not 'nginx'"], asDefault.Ignored);
        Assert.Equal(IngressOutcome.NotFound, notDefault.Route("c.example", "/").Outcome);
        Assert.Contains("shop/classless: no ingressClassName, and class 'nginx' is not the default", notDefault.Ignored);
        Assert.Equal(4, all.Count);
    }

    [Fact]
    public void TlsHosts_AndResourceBackends_AreReported()
    {
        var ingress = Ingress("web",
            Rule("secure.example", Path("/", "Prefix", "web")),
            Rule("static.example", new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend { Resource = new V1TypedLocalObjectReference { ApiGroup = "k8s.example.com", Kind = "StorageBucket", Name = "static-assets" } } }));
        ingress.Spec.Tls = [new V1IngressTLS { Hosts = ["secure.example"], SecretName = "secure-tls" }];
        var router = IngressRouter.Build([ingress]);

        var secure = router.Route("secure.example", "/");
        Assert.True(secure.HasTls);
        Assert.Equal("secure-tls", secure.TlsSecretName);
        var bucket = router.Route("static.example", "/logo.png");
        Assert.Equal(IngressOutcome.Resource, bucket.Outcome);
        Assert.Equal("static-assets", bucket.Resource!.Name);
        Assert.False(bucket.HasTls);
        Assert.Contains("StorageBucket static-assets (a resource backend)", bucket.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decisions_SayWhichIngressRuleAndPath()
    {
        var router = IngressRouter.Build([Ingress("web", Rule("foo.bar.com", Path("/a", "Exact", "a"), Path("/b", "Prefix", "b")))]);

        var decision = router.Route("foo.bar.com", "/b/c");

        Assert.Equal(("shop", "web", 0, 1, "foo.bar.com", "Prefix"), (decision.Namespace, decision.Ingress, decision.RuleIndex, decision.PathIndex, decision.Host, decision.PathType));
        Assert.Equal("Service shop/b port 80: Ingress shop/web rule 0 (host foo.bar.com) path /b (Prefix)", decision.ToString());
    }

    [Fact]
    public void Routing_AllocatesNothing()
    {
        var router = IngressRouter.Build([Ingress("web",
            Rule("foo.bar.com", Path("/a", "Exact", "a"), Path("/b", "Prefix", "b")),
            Rule("*.bar.com", Path("/", "Prefix", "wild")))]);
        router.Route("foo.bar.com:443", "/b/c?x=1"); // warm

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            router.Route("foo.bar.com:443", "/b/c?x=1");
            router.Route("x.bar.com", "/anything");
            router.Route("nope.example", "/");
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("1.2.3.4", "must be a DNS name, not an IP address")]
    [InlineData("*", "must be a wildcard of the form *.example.com, not '*' alone")]
    [InlineData("foo.*.com", "may contain '*' only as its whole first label")]
    [InlineData("Foo.com", "must be a lowercase RFC 1123 subdomain")]
    [InlineData("foo.com:80", "must be a lowercase RFC 1123 subdomain")]
    public void BadHosts_AreRejected_NamingTheIngressFieldAndRule(string host, string rule)
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => IngressRouter.Build([Ingress("web", Rule(host, Path("/", "Prefix", "web")))]));

        Assert.Equal(host, ex.Input);
        Assert.Equal("Ingress shop/web spec.rules[0].host", ex.Field);
        Assert.StartsWith(rule, ex.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void BadPathsAndBackends_AreRejected()
    {
        var relative = Assert.Throws<K8sNetFormatException>(() => IngressRouter.Build([Ingress("web", Rule(null, Path("api", "Prefix", "web")))]));
        Assert.Equal("Ingress shop/web spec.rules[0].http.paths[0].path", relative.Field);

        var noType = Assert.Throws<K8sNetFormatException>(() => IngressRouter.Build([Ingress("web", Rule(null, new V1HTTPIngressPath { Path = "/", Backend = Backend("web") }))]));
        Assert.Contains("pathType", noType.Field, StringComparison.Ordinal);

        var unknownType = Assert.Throws<K8sNetFormatException>(() => IngressRouter.Build([Ingress("web", Rule(null, Path("/", "Regex", "web")))]));
        Assert.Equal("must be one of Exact, Prefix, ImplementationSpecific", unknownType.Rule);

        var both = new V1IngressBackend { Service = Backend("web").Service, Resource = new V1TypedLocalObjectReference { Kind = "Bucket", Name = "b" } };
        var twoBackends = Assert.Throws<K8sNetFormatException>(() => IngressRouter.Build([Ingress("web", Rule(null, new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = both }))]));
        Assert.Equal("must name exactly one of service and resource", twoBackends.Rule);

        var empty = Assert.Throws<K8sNetFormatException>(() => IngressRouter.Build([new V1Ingress { Metadata = new V1ObjectMeta { Name = "empty" }, Spec = new V1IngressSpec() }]));
        Assert.Contains("either defaultBackend or rules must be specified", empty.Rule, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReadsIngressesAndClassesFromYaml_SkippingOtherKinds()
    {
        var router = IngressRouter.Load("""
            apiVersion: networking.k8s.io/v1
            kind: IngressClass
            metadata:
              name: nginx
              annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
            spec: {controller: k8s.io/ingress-nginx}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: a-custom-resource, namespace: shop}
            spec: {hostnames: [shop.example.com]}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
            """, new IngressRouterOptions { ClassName = "nginx" });

        var decision = router.Route("shop.example.com", "/api/orders");

        Assert.Equal(("api", "http"), (decision.ServiceName, decision.ServicePortName));
    }

    [Fact]
    public void Load_BadYaml_IsAFormatError() =>
        Assert.Throws<K8sNetFormatException>(() => IngressRouter.Load("kind: [unclosed"));
}
