using System.Text.Json.Nodes;

namespace K8sNet.Gateway.Yaml;

/// <summary>Reads the string fields of a manifest read by <see cref="YamlManifest"/>.</summary>
internal static class ManifestFields
{
    public static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
