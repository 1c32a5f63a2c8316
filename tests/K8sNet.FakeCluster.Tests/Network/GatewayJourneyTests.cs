using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;

namespace K8sNet.Testing.Tests.Network;

/// <summary>
/// The cluster's Gateway controller: a Gateway of class <c>k8snet</c> gets pods behind a LoadBalancer Service and status;
/// <see cref="FakeCluster.SendExternalAsync"/> walks public name → the Gateway's load balancer → a gateway pod → the
/// HTTPRoute rule (filters applied) → the Service → an echo pod.
/// </summary>
public sealed class GatewayJourneyTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: echo, image: gcr.io/k8s-staging-gateway-api/echo-basic:v20231214-v1.0.0-140-gf544a46e, ports: [{containerPort: 3000}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec: {selector: {app: api}, ports: [{name: http, port: 8080, targetPort: 3000}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: web, namespace: shop}
        spec:
          gatewayClassName: k8snet
          listeners:
          - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: site, namespace: shop}
        spec:
          parentRefs: [{name: web}]
          hostnames: [site.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /api}}]
            filters:
            - {type: URLRewrite, urlRewrite: {hostname: api.internal, path: {type: ReplacePrefixMatch, replacePrefixMatch: /v1}}}
            - {type: RequestHeaderModifier, requestHeaderModifier: {add: [{name: X-Via, value: gateway}]}}
            - {type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Served-By, value: k8snet}]}}
            backendRefs: [{name: api, port: 8080}]
          - matches: [{path: {type: Exact, value: /old}}]
            filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /new}, statusCode: 301}}]
          - matches: [{path: {type: PathPrefix, value: /missing}}]
            backendRefs: [{name: nowhere, port: 80}]
        """;

    private static async Task<FakeCluster> StartAsync(PodNetworkMode mode = PodNetworkMode.Simulated)
    {
        var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.EnsureGatewayClass();
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        return cluster;
    }

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task PublicName_ReachesAnEchoPod_ThroughTheGatewayWithTheRulesFilters(PodNetworkMode mode)
    {
        await using var cluster = await StartAsync(mode);

        using var exchange = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://site.example.com/api/orders?page=2"));

        Assert.Equal(HttpStatusCode.OK, exchange.Response.StatusCode);
        Assert.Equal(["dns", "load-balancer", "gateway", "service", "pod"], exchange.Hops.Select(h => h.Kind));
        var echo = JsonNode.Parse(await exchange.Response.Content.ReadAsStringAsync())!;
        Assert.Equal("/v1/orders?page=2", echo["path"]!.GetValue<string>());
        Assert.Equal("api.internal", echo["host"]!.GetValue<string>());
        Assert.Equal("gateway", echo["headers"]!["X-Via"]![0]!.GetValue<string>());
        Assert.Equal("shop", echo["namespace"]!.GetValue<string>());
        Assert.StartsWith("api-", echo["pod"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["k8snet"], exchange.Response.Headers.GetValues("X-Served-By"));
        Assert.Equal(("site", 0, "api"), (exchange.GatewayDecision?.RouteName, exchange.GatewayDecision?.RuleIndex, exchange.GatewayDecision?.ServiceName));
        Assert.Null(exchange.Decision);
        var service = cluster.Get<V1Service>("web-k8snet", "shop")!;
        Assert.Equal("LoadBalancer", service.Spec.Type);
        Assert.Contains(service.Status.LoadBalancer.Ingress[0].Ip, exchange.Hops[0].Description, StringComparison.Ordinal);
        var gatewayPod = cluster.List<V1Pod>("shop", "gateway.networking.k8s.io/gateway-name=web").Single();
        Assert.Contains(gatewayPod.Metadata.Name, exchange.Hops[1].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_404s_And500s_AreTheGatewaysOwnAnswers()
    {
        await using var cluster = await StartAsync();

        using var redirect = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://site.example.com/old?x=1"));
        using var notFound = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/api"));
        using var invalid = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://site.example.com/missing"));

        Assert.Equal((HttpStatusCode.MovedPermanently, "http://site.example.com/new?x=1"), (redirect.Response.StatusCode, redirect.Response.Headers.Location?.ToString()));
        Assert.Equal(["dns", "load-balancer", "gateway"], redirect.Hops.Select(h => h.Kind));
        Assert.Equal(HttpStatusCode.NotFound, notFound.Response.StatusCode); // the listener takes *.example.com; no route for shop.example.com
        Assert.Equal(HttpStatusCode.InternalServerError, invalid.Response.StatusCode);
        Assert.Contains("BackendNotFound", await invalid.Response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheController_WritesStatus_AndProvisionsWhatTheGatewayOwns()
    {
        await using var cluster = await StartAsync();

        var gateway = cluster.Get<V1Gateway>("web", "shop")!;
        var route = cluster.Get<V1HTTPRoute>("site", "shop")!;

        Assert.Equal("Accepted", cluster.Get<V1GatewayClass>(FakeCluster.GatewayClassName, null)!.Status!.Conditions!.Single().Reason);
        Assert.Equal(cluster.Get<V1Service>("web-k8snet", "shop")!.Status.LoadBalancer.Ingress[0].Ip, gateway.Status!.Addresses!.Single().Value);
        Assert.Equal(("True", 1), (gateway.Status.Conditions!.Single(c => c.Type == "Programmed").Status, gateway.Status.Listeners!.Single().AttachedRoutes));
        var parent = route.Status!.Parents.Single();
        Assert.Equal((FakeCluster.GatewayControllerName, "True", "False", "BackendNotFound"), (parent.ControllerName, parent.Conditions.Single(c => c.Type == "Accepted").Status,
            parent.Conditions.Single(c => c.Type == "ResolvedRefs").Status, parent.Conditions.Single(c => c.Type == "ResolvedRefs").Reason));

        cluster.Delete<V1Gateway>("web", "shop");
        await cluster.WaitForIdleAsync();

        Assert.Null(cluster.Get<V1Service>("web-k8snet", "shop"));
        Assert.Null(cluster.Get<V1Deployment>("web-k8snet", "shop"));
    }

    [Fact]
    public async Task GatewaysOfAnotherClass_AreLeftAlone()
    {
        await using var cluster = await StartAsync();
        cluster.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: GatewayClass
            metadata: {name: other}
            spec: {controllerName: example.com/other}
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: foreign, namespace: shop}
            spec:
              gatewayClassName: other
              listeners: [{name: http, port: 80, protocol: HTTP}]
            """);
        await cluster.WaitForIdleAsync();

        Assert.Null(cluster.Get<V1Gateway>("foreign", "shop")!.Status);
        Assert.Null(cluster.Get<V1Service>("foreign-other", "shop"));
        Assert.Null(cluster.Get<V1GatewayClass>("other", null)!.Status);
    }

    [Fact]
    public async Task ExposedListener_ServesRealHttp_ByHostHeader()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Loopback);

        var exposed = Assert.Single(await cluster.ExposeGatewayAsync("shop", "web"));
        using var client = new HttpClient { BaseAddress = exposed.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/items");
        request.Headers.Host = "site.example.com";
        using var response = await client.SendAsync(request);

        Assert.Equal(80, exposed.GatewayPort);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("/v1/items", echo["path"]!.GetValue<string>());
        Assert.Equal("127.0.0.1", echo["headers"]!["X-Forwarded-For"]![0]!.GetValue<string>()); // the real client, not 192.0.2.1
        Assert.Equal(exposed.BaseAddress, Assert.Single(await cluster.ExposeGatewayAsync("shop", "web")).BaseAddress);

        // In process there is no real client: the outside client's documentation address stands in.
        using var inProcess = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://site.example.com/api/items"));
        Assert.Equal(FakeCluster.OutsideClientAddress.ToString(), JsonNode.Parse(await inProcess.Response.Content.ReadAsStringAsync())!["headers"]!["X-Forwarded-For"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task ExposeGatewayListeners_ExposesNewGateways_AndSaysWhere()
    {
        await using var cluster = new FakeCluster(o => o.ExposeGatewayListeners = true);
        var exposed = new TaskCompletionSource<ExposedGatewayListener>(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.GatewayListenerExposed += e => exposed.TrySetResult(e);
        cluster.EnsureGatewayClass();

        cluster.Apply(Manifest);
        var listener = await exposed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(("shop", "web", 80, "http"), (listener.GatewayNamespace, listener.GatewayName, listener.GatewayPort, listener.Listeners));
        Assert.Equal("127.0.0.1", listener.BaseAddress.Host);
    }

    [Fact]
    public async Task ExposeGatewayListeners_AnnouncesEachListenerOnce_HoweverOftenTheGatewayIsReconciled()
    {
        await using var cluster = new FakeCluster(o => o.ExposeGatewayListeners = true);
        var announced = new System.Collections.Concurrent.ConcurrentQueue<ExposedGatewayListener>();
        cluster.GatewayListenerExposed += announced.Enqueue;
        cluster.EnsureGatewayClass();

        cluster.Apply(Manifest); // the Gateway, its routes and backends: many reconciles of the Gateway, each exposing it
        for (var i = 0; i < 200 && announced.IsEmpty; i++)
        {
            await Task.Delay(25);
        }

        await cluster.WaitForIdleAsync();
        await cluster.ExposeGatewayAsync("shop", "web"); // and once more by hand: found, not new
        await Task.Delay(200); // background exposures still running would announce now

        Assert.Single(announced); // the standalone server printed its gateway line once per reconcile (nine times)
    }

    [Fact]
    public async Task IngressAndGateway_EachTakeTheNamesTheyServe()
    {
        await using var cluster = await StartAsync();
        cluster.Apply("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: legacy, namespace: shop}
            spec:
              rules:
              - host: legacy.example.org
                http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}]}
            """);
        await cluster.WaitForIdleAsync();

        using var viaIngress = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://legacy.example.org/x"));
        using var viaGateway = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://site.example.com/api"));

        Assert.Equal("ingress", viaIngress.Hops[2].Kind);
        Assert.Equal("gateway", viaGateway.Hops[2].Kind);
        Assert.Equal(GatewayOutcome.Backend, cluster.GatewayRouter().Route("shop", "web", GatewayRequest.Get("http://site.example.com/api")).Outcome);
    }
}
