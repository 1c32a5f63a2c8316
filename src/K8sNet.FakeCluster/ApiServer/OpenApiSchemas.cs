using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Xml;
using k8s.Models;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The OpenAPI v3 <c>components.schemas</c> of a group-version, built from KubernetesClient's models (the types
/// generated from Kubernetes' own OpenAPI): each served kind with its <c>x-kubernetes-group-version-kind</c>, and every
/// type it reaches by <c>$ref</c>, so <c>kubectl explain</c> can walk them. Field descriptions come from
/// KubernetesClient.xml when it lies beside the assembly (<c>CopyDocumentationFilesFromPackages</c>), and from
/// K8sNet.Testing.xml for the Gateway API models; without them the schemas carry names and types only.
/// </summary>
internal static class OpenApiSchemas
{
    private static readonly Lazy<Dictionary<string, string>> Docs = new(LoadDocs);

    public static JsonObject For(IEnumerable<ResourceType> types)
    {
        var schemas = new JsonObject();
        foreach (var type in types)
        {
            if (type.Definition is { } definition)
            {
                // A CRD's schema as apiextensions publishes it: its openAPIV3Schema, with apiVersion, kind and metadata.
                var schema = (JsonObject)(definition.Schema?.DeepClone() ?? new JsonObject { ["type"] = "object" });
                var properties = schema["properties"] as JsonObject ?? (JsonObject)(schema["properties"] = new JsonObject());
                properties["apiVersion"] = new JsonObject { ["type"] = "string", ["description"] = "APIVersion defines the versioned schema of this representation of an object." };
                properties["kind"] = new JsonObject { ["type"] = "string", ["description"] = "Kind is a string value representing the REST resource this object represents." };
                properties["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = $"#/components/schemas/{Add(typeof(V1ObjectMeta), schemas)}" }) };
                schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["version"] = type.Version });
                schemas[$"{string.Join('.', type.Group.Split('.').Reverse())}.{type.Version}.{type.Kind}"] = schema;
            }
            else if (GatewayApiKinds.TryGetModelType(type.ApiVersion, type.Kind, out var model))
            {
                var name = Add(model, schemas);
                ((JsonObject)schemas[name]!)["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = type.Group, ["kind"] = type.Kind, ["version"] = type.Version });
            }
        }

        return schemas;
    }

    // Upstream-like names whose last segment is the type (kubectl prints it): io.k8s.api.v1.DeploymentSpec.
    private static string SchemaName(Type model)
    {
        var name = model.Name;
        if (model.Namespace == typeof(K8sNet.Gateway.GatewayApi.V1HTTPRoute).Namespace && name.StartsWith("V1", StringComparison.Ordinal))
        {
            return "io.k8s.networking.gateway.v1." + name[2..]; // the Gateway API CRDs' own naming
        }

        var digits = 1;
        while (digits < name.Length && char.IsDigit(name[digits]))
        {
            digits++;
        }

        // V1, V1beta1, V2alpha1...: the version prefix
        var rest = name[digits..];
        foreach (var stage in new[] { "alpha", "beta" })
        {
            if (rest.StartsWith(stage, StringComparison.Ordinal))
            {
                var end = stage.Length;
                while (end < rest.Length && char.IsDigit(rest[end]))
                {
                    end++;
                }

                return $"io.k8s.api.{name[..digits].ToLowerInvariant()}{rest[..end]}.{rest[end..]}";
            }
        }

        return name.Length > 1 && name[0] == 'V' && char.IsDigit(name[1]) ? $"io.k8s.api.{name[..digits].ToLowerInvariant()}.{rest}" : $"io.k8s.api.{name}";
    }

    private static string Add(Type model, JsonObject schemas)
    {
        var name = SchemaName(model);
        if (schemas.ContainsKey(name))
        {
            return name;
        }

        var properties = new JsonObject();
        var schema = new JsonObject { ["type"] = "object" };
        if (Docs.Value.GetValueOrDefault("T:" + model.FullName) is { } typeDoc)
        {
            schema["description"] = typeDoc;
        }

        schema["properties"] = properties;
        schemas[name] = schema; // before the properties: types that refer to themselves (JSONSchemaProps) end here
        foreach (var property in model.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } json)
            {
                continue;
            }

            var field = Of(property.PropertyType, schemas);
            if (Docs.Value.GetValueOrDefault($"P:{model.FullName}.{property.Name}") is { } doc)
            {
                field["description"] = doc;
            }

            properties[json.Name] = field;
        }

        return name;
    }

    private static JsonObject Of(Type type, JsonObject schemas)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(byte[]))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        }

        if (type == typeof(IntOrString))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "int-or-string", ["x-kubernetes-int-or-string"] = true };
        }

        if (type == typeof(ResourceQuantity))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "quantity" };
        }

        if (type.IsGenericType && type.GetGenericArguments() is { Length: 2 } kv && typeof(IDictionary).IsAssignableFrom(type.GetGenericTypeDefinition().MakeGenericType(kv)))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = Of(kv[1], schemas) };
        }

        if (type != typeof(string) && type.IsGenericType && type.GetGenericArguments() is [var item] && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return new JsonObject { ["type"] = "array", ["items"] = Of(item, schemas) };
        }

        if ((type.Namespace == "k8s.Models" || type.Namespace == typeof(K8sNet.Gateway.GatewayApi.V1HTTPRoute).Namespace) && type.IsClass)
        {
            return new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/components/schemas/" + Add(type, schemas) }) };
        }

        return new JsonObject { ["type"] = "object" }; // free-form (fieldsV1, raw extensions)
    }

    // The models' XML documentation: KubernetesClient.xml and K8sNet.Testing.xml (the Gateway API models), where they lie beside their assemblies.
    private static Dictionary<string, string> LoadDocs()
    {
        var docs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in new[] { typeof(V1Pod).Assembly, typeof(OpenApiSchemas).Assembly })
        {
            var location = assembly.Location;
            var path = string.IsNullOrEmpty(location) ? null : Path.ChangeExtension(location, ".xml");
            if (path is null || !File.Exists(path))
            {
                continue;
            }

            try
            {
                var xml = new XmlDocument { XmlResolver = null };
                using (var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }))
                {
                    xml.Load(reader);
                }

                foreach (XmlElement member in xml.SelectNodes("/doc/members/member")!)
                {
                    if (member.GetAttribute("name") is { Length: > 0 } name && member["summary"]?.InnerText is { } summary)
                    {
                        docs[name] = string.Join(' ', summary.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
                    }
                }
            }
            catch (XmlException)
            {
                // unreadable docs: schemas without descriptions
            }
        }

        return docs;
    }
}
