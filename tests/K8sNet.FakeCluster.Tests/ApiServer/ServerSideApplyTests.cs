using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Server-side apply and field ownership on the fake API server, over raw HTTP and through KubernetesClient (kubectl's
/// <c>apply --server-side</c> is in <see cref="KubectlTests"/>).
/// </summary>
public sealed class ServerSideApplyTests : IAsyncLifetime
{
    private const string Path = "/apis/apps/v1/namespaces/default/deployments/web";
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

    private static string Deployment(int replicas = 2, string image = "web:1", string labels = "app: web")
    {
        var labelObject = new JsonObject();
        foreach (var pair in labels.Split(", "))
        {
            var kv = pair.Split(": ");
            labelObject[kv[0]] = kv[1];
        }

        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default", ["labels"] = labelObject },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = image }) },
                },
            },
        }.ToJsonString();
    }

    private async Task<(HttpStatusCode Code, JsonObject Body)> SendAsync(HttpMethod method, string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private Task<(HttpStatusCode Code, JsonObject Body)> ApplyAsync(string body, string manager = "ci", bool force = false) =>
        SendAsync(HttpMethod.Patch, $"{Path}?fieldManager={manager}&force={(force ? "true" : "false")}", body, "application/apply-patch+yaml");

    private static JsonObject Owned(JsonObject obj, string manager, string operation) =>
        (JsonObject)obj["metadata"]!["managedFields"]!.AsArray().Single(e => (string?)e!["manager"] == manager && (string?)e["operation"] == operation)!["fieldsV1"]!;

    [Fact]
    public async Task ApplyToNothing_Creates_201_AndTheManagerOwnsWhatItSent()
    {
        var (code, created) = await ApplyAsync(Deployment());

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal(2, (int)created["spec"]!["replicas"]!);
        var owned = Owned(created, "ci", "Apply");
        Assert.NotNull(owned["f:spec"]!["f:replicas"]);
        Assert.NotNull(owned["f:metadata"]!["f:labels"]!["f:app"]);
        var container = owned["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"app\"}"]!;
        Assert.NotNull(container["."]);
        Assert.NotNull(container["f:image"]);
        Assert.Null(owned["f:metadata"]!["f:name"]); // identity is nobody's
        Assert.Equal("apps/v1", (string?)created["metadata"]!["managedFields"]![0]!["apiVersion"]);
        Assert.Equal("FieldsV1", (string?)created["metadata"]!["managedFields"]![0]!["fieldsType"]);

        var (again, same) = await ApplyAsync(Deployment());
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(created["metadata"]!["generation"]!.GetValue<long>(), same["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public async Task AFieldAnotherManagerSet_ToAnotherValue_IsAConflict_UnlessForced()
    {
        var (createdCode, _) = await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-client-side-apply", Deployment(replicas: 2), "application/json");
        Assert.Equal(HttpStatusCode.Created, createdCode);

        var (code, status) = await ApplyAsync(Deployment(replicas: 3));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", (string?)status["message"]);
        var cause = status["details"]!["causes"]![0]!;
        Assert.Equal("FieldManagerConflict", (string?)cause["reason"]);
        Assert.Equal(".spec.replicas", (string?)cause["field"]);
        Assert.Equal("conflict with \"kubectl-client-side-apply\" using apps/v1", (string?)cause["message"]);
        Assert.Equal(2, (int)_cluster.Store.Get(ResourceType.Deployment, "default", "web")!["spec"]!["replicas"]!);

        var (forcedCode, forced) = await ApplyAsync(Deployment(replicas: 3), force: true);

        Assert.Equal(HttpStatusCode.OK, forcedCode);
        Assert.Equal(3, (int)forced["spec"]!["replicas"]!);
        Assert.NotNull(Owned(forced, "ci", "Apply")["f:spec"]!["f:replicas"]);
        Assert.Null(Owned(forced, "kubectl-client-side-apply", "Update")["f:spec"]!["f:replicas"]); // taken
        Assert.NotNull(Owned(forced, "kubectl-client-side-apply", "Update")["f:spec"]!["f:selector"]); // the rest stays shared
    }

    [Fact]
    public async Task TheSameValue_IsShared_NotAConflict()
    {
        await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments?fieldManager=helm", Deployment(), "application/json");

        var (code, applied) = await ApplyAsync(Deployment());

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.NotNull(Owned(applied, "ci", "Apply")["f:spec"]!["f:replicas"]);
        Assert.NotNull(Owned(applied, "helm", "Update")["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task SeveralConflicts_AreListedByManager()
    {
        await SendAsync(HttpMethod.Post, "/apis/apps/v1/namespaces/default/deployments?fieldManager=helm", Deployment(), "application/json");

        var (code, status) = await ApplyAsync(Deployment(replicas: 5, image: "web:2"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal(
            "Apply failed with 2 conflicts: conflicts with \"helm\" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name=\"app\"].image",
            (string?)status["message"]);
    }

    [Fact]
    public async Task AFieldTheManagerNoLongerApplies_IsRemoved_UnlessSomeoneElseOwnsIt()
    {
        await ApplyAsync(Deployment(labels: "app: web, tier: front, team: blue"));
        var (_, labelled) = await SendAsync(HttpMethod.Patch, $"{Path}?fieldManager=ops", """{"metadata":{"labels":{"team":"blue"}}}""", "application/merge-patch+json");
        Assert.DoesNotContain(labelled["metadata"]!["managedFields"]!.AsArray(), e => (string?)e!["manager"] == "ops"); // the same value changes nothing

        await SendAsync(HttpMethod.Patch, $"{Path}?fieldManager=ops", """{"metadata":{"labels":{"team":"red"}}}""", "application/merge-patch+json");
        var (code, applied) = await ApplyAsync(Deployment(labels: "app: web"), force: true);

        Assert.Equal(HttpStatusCode.OK, code);
        var labels = applied["metadata"]!["labels"]!.AsObject();
        Assert.False(labels.ContainsKey("tier"));         // ci's own, dropped from its config: removed
        Assert.Equal("red", (string?)labels["team"]);     // ops took it over by changing it: kept
    }

    [Fact]
    public async Task KeyedLists_MergeItemByItem_AcrossManagers()
    {
        await ApplyAsync(Deployment());
        const string sidecar = """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1"}]}}}}
            """;

        var (code, both) = await ApplyAsync(sidecar, manager: "mesh");

        Assert.Equal(HttpStatusCode.OK, code);
        var containers = both["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]).ToList();
        Assert.Equal(["app", "proxy"], containers);

        var (ciAgain, _) = await ApplyAsync(Deployment(image: "web:2")); // ci's container only; mesh's stays
        Assert.Equal(HttpStatusCode.OK, ciAgain);
        var after = _cluster.Store.Get(ResourceType.Deployment, "default", "web")!;
        Assert.Equal(["web:2", "envoy:1"], after["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["image"]));
    }

    [Fact]
    public async Task BadApplies_AnswerTheApiServersErrors()
    {
        var (noManager, missing) = await SendAsync(HttpMethod.Patch, Path, Deployment(), "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noManager);
        Assert.Contains("fieldManager: Required value: is required for apply patch", (string?)missing["message"], StringComparison.Ordinal);

        var (noKind, kind) = await ApplyAsync("""{"metadata":{"name":"web"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, noKind);
        Assert.Contains("Object 'Kind' is missing", (string?)kind["message"], StringComparison.Ordinal);

        var (badYaml, decoding) = await ApplyAsync("kind: [unclosed");
        Assert.Equal(HttpStatusCode.BadRequest, badYaml);
        Assert.StartsWith("error decoding YAML: ", (string?)decoding["message"], StringComparison.Ordinal);

        var (otherName, other) = await ApplyAsync(Deployment().Replace("\"name\":\"web\"", "\"name\":\"api\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, otherName);
        Assert.Contains("does not match the name on the URL", (string?)other["message"], StringComparison.Ordinal);

        var (yamlCode, fromYaml) = await ApplyAsync("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: app, image: "web:1"}]}
            """);
        Assert.True(yamlCode == HttpStatusCode.Created, fromYaml.ToJsonString()); // YAML bodies too
        Assert.Equal(1, (int)fromYaml["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task KubernetesClient_ApplyPatch_WithForce()
    {
        using var client = _cluster.CreateKubernetesClient();
        _cluster.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["mode"] = "blue" } });
        await client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"mode":"green"}}""", V1Patch.PatchType.MergePatch), "settings", "default", fieldManager: "ops");

        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"mode":"red"}}""", V1Patch.PatchType.ApplyPatch), "settings", "default", fieldManager: "app"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"ops\" using v1: .data.mode", (string?)JsonNode.Parse(conflict.Response.Content)!["message"]);

        var applied = await client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"},"data":{"mode":"red"}}""", V1Patch.PatchType.ApplyPatch), "settings", "default", fieldManager: "app", force: true);
        Assert.Equal("red", applied.Data["mode"]);
        Assert.Contains(applied.Metadata.ManagedFields, m => m.Manager == "app" && m.Operation == "Apply");
    }
}
