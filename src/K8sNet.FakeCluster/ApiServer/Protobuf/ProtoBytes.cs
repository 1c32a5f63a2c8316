using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer.Protobuf;

/// <summary>
/// Each stored object's protobuf message, encoded once per version and shared by every list and watch that sends it
/// (as <see cref="WireBytes"/> shares the JSON); and lists built from those messages.
/// </summary>
internal static class ProtoBytes
{
    private static readonly ConditionalWeakTable<JsonObject, Entry> Cache = [];

    /// <summary>The object's message (no envelope), or <see langword="null"/> when it has no protobuf form.</summary>
    public static byte[]? Message(JsonObject stored)
    {
        var version = Json.Str(stored["metadata"]?["resourceVersion"]);
        if (Cache.TryGetValue(stored, out var entry) && entry.Version == version)
        {
            return entry.Message;
        }

        byte[]? bytes;
        try
        {
            var message = ProtoSchema.ForKind(Json.Str(stored["apiVersion"]) ?? string.Empty, Json.Str(stored["kind"]) ?? string.Empty);
            bytes = message is null ? null : ProtoJson.Encode(stored, message);
        }
        catch (ProtoFormatException)
        {
            bytes = null;
        }

        Cache.AddOrUpdate(stored, new Entry(version, bytes));
        return bytes;
    }

    /// <summary>The object in the envelope, or <see langword="null"/> when it has no protobuf form.</summary>
    public static byte[]? Enveloped(JsonObject stored) =>
        Message(stored) is { } message ? KubeProtobuf.Envelope(Json.Str(stored["apiVersion"])!, Json.Str(stored["kind"])!, message) : null;

    /// <summary>A list (metadata 1, items 2 as the list message declares them) in the envelope; <see langword="null"/> when an item or the list has no protobuf form.</summary>
    public static byte[]? TryList(string apiVersion, string listKind, string kind, JsonObject metadata, IReadOnlyList<JsonObject> items)
    {
        var list = ProtoSchema.ForKind(apiVersion, listKind);
        var listMeta = ProtoSchema.Find("meta/v1.ListMeta");
        if (list is null || listMeta is null || !list.ByJson.TryGetValue("items", out var itemsField) || !list.ByJson.TryGetValue("metadata", out var metaField))
        {
            return null;
        }

        var writer = new ProtoWriter();
        try
        {
            writer.BytesField(metaField.Number, ProtoJson.Encode(metadata, listMeta));
        }
        catch (ProtoFormatException)
        {
            return null;
        }

        foreach (var item in items)
        {
            if (Message(item) is not { } bytes)
            {
                return null;
            }

            writer.BytesField(itemsField.Number, bytes);
        }

        _ = kind;
        return KubeProtobuf.Envelope(apiVersion, listKind, writer.Written);
    }

    private sealed record Entry(string? Version, byte[]? Message);
}
