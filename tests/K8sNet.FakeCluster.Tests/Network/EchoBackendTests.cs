using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing;
using K8sNet.Testing.Network;

namespace K8sNet.Testing.Tests.Network;

/// <summary>Pods of echo images answer as the Gateway API conformance suite's echo-basic backend does.</summary>
public sealed class EchoBackendTests
{
    private const string Manifest = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: infra-backend-v1, namespace: default}
        spec:
          replicas: 2
          selector: {matchLabels: {app: infra-backend-v1}}
          template:
            metadata: {labels: {app: infra-backend-v1}}
            spec:
              containers:
              - name: infra-backend-v1
                image: gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: infra-backend-v1, namespace: default}
        spec: {selector: {app: infra-backend-v1}, ports: [{protocol: TCP, port: 8080, targetPort: 3000}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: default}
        spec: {containers: [{name: curl, image: curlimages/curl:8.9.1}]}
        """;

    [Theory]
    [InlineData("gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd", true)]
    [InlineData("echo", true)]
    [InlineData("example/echo:1", true)]
    [InlineData("registry.local:5000/tools/echo", true)]
    [InlineData("example/echo-basic@sha256:0123abcd", true)]
    [InlineData("example/echoes:1", false)]
    [InlineData("echo-server", false)]
    [InlineData("my-echo", false)]
    [InlineData("echo:5000/web", false)]
    [InlineData("", false)]
    public void EchoImages_ByTheRepositorysLastSegment(string image, bool echo) =>
        Assert.Equal(echo, EchoBackend.IsEchoImage(image));

    [Theory]
    [InlineData(PodNetworkMode.Simulated)]
    [InlineData(PodNetworkMode.Loopback)]
    public async Task AnEchoPod_AnswersWithWhatItReceived_AndWhoItIs(PodNetworkMode mode)
    {
        await using var cluster = new FakeCluster(o => o.NetworkMode = mode);
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        using var http = cluster.CreateHttpClient(fromPod: "client");
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://infra-backend-v1:8080/some/path?with=query") { Content = new StringContent("body") };
        request.Headers.Add("X-Echo-Set-Header", "yes");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var echo = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("/some/path?with=query", (string?)echo["path"]);
        Assert.Equal("infra-backend-v1:8080", (string?)echo["host"]);
        Assert.Equal("PUT", (string?)echo["method"]);
        Assert.Equal("HTTP/1.1", (string?)echo["proto"]);
        Assert.Equal("yes", (string?)echo["headers"]!["X-Echo-Set-Header"]![0]);
        Assert.Equal("default", (string?)echo["namespace"]);
        Assert.StartsWith("infra-backend-v1-", (string?)echo["pod"], StringComparison.Ordinal);
        Assert.Equal(response.Headers.GetValues(FakeClusterHeaders.Pod).Single(), $"default/{echo["pod"]}");
    }

    [Fact]
    public async Task AServeRegistration_TakesThePortFromTheEcho()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply(Manifest);
        using var serving = cluster.Serve("app=infra-backend-v1", (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Accepted)), port: 3000);
        await cluster.WaitForIdleAsync();
        using var http = cluster.CreateHttpClient(fromPod: "client");

        using var response = await http.GetAsync(new Uri("http://infra-backend-v1:8080/"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task ThroughTheIngressController_TheEchoSeesThePublicHost()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply(Manifest + """

            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: echo, namespace: default}
            spec:
              rules:
              - host: echo.example.com
                http:
                  paths: [{path: /, pathType: Prefix, backend: {service: {name: infra-backend-v1, port: {number: 8080}}}}]
            """);
        await cluster.WaitForIdleAsync();

        using var exchange = await cluster.SendExternalAsync(new HttpRequestMessage(HttpMethod.Get, "http://echo.example.com/hello?x=1"));

        var echo = JsonNode.Parse(await exchange.Response.Content.ReadAsStringAsync())!;
        Assert.Equal("echo.example.com", (string?)echo["host"]);
        Assert.Equal("/hello?x=1", (string?)echo["path"]);
        Assert.Equal("echo.example.com", (string?)echo["headers"]!["X-Forwarded-Host"]![0]);
    }
}
