using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using K8sNet.Kubernetes;
using K8sNet.Testing;
using static K8sNet.Kubernetes.Tests.ConvergenceTests;

namespace K8sNet.Kubernetes.Tests;

/// <summary>The source's instruments report what happened.</summary>
public class MetricsTests
{
    [Fact]
    public async Task Relists_Restarts_Events_AndGauges()
    {
        await using var cluster = new FakeCluster(o => o.Nodes = 1);
        var server = await cluster.StartApiServerAsync();
        server.BookmarkInterval = TimeSpan.FromMilliseconds(300);
        cluster.Create(Service("web"));
        cluster.Create(Pod("web-0"));
        await cluster.WaitForIdleAsync();
        using var client = cluster.CreateKubernetesClient();
        await using var source = new KubernetesEndpointSource(client, Fast());
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, source.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();

        var web = new ServiceName("default", "web");
        await source.GetAsync(web);
        await WaitUntilAsync(() => server.OpenWatches == 2);
        cluster.Create(Pod("web-1"));
        await ConvergedAsync(source, cluster, web);
        server.DropWatches();
        // The idle watchdog may restart a watch first (reason "idle"): wait for the restart the drop causes.
        await WaitUntilAsync(() => measurements.Any(m => m.Name == "k8snet.kubernetes.watch.restarts" && (string?)m.Tags["k8snet.kubernetes.watch.end"] == "closed"));
        listener.RecordObservableInstruments();

        Assert.Equal(2, measurements.Where(m => m.Name == "k8snet.kubernetes.relists" && (string?)m.Tags["k8snet.reason"] == "initial").Sum(m => m.Value));
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.watch.restarts" && (string?)m.Tags["k8snet.kubernetes.watch.end"] == "closed");
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.events" && (string?)m.Tags["k8snet.kubernetes.resource"] == "endpointslices.discovery.k8s.io");
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.event.lag" && m.Value >= 0); // the controller's slices carry a trigger time
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.informers" && m.Value == 2);
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.informers.synced" && m.Value == 2);
    }

    [Fact]
    public async Task ListsAndWatches_AreSpans_RootsOfTheirOwnTraces_NamingTheService()
    {
        await using var cluster = new FakeCluster(o => o.Nodes = 1);
        var server = await cluster.StartApiServerAsync();
        cluster.Create(Service("traced"));
        cluster.Create(Pod("traced-0", app: "traced"));
        await cluster.WaitForIdleAsync();
        using var client = cluster.CreateKubernetesClient();
        await using var source = new KubernetesEndpointSource(client, Fast());
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == KubernetesTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("k8snet.service.name") == "traced") // the listener hears every test's informers
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var web = new ServiceName("default", "traced");
        using (var request = new Activity("a request").Start())
        {
            await source.GetAsync(web); // the informers start under a request's span, yet their spans are not its children
        }

        await WaitUntilAsync(() => server.OpenWatches == 2);
        server.DropWatches();
        await WaitUntilAsync(() => spans.Any(a => a.OperationName == "K8sNet.Kubernetes.Watch" && (string?)a.GetTagItem("k8snet.kubernetes.watch.end") == "closed"));

        var lists = spans.Where(a => a.OperationName == "K8sNet.Kubernetes.List").ToList();
        Assert.Equal(2, lists.Count); // the Service and its EndpointSlices
        Assert.All(spans, a => Assert.Null(a.ParentId));
        Assert.All(lists, a => Assert.Equal("initial", a.GetTagItem("k8snet.reason")));
        var slices = Assert.Single(lists, a => (string?)a.GetTagItem("k8snet.kubernetes.resource") == "endpointslices.discovery.k8s.io");
        Assert.Equal("default", slices.GetTagItem("k8s.namespace.name"));
        Assert.Equal("traced", slices.GetTagItem("k8snet.service.name"));
        Assert.Equal(1, slices.GetTagItem("k8snet.kubernetes.items"));
        var watch = spans.First(a => a.OperationName == "K8sNet.Kubernetes.Watch");
        Assert.Equal(ActivityStatusCode.Unset, watch.Status);
        Assert.True(watch.Duration > TimeSpan.Zero);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            result[t.Key] = t.Value;
        }

        return result;
    }
}
