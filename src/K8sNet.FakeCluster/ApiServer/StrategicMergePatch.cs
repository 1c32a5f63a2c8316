using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>, what <c>kubectl apply</c>, <c>edit</c> and
/// <c>patch</c> send for built-in kinds), as apimachinery's strategicpatch applies it: objects merge key by key and
/// <c>null</c> deletes; a list whose field has a merge key in the API (containers by <c>name</c>, container ports by
/// <c>containerPort</c>, Service ports by <c>port</c>, env by <c>name</c>...) merges element by element, matched on
/// that key, with <c>$patch: delete</c> removing an element and <c>$patch: replace</c> replacing the list;
/// <c>$setElementOrder/&lt;field&gt;</c> orders the merged list; <c>$deleteFromPrimitiveList/&lt;field&gt;</c> removes
/// values from a list of scalars that merges (finalizers); <c>$retainKeys</c> keeps only the keys named; any other
/// list is replaced. Merge keys come from a table of the kinds FakeCluster serves, keyed by field name.
/// </summary>
internal static class StrategicMergePatch
{
    // Field name → merge key, from the Kubernetes API's patchMergeKey tags for the kinds FakeCluster serves.
    private static readonly Dictionary<string, string> MergeKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["env"] = "name",
        ["volumes"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip",
        ["readinessGates"] = "conditionType",
        ["resourceClaims"] = "name",
        ["conditions"] = "type",
        ["ownerReferences"] = "uid",
        ["topologySpreadConstraints"] = "topologyKey",
    };

    // Lists of scalars that merge (union) rather than replace.
    internal static readonly HashSet<string> MergingScalarLists = new(StringComparer.Ordinal) { "finalizers" };

    public static JsonObject Apply(JsonObject target, JsonObject patch, ResourceType type)
    {
        CheckDirectives(patch);
        return MergeObject((JsonObject)target.DeepClone(), patch, type, path: string.Empty);
    }

    // The directives' own rules, as the strategicpatch package checks them: $patch is replace, merge or delete (anything
    // else fails the request, as a 500 from the API server: its error is not a Status); the lists the other directives
    // name must be lists (400).
    private static void CheckDirectives(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject map:
                foreach (var (key, value) in map)
                {
                    if (key == "$patch" && Json.Str(value) is not ("replace" or "merge" or "delete"))
                    {
                        throw new KubernetesStatusException(500, string.Empty, $"unknown patch type: {GoValue(value)} in map: {GoValue(map)}");
                    }

                    var badList = key switch
                    {
                        "$retainKeys" => "Invalid patch format of retainKeys",
                        _ when key.StartsWith("$setElementOrder/", StringComparison.Ordinal) => "Invalid patch format of setElementOrder list",
                        _ when key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal) => "Invalid patch format of primitive list",
                        _ => null,
                    };
                    if (badList is not null && value is not JsonArray)
                    {
                        throw KubernetesStatusException.BadRequest(badList);
                    }

                    CheckDirectives(value);
                }

                break;
            case JsonArray list:
                foreach (var item in list)
                {
                    CheckDirectives(item);
                }

