using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// A CustomResourceDefinition's structural schema applied to its objects as apiextensions-apiserver applies it:
/// unknown fields found (for strict field validation) and pruned, <c>default</c>s filled in where their parent exists,
/// and the value validations (type, enum, required, bounds, lengths, pattern, item counts) reported with
/// kube-openapi's words as <c>field.Error</c>s. <c>x-kubernetes-preserve-unknown-fields</c>,
/// <c>x-kubernetes-int-or-string</c>, <c>x-kubernetes-embedded-resource</c> and <c>additionalProperties</c> maps are
/// honoured; CEL rules (<c>x-kubernetes-validations</c>) are accepted and not evaluated. The walk follows the schema's
/// own nesting, never deeper than the body (whose depth the API server already bounds).
/// </summary>
internal static class CrdSchema
{
    private static readonly string[] Root = ["apiVersion", "kind", "metadata"];

    /// <summary>The paths of the fields the schema does not declare (<c>spec.foo</c>), in document order.</summary>
    public static List<string> Unknown(JsonObject obj, JsonObject schema)
    {
        var found = new List<string>();
        Walk(obj, schema, string.Empty, found, prune: false, root: true);
        return found;
    }

    /// <summary>Removes the fields the schema does not declare.</summary>
    public static void Prune(JsonObject obj, JsonObject schema) => Walk(obj, schema, string.Empty, [], prune: true, root: true);

