using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Selectors;

/// <summary>An object's <c>metadata.labels</c> read in place, for selector matching without copying them.</summary>
internal sealed class JsonLabels(JsonObject labels) : IReadOnlyDictionary<string, string>
{
    public static JsonLabels? Of(JsonObject obj) => obj["metadata"]?["labels"] is JsonObject labels ? new JsonLabels(labels) : null;

    public string this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => labels.Select(kv => kv.Key);

    public IEnumerable<string> Values => labels.Select(kv => Json.Str(kv.Value) ?? string.Empty);

    public int Count => labels.Count;

    public bool ContainsKey(string key) => labels.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        if (labels.TryGetPropertyValue(key, out var node))
        {
            value = Json.Str(node) ?? string.Empty;
            return true;
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() =>
        labels.Select(kv => new KeyValuePair<string, string>(kv.Key, Json.Str(kv.Value) ?? string.Empty)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
