using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.ApiServer.Protobuf;
using K8sNet.Testing.Cluster;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The <c>resource.Quantity</c> fields of a built-in kind's object, found from the transcribed API schema
/// (<see cref="ProtoSchema"/>): container resources, pod overhead, emptyDir size limits, node capacity, HPA targets and
/// the rest. The API server decodes each into a Quantity, so a malformed one fails the decode (a 400 with
/// apimachinery's error) and a well-formed one is written back in canonical form (<c>1000m</c> → <c>"1"</c>, a JSON
/// number → a string), which is what every later read, watch and patch sees.
/// </summary>
/// <remarks>
/// The walk follows the schema's nesting, not the caller's: the object is visited only where the schema has a
/// message that can hold a quantity, and a body's depth is already bounded by its reader.
/// </remarks>
internal static class QuantityFields
{
    private const string Quantity = "resource.Quantity";
    private static readonly ConcurrentDictionary<string, bool> Holds = new(StringComparer.Ordinal);

    /// <summary>
    /// Canonicalizes every quantity of <paramref name="obj"/> in place; the first malformed one's error (resource's
    /// ErrFormatWrong, ErrNumeric or ErrSuffix), or <see langword="null"/>. Kinds without a schema (custom resources)
    /// have no quantity fields.
    /// </summary>
    public static string? Canonicalize(string apiVersion, string kind, JsonObject obj) =>
        ProtoSchema.ForKind(apiVersion, kind) is { } message ? Walk(obj, message, 0) : null;

    private static string? Walk(JsonObject obj, ProtoMessage message, int depth)
    {
        if (depth > ProtoJson.MaxDepth || !HoldsQuantity(message.Name))
        {
            return null;
        }

        foreach (var field in message.Fields)
        {
            var error = field.Inline && field.Kind == ProtoKind.Message
                ? Nested(obj, field.Message!, depth)
                : obj.TryGetPropertyValue(field.Json, out var value) ? Field(obj, field, value, depth) : null;
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static string? Field(JsonObject obj, ProtoField field, JsonNode? value, int depth)
    {
        if (field.Kind == ProtoKind.Map && field.ValueKind == ProtoKind.Message && value is JsonObject map)
        {
            foreach (var key in map.Select(kv => kv.Key).ToList())
            {
                var error = field.ValueMessage == Quantity ? Replace(map, key, map[key], pointer: false) : Nested(map[key], field.ValueMessage!, depth);
                if (error is not null)
                {
                    return error;
                }
            }

            return null;
        }

        if (field.Kind != ProtoKind.Message)
        {
            return null;
        }

        if (field.Repeated && value is JsonArray array)
        {
            foreach (var item in array)
            {
                if (Nested(item, field.Message!, depth) is { } error)
                {
                    return error;
                }
            }

            return null;
        }

        return field.Message == Quantity ? Replace(obj, field.Json, value, field.Pointer) : Nested(value, field.Message!, depth);
    }

    private static string? Nested(JsonNode? value, string messageName, int depth) =>
        value is JsonObject inner && ProtoSchema.Find(messageName) is { } message ? Walk(inner, message, depth + 1) : null;

    // Quantity.UnmarshalJSON: a string's text or a number's literal, spaces trimmed; null is the zero quantity (a
    // pointer's nil, left out when written back).
    private static string? Replace(JsonObject parent, string key, JsonNode? value, bool pointer)
    {
        if (value is null)
        {
            if (pointer)
            {
                parent.Remove(key);
            }
            else
            {
                parent[key] = "0";
            }

            return null;
        }

        var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
            : value is JsonValue n && n.GetValueKind() == JsonValueKind.Number ? n.ToJsonString()
            : null;
        if (text is null)
        {
            return ResourceQuantity.FormatWrong; // a bool, an object or a list
        }

        if (!ResourceQuantity.TryParse(text.Trim(' ', '\t', '\n', '\r', '\v', '\f'), out var quantity, out var error))
        {
            return error;
        }

        parent[key] = quantity.ToString();
        return null;
    }

    // Whether a message can hold a quantity anywhere below it (computed once per message; a cycle holds none by itself).
    private static bool HoldsQuantity(string name) => HoldsQuantity(name, []);

    private static bool HoldsQuantity(string name, HashSet<string> visiting)
    {
        if (Holds.TryGetValue(name, out var known))
        {
            return known;
        }

        if (name == Quantity)
        {
            return true;
        }

        if (!visiting.Add(name) || ProtoSchema.Find(name) is not { } message)
        {
            return false;
        }

        var holds = message.Fields.Any(f => (f.Kind == ProtoKind.Message ? f.Message : f.Kind == ProtoKind.Map && f.ValueKind == ProtoKind.Message ? f.ValueMessage : null) is { } inner
            && HoldsQuantity(inner, visiting));
        visiting.Remove(name);
        if (visiting.Count == 0)
        {
            Holds[name] = holds; // a result found inside a cycle may be partial: only the outermost is kept
        }

        return holds;
    }
}