    private static void Walk(JsonNode? value, JsonObject schema, string path, List<string> found, bool prune, bool root = false)
    {
        if (Json.Bool(schema["x-kubernetes-preserve-unknown-fields"]) == true && schema["properties"] is null && schema["additionalProperties"] is null)
        {
            return;
        }

        if (value is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"] as JsonObject;
            var preserve = Json.Bool(schema["x-kubernetes-preserve-unknown-fields"]) == true || Json.Bool(schema["additionalProperties"]) == true;
            foreach (var (key, child) in obj.ToList())
            {
                var childPath = path.Length == 0 ? key : $"{path}.{key}";
                if (root && Root.Contains(key))
                {
                    continue;
                }

                if (properties?[key] is JsonObject childSchema)
                {
                    Walk(child, childSchema, childPath, found, prune);
                }
                else if (additional is not null)
                {
                    Walk(child, additional, childPath, found, prune);
                }
                else if (!preserve && (properties is not null || Json.Str(schema["type"]) == "object"))
                {
                    found.Add(childPath);
                    if (prune)
                    {
                        obj.Remove(key);
                    }
                }
            }
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Walk(array[i], items, $"{path}[{i}]", found, prune);
            }
        }
    }

    /// <summary>Fills in the schema's defaults where a field is missing and its parent exists.</summary>
    public static void Default(JsonNode? value, JsonObject schema)
    {
        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (key, childSchema) in properties)
            {
                if (childSchema is not JsonObject cs)
                {
                    continue;
                }

                if ((obj[key] is null) && cs["default"] is { } fallback)
                {
                    obj[key] = fallback.DeepClone();
                }

                Default(obj[key], cs);
            }
        }
        else if (value is JsonObject map && schema["additionalProperties"] is JsonObject additional)
        {
            foreach (var (_, child) in map)
            {
                Default(child, additional);
            }
        }
        else if (value is JsonArray array && schema["items"] is JsonObject items)
        {
            foreach (var item in array)
            {
                Default(item, items);
            }
        }
    }

    /// <summary>The value validations, as kube-openapi words them and apiextensions maps them to field errors.</summary>
    public static void Validate(JsonNode? value, JsonObject schema, string path, List<FieldError> errors)
    {
        var type = Json.Str(schema["type"]);
        if (value is null)
        {
            if (Json.Bool(schema["nullable"]) != true && type is not null)
            {
                errors.Add(new FieldError(path, "Invalid value", "\"null\"", $"{path} in body must be of type {type}: \"null\""));
            }

            return;
        }

        var actual = TypeOf(value);
        if (Json.Bool(schema["x-kubernetes-int-or-string"]) == true)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(new FieldError(path, "Invalid value", Quote(actual), $"{path} in body must be of type integer,string: {Quote(actual)}"));
            }
        }
        else if (type is not null && !(type == actual || (type == "number" && actual == "integer")))
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(actual), $"{path} in body must be of type {type}: {Quote(actual)}"));
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            errors.Add(new FieldError(path, "Unsupported value", Go(value), $"supported values: {string.Join(", ", allowed.Select(Go))}"));
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var required in (schema["required"] as JsonArray ?? []).Select(Json.Str).OfType<string>())
                {
                    if (!obj.ContainsKey(required))
                    {
                        errors.Add(new FieldError(Child(path, required), "Required value", null, string.Empty));
                    }
                }

                var properties = schema["properties"] as JsonObject;
                foreach (var (key, child) in obj)
                {
                    if (properties?[key] is JsonObject childSchema)
                    {
                        Validate(child, childSchema, Child(path, key), errors);
                    }
                    else if (schema["additionalProperties"] is JsonObject additional)
                    {
                        Validate(child, additional, Child(path, key), errors);
                    }
                }

                break;
            case JsonArray array:
                if (Json.Num(schema["maxItems"]) is { } maxItems && array.Count > maxItems)
                {
                    errors.Add(new FieldError(path, "Too many", array.Count.ToString(CultureInfo.InvariantCulture), $"must have at most {maxItems} items"));
                }

                if (Json.Num(schema["minItems"]) is { } minItems && array.Count < minItems)
                {
                    errors.Add(new FieldError(path, "Invalid value", "\"array\"", $"{path} in body should have at least {minItems} items"));
                }

                if (schema["items"] is JsonObject items)
                {
                    for (var i = 0; i < array.Count; i++)
                    {
                        Validate(array[i], items, $"{path}[{i}]", errors);
                    }
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                var text = v.GetValue<string>();
                if (Json.Num(schema["maxLength"]) is { } maxLength && text.Length > maxLength)
                {
                    errors.Add(new FieldError(path, "Too long", null, $"may not be more than {maxLength} bytes"));
                }

                if (Json.Num(schema["minLength"]) is { } minLength && text.Length < minLength)
                {
                    errors.Add(new FieldError(path, "Invalid value", Quote(text), $"{path} in body should be at least {minLength} chars long"));
                }

                if (Json.Str(schema["pattern"]) is { } pattern && !Matches(text, pattern))
                {
                    errors.Add(new FieldError(path, "Invalid value", Quote(text), $"{path} in body should match '{pattern}'"));
                }

                break;
            case JsonValue n when n.GetValueKind() == JsonValueKind.Number:
                var number = double.Parse(n.ToJsonString(), CultureInfo.InvariantCulture);
                if (Json.Num(schema["maximum"]) is { } maximum && (Json.Bool(schema["exclusiveMaximum"]) == true ? number >= maximum : number > maximum))
                {
                    errors.Add(new FieldError(path, "Invalid value", n.ToJsonString(), $"{path} in body should be less than {(Json.Bool(schema["exclusiveMaximum"]) == true ? string.Empty : "or equal to ")}{maximum}"));
                }

                if (Json.Num(schema["minimum"]) is { } minimum && (Json.Bool(schema["exclusiveMinimum"]) == true ? number <= minimum : number < minimum))
                {
                    errors.Add(new FieldError(path, "Invalid value", n.ToJsonString(), $"{path} in body should be greater than {(Json.Bool(schema["exclusiveMinimum"]) == true ? string.Empty : "or equal to ")}{minimum}"));
                }

                break;
        }
    }

    private static bool Matches(string text, string pattern)
    {
        try
        {
            return Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
        {
            return true; // a pattern .NET cannot run is not the object's fault
        }
    }

    private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string TypeOf(JsonNode value) => value switch
    {
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    private static string Go(JsonNode? value) => value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Quote(v.GetValue<string>()) : value?.ToJsonString() ?? "null";

    private static string Quote(string text) => Json.Quote(text);
}
