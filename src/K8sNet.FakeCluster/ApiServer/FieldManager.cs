using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// Field ownership (<c>metadata.managedFields</c>) and server-side apply, as the API server's structured-merge-diff keeps
/// them for the kinds FakeCluster serves. A field is a path: <c>f:name</c> for an object's field,
/// <c>k:{"name":"app"}</c> for an item of a list keyed by its merge keys (containers by name, ports by port or
/// containerPort and protocol, ...), <c>v:"value"</c> for a member of a set (finalizers); any other list is one atomic
/// field. Writes (create, update, patch) give their manager the fields they changed, taken from the others; an apply
/// makes its configuration the manager's whole set: fields it sets that another manager owns with another value are
/// conflicts (409, unless forced, which takes them), and fields it set before and sets no more are removed unless
/// another manager owns them. Differences from upstream: fields the API server defaults on create are owned by no one
/// (upstream gives them to the creator), and a client's own <c>managedFields</c> in a write are ignored.
/// </summary>
internal static class FieldManager
{
    private const char Separator = '\n';

    /// <summary>The manager of a request: <c>fieldManager</c>, else the user agent up to its first '/', as the API server does.</summary>
    public static string Manager(string? fieldManager, string? userAgent)
    {
        if (!string.IsNullOrEmpty(fieldManager))
        {
            return fieldManager.Length <= 128 && fieldManager.All(c => !char.IsControl(c))
                ? fieldManager
                : throw new KubernetesStatusException(422, "Invalid", $"fieldManager: Invalid value: \"{fieldManager}\": must be at most 128 printable characters");
        }

        var agent = userAgent ?? string.Empty;
        var slash = agent.IndexOf('/', StringComparison.Ordinal);
        var prefix = (slash >= 0 ? agent[..slash] : agent).Trim();
        return prefix.Length == 0 ? "unknown" : prefix;
    }

    /// <summary>
    /// Records a write (create when <paramref name="current"/> is null, else update or patch): the fields whose value
    /// <paramref name="written"/> changes go to <paramref name="manager"/> (operation Update) and leave the others;
    /// fields it removes leave everyone. Sets <paramref name="written"/>'s <c>metadata.managedFields</c>.
    /// </summary>
    public static void RecordUpdate(ResourceType type, JsonObject written, JsonObject? current, string manager, DateTimeOffset now)
    {
        var entries = current is null ? [] : Read(current);
        var before = current is null ? [] : Collect(current, type);
        var after = Collect(written, type);
        var changed = after.Where(p => current is null || !Same(current, written, p)).ToHashSet(StringComparer.Ordinal);
        var removed = before.Where(p => !after.Contains(p)).ToHashSet(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            e.Fields.ExceptWith(changed);
            e.Fields.ExceptWith(removed);
        }

        if (changed.Count > 0)
        {
            var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update");
            if (mine is null)
            {
                entries.Add(mine = new Entry(manager, "Update", type.ApiVersion, now, []));
            }

            mine.Fields.UnionWith(changed);
            mine.Time = now;
        }

        Write(written, entries);
    }

