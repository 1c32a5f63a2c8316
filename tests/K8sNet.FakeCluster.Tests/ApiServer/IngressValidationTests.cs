using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Ingresses and IngressClasses as kube-apiserver 1.32 validates them (issue 22), with the cases of upstream's
/// pkg/apis/networking/validation/validation_test.go (TestValidateIngressRuleValue, TestValidateIngressCreate,
/// TestValidateIngressUpdate, TestValidateIngressClass) reproduced as data.
/// </summary>
public sealed class IngressValidationTests : ShopApiTests
{
    private const string Ingresses = "/apis/networking.k8s.io/v1/namespaces/shop/ingresses";
    private const string Classes = "/apis/networking.k8s.io/v1/ingressclasses";
    private const string Regex1123Subdomain = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private static string Ingress(string spec, string annotations = "") =>
        $$"""{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","metadata":{"name":"web"{{annotations}}},"spec":{{spec}}}""";

    private static string Rule(string pathType, string path, string host = "foo.bar.com") =>
        """{"rules":[{"host":"HOST","http":{"paths":[{"path":"PATH","pathType":"TYPE","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}"""
            .Replace("HOST", host, StringComparison.Ordinal).Replace("PATH", path, StringComparison.Ordinal).Replace("TYPE", pathType, StringComparison.Ordinal);

    // TestValidateIngressRuleValue, with the field under spec.rules[0].http.
    [Theory]
    [InlineData("ImplementationSpecific", "foo", "must be an absolute path")]
    [InlineData("ImplementationSpecific", "/foo", null)]
    [InlineData("ImplementationSpecific", "/foo/bar/foo", null)]
    [InlineData("ImplementationSpecific", "/foo//bar/foo", null)]
    [InlineData("Prefix", "foo", "must be an absolute path")]
    [InlineData("Prefix", "/foo", null)]
    [InlineData("Prefix", "/foo/bar/foo", null)]
    [InlineData("Prefix", "/foo//bar/foo", "must not contain '//'")]
    [InlineData("Exact", "foo", "must be an absolute path")]
    [InlineData("Exact", "/foo//bar/foo", "must not contain '//'")]
    [InlineData("Prefix", "/foo/./foo", "must not contain '/./'")]
    [InlineData("Exact", "/foo/../foo", "must not contain '/../'")]
    [InlineData("Prefix", "/foo/%2f/foo", "must not contain '%2f'")]
    [InlineData("Exact", "/foo/%2F/foo", "must not contain '%2F'")]
    [InlineData("Prefix", "/foo/..", "cannot end with '/..'")]
    public async Task Paths_AreCheckedByPathType(string pathType, string path, string? detail)
    {
        var (code, body) = await SendAsync("POST", Ingresses, Ingress(Rule(pathType, path)));

        if (detail is null)
        {
            Assert.Equal(HttpStatusCode.Created, code);
            return;
        }

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal($"Ingress.networking.k8s.io \"web\" is invalid: spec.rules[0].http.paths[0].path: Invalid value: \"{path}\": {detail}", Json.Str(body["message"]));
    }

