using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// Each stored object's JSON, serialised once per version and shared by every list and watch that sends it (a stored
/// object is never changed in place: a write stores a new one). Keyed by the object itself, so entries go with it.
/// </summary>
internal static class WireBytes
{
    private static readonly ConditionalWeakTable<JsonObject, Entry> Cache = [];

    public static byte[] Of(JsonObject stored, JsonSerializerOptions options)
    {
        var version = Json.Str(stored["metadata"]?["resourceVersion"]);
        if (Cache.TryGetValue(stored, out var entry) && entry.Version == version)
        {
            return entry.Bytes;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(stored, options);
        Cache.AddOrUpdate(stored, new Entry(version, bytes));
        return bytes;
    }

    private sealed record Entry(string? Version, byte[] Bytes);
}