    /// <summary>
    /// Server-side apply of <paramref name="config"/> by <paramref name="manager"/> to <paramref name="current"/> (or to
    /// nothing: a create). Returns the object to store, <c>managedFields</c> set.
    /// </summary>
    /// <exception cref="KubernetesStatusException">409 Conflict naming each conflicting field and its manager.</exception>
    public static JsonObject Apply(ResourceType type, JsonObject? current, JsonObject config, string manager, bool force, DateTimeOffset now)
    {
        var entries = current is null ? [] : Read(current);
        var live = current is null ? new JsonObject() : (JsonObject)current.DeepClone();
        var applied = Collect(config, type);
        var conflicts = new List<(Entry Owner, string Path)>();
        foreach (var other in entries.Where(e => e.Manager != manager))
        {
            foreach (var path in other.Fields.Where(applied.Contains).Order(StringComparer.Ordinal))
            {
                if (IsLeaf(config, path) && TryGet(live, path, out var was) && TryGet(config, path, out var want) && !JsonNode.DeepEquals(was, want))
                {
                    conflicts.Add((other, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(conflicts);
        }

        foreach (var (owner, path) in conflicts)
        {
            owner.Fields.Remove(path); // forced: the applier takes them
        }

        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Apply");
        var dropped = mine is null ? [] : mine.Fields.Where(p => !applied.Contains(p)).ToList();
        Merge(live, config, type, string.Empty);
        foreach (var path in dropped.OrderByDescending(p => p.Length))
        {
            var ownedElsewhere = entries.Any(e => e != mine && e.Fields.Any(f => f == path || f.StartsWith(path + Separator, StringComparison.Ordinal)));
            if (!ownedElsewhere)
            {
                Remove(live, path);
            }
        }

        if (mine is null)
        {
            entries.Add(mine = new Entry(manager, "Apply", type.ApiVersion, now, []));
        }

        mine.Fields.Clear();
        mine.Fields.UnionWith(applied);
        mine.Time = now;
        mine.ApiVersion = type.ApiVersion;
        Write(live, entries);
        return live;
    }

    /// <summary>Every field of <paramref name="obj"/> that can be owned (identity, status and bookkeeping excluded).</summary>
    public static HashSet<string> Collect(JsonObject obj, ResourceType type)
    {
        var into = new HashSet<string>(StringComparer.Ordinal);
        CollectObject(obj, string.Empty, string.Empty, type, into);
        return into;
    }

    /// <summary>A path as the API server prints it in conflicts: <c>.spec.template.spec.containers[name="app"].image</c>.</summary>
    public static string Display(string path)
    {
        var text = new StringBuilder();
        foreach (var element in path.Split(Separator))
        {
            if (element.StartsWith("f:", StringComparison.Ordinal))
            {
                text.Append('.').Append(element.AsSpan(2));
            }
            else if (element.StartsWith("k:", StringComparison.Ordinal))
            {
                var key = (JsonObject)JsonNode.Parse(element[2..])!;
                text.Append('[').AppendJoin(",", key.Select(kv => $"{kv.Key}={kv.Value!.ToJsonString()}")).Append(']');
            }
            else if (element.StartsWith("v:", StringComparison.Ordinal))
            {
                text.Append("[=").Append(element.AsSpan(2)).Append(']');
            }
        }

        return text.ToString();
    }

    private static KubernetesStatusException ConflictError(List<(Entry Owner, string Path)> conflicts)
    {
        string Who(Entry e) => e.Operation == "Update" ? $"{Json.Quote(e.Manager)} using {e.ApiVersion}" : Json.Quote(e.Manager);
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {Who(conflicts[0].Owner)}: {Display(conflicts[0].Path)}";
        }
        else
        {
            var lines = conflicts.GroupBy(c => Who(c.Owner), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => g.Select(c => "- " + Display(c.Path)).Prepend($"conflicts with {g.Key}:"));
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join('\n', lines)}";
        }

        return new KubernetesStatusException(409, "Conflict", message)
        {
            Causes = [.. conflicts.Select(c => new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with {Who(c.Owner)}",
                ["field"] = Display(c.Path),
            })],
        };
    }

    // ---- collecting paths

    private static readonly HashSet<string> UnownedMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink",
    };

    private static void CollectObject(JsonObject obj, string prefix, string dotted, ResourceType type, HashSet<string> into)
    {
        foreach (var (key, value) in obj)
        {
            if ((prefix.Length == 0 && key is "apiVersion" or "kind" or "status") || (dotted == "metadata" && UnownedMetadata.Contains(key)))
            {
                continue;
            }

            var path = Join(prefix, "f:" + key);
            var fieldDotted = dotted.Length == 0 ? key : dotted + "." + key;
            switch (value)
            {
                case JsonObject child when child.Count > 0:
                    CollectObject(child, path, fieldDotted, type, into);
                    break;
                case JsonArray list when ListKeys(key, fieldDotted, type) is { } keys && list.Count > 0 && list.All(e => e is JsonObject):
                    foreach (var item in list.Cast<JsonObject>())
                    {
                        var itemPath = Join(path, ItemKey(item, keys));
                        into.Add(itemPath);
                        CollectObject(item, itemPath, fieldDotted, type, into);
                    }

                    break;
                case JsonArray set when StrategicMergePatch.MergingScalarLists.Contains(key) && set.Count > 0 && set.All(e => e is JsonValue):
                    foreach (var member in set)
                    {
                        into.Add(Join(path, "v:" + member!.ToJsonString()));
                    }

                    break;
                default:
                    into.Add(path);
                    break;
            }
        }
    }

