using System.Collections.Concurrent;
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
        await WaitUntilAsync(() => measurements.Any(m => m.Name == "k8snet.kubernetes.watch.restarts" && (string?)m.Tags["reason"] == "closed"));
        listener.RecordObservableInstruments();

        Assert.Equal(2, measurements.Where(m => m.Name == "k8snet.kubernetes.relists" && (string?)m.Tags["reason"] == "initial").Sum(m => m.Value));
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.watch.restarts" && (string?)m.Tags["reason"] == "closed");
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.events" && (string?)m.Tags["resource"] == "endpointslices.discovery.k8s.io");
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.event.lag" && m.Value >= 0); // the controller's slices carry a trigger time
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.informers" && m.Value == 2);
        Assert.Contains(measurements, m => m.Name == "k8snet.kubernetes.informers.synced" && m.Value == 2);
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
