using System.Text.Json.Nodes;
using K8sNet.Testing;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Store;

public class ObjectStoreTests
{
    private static ObjectStore NewStore()
    {
        var store = new ObjectStore(new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        store.Create(ResourceType.Namespace, Obj("""{"metadata":{"name":"default"}}"""));
        return store;
    }

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Create_FillsMetadata_AndHandsOutCopies()
    {
        var store = NewStore();

        var created = store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a"},"data":{"k":"v"}}"""));
        created["data"]!["k"] = "changed";

        var stored = store.Get(ResourceType.ConfigMap, "default", "a")!;
        Assert.Equal("v", stored["data"]!["k"]!.GetValue<string>());
        Assert.Equal("default", stored["metadata"]!["namespace"]!.GetValue<string>());
        Assert.Equal("2026-01-02T03:04:05Z", stored["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.True(Guid.TryParse(stored["metadata"]!["uid"]!.GetValue<string>(), out _));
        Assert.Equal("v1", stored["apiVersion"]!.GetValue<string>());
    }

    [Fact]
    public void Create_GenerateName_AppendsFiveCharacters_AndDuplicatesAreRejected()
    {
        var store = NewStore();

        var a = store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"generateName":"web-"}}"""));
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"fixed"}}"""));
        var ex = Assert.Throws<KubernetesStatusException>(() => store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"fixed"}}""")));

        Assert.Matches("^web-[bcdfghjklmnpqrstvwxz2456789]{5}$", a["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal((409, "AlreadyExists"), (ex.Code, ex.Reason));
        Assert.Equal("configmaps \"fixed\" already exists", ex.Message);
    }

    [Fact]
    public void Create_InMissingNamespace_IsNotFound()
    {
        var ex = Assert.Throws<KubernetesStatusException>(() => NewStore().Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a","namespace":"nope"}}""")));

        Assert.Equal("namespaces \"nope\" not found", ex.Message);
    }

    [Fact]
    public void Update_StaleResourceVersion_IsAConflict_GenerationFollowsSpec()
    {
        var store = NewStore();
        var created = store.Create(ResourceType.Deployment, Obj("""{"metadata":{"name":"d"},"spec":{"replicas":1}}"""));
        var stale = (JsonObject)created.DeepClone();
        created["spec"]!["replicas"] = 2;
        var updated = store.Update(ResourceType.Deployment, created);
        updated["metadata"]!["labels"] = new JsonObject { ["x"] = "y" };
        var relabelled = store.Update(ResourceType.Deployment, updated);

        var ex = Assert.Throws<KubernetesStatusException>(() => store.Update(ResourceType.Deployment, stale));

        Assert.Equal((409, "Conflict"), (ex.Code, ex.Reason));
        Assert.StartsWith("Operation cannot be fulfilled on deployments.apps \"d\": the object has been modified", ex.Message);
        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(2, relabelled["metadata"]!["generation"]!.GetValue<long>());
    }

    [Fact]
    public void Delete_WithFinalizer_WaitsUntilItIsCleared()
    {
        var store = NewStore();
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a","finalizers":["example.com/hold"]}}"""));

        var marked = store.Delete(ResourceType.ConfigMap, "default", "a");
        Assert.NotNull(store.Get(ResourceType.ConfigMap, "default", "a"));
        marked["metadata"]!["finalizers"] = new JsonArray();
        store.Update(ResourceType.ConfigMap, marked);

        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.Null(store.Get(ResourceType.ConfigMap, "default", "a"));
    }

    [Fact]
    public void List_OneResourceVersion_FiltersBySelectors()
    {
        var store = NewStore();
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a","labels":{"app":"web"}}}"""));
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"b","labels":{"app":"db"}}}"""));

        var (items, rv) = store.List(ResourceType.ConfigMap, "default", LabelSelector.Parse("app in (web)"));

        Assert.Equal("a", Assert.Single(items)["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(store.ResourceVersion, rv);
    }

    [Fact]
    public async Task Watch_FromAVersion_ReplaysChanges_AndSelectorTransitionsBecomeAddedAndDeleted()
    {
        var store = NewStore();
        var a = store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a","labels":{"app":"web"}}}"""));
        var from = store.ResourceVersion;
        a["metadata"]!["labels"]!["app"] = "db";
        a["metadata"]!.AsObject().Remove("resourceVersion");
        store.Update(ResourceType.ConfigMap, a);
        a["metadata"]!["labels"]!["app"] = "web";
        store.Update(ResourceType.ConfigMap, a);
        store.Delete(ResourceType.ConfigMap, "default", "a");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var reader = store.Watch(ResourceType.ConfigMap, "default", LabelSelector.Parse("app=web"), sinceResourceVersion: from, cancellationToken: cts.Token);
        var events = new List<StoreEventType>();
        for (var i = 0; i < 3; i++)
        {
            events.Add((await reader.ReadAsync(cts.Token)).Type);
        }

        Assert.Equal([StoreEventType.Deleted, StoreEventType.Added, StoreEventType.Deleted], events);
    }

    [Fact]
    public void Watch_FromACompactedVersion_Is410Gone()
    {
        var store = NewStore();
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a"}}"""));
        var old = store.ResourceVersion - 1;
        store.Compact();

        var ex = Assert.Throws<KubernetesStatusException>(() => store.Watch(ResourceType.ConfigMap, sinceResourceVersion: old));

        Assert.Equal((410, "Expired"), (ex.Code, ex.Reason));
        Assert.StartsWith("too old resource version", ex.Message);
    }

    [Fact]
    public async Task Watch_WithoutVersion_StartsWithTheCurrentObjects_ThenFollows()
    {
        var store = NewStore();
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"a"}}"""));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        var reader = store.Watch(ResourceType.ConfigMap, cancellationToken: cts.Token);
        store.Create(ResourceType.ConfigMap, Obj("""{"metadata":{"name":"b"}}"""));

        var first = await reader.ReadAsync(cts.Token);
        var second = await reader.ReadAsync(cts.Token);
        Assert.Equal(("a", StoreEventType.Added), (first.Object["metadata"]!["name"]!.GetValue<string>(), first.Type));
        Assert.Equal(("b", StoreEventType.Added), (second.Object["metadata"]!["name"]!.GetValue<string>(), second.Type));
    }

    [Fact]
    public async Task DropWatches_CompletesOpenWatches()
    {
        var store = NewStore();
        var reader = store.Watch(ResourceType.ConfigMap);

        store.DropWatches();

        Assert.False(await reader.WaitToReadAsync());
    }
}
