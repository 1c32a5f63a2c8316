using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// What kube-apiserver refuses, the fake refuses too, with upstream's code and words (issue 22, item 4: each of these
/// was accepted, so a test passed here and failed against a cluster). Messages from apimachinery's validation
/// (IsQualifiedName, IsValidLabelValue, ValidateNonnegativeField) and pkg/apis/core and apps validation.
/// </summary>
public sealed class RefusedWritesTests : ShopApiTests
{
    public static TheoryData<string, string, string, string, string, int, string> Refused => new()
    {
        {
            "negative replicas", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"replicas":-5}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.replicas: Invalid value: -5: must be greater than or equal to 0"
        },
        {
            "label value of 100 characters", "PATCH", Orders, "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"team\":\"" + new string('a', 100) + "\"}}}", 422,
            $"Deployment.apps \"orders\" is invalid: metadata.labels: Invalid value: \"{new string('a', 100)}\": must be no more than 63 characters"
        },
        {
            "label key -bad-", "PATCH", Orders, "application/merge-patch+json", """{"metadata":{"labels":{"-bad-":"x"}}}""", 422,
            "Deployment.apps \"orders\" is invalid: metadata.labels: Invalid value: \"-bad-\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        },
        {
            "container without a name", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.template.spec.containers[0].name: Required value"
        },
        {
            "selector that misses the template", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"template":{"metadata":{"labels":{"app":"other"}}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
        },
        {
            "two errors at once", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"replicas":-1,"template":{"spec":{"containers":[{"image":"x"}]}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].name: Required value]"
        },
        {
            "maxUnavailable over 100%", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"strategy":{"rollingUpdate":{"maxUnavailable":"120%"}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"120%\": must not be greater than 100%"
        },
        {
            "an unknown strategy", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"strategy":{"type":"Bogus","rollingUpdate":null}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.strategy.type: Unsupported value: \"Bogus\": supported values: \"Recreate\", \"RollingUpdate\""
        },
        {
            "a workload's pods that do not restart", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"template":{"spec":{"restartPolicy":"Never"}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        },
        {
            "progressDeadlineSeconds not over minReadySeconds", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"progressDeadlineSeconds":0}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.progressDeadlineSeconds: Invalid value: 0: must be greater than minReadySeconds"
        },
        {
            "a container without an image", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"template":{"spec":{"containers":[{"name":"app"}]}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.template.spec.containers[0].image: Required value"
        },
        {
            "an env name with '='", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x","env":[{"name":"a=b","value":"1"}]}]}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.template.spec.containers[0].env[0].name: Invalid value: \"a=b\": a valid environment variable name must consist only of printable ASCII characters other than '='"
        },
        {
            "volumes: no source, a duplicate, a mount of neither", "PATCH", Orders, "application/merge-patch+json",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"data"},{"name":"data","emptyDir":{}}],"containers":[{"name":"app","image":"x","volumeMounts":[{"name":"cache","mountPath":"/c"}]}]}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: [spec.template.spec.volumes[0]: Required value: must specify a volume type, spec.template.spec.volumes[1].name: Duplicate value: \"data\", spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"cache\"]"
        },
        {
            "a probe without a handler", "PATCH", Orders, "application/merge-patch+json", """{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"x","readinessProbe":{"periodSeconds":5}}]}}}}""", 422,
            "Deployment.apps \"orders\" is invalid: spec.template.spec.containers[0].readinessProbe: Required value: must specify a handler type"
        },
        {
            "$patch: bogus", "PATCH", Orders, "application/strategic-merge-patch+json", """{"spec":{"$patch":"bogus"}}""", 500,
            "unknown patch type: bogus in map: map[$patch:bogus]"
        },
        {
            "$setElementOrder not a list", "PATCH", Orders, "application/strategic-merge-patch+json", """{"spec":{"template":{"spec":{"$setElementOrder/containers":"x"}}}}""", 400,
            "Invalid patch format of setElementOrder list"
        },
        {
            "a patch that changes kind", "PATCH", Orders, "application/merge-patch+json", """{"kind":"Pod"}""", 400,
            "the API version in the data (apps/v1) and kind (Pod) do not match the expected apps/v1, Kind=Deployment"
        },
        {
            "scale replicas as a string", "PATCH", Orders + "/scale", "application/merge-patch+json", """{"spec":{"replicas":"x"}}""", 400,
            "json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32"
        },
        {
            "metadata that is not an object (found by the fuzz suite: a 500)", "PATCH", Orders, "application/merge-patch+json", """{"metadata":1}""", 400,
            "json: cannot unmarshal number into Go struct field Deployment.metadata of type v1.ObjectMeta"
        },
        {
            "a Scale whose spec is a number (found by the fuzz suite: a 500)", "PATCH", Orders + "/scale", "application/merge-patch+json", """{"spec":1.5}""", 400,
            "json: cannot unmarshal number into Go struct field Scale.spec of type v1.ScaleSpec"
        },
        {
            "continue=garbage", "GET", "/apis/apps/v1/namespaces/shop/deployments?limit=1&continue=garbage", "application/json", "", 400,
            "continue key is not valid: it is not a continue token this server issued (illegal base64 data or content)"
        },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Refused_AsUpstream_AndNothingChanges(string name, string method, string path, string contentType, string body, int code, string message)
    {
        var version = Cluster.Store.ResourceVersion;

        var (status, answer) = await SendAsync(method, path, body, contentType);

        Assert.True((int)status == code, $"{name}: {status} {answer}");
        Assert.Equal(message, (string?)answer["message"]);
        Assert.Equal(version, Cluster.Store.ResourceVersion);
        Assert.Equal(2, Cluster.Get<V1Deployment>("orders", "shop")!.Spec.Replicas);
    }

    // Found by the fuzz suite: DeleteOptions with a field of the wrong type was a 500 and an unhandled exception.
    [Theory]
    [InlineData("""{"preconditions":1}""")]
    [InlineData("""{"gracePeriodSeconds":"soon"}""")]
    [InlineData("""{"dryRun":"All"}""")]
    public async Task DeleteOptions_OfTheWrongShape_AreA400(string body)
    {
        var (status, answer) = await SendAsync("DELETE", Orders, body, "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("couldn't decode DeleteOptions: ", (string?)answer["message"], StringComparison.Ordinal);
        Assert.NotNull(Cluster.Get<V1Deployment>("orders", "shop"));
    }

    // apimachinery reads a query boolean as true unless it is absent, "false" or "0": watch=yes is a watch, not a list.
    [Theory]
    [InlineData("watch=yes", true)]
    [InlineData("watch=", true)]
    [InlineData("watch=False", false)]
    [InlineData("watch=0", false)]
    public async Task QueryBooleans_AsApimachineryReadsThem(string query, bool watch)
    {
        using var response = await Http.GetAsync($"{Deployments}?{query}", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(watch, first!.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvalidFields_NameEachCause()
    {
        var (_, answer) = await SendAsync("PATCH", Orders, """{"spec":{"replicas":-1,"template":{"spec":{"containers":[{"image":"x"}]}}}}""", "application/merge-patch+json");

        Assert.Equal(
            ["FieldValueInvalid spec.replicas Invalid value: -1: must be greater than or equal to 0", "FieldValueRequired spec.template.spec.containers[0].name Required value"],
            answer["details"]!["causes"]!.AsArray().Select(c => $"{c!["reason"]} {c["field"]} {c["message"]}"));
    }

    [Fact]
    public void InProcess_TheSameRulesHold()
    {
        var ex = Assert.Throws<KubernetesStatusException>(() => Cluster.Create(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "shop", Labels = new Dictionary<string, string> { ["a/b/c"] = "x" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "Bad_Name", Image = "x" }] },
        }));

        Assert.Equal(422, ex.Code);
        Assert.StartsWith("Pod \"p\" is invalid: [metadata.labels: Invalid value: \"a/b/c\": a qualified name must consist of", ex.Message, StringComparison.Ordinal);
        Assert.Contains("spec.containers[0].name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label must consist of", ex.Message, StringComparison.Ordinal);
    }

    // Issue 24: in-process Apply accepted "targetPortt", which kubectl against the same cluster refuses.
    [Fact]
    public void InProcessApply_IsStrictByDefault_AsKubectlApply()
    {
        const string manifest = """
            apiVersion: v1
            kind: Service
            metadata: {name: typo, namespace: shop}
            spec:
              ports:
              - port: 80
                targetPortt: 8080
            """;

        var ex = Assert.Throws<KubernetesStatusException>(() => Cluster.Apply(manifest));

        Assert.Equal(400, ex.Code);
        Assert.Equal("Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].targetPortt\"", ex.Message);
        Assert.Null(Cluster.Get<V1Service>("typo", "shop"));
    }

    [Theory]
    [InlineData(FieldValidationMode.Warn, true)]
    [InlineData(FieldValidationMode.Ignore, false)]
    public async Task InProcessApply_WarnOrIgnore_DropsTheField(FieldValidationMode mode, bool warns)
    {
        await using var cluster = new FakeCluster(o => o.ApplyValidation = mode);

        cluster.Apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\ndta: {a: b}\nmetadata: {name: c}\n");

        Assert.NotNull(cluster.Get<V1ConfigMap>("c"));
        Assert.Equal(warns ? ["line 6: key \"metadata\" already set in map", "unknown field \"dta\""] : [], cluster.Warnings);
    }

    // As the API server for custom resources (the Gateway API's are CRDs upstream): no strategic merge patch.
    [Fact]
    public async Task StrategicMergePatch_OfACustomResource_Is415()
    {
        Cluster.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: r, namespace: shop}
            spec: {rules: [{backendRefs: [{name: orders, port: 80}]}]}
            """);

        var (status, answer) = await SendAsync("PATCH", "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/r", """{"metadata":{"labels":{"a":"b"}}}""", "application/strategic-merge-patch+json");
        var (merged, _) = await SendAsync("PATCH", "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes/r", """{"metadata":{"labels":{"a":"b"}}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml", (string?)answer["message"]);
        Assert.Equal(HttpStatusCode.OK, merged);
    }

    [Theory]
    [InlineData("app.kubernetes.io/name", true)]
    [InlineData("example.com/MyName", true)]
    [InlineData("my.name", true)]
    [InlineData("123-abc", true)]
    [InlineData("-bad-", false)]
    [InlineData("/name", false)]
    [InlineData("a/b/c", false)]
    [InlineData("Example.com/name", false)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", false)]
    public void QualifiedNames_AsApimachinery(string key, bool valid)
    {
        Assert.Equal(valid, ObjectValidation.QualifiedName(key).Count == 0);
    }
}
