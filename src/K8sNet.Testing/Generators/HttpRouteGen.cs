using FsCheck;
using FsCheck.Fluent;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;
using V1ParentReference = K8sNet.Gateway.GatewayApi.V1ParentReference;

namespace K8sNet.Testing.Generators;

/// <summary>
/// FsCheck generators for Gateway API routing: HTTPRoute matches, rules and routes the API server accepts, hostnames
/// (precise and wildcard), and requests drawn from the same small alphabets (paths, methods, headers, query
/// parameters, hosts) so that they hit, miss and straddle the rules — for property tests of your routing manifests, as
/// K8sNet's own tests of <see cref="GatewayRouter"/> use them.
/// </summary>
public static class HttpRouteGen
{
    private static readonly string[] Segments = ["a", "b", "ab", "v1"];
    private static readonly string[] Labels = ["shop", "api", "a"];
    private static readonly string[] Domains = ["example.com", "foo.example.com", "example.org"];
    private static readonly string[] HeaderNames = ["x-version", "x-tenant"];
    private static readonly string[] Values = ["1", "2"];
    private static readonly string[] Methods = ["GET", "POST"];

    /// <summary>URL paths of zero to three segments, sometimes with a trailing slash.</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> Path() => IngressGen.PathOf(Segments);

    /// <summary>Route hostnames: precise (<c>shop.example.com</c>) and wildcards (<c>*.example.com</c>, matching one or more labels).</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> Hostname() => Gen.OneOf(
        from label in Gen.Elements(Labels) from domain in Gen.Elements(Domains) select $"{label}.{domain}",
        Gen.Elements(Domains).Select(d => "*." + d));

    /// <summary>Request Host headers: bare domains and names one or two labels deeper, some with a port.</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> RequestHost() => IngressGen.RequestHostOf(Labels, Domains);

    /// <summary>One match: an Exact or PathPrefix path (or none), sometimes a method, zero to two headers, zero or one query parameter.</summary>
    /// <returns>The generator.</returns>
    public static Gen<V1HTTPRouteMatch> Match() =>
        from path in Gen.OneOf(Gen.Constant((V1HTTPPathMatch?)null), from type in Gen.Elements("Exact", "PathPrefix") from value in Path() select (V1HTTPPathMatch?)new V1HTTPPathMatch { Type = type, Value = value })
        from method in Gen.Elements(null, null, "GET", "POST")
        from headerCount in Gen.Choose(0, 2)
        from headerValues in Gen.ArrayOf(Gen.Elements(Values), headerCount)
        from query in Gen.Elements(null, null, "1", "2")
        select new V1HTTPRouteMatch
        {
            Path = path,
            Method = method,
            Headers = headerCount == 0 ? null : [.. Enumerable.Range(0, headerCount).Select(h => new V1HTTPHeaderMatch { Name = HeaderNames[h], Value = headerValues[h] })],
            QueryParams = query is null ? null : [new V1HTTPQueryParamMatch { Name = "q", Value = query }],
        };

    /// <summary>
    /// One rule: one to three matches, and one to three Service backends named <c>{prefix}-{b}</c> (port 8080) with
    /// weights 0 to 3 (at least one positive).
    /// </summary>
    /// <param name="prefix">The backends' name prefix.</param>
    /// <returns>The generator.</returns>
    public static Gen<V1HTTPRouteRule> Rule(string prefix) =>
        from matchCount in Gen.Choose(1, 3)
        from matches in Gen.ArrayOf(Match(), matchCount)
        from backendCount in Gen.Choose(1, 3)
        from weights in Gen.ArrayOf(Gen.Choose(0, 3), backendCount)
        select new V1HTTPRouteRule
        {
            Matches = matches,
            BackendRefs = [.. weights.Select((w, b) => new V1HTTPBackendRef { Name = $"{prefix}-{b}", Port = 8080, Weight = b == 0 && weights.All(x => x == 0) ? 1 : w })],
        };

    /// <summary>
    /// A valid HTTPRoute named <paramref name="name"/> attached to Gateway <paramref name="gateway"/> (same namespace):
    /// zero to two hostnames, one to four rules whose backends are named <c>{name}-{rule}-{backend}</c>.
    /// </summary>
    /// <param name="name">The route's name.</param>
    /// <param name="gateway">The parent Gateway's name.</param>
    /// <param name="namespace">The namespace.</param>
    /// <returns>The generator.</returns>
    public static Gen<V1HTTPRoute> HttpRoute(string name, string gateway = "gw", string @namespace = "default") =>
        from hostnameCount in Gen.Choose(0, 2)
        from hostnames in Gen.ArrayOf(Hostname(), hostnameCount)
        from ruleCount in Gen.Choose(1, 4)
        from rules in Gen.CollectToArray(Enumerable.Range(0, ruleCount), r => Rule($"{name}-{r}"))
        select new V1HTTPRoute
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = new V1HTTPRouteSpec
            {
                ParentRefs = [new V1ParentReference { Name = gateway }],
                Hostnames = hostnameCount == 0 ? null : [.. hostnames.Distinct()],
                Rules = rules,
            },
        };

    /// <summary>One to four HTTPRoutes named <c>route-0</c>, <c>route-1</c>... attached to Gateway <c>gw</c>.</summary>
    /// <returns>The generator.</returns>
    public static Gen<V1HTTPRoute[]> HttpRoutes() =>
        from count in Gen.Choose(1, 4)
        from routes in Gen.CollectToArray(Enumerable.Range(0, count), i => HttpRoute($"route-{i}"))
        select routes;

    /// <summary>A Gateway named <paramref name="name"/> with one HTTP listener on port 80, without a hostname, taking routes from every namespace.</summary>
    /// <param name="name">The Gateway's name.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <returns>The Gateway.</returns>
    public static V1Gateway Gateway(string name = "gw", string @namespace = "default") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
        Spec = new V1GatewaySpec
        {
            GatewayClassName = "k8snet",
            Listeners = [new V1Listener { Name = "http", Port = 80, Protocol = "HTTP", AllowedRoutes = new V1AllowedRoutes { Namespaces = new V1RouteNamespaces { From = "All" } } }],
        },
    };

    /// <summary>Requests to port 80 from the same alphabets: a host, a path, a method, zero to two headers, maybe a query parameter.</summary>
    /// <returns>The generator.</returns>
    public static Gen<GatewayRequest> Request() =>
        from host in RequestHost()
        from path in Path()
        from method in Gen.Elements(Methods)
        from headerValues in Gen.ArrayOf(Gen.Elements(null, "1", "2"), HeaderNames.Length)
        from query in Gen.Elements(null, "1", "2")
        select new GatewayRequest(method, host, path + (query is null ? string.Empty : "?q=" + query),
            HeaderNames.Zip(headerValues).Where(h => h.Second is not null).Select(h => new KeyValuePair<string, string>(h.First, h.Second ?? string.Empty)));
}
