using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;
using K8sNet.Testing.Store;
using K8sNet.Testing.Tests.Cluster;

namespace K8sNet.Testing.Tests.ApiServer;

public sealed class ApiServerTests : IAsyncLifetime
{
    private FakeCluster _cluster = null!;
    private FakeApiServer _server = null!;
    private IKubernetes _client = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster();
        _server = await _cluster.StartApiServerAsync();
        _client = _cluster.CreateKubernetesClient();
        _http = new HttpClient { BaseAddress = _server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        _http.Dispose();
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    private static JsonObject Body(string json) => (JsonObject)JsonNode.Parse(json)!;

    private async Task<(HttpStatusCode Code, JsonObject Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, (JsonObject)JsonNode.Parse(text)!, response);
    }

    [Fact]
    public async Task NewCluster_AnswersItsFirstGet()
    {
        var namespaces = await _client.CoreV1.ListNamespaceAsync();
        Assert.Contains(namespaces.Items, n => n.Name() == "default");
        Assert.Equal("Namespace", namespaces.Items[0].Kind);
        Assert.False(string.IsNullOrEmpty(namespaces.ResourceVersion()));
    }

    [Fact]
    public async Task Discovery_DescribesTheServedKinds()
    {
        var (code, version, _) = await SendAsync(HttpMethod.Get, "/version");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(("1", "32"), (Json(version["major"]), Json(version["minor"])));

        var (_, core, _) = await SendAsync(HttpMethod.Get, "/api/v1");
        var pods = core["resources"]!.AsArray().Single(r => Json(r!["name"]) == "pods")!;
        Assert.Equal("Pod", Json(pods["kind"]));
        Assert.True(pods["namespaced"]!.GetValue<bool>());
        Assert.Contains("po", pods["shortNames"]!.AsArray().Select(n => Json(n)));
        Assert.Contains("watch", pods["verbs"]!.AsArray().Select(n => Json(n)));
        Assert.Contains(core["resources"]!.AsArray(), r => Json(r!["name"]) == "pods/status");
        Assert.False(core["resources"]!.AsArray().Single(r => Json(r!["name"]) == "nodes")!["namespaced"]!.GetValue<bool>());
        var endpoints = core["resources"]!.AsArray().Single(r => Json(r!["name"]) == "endpoints")!;
        Assert.Equal(["get", "list", "watch"], endpoints["verbs"]!.AsArray().Select(n => Json(n))); // the read-only mirror

        var (_, groups, groupResponse) = await SendAsync(HttpMethod.Get, "/apis");
        Assert.Equal("application/json", groupResponse.Content.Headers.ContentType!.MediaType); // aggregated discovery declined
        var names = groups["groups"]!.AsArray().Select(g => Json(g!["name"])).ToList();
        Assert.Contains("apps", names);
        Assert.Contains("discovery.k8s.io", names);
        Assert.Contains("networking.k8s.io", names);
        var gateway = groups["groups"]!.AsArray().Single(g => Json(g!["name"]) == "gateway.networking.k8s.io")!;
        Assert.Equal("gateway.networking.k8s.io/v1", Json(gateway["preferredVersion"]!["groupVersion"]));

        var (_, slices, _) = await SendAsync(HttpMethod.Get, "/apis/discovery.k8s.io/v1");
        Assert.Equal("EndpointSlice", Json(slices["resources"]![0]!["kind"]));
        var (_, v1, _) = await SendAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1");
        Assert.Equal(
            ["gatewayclasses", "gateways", "httproutes", "grpcroutes", "referencegrants", "tcproutes", "udproutes", "tlsroutes"],
            v1["resources"]!.AsArray().Select(r => Json(r!["name"])!).Where(n => !n.Contains('/', StringComparison.Ordinal))); // v1.6.1 serves them all at v1
        var (alpha, _, _) = await SendAsync(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1alpha2");
        Assert.Equal(HttpStatusCode.NotFound, alpha);
    }

    [Fact]
    public async Task Endpoints_TheReadOnlyMirror_ListsThroughTheClient_WritesAre405()
    {
        _cluster.Create(FakeClusterTests.Service("web"));
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();

        var endpoints = await _client.CoreV1.ReadNamespacedEndpointsAsync("web", "default");
        Assert.Equal("web-0", endpoints.Subsets.Single().Addresses.Single().TargetRef.Name);
        Assert.Contains((await _client.CoreV1.ListNamespacedEndpointsAsync("default")).Items, e => e.Name() == "web");

        var (code, status, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/endpoints", """{"metadata":{"name":"manual"}}""");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, code);
        Assert.Equal("MethodNotAllowed", Json(status["reason"]));
        Assert.Null(_cluster.Get<V1Endpoints>("manual"));
    }

    [Fact]
    public async Task OpenApiV3_IndexAndDocuments_DeclareServerSideFieldValidation()
    {
        var (code, index, _) = await SendAsync(HttpMethod.Get, "/openapi/v3");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("/openapi/v3/apis/apps/v1", Json(index["paths"]!["apis/apps/v1"]!["serverRelativeURL"]));
        Assert.Equal("/openapi/v3/api/v1", Json(index["paths"]!["api/v1"]!["serverRelativeURL"]));

        var (_, core, _) = await SendAsync(HttpMethod.Get, "/openapi/v3/api/v1?hash=ignored");
        var services = core["paths"]!["/api/v1/namespaces/{namespace}/services/{name}"]!["patch"]!;
        Assert.Equal("Service", Json(services["x-kubernetes-group-version-kind"]!["kind"]));
        Assert.Contains(services["parameters"]!.AsArray(), p => Json(p!["name"]) == "fieldValidation" && Json(p["in"]) == "query");
        Assert.Null(services["requestBody"]); // kubectl would try to compute patches from it
        Assert.Null(core["paths"]!["/api/v1/namespaces/{namespace}/endpoints/{name}"]); // read-only here
        Assert.NotNull(core["paths"]!["/api/v1/nodes/{name}"]);

        var (missing, _, _) = await SendAsync(HttpMethod.Get, "/openapi/v3/apis/nope.example/v1");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (v2, swagger, _) = await SendAsync(HttpMethod.Get, "/openapi/v2");
        Assert.Equal(HttpStatusCode.OK, v2); // JSON for tools that read v2 (kubectl reads v3)
        Assert.Equal("2.0", Json(swagger["swagger"]));
        var patch = swagger["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => Json(p!["name"]) == "fieldValidation" && Json(p["type"]) == "string");
        var deployment = swagger["definitions"]!.AsObject().Single(d => d.Key.EndsWith("v1.Deployment", StringComparison.Ordinal)).Value!;
        Assert.StartsWith("#/definitions/", Json(deployment["properties"]!["spec"]!["$ref"]), StringComparison.Ordinal);

        using var protobuf = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        protobuf.Headers.TryAddWithoutValidation("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"); // what client-go asks for
        using var empty = await _http.SendAsync(protobuf);
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode); // an empty openapi_v2.Document: kubectl then finds no client-side schema
        Assert.Equal("application/com.github.proto-openapi.spec.v2.v1.0+protobuf", empty.Content.Headers.ContentType?.MediaType); // as kube-openapi answers
        Assert.Empty(await empty.Content.ReadAsByteArrayAsync());
        using var yaml = new HttpRequestMessage(HttpMethod.Get, "/openapi/v2");
        yaml.Headers.TryAddWithoutValidation("Accept", "application/yaml");
        using var refused = await _http.SendAsync(yaml);
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);
    }

    [Fact]
    public async Task OpenApiV3_Documents_CarryTheKindsSchemas_ForExplain()
    {
        var (_, apps, _) = await SendAsync(HttpMethod.Get, "/openapi/v3/apis/apps/v1");
        var schemas = apps["components"]!["schemas"]!.AsObject();

        var deployment = schemas.Single(s => s.Value!["x-kubernetes-group-version-kind"] is JsonArray gvk && Json(gvk[0]!["kind"]) == "Deployment").Value!;
        Assert.Equal("apps", Json(deployment["x-kubernetes-group-version-kind"]![0]!["group"]));
        Assert.StartsWith("Deployment enables declarative updates", Json(deployment["description"]), StringComparison.Ordinal); // from KubernetesClient.xml
        var specRef = Json(deployment["properties"]!["spec"]!["allOf"]![0]!["$ref"])!;
        Assert.EndsWith(".DeploymentSpec", specRef, StringComparison.Ordinal);
        var spec = schemas[specRef["#/components/schemas/".Length..]]!;
        Assert.Equal("integer", Json(spec["properties"]!["replicas"]!["type"]));
        Assert.Equal("int32", Json(spec["properties"]!["replicas"]!["format"]));
        Assert.False(string.IsNullOrEmpty(Json(spec["properties"]!["replicas"]!["description"])));

        var (_, core, _) = await SendAsync(HttpMethod.Get, "/openapi/v3/api/v1");
        var coreSchemas = core["components"]!["schemas"]!.AsObject();
        var podSpec = coreSchemas.Single(s => s.Key.EndsWith(".PodSpec", StringComparison.Ordinal)).Value!;
        Assert.Equal("array", Json(podSpec["properties"]!["containers"]!["type"]));
        Assert.EndsWith(".Container", Json(podSpec["properties"]!["containers"]!["items"]!["allOf"]![0]!["$ref"]), StringComparison.Ordinal);
        var port = coreSchemas.Single(s => s.Key.EndsWith(".ServicePort", StringComparison.Ordinal)).Value!;
        Assert.True(port["properties"]!["targetPort"]!["x-kubernetes-int-or-string"]!.GetValue<bool>());
        Assert.Equal("object", Json(coreSchemas.Single(s => s.Key.EndsWith(".ObjectMeta", StringComparison.Ordinal)).Value!["properties"]!["labels"]!["type"]));
    }

    [Fact]
    public async Task ScaleSubresource_ReadReplacePatch_OnlyReplicasChange()
    {
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 2,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "web:1" }] } },
            },
        };
        _cluster.Create(deployment);
        await _cluster.WaitForIdleAsync();

        var scale = await _client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default");
        Assert.Equal((2, 2, "app=web"), (scale.Spec.Replicas, scale.Status.Replicas, scale.Status.Selector));

        var patched = await _client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":4}}""", V1Patch.PatchType.MergePatch), "web", "default");
        Assert.Equal(4, patched.Spec.Replicas);
        await _cluster.WaitForIdleAsync();
        Assert.Equal(4, _cluster.List<V1Pod>("default", "app=web").Count);

        scale = await _client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default");
        scale.Spec.Replicas = 1;
        Assert.Equal(1, (await _client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default")).Spec.Replicas);
        Assert.Equal("web:1", _cluster.Get<V1Deployment>("web")!.Spec.Template.Spec.Containers[0].Image); // only replicas changed

        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => _client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(scale, "web", "default"));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode); // the Scale's resourceVersion is a precondition
        var negative = await Assert.ThrowsAsync<HttpOperationException>(() => _client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":-1}}""", V1Patch.PatchType.MergePatch), "web", "default"));
        Assert.Equal((HttpStatusCode)422, negative.Response.StatusCode);
        var (code, _, _) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/pods/x/scale");
        Assert.Equal(HttpStatusCode.NotFound, code);
    }

    private static string? Json(JsonNode? node) => node?.GetValue<string>();

    [Fact]
    public async Task List_SelectorsAndChunks_OneConsistentVersion()
    {
        for (var i = 0; i < 5; i++)
        {
            _cluster.Create(FakeClusterTests.Pod($"web-{i}", new Dictionary<string, string> { ["app"] = "web", ["tier"] = i % 2 == 0 ? "even" : "odd" }));
        }

        _cluster.Create(FakeClusterTests.Pod("db-0", new Dictionary<string, string> { ["app"] = "db" }));
        await _cluster.WaitForIdleAsync();

        var even = await _client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=web,tier in (even)");
        Assert.Equal(["web-0", "web-2", "web-4"], even.Items.Select(p => p.Name()));
        var notWeb = await _client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app!=web");
        Assert.Equal(["db-0"], notWeb.Items.Select(p => p.Name()));
        var byName = await _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: "metadata.name=web-3");
        Assert.Equal(["web-3"], byName.Items.Select(p => p.Name()));
        var onNode = await _client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "spec.nodeName=node-1,status.phase=Running");
        Assert.All(onNode.Items, p => Assert.Equal("node-1", p.Spec.NodeName));
        Assert.NotEmpty(onNode.Items);

        var first = await _client.CoreV1.ListNamespacedPodAsync("default", limit: 4);
        Assert.Equal(4, first.Items.Count);
        Assert.Equal(2, first.Metadata.RemainingItemCount);
        _cluster.Create(FakeClusterTests.Pod("aaa-late"));
        var second = await _client.CoreV1.ListNamespacedPodAsync("default", limit: 4, continueParameter: first.Continue());
        Assert.Equal(["web-3", "web-4"], second.Items.Select(p => p.Name()));
        Assert.Null(second.Continue());
        Assert.Equal(first.ResourceVersion(), second.ResourceVersion());
    }

    [Fact]
    public async Task List_BadSelectors_Are400_AndTheServerServesOn()
    {
        var label = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app in (web"));
        Assert.Equal(HttpStatusCode.BadRequest, label.Response.StatusCode);
        Assert.Contains("unable to parse requirement", label.Response.Content, StringComparison.Ordinal);

        var field = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespacedPodAsync("default", fieldSelector: "spec.containers=x"));
        Assert.Equal(HttpStatusCode.BadRequest, field.Response.StatusCode);
        Assert.Contains("field label not supported: spec.containers", field.Response.Content, StringComparison.Ordinal);

        var slices = await Assert.ThrowsAsync<HttpOperationException>(() => _client.DiscoveryV1.ListNamespacedEndpointSliceAsync("default", fieldSelector: "addressType=IPv4"));
        Assert.Contains("\\\"addressType\\\" is not a known field selector", slices.Response.Content, StringComparison.Ordinal);

        Assert.NotEmpty((await _client.CoreV1.ListNamespaceAsync()).Items);
    }

    [Fact]
    public async Task GetMissing_Is404WithTheStatusARealServerSends()
    {
        var (code, status, _) = await SendAsync(HttpMethod.Get, "/api/v1/namespaces/default/services/nope");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", Json(status["kind"]));
        Assert.Equal("Failure", Json(status["status"]));
        Assert.Equal("NotFound", Json(status["reason"]));
        Assert.Equal("services \"nope\" not found", Json(status["message"]));
        Assert.Equal(("nope", "services"), (Json(status["details"]!["name"]), Json(status["details"]!["kind"])));
        Assert.Equal(404, status["code"]!.GetValue<int>());

        var ex = await Assert.ThrowsAsync<HttpOperationException>(() => _client.AppsV1.ReadNamespacedDeploymentAsync("nope", "default"));
        Assert.Equal(HttpStatusCode.NotFound, ex.Response.StatusCode);
        Assert.Contains("deployments.apps \\\"nope\\\" not found", ex.Response.Content, StringComparison.Ordinal);

        var (unknown, unknownStatus, _) = await SendAsync(HttpMethod.Get, "/apis/example.com/v1/widgets");
        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal("the server could not find the requested resource", Json(unknownStatus["message"]));
    }

    [Fact]
    public async Task Create_Is201_WithGenerateName_UpdateWithAStaleVersionIs409()
    {
        var created = await _client.CoreV1.CreateNamespacedServiceWithHttpMessagesAsync(
            new V1Service { Metadata = new V1ObjectMeta { GenerateName = "web-" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "default");
        Assert.Equal(HttpStatusCode.Created, created.Response.StatusCode);
        var svc = created.Body;
        Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$", svc.Name());
        Assert.StartsWith("10.96.", svc.Spec.ClusterIP);

        svc.Metadata.Labels = new Dictionary<string, string> { ["v"] = "2" };
        var updated = await _client.CoreV1.ReplaceNamespacedServiceAsync(svc, svc.Name(), "default");
        Assert.Equal("2", updated.Labels()["v"]);

        svc.Metadata.Labels["v"] = "3"; // still carries the old resourceVersion
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedServiceAsync(svc, svc.Name(), "default"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", conflict.Response.Content, StringComparison.Ordinal);
        Assert.Equal("2", (await _client.CoreV1.ReadNamespacedServiceAsync(svc.Name(), "default")).Labels()["v"]);
    }

    [Fact]
    public async Task Create_InvalidName_Is422WithCauses()
    {
        var (code, status, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/services",
            """{"apiVersion":"v1","kind":"Service","metadata":{"name":"Bad_Name"},"spec":{"ports":[{"port":80}]}}""");
        Assert.Equal((HttpStatusCode)422, code);
        Assert.Equal("Invalid", Json(status["reason"]));
        Assert.StartsWith("Service \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", Json(status["message"]));
        var cause = status["details"]!["causes"]![0]!;
        Assert.Equal(("FieldValueInvalid", "metadata.name"), (Json(cause["reason"]), Json(cause["field"])));
        Assert.DoesNotContain(_cluster.List<V1Service>("default"), s => s.Name() == "Bad_Name");
    }

    [Fact]
    public async Task BadBodies_GetTheRealServersAnswers_AndNothingChanges()
    {
        await _cluster.WaitForIdleAsync();
        var before = _cluster.Store.ResourceVersion;

        var (malformed, status, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata": {"name": "x" """);
        Assert.Equal(HttpStatusCode.BadRequest, malformed);
        Assert.Equal("BadRequest", Json(status["reason"]));

        var (wrongType, _, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", "name: x", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType);

        var big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', ApiHandlerLimit + 10) + "\"}}";
        var (tooLarge, tooLargeStatus, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge);
        Assert.Equal("Request entity too large: limit is 3145728", Json(tooLargeStatus["message"]));

        var (otherNs, otherStatus, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"metadata":{"name":"x","namespace":"kube-system"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, otherNs);
        Assert.Equal("the namespace of the provided object does not match the namespace sent on the request", Json(otherStatus["message"]));

        var (wrongKind, _, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind);

        var (strict, strictStatus, _) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps?fieldValidation=Strict", """{"metadata":{"name":"x"},"dta":{"a":"b"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, strict);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"dta\"", Json(strictStatus["message"]));

        Assert.Equal(before, _cluster.Store.ResourceVersion);
        Assert.NotEmpty((await _client.CoreV1.ListNamespaceAsync()).Items);
    }

    private const int ApiHandlerLimit = 3 * 1024 * 1024;

    [Fact]
    public async Task UnknownFields_AreDroppedWithAWarning()
    {
        var (code, body, response) = await SendAsync(HttpMethod.Post, "/api/v1/namespaces/default/configmaps",
            """{"metadata":{"name":"cfg","labelz":{"a":"b"}},"data":{"k":"v"},"extra":1}""");
        Assert.Equal(HttpStatusCode.Created, code);
        var warnings = response.Headers.GetValues("Warning").ToList();
        Assert.Contains(warnings, w => w.Contains("unknown field \\\"metadata.labelz\\\"", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("unknown field \\\"extra\\\"", StringComparison.Ordinal));
        Assert.Null(body["extra"]);
        Assert.Equal("v", Json(body["data"]!["k"]));
    }

    [Fact]
    public async Task MergePatchAndJsonPatch()
    {
        _cluster.Create(FakeClusterTests.Service("web"));
        var merged = await _client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"metadata":{"labels":{"team":"blue","gone":null}}}""", V1Patch.PatchType.MergePatch), "web", "default");
        Assert.Equal("blue", merged.Labels()["team"]);

        var patched = await _client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""[{"op":"add","path":"/metadata/labels/tier","value":"front"},{"op":"replace","path":"/spec/ports/0/port","value":8080},{"op":"test","path":"/metadata/labels/team","value":"blue"}]""", V1Patch.PatchType.JsonPatch), "web", "default");
        Assert.Equal("front", patched.Labels()["tier"]);
        Assert.Equal(8080, patched.Spec.Ports[0].Port);

        var failing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""[{"op":"test","path":"/metadata/labels/team","value":"red"},{"op":"add","path":"/metadata/labels/x","value":"y"}]""", V1Patch.PatchType.JsonPatch), "web", "default"));
        Assert.Equal((HttpStatusCode)422, failing.Response.StatusCode);
        Assert.DoesNotContain("x", (await _client.CoreV1.ReadNamespacedServiceAsync("web", "default")).Labels().Keys);

        var apply = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.PatchNamespacedServiceAsync(
            new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.ApplyPatch), "web", "default", fieldManager: "test"));
        Assert.Equal(HttpStatusCode.BadRequest, apply.Response.StatusCode); // an apply names its kind (ServerSideApplyTests)
        Assert.Contains("Object 'Kind' is missing", apply.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutOnTheMainResource_KeepsStatus_StatusSubresourceChangesOnlyStatus()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        var pod = await _client.CoreV1.ReadNamespacedPodAsync("web-0", "default");
        var ip = pod.Status.PodIP;
        pod.Status.PodIP = "1.2.3.4";
        pod.Metadata.Labels["x"] = "y";
        var replaced = await _client.CoreV1.ReplaceNamespacedPodAsync(pod, "web-0", "default");
        Assert.Equal((ip, "y"), (replaced.Status.PodIP, replaced.Labels()["x"]));

        var statusPatched = await _client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"message":"hello"},"metadata":{"labels":{"x":"z"}}}""", V1Patch.PatchType.MergePatch), "web-0", "default");
        Assert.Equal(("hello", "y"), (statusPatched.Status.Message, statusPatched.Labels()["x"]));
    }

    [Fact]
    public async Task Delete_PodIsGraceful_ServiceGoesAtOnce_WithPropagation()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        _cluster.Create(FakeClusterTests.Service("web"));
        await _cluster.WaitForIdleAsync();

        var pod = await _client.CoreV1.DeleteNamespacedPodAsync("web-0", "default");
        Assert.NotNull(pod.Metadata.DeletionTimestamp);
        Assert.Equal(30, pod.Metadata.DeletionGracePeriodSeconds);

        var gone = await _client.CoreV1.DeleteNamespacedServiceAsync("web", "default", body: new V1DeleteOptions { PropagationPolicy = "Background" });
        Assert.Equal("web", gone.Name());
        Assert.Null(_cluster.Get<V1Service>("web"));

        var now = await _client.CoreV1.DeleteNamespacedPodAsync("web-0", "default", gracePeriodSeconds: 0);
        Assert.Null(_cluster.Get<V1Pod>("web-0"));

        var cm = _cluster.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg", NamespaceProperty = "default" } });
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", "default",
            body: new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "not-" + cm.Uid() } }));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        var status = await _client.CoreV1.DeleteNamespacedConfigMapAsync("cfg", "default");
        Assert.Equal(("Success", "configmaps", cm.Uid()), (status.Status, status.Details.Kind, status.Details.Uid));
    }

    [Fact]
    public async Task Delete_DeploymentInTheForeground_WaitsForItsDependents()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o => o.TimeProvider = time);
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        cluster.Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: app, image: "example/web:1"}]}
            """);
        await cluster.WaitForIdleAsync();

        await client.AppsV1.DeleteNamespacedDeploymentAsync("web", "default", propagationPolicy: "Foreground");
        await cluster.WaitForIdleAsync();
        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        Assert.Contains("foregroundDeletion", deployment.Metadata.Finalizers);

        time.Advance(TimeSpan.FromSeconds(31));
        await cluster.WaitForIdleAsync();
        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync("default")).Items);
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync("default")).Items);
    }
}
