using System.Text.Json.Nodes;

namespace K8sNet.Testing.Store;

/// <summary>
/// The store's objects by kind, then namespace, then name, each level in ordinal order, so that a list of one kind in
/// one namespace touches only those objects and comes out sorted.
/// </summary>
internal sealed class ObjectIndex
{
    private readonly Dictionary<ResourceType, SortedDictionary<string, SortedDictionary<string, JsonObject>>> _byType = [];

    public bool ContainsKey((ResourceType Type, string Namespace, string Name) key) => TryGetValue(key, out _);

    public bool TryGetValue((ResourceType Type, string Namespace, string Name) key, out JsonObject value)
    {
        if (_byType.TryGetValue(key.Type, out var namespaces) && namespaces.TryGetValue(key.Namespace, out var names) && names.TryGetValue(key.Name, out var found))
        {
            value = found;
            return true;
        }

        value = null!;
        return false;
    }

    public JsonObject this[(ResourceType Type, string Namespace, string Name) key]
    {
        set
        {
            if (!_byType.TryGetValue(key.Type, out var namespaces))
            {
                _byType[key.Type] = namespaces = new SortedDictionary<string, SortedDictionary<string, JsonObject>>(StringComparer.Ordinal);
            }

            if (!namespaces.TryGetValue(key.Namespace, out var names))
            {
                namespaces[key.Namespace] = names = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            }

            names[key.Name] = value;
        }
    }

    public bool Remove((ResourceType Type, string Namespace, string Name) key)
    {
        if (_byType.TryGetValue(key.Type, out var namespaces) && namespaces.TryGetValue(key.Namespace, out var names) && names.Remove(key.Name))
        {
            if (names.Count == 0)
            {
                namespaces.Remove(key.Namespace);
            }

            return true;
        }

        return false;
    }

    /// <summary>Objects of a kind, in one namespace or (<see langword="null"/>) all, by namespace then name.</summary>
    public IEnumerable<JsonObject> Enumerate(ResourceType type, string? @namespace)
    {
        if (!_byType.TryGetValue(type, out var namespaces))
        {
            yield break;
        }

        if (@namespace is not null && type.Namespaced)
        {
            if (namespaces.TryGetValue(@namespace, out var names))
            {
                foreach (var obj in names.Values)
                {
                    yield return obj;
                }
            }

            yield break;
        }

        foreach (var names in namespaces.Values)
        {
            foreach (var obj in names.Values)
            {
                yield return obj;
            }
        }
    }
}
