using System.Net;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.Network;

/// <summary>The README's custom <see cref="PodRequestHandler"/>, as written there, in both network modes.</summary>
public sealed class PodRequestHandlerExampleTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: orders, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: orders}}
          template:
            metadata: {labels: {app: orders}}
            spec: {containers: [{name: app, image: "orders:1", ports: [{containerPort: 8080}]}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: orders, namespace: shop}
        spec: {selector: {app: orders}, ports: [{name: http, port: 80, targetPort: 8080}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: shop}
        spec: {containers: [{name: curl, image: "curl:1"}]}
        """;

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task TheReadmeHandler_AnswersWithThePodItsNodeAndTheCaller(PodNetworkMode mode)
    {
        await using var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.Apply(Manifest);
        using var serving = cluster.Serve("app=orders", async (request, cancellationToken) =>
        {
            if (request.Message.RequestUri!.AbsolutePath == "/healthz")
            {
                return new HttpResponseMessage(HttpStatusCode.OK);
            }

            var body = request.Message.Content is null ? string.Empty : await request.Message.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(request.Pod.Node == "node-2" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)
            {
                Content = new StringContent($"{request.Pod.Name} on {request.Pod.Node} got {body.Length} bytes from {request.ClientAddress}"),
            };
        }, port: 8080, @namespace: "shop");
        await cluster.WaitForIdleAsync(); // the pods scheduled and, in the loopback mode, listening
        using var http = cluster.CreateHttpClient(fromPod: "client", @namespace: "shop");
        var client = cluster.Get<k8s.Models.V1Pod>("client", "shop")!.Status.PodIP;

        using var health = await http.GetAsync("http://orders/healthz");
        using var response = await http.PostAsync("http://orders/", new StringContent("hello"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Matches($@"^orders-\S+ on node-\d got 5 bytes from {client}$", text);
        Assert.Equal(text.Contains("on node-2", StringComparison.Ordinal) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, response.StatusCode);
    }
}
