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

    public SourceMetrics(IMeterFactory? factory, Func<IEnumerable<InformerSnapshot>> informers)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _restarts = _meter.CreateCounter<long>("k8snet.kubernetes.watch.restarts", "{watch}", "Watches ended and started again, by reason (closed, quick, expired, idle, error).");
        _relists = _meter.CreateCounter<long>("k8snet.kubernetes.relists", "{list}", "Full lists, by reason (initial, expired, error).");
        _events = _meter.CreateCounter<long>("k8snet.kubernetes.events", "{event}", "Watch events applied, by type.");
        _lag = _meter.CreateHistogram<double>("k8snet.kubernetes.event.lag", "s", "From the EndpointSlice controller's last-change-trigger-time to the new state published.");
        _meter.CreateObservableGauge("k8snet.kubernetes.informers", () => informers().Count(), "{informer}", "Running list/watches.");
        _meter.CreateObservableGauge("k8snet.kubernetes.informers.synced", () => informers().Count(i => i.Synced), "{informer}", "List/watches that have listed once.");
        _meter.CreateObservableGauge("k8snet.kubernetes.informers.connected", () => informers().Count(i => i.Connected), "{informer}", "List/watches whose last request worked.");
        _meter.CreateObservableGauge("k8snet.kubernetes.last_heard.age", () => informers().Select(i => i.LastHeardAge?.TotalSeconds ?? 0).DefaultIfEmpty(0).Max(), "s", "The longest time any list/watch has not heard from the API server.");
    }

    public Meter Meter => _meter;

    public void WatchRestart(string resource, WatchEnd reason) =>
        _restarts.Add(1, new KeyValuePair<string, object?>("resource", resource), new KeyValuePair<string, object?>("reason", reason.ToString().ToLowerInvariant()));

    public void Relist(string resource, string reason) =>
        _relists.Add(1, new KeyValuePair<string, object?>("resource", resource), new KeyValuePair<string, object?>("reason", reason));

    public void Event(string resource, WatchEventType type) =>
        _events.Add(1, new KeyValuePair<string, object?>("resource", resource), new KeyValuePair<string, object?>("type", type.ToString()));

    public void Lag(TimeSpan lag) => _lag.Record(Math.Max(0, lag.TotalSeconds));

    public void Dispose() => _meter.Dispose();
}

/// <summary>One informer's state, for gauges and the health check.</summary>
internal sealed record InformerSnapshot(string Key, bool Synced, bool Connected, TimeSpan? LastHeardAge, TimeSpan Age, InformerError? LastError, long Relists, long WatchRestarts);
