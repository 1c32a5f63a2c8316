using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The garbage collector: when an owner is gone, dependents whose owners are all gone are deleted (dependents with
/// another live owner just lose the reference); an owner deleted with <c>orphan</c> has its dependents' references
/// removed and then goes; an owner deleted in the foreground goes when its dependents are gone.
/// </summary>
internal sealed class GarbageCollector(FakeCluster cluster)
{
    private const string Orphan = "orphan";
    private const string Foreground = "foregroundDeletion";

    // The graph, from the events seen so far (as upstream's GC builds it from informers): objects by UID, and each
    // owner's dependents.
    private readonly Dictionary<string, (ResourceType Type, string Namespace, string Name)> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _owners = new(StringComparer.Ordinal);

    public void Handle(StoreEvent e)
    {
        var uid = Json.Uid(e.Object);
        Track(e, uid);
        if (e.Type == StoreEventType.Deleted)
        {
            foreach (var (type, dependent) in Dependents(uid))
            {
                var remaining = Owners.OwnerUids(dependent).Where(o => o != uid && Exists(o)).ToList();
                if (remaining.Count > 0)
                {
                    RemoveOwner(type, dependent, uid);
                }
                else
                {
                    TryDelete(type, dependent);
                }
            }

            // A dependent of an owner being deleted in the foreground went: maybe the owner can go now.
            foreach (var ownerUid in Owners.OwnerUids(e.Object))
            {
                if (Find(ownerUid) is { } owner && Finalizers(owner.Object).Contains(Foreground) && !Dependents(ownerUid).Any())
                {
                    RemoveFinalizer(owner.Type, owner.Object, Foreground);
                }
            }

            return;
        }

        if (!Json.IsDeleting(e.Object))
        {
            return;
        }

        var finalizers = Finalizers(e.Object);
        if (finalizers.Contains(Orphan))
        {
            foreach (var (type, dependent) in Dependents(uid))
            {
                RemoveOwner(type, dependent, uid);
            }

            RemoveFinalizer(e.Resource, e.Object, Orphan);
        }
        else if (finalizers.Contains(Foreground))
        {
            var dependents = Dependents(uid).ToList();
            if (dependents.Count == 0)
            {
                RemoveFinalizer(e.Resource, e.Object, Foreground);
            }

            foreach (var (type, dependent) in dependents)
            {
                if (!Json.IsDeleting(dependent))
                {
                    TryDelete(type, dependent, foreground: true);
                }
            }
        }
    }

    private void Track(StoreEvent e, string uid)
    {
        if (_owners.Remove(uid, out var before))
        {
            foreach (var owner in before)
            {
                if (_dependents.TryGetValue(owner, out var set) && set.Remove(uid) && set.Count == 0)
                {
                    _dependents.Remove(owner);
                }
            }
        }

        if (e.Type == StoreEventType.Deleted)
        {
            _byUid.Remove(uid);
            return;
        }

        _byUid[uid] = (e.Resource, Json.Namespace(e.Object), Json.Name(e.Object));
        var owners = Owners.OwnerUids(e.Object).Distinct(StringComparer.Ordinal).ToArray();
        if (owners.Length > 0)
        {
            _owners[uid] = owners;
            foreach (var owner in owners)
            {
                if (!_dependents.TryGetValue(owner, out var set))
                {
                    _dependents[owner] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(uid);
            }
        }
    }

    private IEnumerable<(ResourceType Type, JsonObject Object)> Dependents(string uid)
    {
        if (!_dependents.TryGetValue(uid, out var set))
        {
            yield break;
        }

        foreach (var dependent in set.Order(StringComparer.Ordinal).ToList())
        {
            if (Find(dependent) is { } found && Owners.OwnerUids(found.Object).Contains(uid))
            {
                yield return found;
            }
        }
    }

    private (ResourceType Type, JsonObject Object)? Find(string uid)
    {
        if (_byUid.TryGetValue(uid, out var key) && cluster.Store.Get(key.Type, key.Namespace, key.Name) is { } obj && Json.Uid(obj) == uid)
        {
            return (key.Type, obj);
        }

        return null;
    }

    private bool Exists(string uid) => Find(uid) is not null;

    private static List<string> Finalizers(JsonObject obj) =>
        [.. (obj["metadata"]?["finalizers"] as JsonArray ?? []).Select(Json.Str).OfType<string>()];

    private void RemoveOwner(ResourceType type, JsonObject dependent, string uid)
    {
        var refs = dependent["metadata"]?["ownerReferences"] as JsonArray;
        if (refs is null)
        {
            return;
        }

        foreach (var r in refs.OfType<JsonObject>().Where(r => Json.Str(r["uid"]) == uid).ToList())
        {
            refs.Remove(r);
        }

        Write(type, dependent);
    }

    private void RemoveFinalizer(ResourceType type, JsonObject obj, string finalizer)
    {
        var current = cluster.Store.Get(type, Json.Namespace(obj), Json.Name(obj));
        if (current?["metadata"]?["finalizers"] is not JsonArray list)
        {
            return;
        }

        foreach (var f in list.Where(f => Json.Str(f) == finalizer).ToList())
        {
            list.Remove(f);
        }

        Write(type, current);
    }

    private void Write(ResourceType type, JsonObject obj)
    {
        try
        {
            cluster.Store.UpdateOwned(type, obj);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            // changed meanwhile; the next event brings us back
        }
    }

    private void TryDelete(ResourceType type, JsonObject obj, bool foreground = false)
    {
        try
        {
            cluster.Store.Delete(type, Json.Namespace(obj), Json.Name(obj), extraFinalizer: foreground ? Foreground : null, uidPrecondition: Json.Uid(obj));
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }
}
