using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Gateway.Yaml;

namespace K8sNet.Testing.ApiServer;

/// <summary>A field a JSON body sets twice: the last value is kept, and strict field validation refuses it.</summary>
/// <param name="Key">The field's name.</param>
/// <param name="Path">Where, as the API server names fields (<c>spec.template.spec.containers[0].image</c>).</param>
/// <param name="Owner">The object holding the field.</param>
/// <param name="After">How many distinct fields the object had when the second one came (where it stands in document order).</param>
internal sealed record JsonDuplicate(string Key, string Path, JsonObject Owner, int After);

/// <summary>
/// Request bodies in JSON read with a stack of their own (no recursion over the caller's nesting), nesting bounded as
/// the YAML reader bounds it, and fields set twice kept last and reported, as the API server's decoder (sigs.k8s.io/json)
/// reports them.
/// </summary>
internal static class JsonBody
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = YamlManifest.MaxDepth + 1 };

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <param name="text">The body.</param>
    /// <param name="duplicates">The fields set twice, in document order.</param>
    /// <returns>The value (<see langword="null"/> for JSON's null).</returns>
    /// <exception cref="JsonException">Not JSON, or nested deeper than <see cref="YamlManifest.MaxDepth"/>.</exception>
    public static JsonNode? Parse(string text, out IReadOnlyList<JsonDuplicate> duplicates)
    {
        var found = new List<JsonDuplicate>();
        duplicates = found;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), Options);
        var stack = new List<(JsonNode Container, string? Key)>();
        JsonNode? root = null;
        var any = false;
        while (reader.Read())
        {
            JsonNode? value;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    if (stack.Count + 1 > YamlManifest.MaxDepth)
                    {
                        throw new JsonException($"exceeded max depth of {YamlManifest.MaxDepth}");
                    }

                    stack.Add((reader.TokenType == JsonTokenType.StartObject ? new JsonObject() : new JsonArray(), null));
                    continue;
                case JsonTokenType.PropertyName:
                    stack[^1] = (stack[^1].Container, reader.GetString());
                    continue;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    value = stack[^1].Container;
                    stack.RemoveAt(stack.Count - 1);
                    break;
                case JsonTokenType.String:
                    value = JsonValue.Create(reader.GetString());
                    break;
                case JsonTokenType.Number:
                    value = JsonValue.Create(JsonElement.ParseValue(ref reader)); // numbers keep their text and every conversion
                    break;
                case JsonTokenType.True or JsonTokenType.False:
                    value = JsonValue.Create(reader.TokenType == JsonTokenType.True);
                    break;
                default:
                    value = null;
                    break;
            }

            if (stack.Count == 0)
            {
                root = value;
                any = true;
                continue;
            }

            var (container, key) = stack[^1];
            if (container is JsonArray array)
            {
                array.Add(value);
            }
            else
            {
                var obj = (JsonObject)container;
                if (obj.ContainsKey(key!))
                {
                    found.Add(new JsonDuplicate(key!, PathTo(stack, key!), obj, obj.Count));
                }

                obj[key!] = value;
            }
        }

        return any ? root : throw new JsonException("unexpected end of JSON input");
    }

    private static string PathTo(List<(JsonNode Container, string? Key)> stack, string key)
    {
        var path = new StringBuilder();
        for (var i = 0; i < stack.Count - 1; i++)
        {
            if (stack[i].Container is JsonArray a)
            {
                path.Append('[').Append(a.Count).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(stack[i].Key);
            }
        }

        return path.Length == 0 ? key : $"{path}.{key}";
    }
}
