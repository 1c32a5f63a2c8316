using System.Diagnostics;
using System.Net;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace K8sNet.Telemetry.Tests;

/// <summary>OpenTelemetry's listeners are process-wide: the telemetry tests run one at a time.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>One metric series as OpenTelemetry's in-memory exporter exported it.</summary>
/// <param name="Metric">The instrument's name.</param>
/// <param name="Tags">Its attributes.</param>
public sealed record Series(string Metric, IReadOnlyDictionary<string, object?> Tags)
{
    public string Key => Metric + "{" + string.Join(",", Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")) + "}";
}

/// <summary>
/// The OpenTelemetry SDK as an app configures it: K8sNet's sources and meters by wildcard, the HttpClient's own span and
/// metrics (OpenTelemetry.Instrumentation.Http), exported to memory.
/// </summary>
public sealed class Telemetry : IDisposable
{
    private readonly List<Metric> _metrics = [];
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metering;

    public Telemetry()
    {
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("K8sNet.*")
            .AddSource("Grpc.Net.Client")
            .AddHttpClientInstrumentation()
            .AddInMemoryExporter(Spans)
            .Build()!;
        _metering = Sdk.CreateMeterProviderBuilder()
            .AddMeter("K8sNet.*")
            .AddHttpClientInstrumentation()
            .AddInMemoryExporter(_metrics)
            .Build()!;
    }

    public List<Activity> Spans { get; } = [];

    /// <summary>Every series exported now, by a forced flush (cumulative: each series once).</summary>
    public List<Series> Collect()
    {
        lock (_metrics)
        {
            _metrics.Clear();
            _metering.ForceFlush();
            var series = new List<Series>();
            foreach (var metric in _metrics)
            {
                foreach (ref readonly var point in metric.GetMetricPoints())
                {
                    var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var tag in point.Tags)
                    {
                        tags[tag.Key] = tag.Value;
                    }

                    series.Add(new Series(metric.Name, tags));
                }
            }

            return series;
        }
    }

    public List<Activity> Finished()
    {
        _tracing.ForceFlush();
        lock (Spans)
        {
            return [.. Spans];
        }
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _metering.Dispose();
    }
}

/// <summary>The tests' cluster: a Deployment behind a Service in namespace shop, pods answering on loopback.</summary>
internal static class Shop
{
    public static string Manifest(int replicas, string image = "web:1") => $$$"""
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 0
              containers: [{name: web, image: "{{{image}}}", ports: [{containerPort: 8080}]}]
        """;

    /// <summary>Answers "&lt;pod&gt; &lt;Host header&gt;".</summary>
    public static Task<HttpResponseMessage> WhoAnswered(PodRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent($"{request.Pod.Name} {request.Message.Headers.Host}") });

    public static IServiceCollection Client(this IServiceCollection services, FakeCluster cluster)
    {
        services.AddK8sNet().UseFakeCluster(cluster).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        services.AddHttpClient("web").AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        return services;
    }

    public static List<V1Pod> Pods(FakeCluster cluster) =>
        [.. cluster.List<V1Pod>("shop", "app=web").Where(p => p.Metadata.DeletionTimestamp is null)];

    /// <summary>Waits until the Deployment's pods are all of the new template and available.</summary>
    public static async Task RolledAsync(FakeCluster cluster)
    {
        for (var i = 0; i < 400; i++)
        {
            await cluster.WaitForIdleAsync();
            var d = cluster.Get<V1Deployment>("web", "shop")!;
            if (d.Status?.UpdatedReplicas == d.Spec.Replicas && d.Status?.AvailableReplicas == d.Spec.Replicas && d.Status?.Replicas == d.Spec.Replicas)
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("The Deployment did not finish rolling.");
    }
}
