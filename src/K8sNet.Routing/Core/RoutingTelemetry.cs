using System.Diagnostics;

namespace K8sNet.Routing;

/// <summary>
/// K8sNet.Routing's traces (ActivitySource <c>K8sNet.Routing</c>): a span per logical HTTP request
/// (<c>K8sNet.Routing.Request</c>, the Service, its port, the policy, how many attempts) and one beneath it per attempt
/// (<c>K8sNet.Routing.Attempt</c>, the pod it went to: <c>network.peer.address</c>/<c>.port</c>, <c>k8s.pod.name</c>,
/// <c>k8s.node.name</c>, <c>cloud.availability_zone</c>; <c>http.request.resend_count</c> on a retry), under which the
/// HttpClient's own span sits. gRPC calls get the attempt span under gRPC's own.
/// </summary>
public static class RoutingTelemetry
{
    /// <summary>The ActivitySource's name, <c>K8sNet.Routing</c> (add it to OpenTelemetry's tracing: <c>AddSource("K8sNet.Routing")</c>).</summary>
    public const string SourceName = "K8sNet.Routing";

    /// <summary>The meter's name, <c>K8sNet.Routing</c> (add it to OpenTelemetry's metrics: <c>AddMeter("K8sNet.Routing")</c>).</summary>
    public const string MeterName = RoutingMetrics.MeterName;

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartAttempt(ServiceRouter router, ServicePortKey port, ServiceEndpoint endpoint, int resends)
    {
        var activity = Source.StartActivity("K8sNet.Routing.Attempt", ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        activity.DisplayName = $"{router.Service} attempt";
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("k8s.namespace.name", router.Service.Namespace);
            activity.SetTag("k8snet.service.name", router.Service.Name);
            activity.SetTag("k8snet.client", router.Profile.Name);
            if (port.Name.Length > 0)
            {
                activity.SetTag("k8snet.service.port", port.Name);
            }

            activity.SetTag("k8snet.policy", router.PolicyName);
            activity.SetTag("network.peer.address", endpoint.Address.ToString());
            activity.SetTag("network.peer.port", endpoint.Port);
            if (endpoint.Source.TargetRef is { Kind: "Pod" } pod)
            {
                activity.SetTag("k8s.pod.name", pod.Name);
            }

            if (endpoint.NodeName is { } node)
            {
                activity.SetTag("k8s.node.name", node);
            }

            if (endpoint.Zone is { } zone)
            {
                activity.SetTag("cloud.availability_zone", zone);
            }

            if (resends > 0)
            {
                activity.SetTag("http.request.resend_count", resends);
            }
        }

        return activity;
    }

    internal static void Stop(Activity? activity, EndpointOutcome outcome)
    {
        if (activity is null)
        {
            return;
        }

        if (RoutingMetrics.ErrorType(outcome) is { } error)
        {
            activity.SetTag("error.type", error);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        activity.Stop();
    }
}
