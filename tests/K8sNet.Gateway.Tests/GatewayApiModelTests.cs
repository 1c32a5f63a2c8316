using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing;

namespace K8sNet.Gateway.Tests;

/// <summary>The Gateway API models: loaded from YAML beside core kinds, stored and served typed by FakeCluster.</summary>
public sealed class GatewayApiModelTests
{
    // The shape of the conformance suite's base manifests (conformance/base/manifests.yaml) and an HTTPRoute of
    // httproute-matching.yaml, trimmed.
    private const string Manifests = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: k8snet}
        spec: {controllerName: k8snet.io/gateway}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: same-namespace, namespace: gateway-conformance-infra}
        spec:
          gatewayClassName: k8snet
          listeners:
          - name: http
            port: 80
            protocol: HTTP
            allowedRoutes:
              namespaces: {from: Same}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: infra-backend-v1, namespace: gateway-conformance-infra}
        spec: {selector: {app: infra-backend-v1}, ports: [{protocol: TCP, port: 8080, targetPort: 3000}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: matching, namespace: gateway-conformance-infra}
        spec:
          parentRefs:
          - name: same-namespace
          rules:
          - matches:
            - path: {type: PathPrefix, value: /}
              headers: [{name: version, value: one}]
            - path: {type: PathPrefix, value: /v2}
              queryParams: [{name: animal, value: whale}]
              method: GET
            filters:
            - type: RequestHeaderModifier
              requestHeaderModifier:
                set: [{name: X-Header-Set, value: set-overwrites-values}]
                remove: [X-Header-Remove]
            - type: RequestRedirect
              requestRedirect: {hostname: example.org, statusCode: 301, path: {type: ReplacePrefixMatch, replacePrefixMatch: /two}}
            backendRefs:
            - {name: infra-backend-v1, port: 8080, weight: 70}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: ReferenceGrant
        metadata: {name: allow-routes, namespace: gateway-conformance-web-backend}
        spec:
          from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: gateway-conformance-infra}]
          to: [{group: "", kind: Service}]
        """;

    [Fact]
    public void LoadAll_TypesEveryDocument_CoreAndGatewayKinds()
    {
        var objects = GatewayApiKinds.LoadAll(Manifests);

        Assert.Equal([typeof(V1GatewayClass), typeof(V1Gateway), typeof(V1Service), typeof(V1HTTPRoute), typeof(V1ReferenceGrant)], objects.Select(o => o.GetType()));
        var gateway = (V1Gateway)objects[1];
        Assert.Equal(("http", 80, "HTTP", "Same"), (gateway.Spec.Listeners[0].Name, gateway.Spec.Listeners[0].Port, gateway.Spec.Listeners[0].Protocol, gateway.Spec.Listeners[0].AllowedRoutes!.Namespaces!.From));
        var rule = ((V1HTTPRoute)objects[3]).Spec.Rules![0];
        Assert.Equal("one", rule.Matches![0].Headers![0].Value);
        Assert.Equal(("animal", "whale", "GET"), (rule.Matches[1].QueryParams![0].Name, rule.Matches[1].QueryParams![0].Value, rule.Matches[1].Method));
        Assert.Equal("set-overwrites-values", rule.Filters![0].RequestHeaderModifier!.Set![0].Value);
        Assert.Equal(["X-Header-Remove"], rule.Filters[0].RequestHeaderModifier!.Remove!);
        Assert.Equal(("example.org", 301, "/two"), (rule.Filters[1].RequestRedirect!.Hostname, rule.Filters[1].RequestRedirect!.StatusCode, rule.Filters[1].RequestRedirect!.Path!.ReplacePrefixMatch));
        Assert.Equal(("infra-backend-v1", 8080, 70), (rule.BackendRefs![0].Name, rule.BackendRefs[0].Port, rule.BackendRefs[0].Weight));
        Assert.Equal("", ((V1ReferenceGrant)objects[4]).Spec.To[0].Group);
    }

    [Fact]
    public void LoadAll_UnknownKinds_AreFormatErrors_NamingTheDocument()
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => GatewayApiKinds.LoadAll(Manifests + "\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"));

        Assert.Equal("example.com/v1/Widget", ex.Input);
        Assert.Equal("YAML document 6 apiVersion/kind", ex.Field);
    }

    [Fact]
    public async Task FakeCluster_StoresAndServesThemTyped()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "gateway-conformance-infra" } });
        foreach (var o in GatewayApiKinds.LoadAll(Manifests).Where(o => o is not V1ReferenceGrant))
        {
            switch (o)
            {
                case V1GatewayClass c: cluster.Create(c); break;
                case V1Gateway g: cluster.Create(g); break;
                case V1Service s: cluster.Create(s); break;
                case V1HTTPRoute r: cluster.Create(r); break;
            }
        }

        var route = cluster.Get<V1HTTPRoute>("matching", "gateway-conformance-infra")!;
        Assert.Equal(GatewayApiKinds.ApiVersion, route.ApiVersion);
        Assert.False(string.IsNullOrEmpty(route.Metadata.Uid));
        Assert.Equal(70, route.Spec.Rules![0].BackendRefs![0].Weight);
        Assert.Single(cluster.List<V1Gateway>("gateway-conformance-infra"));
        Assert.Equal("k8snet.io/gateway", cluster.Get<V1GatewayClass>("k8snet", null)!.Spec.ControllerName);

        var server = await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        var served = await client.CustomObjects.GetNamespacedCustomObjectAsync<V1HTTPRoute>(GatewayApiKinds.Group, "v1", "gateway-conformance-infra", "httproutes", "matching");
        Assert.Equal("whale", served.Spec.Rules![0].Matches![1].QueryParams![0].Value);

        // The server validates Gateway API objects strictly against the models, as against the CRD schema.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var typo = await http.PostAsync(
            new Uri("/apis/gateway.networking.k8s.io/v1/namespaces/gateway-conformance-infra/httproutes?fieldValidation=Strict", UriKind.Relative),
            new StringContent("""{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"typo"},"spec":{"hostname":["a.example.com"]}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, typo.StatusCode);
        Assert.Contains("unknown field", await typo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
