using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The discovery documents a real API server serves (legacy form: <c>/api</c>, <c>/apis</c>, one
/// <c>APIResourceList</c> per group-version) and <c>/version</c>. Aggregated discovery is declined by answering plain
/// <c>application/json</c>, which clients take as the legacy form.
/// </summary>
internal static class ApiDiscovery
{
    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] StatusVerbs = ["get", "patch", "update"];
    private static readonly HashSet<string> InAll = ["pods", "services", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers"];
    private static readonly HashSet<string> WithStatus =
        ["pods", "services", "nodes", "namespaces", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers", "poddisruptionbudgets", "ingresses", "gatewayclasses", "gateways", "httproutes", "grpcroutes", "tcproutes", "udproutes", "tlsroutes"];

    private static readonly string[] ReadOnlyVerbs = ["get", "list", "watch"];

    /// <summary>Kinds only FakeCluster's controllers write (Endpoints, the legacy mirror of the slices): the API reads them.</summary>
    public static bool IsReadOnly(ResourceType type) => type == ResourceType.Endpoints;

    public static bool HasStatus(ResourceType type) => type.Definition?.HasStatus ?? WithStatus.Contains(type.Plural);

    // A CRD's kinds: apiextensions' discovery lists the verbs in its own order, and its names and categories.
    private static readonly string[] CustomResourceVerbs = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"];

    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.4",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject CoreVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject Groups(IReadOnlyList<ResourceType> served) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray([.. served.Where(t => t.Group.Length > 0).Select(t => t.Group).Distinct().Select(g => (JsonNode)Group(served, g)!)]),
    };

    public static JsonObject? Group(IReadOnlyList<ResourceType> served, string group)
    {
        var versions = served.Where(t => t.Group == group).Select(t => t.Version).Distinct().OrderBy(Priority).ToList();
        if (versions.Count == 0)
        {
            return null;
        }

        JsonObject Entry(string v) => new() { ["groupVersion"] = $"{group}/{v}", ["version"] = v };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray([.. versions.Select(v => (JsonNode)Entry(v))]),
            ["preferredVersion"] = Entry(versions[0]),
        };
    }

    public static JsonObject? Resources(IReadOnlyList<ResourceType> served, string group, string version)
    {
        var types = served.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var t in types)
        {
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Definition?.Singular ?? t.Kind.ToLowerInvariant(),
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray([.. (IsReadOnly(t) ? ReadOnlyVerbs : t.Definition is null ? Verbs : CustomResourceVerbs).Select(v => (JsonNode)v)]),
            };
            if (t.ShortNames.Length > 0)
            {
                entry["shortNames"] = new JsonArray([.. t.ShortNames.Select(n => (JsonNode)n)]);
            }

            if (t.Definition is { Categories.Count: > 0 } definition)
            {
                entry["categories"] = new JsonArray([.. definition.Categories.Select(c => (JsonNode)c)]);
            }
            else if (t == ResourceType.CustomResourceDefinition)
            {
                entry["categories"] = new JsonArray("api-extensions");
            }
            else if (InAll.Contains(t.Plural))
            {
                entry["categories"] = new JsonArray("all");
            }

            resources.Add(entry);
            if (ScaleSubresource.Supports(t))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/scale",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = t.Namespaced,
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["kind"] = "Scale",
                    ["verbs"] = new JsonArray([.. StatusVerbs.Select(v => (JsonNode)v)]),
                });
            }

            if (HasStatus(t))
            {
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = string.Empty,
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray([.. StatusVerbs.Select(v => (JsonNode)v)]),
                });
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    /// <summary>
    /// <c>/openapi/v3</c>: the index of one document per served group-version (what kubectl reads before
    /// <c>apply</c>'s default validation).
    /// </summary>
    public static JsonObject OpenApiIndex(IReadOnlyList<ResourceType> served)
    {
        var paths = new JsonObject();
        foreach (var (group, version) in served.Select(t => (t.Group, t.Version)).Distinct())
        {
            var key = group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>
    /// One group-version's OpenAPI v3 document, reduced to what clients read from it: per kind, a <c>patch</c>
    /// operation with its <c>x-kubernetes-group-version-kind</c> and the <c>fieldValidation</c> query parameter, which
    /// tells kubectl that the server validates fields itself (it then sends <c>fieldValidation=Strict</c>); and the
    /// kinds' schemas (<see cref="OpenApiSchemas"/>), which <c>kubectl explain</c> reads.
    /// </summary>
    public static JsonObject? OpenApiDocument(IReadOnlyList<ResourceType> served, string group, string version)
    {
        var types = served.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var paths = new JsonObject();
        foreach (var t in types.Where(t => !IsReadOnly(t)))
        {
            var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
            var path = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"{prefix}/{t.Plural}/{{name}}";
            var operation = new JsonObject
            {
                ["operationId"] = $"patch{t.Kind}",
                ["x-kubernetes-action"] = "patch",
                ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = t.Kind },
                ["parameters"] = new JsonArray(
                    new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } },
                    new JsonObject { ["name"] = "fieldManager", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } },
                    new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true } },
                    new JsonObject { ["name"] = "force", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "boolean", ["uniqueItems"] = true } }),
            };
            paths[path] = new JsonObject { ["patch"] = operation };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (K8sNet FakeCluster)", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = OpenApiSchemas.For(types) },
        };
    }

    /// <summary>
    /// The OpenAPI v2 (Swagger 2.0) document in JSON: every group-version's paths and schemas in one, references under
    /// <c>#/definitions/</c>, parameters in v2's shape. kubectl reads v3; this serves older tools that read v2 as JSON.
    /// </summary>
    public static JsonObject OpenApiV2(IReadOnlyList<ResourceType> served)
    {
        var paths = new JsonObject();
        var definitions = new JsonObject();
        foreach (var (group, version) in served.Select(t => (t.Group, t.Version)).Distinct())
        {
            var v3 = OpenApiDocument(served, group, version)!;
            foreach (var (path, item) in v3["paths"]!.AsObject())
            {
                var converted = (JsonObject)item!.DeepClone();
                foreach (var operation in converted.Select(o => o.Value).OfType<JsonObject>())
                {
                    foreach (var parameter in (operation["parameters"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        // v3 { schema: { type, uniqueItems } } → v2 { type, uniqueItems }
                        if (parameter["schema"] is JsonObject schema)
                        {
                            parameter.Remove("schema");
                            foreach (var (key, value) in schema)
                            {
                                parameter[key] = value?.DeepClone();
                            }
                        }
                    }
                }

                paths[path] = converted;
            }

            foreach (var (name, schema) in v3["components"]!["schemas"]!.AsObject())
            {
                if (!definitions.ContainsKey(name))
                {
                    definitions[name] = ToV2Schema(schema!.DeepClone());
                }
            }
        }

        return new JsonObject
        {
            ["swagger"] = "2.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes (K8sNet FakeCluster)", ["version"] = "v1.32.0" },
            ["paths"] = paths,
            ["definitions"] = definitions,
        };
    }

    // v3's { allOf: [ { $ref: #/components/schemas/X } ] } is v2's { $ref: #/definitions/X }, at any depth.
    private static JsonNode ToV2Schema(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            if (obj["allOf"] is JsonArray { Count: 1 } all && all[0]?["$ref"] is JsonValue reference)
            {
                var description = obj["description"]?.DeepClone();
                obj.Remove("allOf");
                obj["$ref"] = reference.GetValue<string>().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
                if (description is not null)
                {
                    obj["description"] = description;
                }
            }

            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                if (obj[key] is JsonObject or JsonArray)
                {
                    obj[key] = ToV2Schema(obj[key]!.DeepClone());
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is JsonObject or JsonArray)
                {
                    array[i] = ToV2Schema(array[i]!.DeepClone());
                }
            }
        }

        return node;
    }

    // Kubernetes version priority: GA before beta before alpha.
    private static int Priority(string version) => version.Contains("alpha", StringComparison.Ordinal) ? 2 : version.Contains("beta", StringComparison.Ordinal) ? 1 : 0;
}
