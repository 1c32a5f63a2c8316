using System.Diagnostics;
using System.Diagnostics.Metrics;
using k8s;

namespace K8sNet.Kubernetes;

/// <summary>
/// The source's instruments, on the meter <c>K8sNet.Kubernetes</c>: watch restarts and relists by resource and reason,
/// events by resource and type, event lag (from the EndpointSlice controller's trigger time to the state published),
/// and observable gauges of informers, synced and connected informers, and the oldest last-heard age.
/// </summary>
internal sealed class SourceMetrics : IDisposable
{
    public const string MeterName = "K8sNet.Kubernetes";

    private readonly Meter _meter;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _relists;
    private readonly Counter<long> _events;
    private readonly Histogram<double> _lag;

    private readonly bool _ownsMeter;

    public SourceMetrics(IMeterFactory? factory, Func<IEnumerable<InformerSnapshot>> informers)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _restarts = _meter.CreateCounter<long>("k8snet.kubernetes.watch.restarts", "{watch}", "Watches ended and started again, by how they ended (closed, quick, expired, idle, error).");
        _relists = _meter.CreateCounter<long>("k8snet.kubernetes.relists", "{list}", "Full lists, by reason (initial, expired, error).");
        _events = _meter.CreateCounter<long>("k8snet.kubernetes.events", "{event}", "Watch events applied, by type.");
        _lag = _meter.CreateHistogram<double>("k8snet.kubernetes.event.lag", "s", "From the EndpointSlice controller's last-change-trigger-time to the new state published.");
        _meter.CreateObservableGauge("k8snet.kubernetes.informers", () => informers().Count(), "{informer}", "Running list/watches.");
        _meter.CreateObservableGauge("k8snet.kubernetes.informers.synced", () => informers().Count(i => i.Synced), "{informer}", "List/watches that have listed once.");
        _meter.CreateObservableGauge("k8snet.kubernetes.informers.connected", () => informers().Count(i => i.Connected), "{informer}", "List/watches whose last request worked.");
        _meter.CreateObservableGauge("k8snet.kubernetes.last_heard.age", () => informers().Select(i => i.LastHeardAge?.TotalSeconds ?? 0).DefaultIfEmpty(0).Max(), "s", "The longest time any list/watch has not heard from the API server.");
    }

    public Meter Meter => _meter;

    public void WatchRestart(InformerKey key, WatchEnd reason)
    {
        if (_restarts.Enabled)
        {
            var tags = Tags(key);
            tags.Add("k8snet.kubernetes.watch.end", Name(reason));
            _restarts.Add(1, tags);
        }
    }

    public void Relist(InformerKey key, string reason)
    {
        if (_relists.Enabled)
        {
            var tags = Tags(key);
            tags.Add("k8snet.reason", reason);
            _relists.Add(1, tags);
        }
    }

    public void Event(InformerKey key, WatchEventType type)
    {
        if (_events.Enabled)
        {
            var tags = Tags(key);
            tags.Add("k8snet.kubernetes.event.type", type switch
            {
                WatchEventType.Added => "added",
                WatchEventType.Modified => "modified",
                WatchEventType.Deleted => "deleted",
                _ => "other",
            });
            _events.Add(1, tags);
        }
    }

    public void Lag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>
    /// What every instrument and span says about an informer: the resource (as RBAC names it), the namespace
    /// (<c>k8s.namespace.name</c>) and, for one Service's EndpointSlices, the Service. Never an object's version or a pod.
    /// </summary>
    internal static TagList Tags(InformerKey key)
    {
        var tags = new TagList { { "k8snet.kubernetes.resource", key.Resource } };
        if (!string.IsNullOrEmpty(key.Namespace))
        {
            tags.Add("k8s.namespace.name", key.Namespace);
        }

        if (key.Name is { } service)
        {
            tags.Add("k8snet.service.name", service);
        }

        return tags;
    }

    internal static string Name(WatchEnd end) => end switch
    {
        WatchEnd.Closed => "closed",
        WatchEnd.Quick => "quick",
        WatchEnd.Expired => "expired",
        WatchEnd.Idle => "idle",
        _ => "error",
    };
}

/// <summary>One informer's state, for gauges and the health check.</summary>
internal sealed record InformerSnapshot(string Key, bool Synced, bool Connected, TimeSpan? LastHeardAge, TimeSpan Age, InformerError? LastError, long Relists, long WatchRestarts);
