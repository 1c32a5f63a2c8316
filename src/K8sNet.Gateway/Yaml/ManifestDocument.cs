using System.Text.Json.Nodes;

namespace K8sNet.Gateway.Yaml;

/// <summary>One document of a manifest, as <see cref="YamlManifest.Read"/> read it.</summary>
/// <param name="Object">The object (a key set twice holds its last value).</param>
/// <param name="DuplicateKeys">The keys set twice, in document order: the API server's strict field validation refuses them.</param>
public sealed record ManifestDocument(JsonObject Object, IReadOnlyList<ManifestDuplicateKey> DuplicateKeys);

/// <summary>A key a mapping sets a second time.</summary>
/// <param name="Line">The line of the second key (1-based).</param>
/// <param name="Key">The key.</param>
/// <param name="Path">Where in the object, as the API server names fields (<c>spec.template.spec.containers[0].image</c>).</param>
public readonly record struct ManifestDuplicateKey(int Line, string Key, string Path)
{
    /// <summary>go-yaml's words for it, which the API server passes on: <c>line 5: key "name" already set in map</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"line {Line}: key \"{Key}\" already set in map";
}