    // A list's keys as SSA's listMapKeys: the strategic merge key, with protocol beside a port.
    private static string[]? ListKeys(string field, string dotted, ResourceType type) =>
        StrategicMergePatch.MergeKey(field, dotted, type) is { } key ? key is "port" or "containerPort" ? [key, "protocol"] : [key] : null;

    private static string ItemKey(JsonObject item, string[] keys)
    {
        var key = new JsonObject();
        foreach (var k in keys.Order(StringComparer.Ordinal))
        {
            key[k] = item[k]?.DeepClone() ?? (k == "protocol" ? "TCP" : null);
        }

        return "k:" + key.ToJsonString();
    }

    private static bool Matches(JsonObject item, JsonObject key) =>
        key.All(kv => JsonNode.DeepEquals(item[kv.Key] ?? (kv.Key == "protocol" ? JsonValue.Create("TCP") : null), kv.Value));

    private static string Join(string prefix, string element) => prefix.Length == 0 ? element : prefix + Separator + element;

    // ---- reading and changing values at a path

    private static bool TryGet(JsonNode root, string path, out JsonNode? value)
    {
        JsonNode? node = root;
        foreach (var element in path.Split(Separator))
        {
            if (!TryStep(node, element, out node))
            {
                value = null;
                return false;
            }
        }

        value = node;
        return true;
    }

    private static bool TryStep(JsonNode? node, string element, out JsonNode? next)
    {
        next = null;
        if (element.StartsWith("f:", StringComparison.Ordinal))
        {
            return node is JsonObject o && o.TryGetPropertyValue(element[2..], out next);
        }

        if (node is not JsonArray list)
        {
            return false;
        }

        if (element.StartsWith("k:", StringComparison.Ordinal))
        {
            var key = (JsonObject)JsonNode.Parse(element[2..])!;
            next = list.OfType<JsonObject>().FirstOrDefault(i => Matches(i, key));
        }
        else
        {
            var wanted = JsonNode.Parse(element[2..]);
            next = list.FirstOrDefault(m => JsonNode.DeepEquals(m, wanted));
        }

        return next is not null;
    }

    // A path is a leaf of an object when its value is not an object with fields nor a list item.
    private static bool IsLeaf(JsonObject obj, string path) =>
        !path[(path.LastIndexOf(Separator) + 1)..].StartsWith("k:", StringComparison.Ordinal)
        && !(TryGet(obj, path, out var value) && value is JsonObject { Count: > 0 });

    private static bool Same(JsonObject a, JsonObject b, string path)
    {
        var inA = TryGet(a, path, out var va);
        var inB = TryGet(b, path, out var vb);
        if (inA != inB)
        {
            return false;
        }

        // An item, or an object with fields, is the same node; its fields are compared as paths of their own.
        return !inA || (va is JsonObject { Count: > 0 } && vb is JsonObject { Count: > 0 }) || JsonNode.DeepEquals(va, vb);
    }

    private static void Remove(JsonObject root, string path)
    {
        var cut = path.LastIndexOf(Separator);
        JsonNode? parent = root;
        if (cut >= 0 && !TryGet(root, path[..cut], out parent))
        {
            return;
        }

        var last = cut >= 0 ? path[(cut + 1)..] : path;
        if (last.StartsWith("f:", StringComparison.Ordinal))
        {
            (parent as JsonObject)?.Remove(last[2..]);
        }
        else if (parent is JsonArray list && TryStep(list, last, out var item))
        {
            list.Remove(item);
        }
    }