                break;
        }
    }

    // Go's %v of what a JSON document decodes to: map[k:v ...] with sorted keys, [a b], <nil>.
    private static string GoValue(JsonNode? node) => node switch
    {
        null => "<nil>",
        JsonObject map => $"map[{string.Join(" ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{GoValue(p.Value)}"))}]",
        JsonArray list => $"[{string.Join(" ", list.Select(GoValue))}]",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static JsonObject MergeObject(JsonObject target, JsonObject patch, ResourceType type, string path)
    {
        if (Json.Str(patch["$patch"]) == "replace")
        {
            var replacement = (JsonObject)patch.DeepClone();
            replacement.Remove("$patch");
            return replacement;
        }

        if (patch["$retainKeys"] is JsonArray retain)
        {
            var keep = retain.Select(Json.Str).OfType<string>().ToHashSet(StringComparer.Ordinal);
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (key is "$patch" or "$retainKeys" || key.StartsWith("$setElementOrder/", StringComparison.Ordinal))
            {
                continue;
            }

            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var field = key["$deleteFromPrimitiveList/".Length..];
                if (target[field] is JsonArray values && value is JsonArray remove)
                {
                    var drop = remove.Select(v => v?.ToJsonString()).ToHashSet(StringComparer.Ordinal);
                    foreach (var item in values.Where(v => drop.Contains(v?.ToJsonString())).ToList())
                    {
                        values.Remove(item);
                    }
                }

                continue;
            }

            if (value is null)
            {
                target.Remove(key);
                continue;
            }

            var childPath = path.Length == 0 ? key : path + "." + key;
            target[key] = (value, target[key]) switch
            {
                (JsonObject p, JsonObject t) => MergeObject(t, p, type, childPath),
                (JsonArray p, JsonArray t) => MergeList(key, t, p, type, childPath, patch[$"$setElementOrder/{key}"] as JsonArray),
                (JsonObject p, _) => MergeObject([], p, type, childPath),
                (JsonArray p, _) => MergeList(key, [], p, type, childPath, patch[$"$setElementOrder/{key}"] as JsonArray),
                _ => value.DeepClone(),
            };
        }

        return target;
    }

    private static JsonArray MergeList(string field, JsonArray target, JsonArray patch, ResourceType type, string path, JsonArray? order)
    {
        if (patch.OfType<JsonObject>().Any(o => Json.Str(o["$patch"]) == "replace"))
        {
            return new JsonArray([.. patch.OfType<JsonObject>().Where(o => Json.Str(o["$patch"]) != "replace").Select(o => o.DeepClone())]);
        }

        if (MergingScalarLists.Contains(field))
        {
            var merged = new JsonArray([.. target.Select(v => v?.DeepClone())]);
            foreach (var v in patch)
            {
                if (!merged.Any(m => m?.ToJsonString() == v?.ToJsonString()))
                {
                    merged.Add(v?.DeepClone());
                }
            }

            return merged;
        }

        var mergeKey = MergeKey(field, path, type);
        if (mergeKey is null)
        {
            return (JsonArray)patch.DeepClone(); // no merge strategy: the list is replaced
        }

        var result = target.OfType<JsonObject>().Select(o => (JsonObject)o.DeepClone()).ToList();
        foreach (var element in patch.OfType<JsonObject>())
        {
            var key = element[mergeKey]?.ToJsonString();
            var index = result.FindIndex(o => o[mergeKey]?.ToJsonString() == key);
            if (Json.Str(element["$patch"]) == "delete")
            {
                if (index >= 0)
                {
                    result.RemoveAt(index);
                }

                continue;
            }

            if (index >= 0)
            {
                result[index] = MergeObject(result[index], element, type, path);
            }
            else
            {
                var added = (JsonObject)element.DeepClone();
                added.Remove("$patch");
                result.Add(added);
            }
        }

        if (order is not null)
        {
            var keys = order.Select(o => o?[mergeKey]?.ToJsonString()).ToList();
            result = [.. result.OrderBy(o => keys.IndexOf(o[mergeKey]?.ToJsonString()) is var i and >= 0 ? i : int.MaxValue)];
        }

        return new JsonArray([.. result]);
    }

    // "ports" merges by containerPort inside a container and by port in a Service's spec; the other fields by the table.
    internal static string? MergeKey(string field, string path, ResourceType type) => field switch
    {
        "ports" when type == ResourceType.Service && path == "spec.ports" => "port",
        "ports" when path.EndsWith("containers.ports", StringComparison.Ordinal) || path.EndsWith("Containers.ports", StringComparison.Ordinal) => "containerPort",
        "ports" => null,
        _ => MergeKeys.GetValueOrDefault(field),
    };
}
