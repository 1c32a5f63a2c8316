using System.Diagnostics;

namespace K8sNet.Kubernetes;

/// <summary>
/// K8sNet.Kubernetes's telemetry names. The ActivitySource <c>K8sNet.Kubernetes</c> gives each list (initial, after an
/// expired version, after an error) a <c>K8sNet.Kubernetes.List</c> span and each watch, once it has ended, a
/// <c>K8sNet.Kubernetes.Watch</c> span from its start to its end with how it ended and how many events it brought; both
/// are roots of their own traces (a watch outlives the request that started it), with the KubernetesClient's HTTP spans
/// beneath. The meter <c>K8sNet.Kubernetes</c> counts relists, watch restarts, events and their lag.
/// </summary>
public static class KubernetesTelemetry
{
    /// <summary>The ActivitySource's name, <c>K8sNet.Kubernetes</c>.</summary>
    public const string SourceName = "K8sNet.Kubernetes";

    /// <summary>The meter's name, <c>K8sNet.Kubernetes</c>.</summary>
    public const string MeterName = SourceMetrics.MeterName;

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartList(InformerKey key, string reason)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("K8sNet.Kubernetes.List", ActivityKind.Internal, parentContext: default, tags: Tags(key));
        if (activity is not null)
        {
            activity.DisplayName = $"list {key}";
            activity.SetTag("k8snet.reason", reason);
        }

        return activity;
    }

    internal static void Listed(Activity? activity, int items, string? resourceVersion)
    {
        activity?.SetTag("k8snet.kubernetes.items", items);
        activity?.SetTag("k8snet.kubernetes.resource_version", resourceVersion);
    }

    internal static void Failed(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
    }

    /// <summary>A span for a watch that has ended: it starts when the watch was asked for.</summary>
    internal static void Watched(InformerKey key, DateTimeOffset started, WatchEnd end, int events, InformerError? error)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        using var activity = Source.StartActivity("K8sNet.Kubernetes.Watch", ActivityKind.Internal, parentContext: default, tags: Tags(key), startTime: started);
        if (activity is null)
        {
            return;
        }

        activity.DisplayName = $"watch {key}";
        activity.SetTag("k8snet.kubernetes.watch.end", SourceMetrics.Name(end));
        activity.SetTag("k8snet.kubernetes.events", events);
        if (end is WatchEnd.Quick or WatchEnd.Idle or WatchEnd.Error)
        {
            activity.SetTag("error.type", SourceMetrics.Name(end));
            activity.SetStatus(ActivityStatusCode.Error, error?.Message);
        }
    }

    private static IEnumerable<KeyValuePair<string, object?>> Tags(InformerKey key)
    {
        foreach (var tag in SourceMetrics.Tags(key))
        {
            yield return tag;
        }
    }
}
