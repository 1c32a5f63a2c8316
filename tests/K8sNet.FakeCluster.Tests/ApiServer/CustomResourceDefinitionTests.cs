using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// CustomResourceDefinitions (issue 23): a CRD is defaulted, validated and established at once as apiextensions-apiserver
/// does it, and its kinds are served — discovery, OpenAPI, CRUD, strict fields, schema defaults and validation, the
/// status subresource, printer columns — JSON only; deleting it deletes its objects.
/// </summary>
public sealed class CustomResourceDefinitionTests : ShopApiTests
{
    private const string Widgets = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, kind: Widget, shortNames: [wd], categories: [all]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            additionalPrinterColumns:
            - {name: Size, type: integer, jsonPath: .spec.size}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            - {name: Tags, type: string, jsonPath: .spec.tags, priority: 1}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1, maximum: 10}
                      color: {type: string, enum: [red, blue], default: red}
                      tags: {type: array, items: {type: string}}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
                  status:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
        """;

    private const string Path = "/apis/example.com/v1/namespaces/shop/widgets";

    [Fact]
    public void ACrd_IsDefaulted_AndEstablishedAtOnce()
    {
        Cluster.Apply(Widgets);

        var crd = Cluster.Store.Get(ResourceType.CustomResourceDefinition, null, "widgets.example.com")!;
        Assert.Equal("widget", Json.Str(crd["spec"]!["names"]!["singular"]));
        Assert.Equal("WidgetList", Json.Str(crd["spec"]!["names"]!["listKind"]));
        Assert.Equal("None", Json.Str(crd["spec"]!["conversion"]!["strategy"]));
        var status = crd["status"]!;
        Assert.Equal("Widget", Json.Str(status["acceptedNames"]!["kind"]));
        Assert.Equal(["v1"], status["storedVersions"]!.AsArray().Select(Json.Str));
        Assert.Equal(["NamesAccepted/True/NoConflicts", "Established/True/InitialNamesAccepted"],
            status["conditions"]!.AsArray().Select(c => $"{Json.Str(c!["type"])}/{Json.Str(c["status"])}/{Json.Str(c["reason"])}"));

        // A built-in kind: it has its protobuf form too, schema and all.
        var back = K8sNet.Testing.ApiServer.Protobuf.KubeProtobuf.DecodeObject(K8sNet.Testing.ApiServer.Protobuf.KubeProtobuf.EncodeObject(crd));
        Assert.Null(ProtobufRoundTrip.Difference(crd, back, string.Empty));
    }

    [Theory]
    [InlineData("metadata: {name: widgets.other.com}", "metadata.name: Invalid value: \"widgets.other.com\": must be spec.names.plural+\".\"+spec.group")]
    [InlineData("spec: {group: example}", "spec.group: Invalid value: \"example\": should be a domain with at least one dot")]
    [InlineData("spec: {scope: Global}", "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")]
    [InlineData("spec: {versions: [{name: v1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}]}", "spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version")]
    [InlineData("spec: {versions: [{name: v1, served: true, storage: true}]}", "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required")]
    [InlineData("spec: {versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {properties: {a: {type: string}}}}}}}]}",
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields")]
    public async Task InvalidCrds_AreRefusedWithApiextensionsWords(string change, string problem)
    {
        var crd = (JsonObject)JsonNode.Parse(K8sNet.Gateway.Yaml.YamlManifest.Parse(Widgets)[0].ToJsonString())!;
        foreach (var (key, value) in (JsonObject)JsonNode.Parse(K8sNet.Gateway.Yaml.YamlManifest.Parse(change)[0].ToJsonString())!)
        {
            foreach (var (field, inner) in value!.AsObject())
            {
                crd[key]![field] = inner?.DeepClone();
            }
        }

        var (code, body) = await SendAsync("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains(problem, body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("CustomResourceDefinition", Json.Str(body["details"]!["kind"]));
    }

    [Fact]
    public async Task ItsKind_IsServed_WithTheSchemasDefaultsValidationAndStrictFields()
    {
        Cluster.Apply(Widgets);

        var (created, widget) = await SendAsync("POST", Path, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w1"},"spec":{"size":3,"extra":{"any":1}},"status":{"phase":"set"}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("red", Json.Str(widget["spec"]!["color"])); // the schema's default
        Assert.Equal(1, Json.Num(widget["spec"]!["extra"]!["any"])); // preserved
        Assert.Null(widget["status"]); // the status subresource: not written through the main resource

        var (strict, strictBody) = await SendAsync("POST", Path + "?fieldValidation=Strict", """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w2"},"spec":{"size":3,"colour":"x"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, strict);
        Assert.Equal("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.colour\"", Json.Str(strictBody["message"]));

        var (ignored, pruned) = await SendAsync("POST", Path + "?fieldValidation=Ignore", """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w3"},"spec":{"size":3,"colour":"x"}}""");
        Assert.Equal(HttpStatusCode.Created, ignored);
        Assert.Null(pruned["spec"]!["colour"]); // pruned

        var (invalid, problems) = await SendAsync("POST", Path, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w4"},"spec":{"size":"big","color":"green"}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid);
        Assert.Equal("Widget.example.com \"w4\" is invalid: [spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\", spec.color: Unsupported value: \"green\": supported values: \"red\", \"blue\"]", Json.Str(problems["message"]));
        var (missing, missingBody) = await SendAsync("POST", Path, """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w5"},"spec":{"tags":["a"]}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing);
        Assert.Contains("spec.size: Required value", Json.Str(missingBody["message"]), StringComparison.Ordinal);

        var (statusCode, _) = await SendAsync("PATCH", Path + "/w1/status", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, statusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        var table = JsonNode.Parse(await (await Http.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Equal(["Name", "Size", "Ready", "Tags"], table["columnDefinitions"]!.AsArray().Select(c => Json.Str(c!["name"])));
        var row = table["rows"]!.AsArray().Single(r => Json.Str(r!["cells"]![0]) == "w1")!["cells"]!.AsArray();
        Assert.Equal(3, Json.Num(row[1]));
        Assert.Equal("True", Json.Str(row[2])); // the filter found the Ready condition

        var (smp, _) = await SendAsync("PATCH", Path + "/w1", """{"spec":{"size":4}}""", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, smp);
    }

    [Fact]
    public async Task AScaleSubresource_ReadsAndWritesTheCrdsPaths()
    {
        Cluster.Apply("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: pools.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: pools, kind: Pool}
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale: {specReplicasPath: .spec.size, statusReplicasPath: .status.ready, labelSelectorPath: .status.selector}
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            ---
            apiVersion: example.com/v1
            kind: Pool
            metadata: {name: p, namespace: shop}
            spec: {size: 2}
            """);
        await SendAsync("PATCH", "/apis/example.com/v1/namespaces/shop/pools/p/status", """{"status":{"ready":2,"selector":"app=pool"}}""", "application/merge-patch+json");

        var (_, scale) = await SendAsync("GET", "/apis/example.com/v1/namespaces/shop/pools/p/scale", null);
        Assert.Equal("Scale", Json.Str(scale["kind"]));
        Assert.Equal(2, Json.Num(scale["spec"]!["replicas"]));
        Assert.Equal(2, Json.Num(scale["status"]!["replicas"]));
        Assert.Equal("app=pool", Json.Str(scale["status"]!["selector"]));

        var (code, scaled) = await SendAsync("PATCH", "/apis/example.com/v1/namespaces/shop/pools/p/scale", """{"spec":{"replicas":5}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(5, Json.Num(scaled["spec"]!["replicas"]));
        Assert.Equal(5, Json.Num(Cluster.Store.Get(new ResourceType("example.com", "v1", "Pool", "pools", true), "shop", "p")!["spec"]!["size"]));
        var (_, resources) = await SendAsync("GET", "/apis/example.com/v1", null);
        Assert.Contains(resources["resources"]!.AsArray(), r => Json.Str(r!["name"]) == "pools/scale");
    }

    [Fact]
    public async Task Discovery_AndOpenApi_ListItsKind()
    {
        Cluster.Apply(Widgets);

        var (_, resources) = await SendAsync("GET", "/apis/example.com/v1", null);
        var entry = resources["resources"]!.AsArray().Single(r => Json.Str(r!["name"]) == "widgets")!;
        Assert.Equal("widget", Json.Str(entry["singularName"]));
        Assert.Equal(["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"], entry["verbs"]!.AsArray().Select(Json.Str));
        Assert.Equal(["wd"], entry["shortNames"]!.AsArray().Select(Json.Str));
        Assert.Equal(["all"], entry["categories"]!.AsArray().Select(Json.Str));
        Assert.Contains(resources["resources"]!.AsArray(), r => Json.Str(r!["name"]) == "widgets/status");

        var (_, index) = await SendAsync("GET", "/openapi/v3", null);
        Assert.NotNull(index["paths"]!["apis/example.com/v1"]);
        var (_, document) = await SendAsync("GET", "/openapi/v3/apis/example.com/v1", null);
        var patch = document["paths"]!["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]!["patch"]!;
        Assert.Equal("Widget", Json.Str(patch["x-kubernetes-group-version-kind"]!["kind"]));
        Assert.Contains(patch["parameters"]!.AsArray(), p => Json.Str(p!["name"]) == "fieldValidation");
        Assert.Equal("integer", Json.Str(document["components"]!["schemas"]!["com.example.v1.Widget"]!["properties"]!["spec"]!["properties"]!["size"]!["type"]));
    }

    [Fact]
    public async Task ANameAnotherCrdOfTheGroupHas_IsNotAccepted()
    {
        Cluster.Apply(Widgets);
        Cluster.Apply("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: gadgets.example.com}
            spec:
              group: example.com
              scope: Cluster
              names: {plural: gadgets, kind: Gadget, shortNames: [wd]}
              versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
            """);

        var status = Cluster.Store.Get(ResourceType.CustomResourceDefinition, null, "gadgets.example.com")!["status"]!;
        Assert.Equal("ShortNamesConflict", Json.Str(status["conditions"]![0]!["reason"]));
        Assert.Equal("\"wd\" is already in use", Json.Str(status["conditions"]![0]!["message"]));
        var (code, _) = await SendAsync("GET", "/apis/example.com/v1/gadgets", null);
        Assert.Equal(HttpStatusCode.NotFound, code); // not established: not served
    }

    [Fact]
    public async Task DeletingTheCrd_DeletesItsObjects_AndItsKindIsGone()
    {
        Cluster.Apply(Widgets);
        Cluster.Apply("""
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w1, namespace: shop}
            spec: {size: 2}
            """);

        var (deleted, _) = await SendAsync("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", null);
        await Cluster.WaitForIdleAsync();

        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Empty(Cluster.Store.Peek(new ResourceType("example.com", "v1", "Widget", "widgets", true), null));
        var (code, _) = await SendAsync("GET", Path, null);
        Assert.Equal(HttpStatusCode.NotFound, code);
        var (_, groups) = await SendAsync("GET", "/apis", null);
        Assert.DoesNotContain(groups["groups"]!.AsArray(), g => Json.Str(g!["name"]) == "example.com");
    }
}
