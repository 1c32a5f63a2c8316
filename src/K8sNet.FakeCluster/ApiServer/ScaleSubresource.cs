using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The <c>/scale</c> subresource of Deployments, ReplicaSets and StatefulSets, as their registries serve it: an
/// <c>autoscaling/v1</c> Scale whose <c>spec.replicas</c> is the object's, whose status carries the replicas counted and
/// the selector as a string; writing it (PUT, or a patch of the Scale) sets only <c>spec.replicas</c>, with the Scale's
/// resourceVersion as a precondition when it has one.
/// </summary>
internal static class ScaleSubresource
{
    public static bool Supports(ResourceType type) =>
        type == ResourceType.Deployment || type == ResourceType.ReplicaSet || type == ResourceType.StatefulSet || type.Definition?.Scale is not null;

    public static JsonObject ToScale(JsonObject obj) => ToScale(obj, null);

    /// <summary>
    /// The Scale of an object; a CRD's kind reads its replicas, status replicas and selector at the paths its scale
    /// subresource names (<c>specReplicasPath</c>, <c>statusReplicasPath</c>, <c>labelSelectorPath</c>).
    /// </summary>
    public static JsonObject ToScale(JsonObject obj, ResourceType? type)
    {
        if (type?.Definition?.Scale is { } crdScale)
        {
            var scale = ToScale(obj, null);
            scale["spec"]!["replicas"] = Json.Num(At(obj, Json.Str(crdScale["specReplicasPath"]))) ?? 0;
            scale["status"]!["replicas"] = Json.Num(At(obj, Json.Str(crdScale["statusReplicasPath"]))) ?? 0;
            scale["status"]!["selector"] = Json.Str(At(obj, Json.Str(crdScale["labelSelectorPath"])));
            return scale;
        }

        var meta = obj["metadata"] as JsonObject ?? [];
        var scaleMeta = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (meta[field] is { } value)
            {
                scaleMeta[field] = value.DeepClone();
            }
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMeta,
            ["spec"] = new JsonObject { ["replicas"] = Json.Num(obj["spec"]?["replicas"]) ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = Json.Num(obj["status"]?["replicas"]) ?? 0,
                ["selector"] = Selector(obj["spec"]?["selector"] as JsonObject),
            },
        };
    }

    /// <summary>The object with the Scale's replicas (and its resourceVersion as a precondition).</summary>
    private static JsonNode? At(JsonObject obj, string? path) =>
        path is null ? null : JsonPathLite.Find(obj, path) is [var first, ..] ? first : null;

    public static JsonObject Apply(JsonObject current, JsonObject scale, ResourceType? type = null)
    {
        if (Json.Str(scale["kind"]) is { } kind && kind != "Scale")
        {
            throw KubernetesStatusException.BadRequest($"the body of the request is a {kind}, not a Scale");
        }

        if (scale["spec"] is JsonNode spec and not JsonObject)
        {
            throw KubernetesStatusException.BadRequest($"json: cannot unmarshal {GoType(spec.GetValueKind())} into Go struct field Scale.spec of type v1.ScaleSpec");
        }

        if (scale["metadata"] is JsonNode meta and not JsonObject)
        {
            throw KubernetesStatusException.BadRequest($"json: cannot unmarshal {GoType(meta.GetValueKind())} into Go struct field Scale.metadata of type v1.ObjectMeta");
        }

        if (scale["spec"]?["replicas"] is JsonNode given && given.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            // The Scale does not decode: a 400, as the API server's decoder says it.
            throw KubernetesStatusException.BadRequest($"json: cannot unmarshal {GoType(given.GetValueKind())} into Go struct field ScaleSpec.spec.replicas of type int32");
        }

        if (Json.Num(scale["spec"]?["replicas"]) is not { } replicas || replicas < 0)
        {
            throw new KubernetesStatusException(422, "Invalid", $"Scale.autoscaling \"{Json.Name(current)}\" is invalid: spec.replicas: Invalid value: {scale["spec"]?["replicas"]?.ToJsonString() ?? "null"}: must be greater than or equal to 0");
        }

        var updated = (JsonObject)current.DeepClone();
        if (type?.Definition?.Scale is { } crdScale && Json.Str(crdScale["specReplicasPath"]) is { } path)
        {
            // Set at the CRD's specReplicasPath (".spec.replicas"): each parent made as needed.
            var parts = path.TrimStart('.').Split('.');
            var parent = updated;
            foreach (var part in parts[..^1])
            {
                parent = Json.Obj(parent, part);
            }

            parent[parts[^1]] = replicas;
        }
        else
        {
            Json.Obj(updated, "spec")["replicas"] = replicas;
        }

        Json.Obj(updated, "metadata")["resourceVersion"] = Json.Str(scale["metadata"]?["resourceVersion"]) is { Length: > 0 } version
            ? version
            : Json.Str(current["metadata"]?["resourceVersion"]);
        return updated;
    }

    private static string GoType(System.Text.Json.JsonValueKind kind) => kind switch
    {
        System.Text.Json.JsonValueKind.String => "string",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "bool",
        System.Text.Json.JsonValueKind.Number => "number",
        System.Text.Json.JsonValueKind.Array => "array",
        System.Text.Json.JsonValueKind.Object => "object",
        _ => "value",
    };

    // The selector as a label-selector string, as the Scale's status.selector carries it.
    private static string Selector(JsonObject? selector)
    {
        if (selector is null)
        {
            return string.Empty;
        }

        var parts = new List<string>();
        foreach (var (key, value) in (selector["matchLabels"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts.Add($"{key}={Json.Str(value)}");
        }

        foreach (var e in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = Json.Str(e["key"]);
            var values = (e["values"] as JsonArray ?? []).Select(Json.Str).OfType<string>().Order(StringComparer.Ordinal).ToList();
            parts.Add(Json.Str(e["operator"]) switch
            {
                "In" => $"{key} in ({string.Join(",", values)})",
                "NotIn" => $"{key} notin ({string.Join(",", values)})",
                "Exists" => key ?? string.Empty,
                "DoesNotExist" => "!" + key,
                var other => string.Create(CultureInfo.InvariantCulture, $"{key} {other}"),
            });
        }

        return string.Join(",", parts);
    }
}