    // An apply's merge: objects field by field, keyed lists item by item (new items appended), sets by union; anything
    // else the configuration replaces; null removes.
    private static void Merge(JsonObject live, JsonObject config, ResourceType type, string dotted)
    {
        foreach (var (key, value) in config)
        {
            if (dotted.Length == 0 && key == "status")
            {
                continue;
            }

            var fieldDotted = dotted.Length == 0 ? key : dotted + "." + key;
            if (value is null)
            {
                live.Remove(key);
            }
            else if (value is JsonObject wanted && live[key] is JsonObject existing)
            {
                Merge(existing, wanted, type, fieldDotted);
            }
            else if (value is JsonArray items && live[key] is JsonArray present && ListKeys(key, fieldDotted, type) is { } keys
                     && items.All(i => i is JsonObject) && present.All(i => i is JsonObject))
            {
                foreach (var item in items.Cast<JsonObject>())
                {
                    var key0 = (JsonObject)JsonNode.Parse(ItemKey(item, keys)[2..])!;
                    if (present.OfType<JsonObject>().FirstOrDefault(p => Matches(p, key0)) is { } match)
                    {
                        Merge(match, item, type, fieldDotted);
                    }
                    else
                    {
                        present.Add(item.DeepClone());
                    }
                }
            }
            else if (value is JsonArray members && live[key] is JsonArray set && StrategicMergePatch.MergingScalarLists.Contains(key))
            {
                foreach (var m in members.Where(m => !set.Any(s => JsonNode.DeepEquals(s, m))))
                {
                    set.Add(m?.DeepClone());
                }
            }
            else
            {
                live[key] = value.DeepClone();
            }
        }
    }

    // ---- metadata.managedFields

    private sealed class Entry(string manager, string operation, string apiVersion, DateTimeOffset time, HashSet<string> fields)
    {
        public string Manager { get; } = manager;

        public string Operation { get; } = operation;

        public string ApiVersion { get; set; } = apiVersion;

        public DateTimeOffset Time { get; set; } = time;

        public HashSet<string> Fields { get; } = fields;
    }

    private static List<Entry> Read(JsonObject obj)
    {
        var entries = new List<Entry>();
        foreach (var e in (obj["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var fields = new HashSet<string>(StringComparer.Ordinal);
            if (e["fieldsV1"] is JsonObject tree)
            {
                Flatten(tree, string.Empty, fields);
            }

            var time = DateTimeOffset.TryParse(Json.Str(e["time"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.UnixEpoch;
            entries.Add(new Entry(Json.Str(e["manager"]) ?? string.Empty, Json.Str(e["operation"]) ?? "Update", Json.Str(e["apiVersion"]) ?? string.Empty, time, fields));
        }

        return entries;
    }

    private static void Flatten(JsonObject tree, string prefix, HashSet<string> into)
    {
        foreach (var (key, value) in tree)
        {
            if (key == ".")
            {
                into.Add(prefix);
                continue;
            }

            var path = Join(prefix, key);
            if (value is JsonObject { Count: > 0 } children)
            {
                Flatten(children, path, into);
            }
            else
            {
                into.Add(path);
            }
        }
    }

    private static void Write(JsonObject obj, List<Entry> entries)
    {
        var list = new JsonArray();
        foreach (var e in entries.Where(e => e.Fields.Count > 0))
        {
            list.Add(new JsonObject
            {
                ["manager"] = e.Manager,
                ["operation"] = e.Operation,
                ["apiVersion"] = e.ApiVersion,
                ["time"] = ObjectStore.Timestamp(e.Time),
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = Tree(e.Fields),
            });
        }

        var meta = Json.Obj(obj, "metadata");
        if (list.Count == 0)
        {
            meta.Remove("managedFields");
        }
        else
        {
            meta["managedFields"] = list;
        }
    }

    // The fieldsV1 tree: each path a chain of keys; a path with paths under it (a list item) also marks itself with ".".
    private static JsonObject Tree(HashSet<string> paths)
    {
        var root = new JsonObject();
        foreach (var path in paths.Order(StringComparer.Ordinal))
        {
            var node = root;
            foreach (var element in path.Split(Separator))
            {
                if (node[element] is not JsonObject child)
                {
                    node[element] = child = new JsonObject();
                }

                node = child;
            }
        }

        foreach (var path in paths.Where(p => paths.Any(q => q.Length > p.Length && q.StartsWith(p + Separator, StringComparison.Ordinal))))
        {
            JsonNode node = root;
            foreach (var element in path.Split(Separator))
            {
                node = node[element]!;
            }

            ((JsonObject)node)["."] = new JsonObject();
        }

        return root;
    }
}
