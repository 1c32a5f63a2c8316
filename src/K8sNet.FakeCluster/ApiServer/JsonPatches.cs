using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>The patch kinds of part 1: JSON merge patch (RFC 7386) and JSON patch (RFC 6902).</summary>
internal static class JsonPatches
{
    /// <summary>RFC 7386: objects merge key by key, <c>null</c> removes a key, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = MergePatch(result[key], value);
            }
        }

        return result;
    }

    /// <summary>
    /// The fields of a JSON patch's operations that the API server's strict decoding names: unknown ones (an operation
    /// has <c>op</c>, <c>path</c>, <c>value</c> and <c>from</c>) and ones set twice, operation by operation.
    /// </summary>
    public static IReadOnlyList<string> OperationProblems(JsonNode? patch, IReadOnlyList<JsonDuplicate> duplicates)
    {
        var problems = new List<string>();
        if (patch is not JsonArray operations)
        {
            return problems;
        }

        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
            {
                continue;
            }

            problems.AddRange(op.Where(p => p.Key is not ("op" or "path" or "value" or "from")).Select(p => $"json patch unknown field \"[{i}].{p.Key}\""));
            problems.AddRange(duplicates.Where(d => ReferenceEquals(d.Owner, op)).Select(d => $"json patch duplicate field \"{d.Path}\""));
        }

        return problems;
    }

    /// <summary>RFC 6902: add, remove, replace, move, copy and test, in order, on a copy of the document.</summary>
    /// <exception cref="KubernetesStatusException">400 for a malformed patch, 422 for an operation that does not apply.</exception>
    public static JsonNode Apply(JsonNode document, JsonNode? patch)
    {
        if (patch is not JsonArray operations)
        {
            throw KubernetesStatusException.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        }

        var root = new JsonObject { ["doc"] = document.DeepClone() };
        foreach (var node in operations)
        {
            if (node is not JsonObject op || Json.Str(op["op"]) is not { } kind || Json.Str(op["path"]) is not { } path)
            {
                throw KubernetesStatusException.BadRequest("json patch operations need \"op\" and \"path\"");
            }

            switch (kind)
            {
                case "add":
                    Add(root, path, Value(op, kind));
                    break;
                case "remove":
                    Remove(root, path, kind);
                    break;
                case "replace":
                    Remove(root, path, kind);
                    Add(root, path, Value(op, kind));
                    break;
                case "move":
                    var moved = Remove(root, From(op, kind), kind);
                    Add(root, path, moved);
                    break;
                case "copy":
                    Add(root, path, Get(root, From(op, kind), kind)?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(root, path, kind), op["value"]))
                    {
                        throw Unprocessable($"testing value {path} failed: test failed");
                    }

                    break;
                default:
                    throw KubernetesStatusException.BadRequest($"Unexpected kind: {kind}");
            }
        }

        return root["doc"] ?? throw Unprocessable("the patch removed the whole document");
    }

    private static JsonNode? Value(JsonObject op, string kind) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw KubernetesStatusException.BadRequest($"json patch {kind} operation does not have a value");

    private static string From(JsonObject op, string kind) =>
        Json.Str(op["from"]) ?? throw KubernetesStatusException.BadRequest($"json patch {kind} operation does not have a from");

    private static KubernetesStatusException Unprocessable(string message) => new(422, "Invalid", message);

    private static List<string> Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw KubernetesStatusException.BadRequest($"JSON pointer must be empty or start with a \"/\": {pointer}");
        }

        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
    }

    // The parent container and the last token; the document itself is the child "doc" of a wrapper object.
    private static (JsonNode Parent, string Token) Locate(JsonObject root, string path, string kind)
    {
        var tokens = Tokens(path);
        tokens.Insert(0, "doc");
        JsonNode current = root;
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            current = Child(current, tokens[i]) ?? throw Unprocessable($"{kind} operation does not apply: doc is missing path: {path}");
        }

        return (current, tokens[^1]);
    }

    private static JsonNode? Child(JsonNode node, string token) => node switch
    {
        JsonObject o => o[token],
        JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
        _ => null,
    };

    private static JsonNode? Get(JsonObject root, string path, string kind)
    {
        var (parent, token) = Locate(root, path, kind);
        return parent switch
        {
            JsonObject o when o.TryGetPropertyValue(token, out var v) => v,
            JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
            _ => throw Unprocessable($"{kind} operation does not apply: doc is missing path: {path}"),
        };
    }

    private static void Add(JsonObject root, string path, JsonNode? value)
    {
        var (parent, token) = Locate(root, path, "add");
        switch (parent)
        {
            case JsonObject o:
                o[token] = value;
                break;
            case JsonArray a when token == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw Unprocessable($"add operation does not apply: doc is missing path: {path}");
        }
    }

    private static JsonNode? Remove(JsonObject root, string path, string kind)
    {
        var (parent, token) = Locate(root, path, kind);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(token, out var existing):
                o.Remove(token);
                return existing;
            case JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count:
                var item = a[i];
                a.RemoveAt(i);
                return item;
            default:
                throw Unprocessable($"{kind} operation does not apply: doc is missing path: {path}");
        }
    }
}
