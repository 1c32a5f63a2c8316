using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using K8sNet.Testing.Selectors;

namespace K8sNet.Testing.Store;

/// <summary>
/// FakeCluster's object store: every kind as JSON, one resourceVersion counter across kinds (like etcd's revision),
/// optimistic concurrency, graceful deletion and finalizers, and watches with replay from a version. Objects handed out
/// are copies; what is stored is never modified in place. Thread-safe.
/// </summary>
internal sealed class ObjectStore
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int HistoryLimit = 100_000;

    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly ObjectIndex _objects = new();
    private readonly LinkedList<StoreEvent> _history = new();
    private readonly List<Subscription> _subscriptions = [];
    private long _resourceVersion;
    private long _compactedThrough;

    /// <summary>Creates a store.</summary>
    /// <param name="timeProvider">The clock for timestamps.</param>
    /// <param name="seed">The seed of generated names and UIDs, so runs repeat.</param>
    public ObjectStore(TimeProvider timeProvider, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _random = new Random(seed);
    }

    /// <summary>The current resource version.</summary>
    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    /// <summary>The oldest version a watch can resume from (older ones get 410 Gone).</summary>
    public long OldestResumableVersion
    {
        get
        {
            lock (_gate)
            {
                return _compactedThrough;
            }
        }
    }

    /// <summary>Creates an object: a name from <c>generateName</c> when it has none, a UID, a creation timestamp, a version.</summary>
    /// <param name="type">The kind.</param>
    /// <param name="obj">The object (not modified).</param>
    /// <returns>The stored object (a copy).</returns>
    /// <exception cref="KubernetesStatusException">AlreadyExists, Invalid (no name), NotFound (namespace).</exception>
    public JsonObject Create(ResourceType type, JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        return (JsonObject)CreateOwned(type, (JsonObject)obj.DeepClone()).DeepClone();
    }

    /// <summary>
    /// <see cref="Create"/> for FakeCluster's own writes: the store takes <paramref name="copy"/> itself (the caller must
    /// not touch it again) and returns the stored object itself, read only.
    /// </summary>
    /// <param name="type">The kind.</param>
    /// <param name="copy">The object, taken over.</param>
    /// <param name="dryRun">Everything but the write (<c>dryRun=All</c>): the object as it would be stored, without a resourceVersion.</param>
    /// <param name="prepare">What must know the object's name and uid before it is stored (a Job's generated selector); it may refuse.</param>
    internal JsonObject CreateOwned(ResourceType type, JsonObject copy, bool dryRun = false, Action<JsonObject>? prepare = null)
    {
        var meta = Metadata(copy);
        lock (_gate)
        {
            var ns = Namespace(type, meta);
            if (type.Namespaced && !_objects.ContainsKey((ResourceType.Namespace, string.Empty, ns)))
            {
                throw KubernetesStatusException.NotFound(ResourceType.Namespace, ns);
            }

            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta["generateName"]?.GetValue<string>();
                if (string.IsNullOrEmpty(prefix))
                {
                    throw KubernetesStatusException.Invalid(type, string.Empty, "metadata.name: Required value: name or generateName is required");
                }

                do
                {
                    name = prefix + RandomSuffix();
                }
                while (_objects.ContainsKey((type, ns, name)));

                meta["name"] = name;
            }

            if (_objects.ContainsKey((type, ns, name)))
            {
                throw KubernetesStatusException.AlreadyExists(type, name);
            }

            copy["apiVersion"] = type.ApiVersion;
            copy["kind"] = type.Kind;
            if (type.Namespaced)
            {
                meta["namespace"] = ns;
            }
            else
            {
                meta.Remove("namespace");
            }

            meta["uid"] = NewUid();
            meta["creationTimestamp"] = Timestamp(_time.GetUtcNow());
            meta["generation"] = 1;
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            prepare?.Invoke(copy);
            if (dryRun)
            {
                meta.Remove("resourceVersion");
                return copy;
            }

            var rv = ++_resourceVersion;
            meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            _objects[(type, ns, name)] = copy;
            Publish(new StoreEvent(StoreEventType.Added, type, copy, null, rv));
            return copy;
        }
    }

    /// <summary>
    /// Replaces an object. When the given object carries a <c>resourceVersion</c>, it must be the current one
    /// (optimistic concurrency). UID and creation timestamp are kept; <c>generation</c> grows when <c>spec</c> changes.
    /// An object being deleted whose finalizers are now empty is removed.
    /// </summary>
    /// <param name="type">The kind.</param>
    /// <param name="obj">The new object.</param>
    /// <returns>The stored object (a copy), or the last state when the update completed a deletion.</returns>
    /// <exception cref="KubernetesStatusException">NotFound, Conflict.</exception>
    /// <param name="dryRun">Everything but the write (<c>dryRun=All</c>).</param>
    public JsonObject Update(ResourceType type, JsonObject obj, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        return (JsonObject)UpdateOwned(type, (JsonObject)obj.DeepClone(), dryRun).DeepClone();
    }

    /// <summary><see cref="Update"/> for FakeCluster's own writes: takes <paramref name="copy"/> itself, returns the stored object itself (read only).</summary>
    internal JsonObject UpdateOwned(ResourceType type, JsonObject copy, bool dryRun = false)
    {
        var meta = Metadata(copy);
        lock (_gate)
        {
            var ns = Namespace(type, meta);
            var name = meta["name"]?.GetValue<string>() ?? string.Empty;
            if (!_objects.TryGetValue((type, ns, name), out var current))
            {
                throw KubernetesStatusException.NotFound(type, name);
            }

            var currentMeta = Metadata(current);
            var given = meta["resourceVersion"]?.GetValue<string>();
            if (!string.IsNullOrEmpty(given) && given != currentMeta["resourceVersion"]!.GetValue<string>())
            {
                throw KubernetesStatusException.Conflict(type, name);
            }

            copy["apiVersion"] = type.ApiVersion;
            copy["kind"] = type.Kind;
            meta["uid"] = currentMeta["uid"]!.DeepClone();
            meta["creationTimestamp"] = currentMeta["creationTimestamp"]!.DeepClone();
            if (type.Namespaced)
            {
                meta["namespace"] = ns;
            }

            foreach (var kept in new[] { "deletionTimestamp", "deletionGracePeriodSeconds" })
            {
                if (currentMeta[kept] is { } value)
                {
                    meta[kept] = value.DeepClone();
                }
            }

            var generation = Json.Num(currentMeta["generation"]) ?? 1;
            if (!JsonNode.DeepEquals(current["spec"], copy["spec"]))
            {
                generation++;
            }

            meta["generation"] = generation;
            if (dryRun)
            {
                meta["resourceVersion"] = currentMeta["resourceVersion"]!.DeepClone();
                return copy;
            }

            var rv = ++_resourceVersion;
            meta["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
            if (meta["deletionTimestamp"] is not null && Finalizers(meta).Count == 0 && !IsGracefulPod(type, meta))
            {
                _objects.Remove((type, ns, name));
                Publish(new StoreEvent(StoreEventType.Deleted, type, copy, current, rv));
                return copy;
            }

            _objects[(type, ns, name)] = copy;
            Publish(new StoreEvent(StoreEventType.Modified, type, copy, current, rv));
            return copy;
        }
    }

    /// <summary>
    /// Deletes an object as the API server does: objects with finalizers, and pods with a grace period, get a
    /// <c>deletionTimestamp</c> and stay until the finalizers are gone (or the kubelet finishes); others go at once.
    /// </summary>
    /// <param name="type">The kind.</param>
    /// <param name="namespace">The namespace (ignored for cluster-scoped kinds).</param>
    /// <param name="name">The name.</param>
    /// <param name="gracePeriodSeconds">For pods: the grace period; <see langword="null"/> uses the pod's <c>terminationGracePeriodSeconds</c> (default 30).</param>
    /// <param name="extraFinalizer">A finalizer to add first (<c>foregroundDeletion</c> or <c>orphan</c>), if any.</param>
    /// <param name="uidPrecondition">When set, the object's UID must match.</param>
    /// <param name="dryRun">Everything but the write (<c>dryRun=All</c>): the object as the deletion would leave it.</param>
    /// <returns>The object after the call: marked for deletion, or its last state when removed.</returns>
    /// <exception cref="KubernetesStatusException">NotFound, Conflict (UID precondition).</exception>
    public JsonObject Delete(ResourceType type, string? @namespace, string name, long? gracePeriodSeconds = null, string? extraFinalizer = null, string? uidPrecondition = null, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            var ns = type.Namespaced ? @namespace ?? "default" : string.Empty;
            if (!_objects.TryGetValue((type, ns, name), out var current))
            {
                throw KubernetesStatusException.NotFound(type, name);
            }

            var currentMeta = Metadata(current);
            if (uidPrecondition is not null && currentMeta["uid"]?.GetValue<string>() != uidPrecondition)
            {
                throw new KubernetesStatusException(409, "Conflict",
                    $"Operation cannot be fulfilled on {type.Plural} \"{name}\": Precondition failed: UID in precondition: {uidPrecondition}, UID in object meta: {currentMeta["uid"]}", type.Plural, name, type.Group);
            }

            var copy = (JsonObject)current.DeepClone();
            var meta = Metadata(copy);
            var finalizers = Finalizers(meta);
            if (extraFinalizer is not null && !finalizers.Contains(extraFinalizer) && meta["deletionTimestamp"] is null)
            {
                if (meta["finalizers"] is not JsonArray array)
                {
                    array = [];
                    meta["finalizers"] = array;
                }

                array.Add(extraFinalizer);
                finalizers = Finalizers(meta);
            }

            long grace = 0;
            if (type == ResourceType.Pod)
            {
                grace = gracePeriodSeconds ?? Json.Num(current["spec"]?["terminationGracePeriodSeconds"]) ?? 30;
                var phase = current["status"]?["phase"]?.GetValue<string>();
                var scheduled = !string.IsNullOrEmpty(current["spec"]?["nodeName"]?.GetValue<string>());
                if (!scheduled || phase is "Succeeded" or "Failed")
                {
                    grace = 0; // the API server deletes unscheduled and terminated pods at once
                }
            }

            if (meta["deletionTimestamp"] is not null)
            {
                // Already being deleted: a pod deletion with a shorter grace period (0: force) finishes it.
                if (type == ResourceType.Pod && gracePeriodSeconds is { } g && g < (Json.Num(meta["deletionGracePeriodSeconds"]) ?? long.MaxValue))
                {
                    if (g == 0 && finalizers.Count == 0)
                    {
                        return Remove(type, ns, name, current, dryRun);
                    }

                    meta["deletionGracePeriodSeconds"] = g;
                    meta["deletionTimestamp"] = Timestamp(_time.GetUtcNow().AddSeconds(g));
                    return Store(type, ns, name, copy, current, dryRun);
                }

                return (JsonObject)current.DeepClone();
            }

            if (finalizers.Count == 0 && grace == 0)
            {
                return Remove(type, ns, name, current, dryRun);
            }

            meta["deletionTimestamp"] = Timestamp(_time.GetUtcNow().AddSeconds(grace));
            meta["deletionGracePeriodSeconds"] = grace;
            return Store(type, ns, name, copy, current, dryRun);
        }
    }

    /// <summary>An object, or <see langword="null"/>.</summary>
    /// <param name="type">The kind.</param>
    /// <param name="namespace">The namespace (ignored for cluster-scoped kinds).</param>
    /// <param name="name">The name.</param>
    /// <returns>A copy of the object.</returns>
    public JsonObject? Get(ResourceType type, string? @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            return _objects.TryGetValue((type, type.Namespaced ? @namespace ?? "default" : string.Empty, name), out var obj)
                ? (JsonObject)obj.DeepClone()
                : null;
        }
    }

    /// <summary>Lists objects, ordered by namespace then name, and the version the list was taken at.</summary>
    /// <param name="type">The kind.</param>
    /// <param name="namespace">A namespace, or <see langword="null"/> for all.</param>
    /// <param name="labels">A label selector, or <see langword="null"/>.</param>
    /// <param name="fields">A field selector, or <see langword="null"/>.</param>
    /// <returns>Copies of the matching objects and the store's version.</returns>
    public (IReadOnlyList<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? @namespace = null, LabelSelector? labels = null, FieldSelector? fields = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        lock (_gate)
        {
            var items = _objects.Enumerate(type, @namespace).Where(o => Matches(o, labels, fields)).Select(o => (JsonObject)o.DeepClone()).ToList();
            return (items, _resourceVersion);
        }
    }

    /// <summary>
    /// The objects of a kind as they were at <paramref name="resourceVersion"/> (an exact list, as etcd serves one until
    /// it compacts): today's objects with every later change undone. Stored objects themselves, read only.
    /// </summary>
    /// <exception cref="KubernetesStatusException">410 Expired: the version has been compacted away.</exception>
    internal (List<JsonObject> Items, long ResourceVersion) ListAt(ResourceType type, string? @namespace, LabelSelector? labels, FieldSelector? fields, long resourceVersion)
    {
        lock (_gate)
        {
            if (resourceVersion < _compactedThrough)
            {
                throw KubernetesStatusException.Gone($"too old resource version: {resourceVersion} ({_compactedThrough})");
            }

            if (resourceVersion >= _resourceVersion)
            {
                return (_objects.Enumerate(type, @namespace).Where(o => Matches(o, labels, fields)).ToList(), _resourceVersion);
            }

            var state = new SortedDictionary<(string Namespace, string Name), JsonObject>(Comparer<(string Namespace, string Name)>.Create(
                static (a, b) => string.CompareOrdinal(a.Namespace, b.Namespace) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name)));
            foreach (var obj in _objects.Enumerate(type, @namespace))
            {
                state[(Json.Namespace(obj), Json.Name(obj))] = obj;
            }

            for (var node = _history.Last; node is not null && node.Value.ResourceVersion > resourceVersion; node = node.Previous)
            {
                var e = node.Value;
                if (e.Resource != type || (@namespace is not null && type.Namespaced && Json.Namespace(e.Object) != @namespace))
                {
                    continue;
                }

                var key = (Json.Namespace(e.Object), Json.Name(e.Object));
                if (e.Type == StoreEventType.Added)
                {
                    state.Remove(key);
                }
                else if (e.OldObject is not null)
                {
                    state[key] = e.OldObject;
                }
            }

            return (state.Values.Where(o => Matches(o, labels, fields)).ToList(), resourceVersion);
        }
    }

    /// <summary>
    /// The stored objects themselves, not copies, for FakeCluster's controllers on their hot paths: callers must only
    /// read them (stored objects are replaced on every write, never changed in place).
    /// </summary>
    internal List<JsonObject> Peek(ResourceType type, string? @namespace, LabelSelector? labels = null)
    {
        lock (_gate)
        {
            return _objects.Enumerate(type, @namespace).Where(o => Matches(o, labels, null)).ToList();
        }
    }

    /// <summary>One stored object itself, not a copy (read only; see <see cref="Peek"/>).</summary>
    internal JsonObject? PeekOne(ResourceType type, string? @namespace, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue((type, type.Namespaced ? @namespace ?? "default" : string.Empty, name), out var obj) ? obj : null;
        }
    }

    /// <summary>
    /// Watches a kind. Without <paramref name="sinceResourceVersion"/> (or with 0) the watch starts with an ADDED event
    /// for every current object; with a version it replays the changes after it, or fails with 410 Gone when that
    /// version has been compacted. Objects that stop (or start) matching a selector give DELETED (or ADDED) events.
    /// </summary>
    /// <param name="type">The kind.</param>
    /// <param name="namespace">A namespace, or <see langword="null"/> for all.</param>
    /// <param name="labels">A label selector, or <see langword="null"/>.</param>
    /// <param name="fields">A field selector, or <see langword="null"/>.</param>
    /// <param name="sinceResourceVersion">Where to start.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The events.</returns>
    /// <exception cref="KubernetesStatusException">410 Gone: the version is too old.</exception>
    public ChannelReader<StoreEvent> Watch(
        ResourceType type, string? @namespace = null, LabelSelector? labels = null, FieldSelector? fields = null,
        long? sinceResourceVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        var channel = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = false } /* the API server reads Count */);
        var subscription = new Subscription(e => Deliver(channel.Writer, e, type, @namespace, labels, fields), isWatch: true)
        {
            OnComplete = () => channel.Writer.TryComplete(),
        };
        lock (_gate)
        {
            if (sinceResourceVersion is null or 0)
            {
                foreach (var obj in _objects.Enumerate(type, @namespace))
                {
                    if (Matches(obj, labels, fields))
                    {
                        channel.Writer.TryWrite(new StoreEvent(StoreEventType.Added, type, (JsonObject)obj.DeepClone(), null, long.Parse(Metadata(obj)["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
                    }
                }
            }
            else
            {
                if (sinceResourceVersion < _compactedThrough)
                {
                    throw KubernetesStatusException.Gone($"too old resource version: {sinceResourceVersion} ({_compactedThrough})");
                }

                foreach (var e in _history)
                {
                    if (e.ResourceVersion > sinceResourceVersion)
                    {
                        subscription.Deliver(e);
                    }
                }
            }

            _subscriptions.Add(subscription);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _subscriptions.Remove(subscription);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    /// <summary>Receives every change, in order, synchronously (for controllers, which must only enqueue work).</summary>
    /// <param name="onChange">The callback; called under the store's lock.</param>
    /// <returns>Disposing it unsubscribes.</returns>
    public IDisposable Subscribe(Action<StoreEvent> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        var subscription = new Subscription(onChange, isWatch: false);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        return new Unsubscriber(this, subscription);
    }

    /// <summary>Runs reads as one consistent view: no write happens in between (the lock is re-entrant).</summary>
    internal T Atomically<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    /// <summary>Forgets the history up to now: watches resuming from an older version get 410 Gone.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _history.Clear();
            _compactedThrough = _resourceVersion;
        }
    }

    /// <summary>Ends every open watch (their channels complete), as an API server restart or a dropped connection would.</summary>
    public void DropWatches()
    {
        lock (_gate)
        {
            foreach (var s in _subscriptions.Where(s => s.IsWatch).ToList())
            {
                s.Complete();
                _subscriptions.Remove(s);
            }
        }
    }

    internal static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = [];
            obj["metadata"] = meta;
        }

        return meta;
    }

    internal static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool Matches(JsonObject obj, LabelSelector? labels, FieldSelector? fields) =>
        (labels is null || labels.IsEmpty || labels.Matches(JsonLabels.Of(obj))) && (fields is null || fields.Matches(obj));

    internal static Dictionary<string, string>? Labels(JsonObject obj)
    {
        if (obj["metadata"]?["labels"] is not JsonObject labels)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in labels)
        {
            result[k] = v?.GetValue<string>() ?? string.Empty;
        }

        return result;
    }

    private static List<string> Finalizers(JsonObject meta) =>
        meta["finalizers"] is JsonArray array ? [.. array.Select(f => f!.GetValue<string>())] : [];

    private static bool IsGracefulPod(ResourceType type, JsonObject meta) =>
        type == ResourceType.Pod && (Json.Num(meta["deletionGracePeriodSeconds"]) ?? 0) > 0;

    private static void Deliver(ChannelWriter<StoreEvent> writer, StoreEvent e, ResourceType type, string? ns, LabelSelector? labels, FieldSelector? fields)
    {
        if (e.Resource != type || (ns is not null && e.Object["metadata"]?["namespace"]?.GetValue<string>() != ns))
        {
            return;
        }

        var now = Matches(e.Object, labels, fields);
        var before = e.OldObject is not null && Matches(e.OldObject, labels, fields);
        switch (e.Type)
        {
            case StoreEventType.Added when now:
                writer.TryWrite(e);
                break;
            case StoreEventType.Modified when now && before:
                writer.TryWrite(e);
                break;
            case StoreEventType.Modified when now:
                writer.TryWrite(e with { Type = StoreEventType.Added });
                break;
            case StoreEventType.Modified when before:
                writer.TryWrite(e with { Type = StoreEventType.Deleted });
                break;
            case StoreEventType.Deleted when before || now:
                writer.TryWrite(e);
                break;
        }
    }

    private static string Namespace(ResourceType type, JsonObject meta) =>
        type.Namespaced ? (meta["namespace"]?.GetValue<string>() is { Length: > 0 } ns ? ns : "default") : string.Empty;

    private JsonObject Remove(ResourceType type, string ns, string name, JsonObject current, bool dryRun = false)
    {
        if (dryRun)
        {
            return (JsonObject)current.DeepClone();
        }

        _objects.Remove((type, ns, name));
        var rv = ++_resourceVersion;
        var last = (JsonObject)current.DeepClone();
        Metadata(last)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        Publish(new StoreEvent(StoreEventType.Deleted, type, last, current, rv));
        return (JsonObject)last.DeepClone();
    }

    private JsonObject Store(ResourceType type, string ns, string name, JsonObject copy, JsonObject current, bool dryRun = false)
    {
        if (dryRun)
        {
            return (JsonObject)copy.DeepClone();
        }

        var rv = ++_resourceVersion;
        Metadata(copy)["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        _objects[(type, ns, name)] = copy;
        Publish(new StoreEvent(StoreEventType.Modified, type, copy, current, rv));
        return (JsonObject)copy.DeepClone();
    }

    private void Publish(StoreEvent e)
    {
        _history.AddLast(e);
        if (_history.Count > HistoryLimit)
        {
            _compactedThrough = _history.First!.Value.ResourceVersion;
            _history.RemoveFirst();
        }

        foreach (var s in _subscriptions)
        {
            s.Deliver(e);
        }
    }

    private string RandomSuffix()
    {
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = GenerateNameAlphabet[_random.Next(GenerateNameAlphabet.Length)];
        }

        return new string(chars);
    }

    private string NewUid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    private sealed class Subscription
    {
        private readonly Action<StoreEvent> _deliver;

        public Subscription(Action<StoreEvent> deliver, bool isWatch)
        {
            _deliver = deliver;
            IsWatch = isWatch;
        }

        public bool IsWatch { get; }

        public Action? OnComplete { get; set; }

        public void Deliver(StoreEvent e) => _deliver(e);

        public void Complete() => OnComplete?.Invoke();
    }

    private sealed class Unsubscriber(ObjectStore store, Subscription subscription) : IDisposable
    {
        public void Dispose()
        {
            lock (store._gate)
            {
                store._subscriptions.Remove(subscription);
            }
        }
    }
}
