using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>Owner references: building them, and finding an object's controller.</summary>
internal static class Owners
{
    public static JsonObject ControllerRef(JsonObject owner, ResourceType type) => new()
    {
        ["apiVersion"] = type.ApiVersion,
        ["kind"] = type.Kind,
        ["name"] = Json.Name(owner),
        ["uid"] = Json.Uid(owner),
        ["controller"] = true,
        ["blockOwnerDeletion"] = true,
    };

    public static string? ControllerUid(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(o => Json.Bool(o["controller"]) == true).Select(o => Json.Str(o["uid"])).FirstOrDefault();

    public static IEnumerable<string> OwnerUids(JsonObject obj) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>().Select(o => Json.Str(o["uid"])).OfType<string>();

    /// <summary>The name of the object's controller when it is of <paramref name="kind"/>.</summary>
    public static string? ControllerName(JsonObject obj, string kind) =>
        (obj["metadata"]?["ownerReferences"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(o => Json.Str(o["kind"]) == kind && Json.Bool(o["controller"]) == true).Select(o => Json.Str(o["name"])).FirstOrDefault();
}
