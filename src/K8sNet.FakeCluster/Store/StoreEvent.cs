using System.Text.Json.Nodes;

namespace K8sNet.Testing.Store;

/// <summary>A change in the store: its type, the object after the change (before it, for a deletion), and the version.</summary>
/// <param name="Type">The change.</param>
/// <param name="Resource">The object's kind.</param>
/// <param name="Object">The object (a snapshot: never modified).</param>
/// <param name="OldObject">The object before the change, for modifications and deletions.</param>
/// <param name="ResourceVersion">The store's version after the change.</param>
internal sealed record StoreEvent(StoreEventType Type, ResourceType Resource, JsonObject Object, JsonObject? OldObject, long ResourceVersion);
