using FsCheck;
using FsCheck.Fluent;
using k8s.Models;

namespace K8sNet.Testing.Generators;

/// <summary>
/// FsCheck generators for Ingress routing: valid paths, hosts (precise and wildcard) and Ingresses the API server
/// accepts, and requests drawn from the same small alphabet so that they hit, miss and straddle the rules — for
/// property tests of your routing manifests, as K8sNet's own tests of <see cref="K8sNet.Gateway.IngressRouter"/> use them.
/// </summary>
public static class IngressGen
{
    private static readonly string[] Segments = ["a", "b", "ab", "a.b", "api", "v1"];
    private static readonly string[] Labels = ["shop", "api", "www", "a"];
    private static readonly string[] Domains = ["example.com", "foo.com", "shop.example.com"];

    /// <summary>URL paths of zero to three segments, sometimes with a trailing slash.</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> Path() => PathOf(Segments);

    /// <summary>Rule hosts: precise (<c>shop.example.com</c>) and single-label wildcards (<c>*.example.com</c>).</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> Host() => Gen.OneOf(
        from label in Gen.Elements(Labels) from domain in Gen.Elements(Domains) select $"{label}.{domain}",
        Gen.Elements(Domains).Select(d => "*." + d));

    /// <summary>Request Host headers: the precise hosts, the bare domains, deeper names, some with a port.</summary>
    /// <returns>The generator.</returns>
    public static Gen<string> RequestHost() => RequestHostOf(Labels, Domains);

    // Paths of zero to three of the segments, sometimes with a trailing slash (shared with HttpRouteGen).
    internal static Gen<string> PathOf(string[] segmentAlphabet) =>
        from n in Gen.Choose(0, 3)
        from segments in Gen.ArrayOf(Gen.Elements(segmentAlphabet), n)
        from slash in Gen.Elements(false, false, true)
        select "/" + string.Join('/', segments) + (n > 0 && slash ? "/" : string.Empty);

    // A domain with zero to two labels before it, sometimes with a port (shared with HttpRouteGen).
    internal static Gen<string> RequestHostOf(string[] labelAlphabet, string[] domains) =>
        from depth in Gen.Choose(0, 2)
        from labels in Gen.ArrayOf(Gen.Elements(labelAlphabet), depth)
        from domain in Gen.Elements(domains)
        from port in Gen.Elements(string.Empty, string.Empty, ":8080")
        select string.Concat(labels.Select(l => l + ".")) + domain + port;

    /// <summary>One Ingress path: a path, a type and a Service backend named after <paramref name="service"/>.</summary>
    /// <param name="service">The backend Service's name.</param>
    /// <returns>The generator.</returns>
    public static Gen<V1HTTPIngressPath> IngressPath(string service) =>
        from path in Path()
        from type in Gen.Elements("Exact", "Prefix", "ImplementationSpecific")
        select new V1HTTPIngressPath
        {
            Path = path,
            PathType = type,
            Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = service, Port = new V1ServiceBackendPort { Number = 80 } } },
        };

    /// <summary>
    /// A valid Ingress named <paramref name="name"/> in <paramref name="namespace"/>: one to three rules (a host or
    /// none), each with one to three paths whose backends are named <c>{name}-{rule}-{path}</c>, and sometimes a
    /// defaultBackend.
    /// </summary>
    /// <param name="name">The Ingress's name.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <returns>The generator.</returns>
    public static Gen<V1Ingress> Ingress(string name, string @namespace = "default") =>
        from ruleCount in Gen.Choose(1, 3)
        from hosts in Gen.ArrayOf(Gen.OneOf(Host().Select(h => (string?)h), Gen.Constant((string?)null)), ruleCount)
        from pathCounts in Gen.ArrayOf(Gen.Choose(1, 3), ruleCount)
        from paths in Gen.CollectToArray(Enumerable.Range(0, ruleCount), r => Gen.CollectToArray(Enumerable.Range(0, pathCounts[r]), p => IngressPath($"{name}-{r}-{p}")))
        from withDefault in Gen.Elements(false, false, true)
        select new V1Ingress
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = new V1IngressSpec
            {
                Rules = [.. Enumerable.Range(0, ruleCount).Select(r => new V1IngressRule { Host = hosts[r], Http = new V1HTTPIngressRuleValue { Paths = paths[r] } })],
                DefaultBackend = withDefault ? new V1IngressBackend { Service = new V1IngressServiceBackend { Name = $"{name}-default", Port = new V1ServiceBackendPort { Number = 80 } } } : null,
            },
        };

    /// <summary>One to four Ingresses named <c>ing-0</c>, <c>ing-1</c>...</summary>
    /// <returns>The generator.</returns>
    public static Gen<V1Ingress[]> Ingresses() =>
        from count in Gen.Choose(1, 4)
        from ingresses in Gen.CollectToArray(Enumerable.Range(0, count), i => Ingress($"ing-{i}"))
        select ingresses;
}
