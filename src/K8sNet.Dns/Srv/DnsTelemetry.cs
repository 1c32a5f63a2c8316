using System.Diagnostics;

namespace K8sNet.Dns;

/// <summary>
/// K8sNet.Dns's telemetry names: the ActivitySource <c>K8sNet.Dns</c> (a <c>K8sNet.Dns.Lookup</c> span per Service the
/// DNS endpoint source looks up, with <c>k8s.namespace.name</c>, <c>k8snet.service.name</c> and <c>k8snet.dns.result</c>)
/// and the meter <c>K8sNet.Dns</c> (<c>k8snet.dns.queries</c>, <c>k8snet.dns.ttl</c>).
/// </summary>
public static class DnsTelemetry
{
    /// <summary>The ActivitySource's name, <c>K8sNet.Dns</c>.</summary>
    public const string SourceName = "K8sNet.Dns";

    /// <summary>The meter's name, <c>K8sNet.Dns</c>.</summary>
    public const string MeterName = DnsSourceMetrics.MeterName;

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartLookup(ServiceName service)
    {
        var activity = Source.StartActivity("K8sNet.Dns.Lookup", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = $"DNS lookup {service}";
            activity.SetTag("k8s.namespace.name", service.Namespace);
            activity.SetTag("k8snet.service.name", service.Name);
        }

        return activity;
    }

    internal static void Stop(Activity? activity, DnsLookupOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("k8snet.dns.result", outcome.Kind switch
        {
            DnsLookupKind.Found => "found",
            DnsLookupKind.Absent => "absent",
            _ => "failed",
        });
        if (outcome.Kind == DnsLookupKind.Failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, outcome.Error);
        }

        activity.Stop();
    }
}
