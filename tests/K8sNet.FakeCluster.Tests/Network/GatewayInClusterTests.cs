using System.Net;
using System.Net.Sockets;
using System.Text;
using k8s.Models;
using K8sNet.Gateway;

namespace K8sNet.Testing.Tests.Network;

/// <summary>
/// The Gateway API path inside the cluster as upstream implementations take it (issue 24, item 3): a headless backend
/// reached on its endpoints' port, the Gateway a request is addressed to, absolute redirects, what echo pods received,
/// and ingress-nginx's order for Ingresses created in the same second.
/// </summary>
public sealed class GatewayInClusterTests
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
        metadata: {name: api-headless, namespace: shop}
        spec: {clusterIP: None, selector: {app: api}, ports: [{name: http, port: 8080, targetPort: 3000}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec: {selector: {app: api}, ports: [{name: http, port: 8080, targetPort: 3000}]}
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: one, namespace: shop}
        spec:
          gatewayClassName: k8snet
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: two, namespace: shop}
        spec:
          gatewayClassName: k8snet
          listeners: [{name: http, port: 80, protocol: HTTP}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: via-one, namespace: shop}
        spec:
          parentRefs: [{name: one}]
          hostnames: [shop.example.com]
          rules:
          - matches: [{path: {type: PathPrefix, value: /headless}}]
            backendRefs: [{name: api-headless, port: 8080}]
          - matches: [{path: {type: PathPrefix, value: /mirrored}}]
            filters: [{type: RequestMirror, requestMirror: {backendRef: {name: api-headless, port: 8080}}}]
            backendRefs: [{name: api, port: 8080}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: any-host, namespace: shop}
        spec:
          parentRefs: [{name: one}]
          rules:
          - matches: [{path: {type: PathPrefix, value: /port}}]
            filters: [{type: RequestRedirect, requestRedirect: {port: 8083}}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata: {name: via-two, namespace: shop}
        spec:
          parentRefs: [{name: two}]
          hostnames: [shop.example.com]
          rules:
          - backendRefs: [{name: api, port: 8080}]
            filters: [{type: ResponseHeaderModifier, responseHeaderModifier: {set: [{name: X-Gateway, value: two}]}}]
        """;

    private static async Task<FakeCluster> StartAsync(PodNetworkMode mode = PodNetworkMode.Simulated)
    {
        var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.EnsureGatewayClass();
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        return cluster;
    }

    // Was 503 "Connection refused": the gateway pod dialled the pod IP on the Service port 8080, not the endpoint's 3000.
    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task AHeadlessBackend_IsReachedOnItsEndpointsPort(PodNetworkMode mode)
    {
        await using var cluster = await StartAsync(mode);

        using var exchange = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/headless/x"), "shop", "one");

        Assert.Equal(HttpStatusCode.OK, exchange.Response.StatusCode);
        Assert.StartsWith("api-", Assert.Single(cluster.EchoedRequests).Pod, StringComparison.Ordinal);
    }

    // Was: the request went to whichever Gateway had a route for its Host.
    [Fact]
    public async Task ARequest_GoesToTheGatewayItIsAddressedTo_ByAddressOrByName()
    {
        await using var cluster = await StartAsync();
        var two = cluster.Get<V1Service>("two-k8snet", "shop")!.Status.LoadBalancer.Ingress[0].Ip;
        using var byAddress = new HttpRequestMessage(HttpMethod.Get, $"http://{two}/x");
        byAddress.Headers.Host = "shop.example.com";

        using var viaAddress = await cluster.SendExternalAsync(byAddress);
        using var viaName = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/x"), "shop", "two");
        using var viaOne = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/headless"), "shop", "one");

        Assert.Equal(["two"], viaAddress.Response.Headers.GetValues("X-Gateway"));
        Assert.Equal("via-two", viaAddress.GatewayDecision?.RouteName);
        Assert.Equal(["two"], viaName.Response.Headers.GetValues("X-Gateway"));
        Assert.Equal("via-one", viaOne.GatewayDecision?.RouteName);
    }

    // Was "/port": a request without a Host got a relative Location that dropped the filter's port.
    [Fact]
    public async Task ARedirect_WithoutAHostHeader_IsAbsolute_FromTheAddressReached()
    {
        await using var cluster = await StartAsync(PodNetworkMode.Loopback);
        var listener = Assert.Single(await cluster.ExposeGatewayAsync("shop", "one"));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(listener.BaseAddress.Host, listener.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /port HTTP/1.0\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var response = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 302", response, StringComparison.Ordinal);
        Assert.Contains($"Location: http://127.0.0.1:8083/port", response, StringComparison.OrdinalIgnoreCase);
    }

    // Was: a mirror could only be checked by parsing hop text.
    [Fact]
    public async Task EchoPods_KeepALogOfWhatTheyReceived_SoAMirrorCanBeAsserted()
    {
        await using var cluster = await StartAsync();

        using var exchange = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/mirrored?q=1"), "shop", "one");

        Assert.Equal(HttpStatusCode.OK, exchange.Response.StatusCode);
        Assert.Equal(2, cluster.EchoedRequests.Count); // the request and its mirrored copy
        Assert.All(cluster.EchoedRequests, r => Assert.Equal(("GET", "/mirrored?q=1", "shop.example.com"), (r.Method, r.PathAndQuery, r.Host)));
        Assert.All(cluster.EchoedRequests, r => Assert.NotEmpty(r.Header("X-Forwarded-For")));
    }

    // ingress-nginx's store sorts Ingresses created in the same second by namespace/name, descending.
    [Theory]
    [InlineData("k8s.io/ingress-nginx", null, "b")]
    [InlineData("example.com/other", null, "a")]
    [InlineData("k8s.io/ingress-nginx", IngressTieOrder.NameAscending, "a")]
    public void IngressesCreatedInTheSameSecond_OrderAsTheClassesController(string controller, IngressTieOrder? order, string winner)
    {
        var created = new DateTime(2026, 12, 7, 5, 0, 0, DateTimeKind.Utc);
        V1Ingress Ingress(string name) => new()
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "shop", CreationTimestamp = created },
            Spec = new V1IngressSpec
            {
                IngressClassName = "web",
                Rules = [new V1IngressRule { Host = "shop.example.com", Http = new V1HTTPIngressRuleValue { Paths = [new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = name, Port = new V1ServiceBackendPort { Number = 80 } } } }] } }],
            },
        };
        var classes = new[] { new V1IngressClass { Metadata = new V1ObjectMeta { Name = "web" }, Spec = new V1IngressClassSpec { Controller = controller } } };

        var router = IngressRouter.Build([Ingress("a"), Ingress("b")], classes, new IngressRouterOptions { ClassName = "web", TieOrder = order });

        Assert.Equal(winner, router.Route("shop.example.com", "/x").ServiceName);
    }
}
