using System.Net;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.Network;

/// <summary>
/// <see cref="FakeCluster.SendExternalAsync"/>: a public name → the ingress controller's load balancer → a controller pod
/// → the Ingress rule → the Service → a pod, in both network modes.
/// </summary>
public sealed class ExternalJourneyTests
{
    private const string Manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: shop, namespace: default}
        spec:
          replicas: 2
          selector: {matchLabels: {app: shop}}
          template:
            metadata: {labels: {app: shop}}
            spec: {containers: [{name: shop, image: shop:1, ports: [{name: web, containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: default}
        spec: {selector: {app: shop}, ports: [{name: http, port: 80, targetPort: web}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop, namespace: default}
        spec:
          rules:
          - host: shop.example.com
            http:
              paths:
              - {path: /api, pathType: Prefix, backend: {service: {name: shop, port: {name: http}}}}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: other-class, namespace: default}
        spec:
          ingressClassName: traefik
          rules:
          - host: other.example.com
            http:
              paths:
              - {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}
        """;

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task PublicName_ReachesAPod_ThroughTheLoadBalancerTheControllerAndTheService(PodNetworkMode mode)
    {
        await using var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.Apply(Manifest);
        string? seenHost = null;
        IPAddress? seenClient = null;
        using var serving = cluster.Serve("app=shop", (request, _) =>
        {
            seenHost = request.Message.Headers.Host;
            seenClient = request.ClientAddress;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"{request.Message.RequestUri!.PathAndQuery} from {request.Pod.Name}") });
        });
        await cluster.WaitForIdleAsync();

        using var exchange = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/api/orders?page=2"));

        Assert.Equal(HttpStatusCode.OK, exchange.Response.StatusCode);
        Assert.Equal(["dns", "load-balancer", "ingress", "service", "pod"], exchange.Hops.Select(h => h.Kind));
        Assert.StartsWith("/api/orders?page=2 from shop-", await exchange.Response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("shop.example.com", seenHost); // the backend sees the original Host
        var controller = cluster.List<V1Pod>(FakeCluster.IngressControllerNamespace).Single();
        Assert.Equal(IPAddress.Parse(controller.Status.PodIP), seenClient); // proxied from the controller's pod
        var lb = cluster.Get<V1Service>(FakeCluster.IngressControllerName, FakeCluster.IngressControllerNamespace)!.Status.LoadBalancer.Ingress[0].Ip;
        Assert.Contains(lb, exchange.Hops[0].Description, StringComparison.Ordinal);
        Assert.Contains(controller.Metadata.Name, exchange.Hops[1].Description, StringComparison.Ordinal);
        Assert.Equal(("shop", "http"), (exchange.Decision?.ServiceName, exchange.Decision?.ServicePortName));
        Assert.Contains("default/shop", exchange.Hops[3].Description, StringComparison.Ordinal);
        Assert.DoesNotContain(exchange.Hops, h => h.Description.Contains("api server", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task NoRule_Or_AnotherClassesIngress_Is404FromTheController()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply(Manifest);
        using var serving = cluster.Serve("app=shop");
        await cluster.WaitForIdleAsync();

        using var unmatched = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/checkout"));
        using var otherClass = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://other.example.com/"));

        Assert.Equal(HttpStatusCode.NotFound, unmatched.Response.StatusCode);
        Assert.Contains("nginx", await unmatched.Response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["dns", "load-balancer", "ingress"], unmatched.Hops.Select(h => h.Kind));
        Assert.Equal(IngressOutcome.NotFound, unmatched.Decision?.Outcome);
        Assert.Equal(HttpStatusCode.NotFound, otherClass.Response.StatusCode);
        Assert.NotNull(cluster.Get<V1IngressClass>(FakeCluster.IngressClassName, null)); // installed as the default class
    }

    [Fact]
    public async Task TheControllerIsInstalledOnce_AndFollowsIngressChanges()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply(Manifest);
        using var serving = cluster.Serve("app=shop");
        await cluster.WaitForIdleAsync();
        var first = await cluster.EnsureIngressControllerAsync();

        var ingress = cluster.Get<V1Ingress>("shop")!;
        ingress.Spec.Rules[0].Http.Paths[0].Path = "/checkout";
        cluster.Update(ingress);
        using var moved = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://shop.example.com/checkout/cart"));

        Assert.Equal(HttpStatusCode.OK, moved.Response.StatusCode);
        Assert.Equal(first, await cluster.EnsureIngressControllerAsync());
        Assert.Single(cluster.List<V1Deployment>(FakeCluster.IngressControllerNamespace));
    }

    [Fact]
    public async Task TheController_PublishesItsAddress_OnTheIngressesItServes_Only()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        Assert.Null(cluster.Get<V1Ingress>("shop")!.Status?.LoadBalancer?.Ingress); // no controller yet

        var address = await cluster.EnsureIngressControllerAsync();
        cluster.Apply("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: later, namespace: default}
            spec: {defaultBackend: {service: {name: shop, port: {number: 80}}}}
            """);
        await cluster.WaitForIdleAsync();

        Assert.Equal(address.ToString(), cluster.Get<V1Ingress>("shop")!.Status.LoadBalancer.Ingress.Single().Ip);
        Assert.Equal(address.ToString(), cluster.Get<V1Ingress>("later")!.Status.LoadBalancer.Ingress.Single().Ip);
        Assert.Null(cluster.Get<V1Ingress>("other-class")!.Status?.LoadBalancer?.Ingress); // class traefik: not ours (ICC)
    }
}
