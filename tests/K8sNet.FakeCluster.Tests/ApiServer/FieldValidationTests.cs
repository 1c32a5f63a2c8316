using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Unknown and duplicate fields, per <c>fieldValidation</c>, as kube-apiserver's own integration test expects them
/// (test/integration/apiserver/field_validation_test.go: its bodies, messages, warnings and their order, as data).
/// </summary>
public sealed class FieldValidationTests : IAsyncLifetime
{
    private const string InvalidBodyJson = """
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "dupename",
                "name": "NAME",
                "labels": {"app": "nginx"},
                "unknownMeta": "metaVal"
            },
            "spec": {
                "unknown1": "val1",
                "unknownDupe": "valDupe",
                "unknownDupe": "valDupe2",
                "paused": true,
                "paused": false,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {
                        "containers": [{
                            "name": "nginx",
                            "image": "nginx:latest",
                            "unknownNested": "val1",
                            "imagePullPolicy": "Always",
                            "imagePullPolicy": "Never"
                        }]
                    }
                }
            }
        }
        """;

    private const string InvalidBodyYaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: dupename
          name: NAME
          unknownMeta: metaVal
          labels:
            app: nginx
        spec:
          unknown1: val1
          unknownDupe: valDupe
          unknownDupe: valDupe2
          paused: true
          paused: false
          selector:
            matchLabels:
              app: nginx
          template:
            metadata:
              labels:
                app: nginx
            spec:
              containers:
              - name: nginx
                image: nginx:latest
                unknownNested: val1
                imagePullPolicy: Always
                imagePullPolicy: Never
        """;

    private const string ValidBodyJson = """
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "NAME", "labels": {"app": "nginx"}, "annotations": {"a1": "foo", "a2": "bar"}},
         "spec": {"selector": {"matchLabels": {"app": "nginx"}},
                  "template": {"metadata": {"labels": {"app": "nginx"}},
                               "spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "imagePullPolicy": "Always"}]}},
                  "replicas": 2}}
        """;

    // Line numbers matter: go-yaml reads the JSON and names lines 10 and 27.
    private const string ApplyInvalidBody = """
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "NAME",
                "labels": {"app": "nginx"}
            },
            "spec": {
                "paused": false,
                "paused": true,
                "selector": {
                    "matchLabels": {
                        "app": "nginx"
                    }
                },
                "template": {
                    "metadata": {
                        "labels": {
                            "app": "nginx"
                        }
                    },
                    "spec": {
                        "containers": [{
                            "name":  "nginx",
                            "image": "nginx:latest",
                            "imagePullPolicy": "Never",
                            "imagePullPolicy": "Always"
                        }]
                    }
                }
            }
        }
        """;

    private const string MergePatchBody = """
        {"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
                  "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:latest", "unknownNested": "val1",
                                                        "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}
        """;

    private const string SmpBody = """
        {"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true, "paused": false,
                  "selector": {"matchLabels": {"app": "nginx"}},
                  "template": {"metadata": {"labels": {"app": "nginx"}},
                               "spec": {"containers": [{"name": "nginx", "unknownNested": "val1",
                                                        "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}
        """;

    private const string JsonPatchBody = """
        [
            {"op": "add", "path": "/spec/unknown1", "value": "val1", "foo":"bar"},
            {"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val1"},
            {"op": "add", "path": "/spec/unknownDupe", "value": "valDupe"},
            {"op": "add", "path": "/spec/unknownDupe", "value": "valDupe2"},
            {"op": "add", "path": "/spec/paused", "value": true},
            {"op": "add", "path": "/spec/paused", "value": false},
            {"op": "add", "path": "/spec/template/spec/containers/0/unknownNested", "value": "val1"},
            {"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Always"},
            {"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Never"}
        ]
        """;

    private static readonly string[] PostJsonProblems =
    [
        "duplicate field \"metadata.name\"",
        "unknown field \"metadata.unknownMeta\"",
        "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknownDupe\"",
        "duplicate field \"spec.paused\"",
        "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"",
    ];

    private static readonly string[] YamlDuplicates =
    [
        "line 5: key \"name\" already set in map",
        "line 12: key \"unknownDupe\" already set in map",
        "line 14: key \"paused\" already set in map",
        "line 28: key \"imagePullPolicy\" already set in map",
    ];

    private static readonly string[] YamlUnknown =
    [
        "unknown field \"metadata.unknownMeta\"",
        "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknownDupe\"",
    ];

    private static readonly string[] PatchProblems =
    [
        "duplicate field \"spec.unknownDupe\"",
        "duplicate field \"spec.paused\"",
        "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"",
        "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknownDupe\"",
    ];

    private static readonly string[] JsonPatchProblems =
    [
        "json patch unknown field \"[0].foo\"",
        "json patch duplicate field \"[1].path\"",
        "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknown3\"",
        "unknown field \"spec.unknownDupe\"",
    ];

    private FakeCluster _cluster = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster();
        var server = await _cluster.StartApiServerAsync();
        _http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    [Theory]
    [InlineData("Strict", "application/json")]
    [InlineData("Warn", "application/json")]
    [InlineData("Ignore", "application/json")]
    [InlineData(null, "application/json")]
    [InlineData("Strict", "application/yaml")]
    [InlineData("Warn", "application/yaml")]
    [InlineData("Ignore", "application/yaml")]
    [InlineData(null, "application/yaml")]
    public async Task PostAndPut_InvalidBody_AsUpstream(string? validation, string contentType)
    {
        var json = contentType == "application/json";
        var problems = json ? PostJsonProblems : [.. YamlDuplicates, .. YamlUnknown];
        var strictError = json
            ? "strict decoding error: " + string.Join(", ", PostJsonProblems)
            : "strict decoding error: yaml: unmarshal errors:\n  " + string.Join("\n  ", YamlDuplicates) + ", " + string.Join(", ", YamlUnknown);
        var body = json ? InvalidBodyJson : InvalidBodyYaml;
        var name = $"post-{validation ?? "none"}-{(json ? "json" : "yaml")}".ToLowerInvariant();

        var post = await SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/default/deployments{Query(validation)}", body.Replace("NAME", name, StringComparison.Ordinal), contentType);
        await (await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments", ValidBodyJson.Replace("NAME", name + "-put", StringComparison.Ordinal))).AssertAsync(HttpStatusCode.Created);
        var put = await SendAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/default/deployments/{name}-put{Query(validation)}", body.Replace("NAME", name + "-put", StringComparison.Ordinal), contentType);

        foreach (var (result, created) in new[] { (post, HttpStatusCode.Created), (put, HttpStatusCode.OK) })
        {
            switch (validation)
            {
                case "Strict":
                    await result.AssertErrorAsync(HttpStatusCode.BadRequest, "Deployment in version \"v1\" cannot be handled as a Deployment: " + strictError);
                    break;
                case "Ignore":
                    await result.AssertAsync(created);
                    Assert.Empty(result.Warnings);
                    break;
                default:
                    var stored = await result.AssertAsync(created);
                    Assert.Equal(problems, result.Warnings);
                    Assert.False((bool)stored["spec"]!["paused"]!); // the last of a field set twice
                    Assert.Null(stored["spec"]!["unknown1"]);
                    break;
            }
        }

        Assert.Equal(validation == "Strict" ? null : name, _cluster.Store.Get(Testing.Store.ResourceType.Deployment, "default", name)?["metadata"]?["name"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("application/merge-patch+json", "Strict")]
    [InlineData("application/merge-patch+json", "Warn")]
    [InlineData("application/merge-patch+json", "Ignore")]
    [InlineData("application/merge-patch+json", null)]
    [InlineData("application/strategic-merge-patch+json", "Strict")]
    [InlineData("application/strategic-merge-patch+json", "Warn")]
    [InlineData("application/strategic-merge-patch+json", null)]
    [InlineData("application/json-patch+json", "Strict")]
    [InlineData("application/json-patch+json", "Warn")]
    [InlineData("application/json-patch+json", "Ignore")]
    [InlineData("application/json-patch+json", null)]
    public async Task Patches_InvalidPatch_AsUpstream(string patchType, string? validation)
    {
        var name = $"{patchType.Split('/')[1].Split('+')[0]}-{validation ?? "none"}".ToLowerInvariant();
        await (await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments", ValidBodyJson.Replace("NAME", name, StringComparison.Ordinal))).AssertAsync(HttpStatusCode.Created);
        var (body, problems) = patchType switch
        {
            "application/json-patch+json" => (JsonPatchBody, JsonPatchProblems),
            "application/strategic-merge-patch+json" => (SmpBody, PatchProblems),
            _ => (MergePatchBody, PatchProblems),
        };

        var result = await SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/default/deployments/{name}{Query(validation)}", body, patchType);

        switch (validation)
        {
            case "Strict":
                await result.AssertErrorAsync(HttpStatusCode.BadRequest, "strict decoding error: " + string.Join(", ", problems));
                break;
            case "Ignore":
                await result.AssertAsync(HttpStatusCode.OK);
                Assert.Empty(result.Warnings);
                break;
            default:
                var stored = await result.AssertAsync(HttpStatusCode.OK);
                Assert.Equal(problems, result.Warnings);
                Assert.Equal("Never", (string?)stored["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);
                break;
        }
    }

    [Theory]
    [InlineData("Strict")]
    [InlineData("Warn")]
    [InlineData("Ignore")]
    [InlineData(null)]
    public async Task Apply_DuplicateFields_AsUpstream(string? validation)
    {
        foreach (var existing in new[] { false, true })
        {
            var name = $"apply-{(existing ? "update" : "create")}-{validation ?? "none"}".ToLowerInvariant();
            if (existing)
            {
                await (await SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/default/deployments/{name}?fieldManager=mgr", ValidBodyJson.Replace("NAME", name, StringComparison.Ordinal), "application/apply-patch+yaml"))
                    .AssertAsync(HttpStatusCode.Created);
            }

            var result = await SendAsync(HttpMethod.Patch, $"/apis/apps/v1/namespaces/default/deployments/{name}?fieldManager=mgr{(validation is null ? string.Empty : "&fieldValidation=" + validation)}",
                ApplyInvalidBody.Replace("NAME", name, StringComparison.Ordinal), "application/apply-patch+yaml");

            string[] duplicates = ["line 10: key \"paused\" already set in map", "line 27: key \"imagePullPolicy\" already set in map"];
            if (validation == "Strict")
            {
                await result.AssertErrorAsync(HttpStatusCode.BadRequest, "error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  " + string.Join("\n  ", duplicates));
                continue;
            }

            var stored = await result.AssertAsync(existing ? HttpStatusCode.OK : HttpStatusCode.Created);
            Assert.Equal(validation == "Ignore" ? [] : duplicates, result.Warnings);
            Assert.True((bool)stored["spec"]!["paused"]!);
        }
    }

    private static string Query(string? validation) => validation is null ? string.Empty : $"?fieldValidation={validation}";

    private async Task<Result> SendAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.SendAsync(request);
        var warnings = response.Headers.NonValidated.TryGetValues("Warning", out var values)
            ? values.Select(Unquote).ToList()
            : [];
        return new Result(response.StatusCode, await response.Content.ReadAsStringAsync(), warnings);
    }

    // 299 - "text with \"quotes\""
    private static string Unquote(string warning)
    {
        var text = warning[(warning.IndexOf('"', StringComparison.Ordinal) + 1)..^1];
        return text.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
    }

    private sealed record Result(HttpStatusCode Code, string Body, IReadOnlyList<string> Warnings)
    {
        public Task<JsonObject> AssertAsync(HttpStatusCode expected)
        {
            Assert.True(Code == expected, $"{Code}: {Body}");
            return Task.FromResult((JsonObject)JsonNode.Parse(Body)!);
        }

        public Task AssertErrorAsync(HttpStatusCode expected, string message)
        {
            Assert.True(Code == expected, $"{Code}: {Body}");
            var status = (JsonObject)JsonNode.Parse(Body)!;
            Assert.Equal("Status", (string?)status["kind"]);
            Assert.EndsWith(message, (string?)status["message"], StringComparison.Ordinal);
            return Task.CompletedTask;
        }
    }
}
