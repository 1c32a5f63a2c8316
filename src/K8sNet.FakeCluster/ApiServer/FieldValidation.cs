using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// Unknown fields in a written object, found as the API server finds them (the typed decoder does not know them) and
/// handled per <c>fieldValidation</c>: <c>Ignore</c> drops them; <c>Warn</c> (the default) drops them and adds a
/// <c>Warning</c> header per field; <c>Strict</c> rejects the request with 400. Kinds without a KubernetesClient model
/// (the Gateway API kinds until they get theirs) are taken as they are.
/// </summary>
internal static class FieldValidation
{
    private static readonly MethodInfo DeserializeNode = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.GetParameters()[0].ParameterType == typeof(JsonNode));

    public static void Check(HttpContext context, ResourceType type, JsonObject obj)
    {
        var mode = (string?)context.Request.Query["fieldValidation"] ?? "Warn";
        if (mode is not ("Ignore" or "Warn" or "Strict"))
        {
            throw KubernetesStatusException.BadRequest($"fieldValidation parameter unsupported: {mode}");
        }

        if (!GatewayApiKinds.TryGetModelType(type.ApiVersion, type.Kind, out var model))
        {
            return;
        }

        JsonNode? known;
        try
        {
            var typed = DeserializeNode.MakeGenericMethod(model).Invoke(null, [obj, null]);
            known = typed is null ? null : JsonNode.Parse(KubernetesJson.Serialize(typed));
        }
        catch (TargetInvocationException ex) when (ex.InnerException is JsonException or FormatException or InvalidOperationException)
        {
            throw KubernetesStatusException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {ex.InnerException.Message}");
        }

        var unknown = new List<string>();
        Compare(obj, known, string.Empty, unknown, remove: mode != "Strict");
        if (unknown.Count == 0)
        {
            return;
        }

        if (mode == "Strict")
        {
            throw KubernetesStatusException.BadRequest($"strict decoding error: {string.Join(", ", unknown.Select(f => $"unknown field \"{f}\""))}");
        }

        if (mode == "Warn")
        {
            foreach (var field in unknown)
            {
                context.Response.Headers.Append("Warning", $"299 - \"unknown field \\\"{field}\\\"\"");
            }
        }
    }

    // Every property of the input that the typed round trip lost is unknown (null values are not: they are omitted).
    private static void Compare(JsonNode? given, JsonNode? known, string path, List<string> unknown, bool remove)
    {
        switch (given)
        {
            case JsonObject o:
                var k = known as JsonObject;
                foreach (var (name, value) in o.ToList())
                {
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (value is null)
                    {
                        continue;
                    }

                    if (k is null || !k.TryGetPropertyValue(name, out var knownValue))
                    {
                        // Maps (labels, selectors...) round-trip whole; a missing key under a known object is unknown.
                        unknown.Add(childPath);
                        if (remove)
                        {
                            o.Remove(name);
                        }

                        continue;
                    }

                    Compare(value, knownValue, childPath, unknown, remove);
                }

                break;
            case JsonArray a:
                var ka = known as JsonArray;
                for (var i = 0; i < a.Count; i++)
                {
                    Compare(a[i], ka is not null && i < ka.Count ? ka[i] : null, $"{path}[{i}]", unknown, remove);
                }

                break;
        }
    }
}
