using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The envelope every object decodes into before anything reads it: <c>metadata</c> (ObjectMeta, its strings, maps of
/// strings and lists), <c>spec</c> and <c>status</c> objects. A field of another JSON type does not decode upstream
/// (<c>json: cannot unmarshal number into Go struct field Deployment.metadata of type v1.ObjectMeta</c>, 400); here it
/// is refused the same way before code that expects the envelope's shape reads it.
/// </summary>
internal static class BodyShape
{
    private static readonly string[] MetaStrings = ["name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink"];

    public static void Check(ResourceType type, JsonObject obj)
    {
        Expect(obj, "apiVersion", JsonValueKind.String, type.Kind, "apiVersion", "string");
        Expect(obj, "kind", JsonValueKind.String, type.Kind, "kind", "string");
        Expect(obj, "metadata", JsonValueKind.Object, type.Kind, "metadata", "v1.ObjectMeta");
        if (type != ResourceType.ConfigMap && type != ResourceType.Endpoints && type != ResourceType.EndpointSlice)
        {
            Expect(obj, "spec", JsonValueKind.Object, type.Kind, "spec", $"v1.{type.Kind}Spec");
            Expect(obj, "status", JsonValueKind.Object, type.Kind, "status", $"v1.{type.Kind}Status");
        }
        if (obj["metadata"] is not JsonObject meta)
        {
            return;
        }

        foreach (var field in MetaStrings)
        {
            Expect(meta, field, JsonValueKind.String, "ObjectMeta", field, field.EndsWith("Timestamp", StringComparison.Ordinal) ? "v1.Time" : "string");
        }

        Expect(meta, "generation", JsonValueKind.Number, "ObjectMeta", "generation", "int64");
        foreach (var map in new[] { "labels", "annotations" })
        {
            Expect(meta, map, JsonValueKind.Object, "ObjectMeta", map, "map[string]string");
            foreach (var (key, value) in meta[map] as JsonObject ?? [])
            {
                if (value is not null && value.GetValueKind() != JsonValueKind.String)
                {
                    throw Bad(value, "ObjectMeta", $"{map}", "string");
                }
            }
        }

        Expect(meta, "finalizers", JsonValueKind.Array, "ObjectMeta", "finalizers", "[]string");
        foreach (var item in meta["finalizers"] as JsonArray ?? [])
        {
            if (item is not null && item.GetValueKind() != JsonValueKind.String)
            {
                throw Bad(item, "ObjectMeta", "finalizers", "string");
            }
        }

        Expect(meta, "ownerReferences", JsonValueKind.Array, "ObjectMeta", "ownerReferences", "[]v1.OwnerReference");
        foreach (var item in meta["ownerReferences"] as JsonArray ?? [])
        {
            if (item is not null and not JsonObject)
            {
                throw Bad(item, "ObjectMeta", "ownerReferences", "v1.OwnerReference");
            }
        }

        Expect(meta, "managedFields", JsonValueKind.Array, "ObjectMeta", "managedFields", "[]v1.ManagedFieldsEntry");
    }

    private static void Expect(JsonObject parent, string field, JsonValueKind kind, string goStruct, string goField, string goType)
    {
        if (parent[field] is { } value && value.GetValueKind() != kind)
        {
            throw Bad(value, goStruct, goField, goType);
        }
    }

    private static KubernetesStatusException Bad(JsonNode value, string goStruct, string goField, string goType) =>
        KubernetesStatusException.BadRequest($"json: cannot unmarshal {GoKind(value.GetValueKind())} into Go struct field {goStruct}.{goField} of type {goType}");

    private static string GoKind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "value",
    };
}