    [Theory]
    [InlineData("{}", "spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified")]
    [InlineData("""{"rules":[{"host":"foo.bar.com","http":{"paths":[{"path":"/","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}""",
        "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified")]
    [InlineData("""{"rules":[{"host":"foo.bar.com","http":{"paths":[{"path":"/","pathType":"foo","backend":{"service":{"name":"web","port":{"number":80}}}}]}}]}""",
        "spec.rules[0].http.paths[0].pathType: Unsupported value: \"foo\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"")]
    [InlineData("""{"rules":[{"host":"127.0.0.1","http":{"paths":[]}}]}""",
        "[spec.rules[0].host: Invalid value: \"127.0.0.1\": must be a DNS name, not an IP address, spec.rules[0].http.paths: Required value]")]
    [InlineData("""{"rules":[{"host":"foo.*.bar.com"}]}""",
        "spec.rules[0].host: Invalid value: \"foo.*.bar.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("""{"defaultBackend":{"service":{"name":"","port":{"number":80}}}}""", "spec.defaultBackend.service.name: Required value")]
    [InlineData("""{"defaultBackend":{"service":{"name":"web","port":{"number":80}},"resource":{"apiGroup":"example.com","kind":"foo","name":"bar"}}}""",
        "spec.defaultBackend: Invalid value: \"\": cannot set both resource and service backends")]
    [InlineData("""{"defaultBackend":{"service":{"name":"1web","port":{}}}}""",
        "[spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?'), spec.defaultBackend: Required value: port name or number is required]")]
    [InlineData("""{"defaultBackend":{"service":{"name":"web","port":{"number":70000}}}}""",
        "spec.defaultBackend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("""{"defaultBackend":{"resource":{"kind":"foo/","name":""}}}""",
        "[spec.defaultBackend.resource.kind: Invalid value: \"foo/\": may not contain '/', spec.defaultBackend.resource.name: Required value: name is required]")]
    [InlineData("""{"defaultBackend":{"service":{"name":"web","port":{"number":80}}},"tls":[{"secretName":"invalid name"}]}""",
        "spec.tls[0].secretName: Invalid value: \"invalid name\": " + Regex1123Subdomain)]
    public async Task Specs_AreValidatedAsUpstream(string spec, string errors)
    {
        var (code, body) = await SendAsync("POST", Ingresses, Ingress(spec));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal($"Ingress.networking.k8s.io \"web\" is invalid: {errors}", Json.Str(body["message"]));
    }

    [Fact]
    public async Task TheClassAnnotation_MustMatchTheClassName_OnCreateOnly_AndAloneIsDeprecated()
    {
        const string Spec = """{"ingressClassName":"bar","defaultBackend":{"service":{"name":"web","port":{"number":80}}}}""";
        var (code, body) = await SendAsync("POST", Ingresses, Ingress(Spec, ""","annotations":{"kubernetes.io/ingress.class":"foo"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Ingress.networking.k8s.io \"web\" is invalid: annotations.kubernetes.io/ingress.class: Invalid value: \"foo\": must match `ingressClassName` when both are specified", Json.Str(body["message"]));

        using var request = new HttpRequestMessage(HttpMethod.Post, Ingresses)
        {
            Content = new StringContent(Ingress("""{"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}""", ""","annotations":{"kubernetes.io/ingress.class":"foo"}"""), System.Text.Encoding.UTF8, "application/json"),
        };
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Contains("299 - \"annotation \\\"kubernetes.io/ingress.class\\\" is deprecated, please use 'spec.ingressClassName' instead\"", response.Headers.GetValues("Warning"));

        // Updates may set both, even differing (TestValidateIngressUpdate).
        var (updated, _) = await SendAsync("PATCH", Ingresses + "/web", """{"spec":{"ingressClassName":"bar"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, updated);
    }

    [Fact]
    public async Task AnInvalidSecretNameStoredBefore_IsLetThroughOnUpdate_AsUpstreamRatchets()
    {
        Cluster.Apply("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec:
              defaultBackend: {service: {name: web, port: {number: 80}}}
              tls: [{secretName: valid}]
            """);

        var (code, body) = await SendAsync("PATCH", Ingresses + "/web", """{"spec":{"tls":[{"secretName":"invalid name"}]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Ingress.networking.k8s.io \"web\" is invalid: spec.tls[0].secretName: Invalid value: \"invalid name\": " + Regex1123Subdomain, Json.Str(body["message"]));
    }

    [Theory]
    [InlineData("""{"controller":"foo.co/bar"}""", null)]
    [InlineData("""{"controller":""}""", "spec.controller: Required value")]
    [InlineData("""{"controller":"foo.co/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", "spec.controller: Too long: may not be more than 250 bytes")]
    [InlineData("""{"controller":"foo.co/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}""", null)]
    [InlineData("""{"controller":"foo"}""", "spec.controller: Invalid value: \"foo\": must be a domain-prefixed path (such as \"acme.io/foo\")")]
    [InlineData("""{"controller":"foo.co/bar","parameters":{"apiGroup":"example.com","kind":"foo","name":"bar"}}""", null)]
    [InlineData("""{"controller":"foo.co/bar","parameters":{"kind":"","name":"bar"}}""", "spec.parameters.kind: Required value: kind is required")]
    [InlineData("""{"controller":"foo.co/bar","parameters":{"kind":"foo","name":"bar","scope":"bad-scope"}}""", "spec.parameters.scope: Unsupported value: \"bad-scope\": supported values: \"Cluster\", \"Namespace\"")]
    [InlineData("""{"controller":"foo.co/bar","parameters":{"kind":"foo","name":"bar","scope":"Namespace","namespace":"foo_ns"}}""",
        "spec.parameters.namespace: Invalid value: \"foo_ns\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]
    [InlineData("""{"controller":"foo.co/bar","parameters":{"kind":"foo","name":"bar","scope":"Namespace"}}""", "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'")]
    [InlineData("""{"controller":"foo.co/bar","parameters":{"kind":"foo","name":"bar","namespace":"foo-ns"}}""", "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'")]
    public async Task IngressClasses_AreValidatedAsUpstream(string spec, string? errors)
    {
        var (code, body) = await SendAsync("POST", Classes, $$"""{"apiVersion":"networking.k8s.io/v1","kind":"IngressClass","metadata":{"name":"c"},"spec":{{spec}}}""");

        if (errors is null)
        {
            Assert.Equal(HttpStatusCode.Created, code);
            var (changed, changedBody) = await SendAsync("PATCH", Classes + "/c", """{"spec":{"controller":"foo.co/different"}}""", "application/merge-patch+json");
            Assert.Equal(HttpStatusCode.UnprocessableEntity, changed);
            Assert.Equal("IngressClass.networking.k8s.io \"c\" is invalid: spec.controller: Invalid value: \"foo.co/different\": field is immutable", Json.Str(changedBody["message"]));
            return;
        }

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal($"IngressClass.networking.k8s.io \"c\" is invalid: {errors}", Json.Str(body["message"]));
    }
}
