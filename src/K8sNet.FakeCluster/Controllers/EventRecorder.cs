using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>Who wrote an event: a controller (<c>replicaset-controller</c>), a node's kubelet, or the scheduler.</summary>
/// <param name="Component">The component, e.g. <c>kubelet</c>.</param>
/// <param name="Host">The node of a kubelet; empty for controllers.</param>
internal readonly record struct EventSource(string Component, string Host = "")
{
    public static EventSource Controller(string name) => new(name);

    public static EventSource Kubelet(string node) => new("kubelet", node);
}

/// <summary>
/// Writes the cluster's Events as its components write them (client-go's tools/record for the controllers and kubelets:
/// core/v1 with a source, a count and first/last timestamps; tools/events for the scheduler: an eventTime, an action and
/// the reporting controller). An event that repeats (same source, object, field path, type, reason and message)
/// increments the stored event's count and last timestamp, as the EventCorrelator's logger does. Each event is named
/// <c>&lt;object&gt;.&lt;hex nanoseconds&gt;</c> in the object's namespace (<c>default</c> for cluster-scoped objects)
/// and deleted <see cref="FakeClusterOptions.EventTtl"/> after its last write, as kube-apiserver's event TTL does.
/// </summary>
internal sealed class EventRecorder(FakeCluster cluster) : IDisposable
{
    private readonly ConcurrentDictionary<string, (string Namespace, string Name)> _seen = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Namespace, string Name), ITimer> _expiries = new();
    private long _lastNanos;

    /// <summary>Records an event about <paramref name="involved"/> of <paramref name="type"/>.</summary>
    public void Record(JsonObject involved, ResourceType type, EventSource source, string eventType, string reason, string message, string? fieldPath = null)
    {
        var reference = Reference(involved, type, fieldPath, source.Component == "kubelet" && type == ResourceType.Node);
        var ns = type.Namespaced ? Json.Namespace(involved) : "default";
        var key = string.Join('\u0001', source.Component, source.Host, reference.ToJsonString(), eventType, reason, message);
        var now = cluster.TimeProvider.GetUtcNow();
        if (_seen.TryGetValue(key, out var known) && cluster.Store.Get(ResourceType.Event, known.Namespace, known.Name) is { } existing)
        {
            existing["count"] = (Json.Num(existing["count"]) ?? 1) + 1;
            existing["lastTimestamp"] = ObjectStore.Timestamp(now);
            Write(() => cluster.Store.UpdateOwned(ResourceType.Event, existing), known.Namespace, known.Name);
            return;
        }

        var name = $"{Json.Name(involved)}.{NextNanos(now):x}";
        var evt = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["involvedObject"] = reference,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = source.Host.Length == 0 ? new JsonObject { ["component"] = source.Component } : new JsonObject { ["component"] = source.Component, ["host"] = source.Host },
            ["firstTimestamp"] = ObjectStore.Timestamp(now),
            ["lastTimestamp"] = ObjectStore.Timestamp(now),
            ["count"] = 1,
            ["type"] = eventType,
            ["eventTime"] = null,
            ["reportingComponent"] = source.Component,
            ["reportingInstance"] = source.Host,
        };
        _seen[key] = (ns, name);
        Write(() => cluster.Store.CreateOwned(ResourceType.Event, evt), ns, name);
    }

    /// <summary>
    /// Records a scheduler event as kube-scheduler writes it (events.k8s.io/v1 through its broadcaster): an eventTime
    /// and an action, no source, count or first and last timestamps.
    /// </summary>
    public string RecordScheduler(JsonObject pod, string eventType, string reason, string action, string message)
    {
        var now = cluster.TimeProvider.GetUtcNow();
        var ns = Json.Namespace(pod);
        var name = $"{Json.Name(pod)}.{NextNanos(now):x}";
        var evt = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["involvedObject"] = Reference(pod, ResourceType.Pod, null, nodeUidIsName: false),
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = new JsonObject(),
            ["firstTimestamp"] = null,
            ["lastTimestamp"] = null,
            ["type"] = eventType,
            ["eventTime"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["action"] = action,
            ["reportingComponent"] = "default-scheduler",
            ["reportingInstance"] = "default-scheduler-k8snet",
        };
        Write(() => cluster.Store.CreateOwned(ResourceType.Event, evt), ns, name);
        return name;
    }

    /// <summary>
    /// The scheduler's FailedScheduling (Warning, action Scheduling): the first attempt writes the event; a repeat with
    /// the same message is an events.k8s.io series (its count and last observed time), as tools/events records them.
    /// </summary>
    public void RecordSchedulingFailure(JsonObject pod, string message)
    {
        var key = string.Join('\u0001', "default-scheduler", Json.Uid(pod), "FailedScheduling", message);
        var now = cluster.TimeProvider.GetUtcNow();
        var micro = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        if (_seen.TryGetValue(key, out var known) && cluster.Store.Get(ResourceType.Event, known.Namespace, known.Name) is { } existing)
        {
            var series = existing["series"] as JsonObject ?? new JsonObject { ["count"] = 1 };
            series["count"] = (Json.Num(series["count"]) ?? 1) + 1;
            series["lastObservedTime"] = micro;
            existing["series"] = series;
            Write(() => cluster.Store.UpdateOwned(ResourceType.Event, existing), known.Namespace, known.Name);
            return;
        }

        var name = RecordScheduler(pod, "Warning", "FailedScheduling", "Scheduling", message.Length > 1024 ? message[..1020] + " ..." : message);
        _seen[key] = (Json.Namespace(pod), name);
    }

    public void Dispose()
    {
        foreach (var timer in _expiries.Values)
        {
            timer.Dispose();
        }

        _expiries.Clear();
    }

    // The involved object's reference; a kubelet refers to its node by name (its uid is the node's name upstream).
    private static JsonObject Reference(JsonObject involved, ResourceType type, string? fieldPath, bool nodeUidIsName)
    {
        var reference = new JsonObject { ["kind"] = type.Kind };
        if (type.Namespaced)
        {
            reference["namespace"] = Json.Namespace(involved);
        }

        reference["name"] = Json.Name(involved);
        reference["uid"] = nodeUidIsName ? Json.Name(involved) : Json.Uid(involved);
        reference["apiVersion"] = type.ApiVersion;
        if (!nodeUidIsName && Json.Str(involved["metadata"]?["resourceVersion"]) is { } version)
        {
            reference["resourceVersion"] = version;
        }

        if (fieldPath is not null)
        {
            reference["fieldPath"] = fieldPath;
        }

        return reference;
    }

    // The event's time in nanoseconds, unique within this cluster (several events in one instant of a virtual clock).
    private long NextNanos(DateTimeOffset now)
    {
        var nanos = (now - DateTimeOffset.UnixEpoch).Ticks * 100;
        long last, next;
        do
        {
            last = Interlocked.Read(ref _lastNanos);
            next = Math.Max(nanos, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastNanos, next, last) != last);
        return next;
    }

    private void Write(Action write, string ns, string name)
    {
        try
        {
            write();
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            return; // the namespace is going, or the event changed under us: events are best effort, as upstream's
        }

        var ttl = cluster.Options.EventTtl;
        if (ttl <= TimeSpan.Zero || ttl == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var timer = cluster.TimeProvider.CreateTimer(_ => cluster.Controllers.Enqueue(() => Expire(ns, name)), null, ttl, Timeout.InfiniteTimeSpan);
        if (_expiries.TryGetValue((ns, name), out var old))
        {
            old.Dispose();
        }

        _expiries[(ns, name)] = timer;
    }

    private void Expire(string ns, string name)
    {
        if (cluster.Store.PeekOne(ResourceType.Event, ns, name) is not { } evt)
        {
            return;
        }

        var last = Json.Str(evt["lastTimestamp"]) ?? Json.Str(evt["eventTime"]);
        if (DateTimeOffset.TryParse(last, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && at + cluster.Options.EventTtl > cluster.TimeProvider.GetUtcNow().AddSeconds(1))
        {
            return; // written again since: a newer timer has it
        }

        if (_expiries.TryRemove((ns, name), out var timer))
        {
            timer.Dispose();
        }

        try
        {
            cluster.Store.Delete(ResourceType.Event, ns, name, gracePeriodSeconds: 0);
        }
        catch (KubernetesStatusException ex) when (ex.Code == 404)
        {
        }
    }
}
