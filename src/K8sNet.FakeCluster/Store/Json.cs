using System.Text.Json.Nodes;

namespace K8sNet.Testing.Store;

/// <summary>Small helpers for reading and writing API objects as JSON.</summary>
internal static class Json
{
    public static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Num(JsonNode? node) => node is JsonValue v
        ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<int>(out var i) ? i : v.TryGetValue<double>(out var d) ? (long)d : null
        : null;

    public static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static JsonObject Obj(JsonObject parent, string name)
    {
        if (parent[name] is not JsonObject child)
        {
            child = [];
            parent[name] = child;
        }

        return child;
    }

    public static JsonArray Arr(JsonObject parent, string name)
    {
        if (parent[name] is not JsonArray child)
        {
            child = [];
            parent[name] = child;
        }

        return child;
    }

    public static string Name(JsonObject obj) => Str(obj["metadata"]?["name"]) ?? string.Empty;

    public static string Namespace(JsonObject obj) => Str(obj["metadata"]?["namespace"]) ?? string.Empty;

    public static string Uid(JsonObject obj) => Str(obj["metadata"]?["uid"]) ?? string.Empty;

    public static bool IsDeleting(JsonObject obj) => obj["metadata"]?["deletionTimestamp"] is not null;

    public static IReadOnlyDictionary<string, string> StringMap(JsonNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                result[k] = Str(v) ?? string.Empty;
            }
        }

        return result;
    }

    /// <summary>A Go-style quoted value, as field.Error prints it.</summary>
    public static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
