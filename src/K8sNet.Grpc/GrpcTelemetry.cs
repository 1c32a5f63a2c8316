using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sNet.Grpc;

/// <summary>
/// K8sNet.Grpc's meter (<c>K8sNet.Grpc</c>): <c>k8snet.grpc.calls</c>, the calls K8sNet balanced, by Service and
/// <c>rpc.grpc.status_code</c> (OpenTelemetry's attribute). Picks, attempt durations, ejections and endpoints of gRPC
/// calls are in K8sNet.Routing's meter with <c>k8snet.client = grpc</c>; each call's attempt span (the pod it went to) is
/// in K8sNet.Routing's ActivitySource, under gRPC's own span.
/// </summary>
public static class GrpcTelemetry
{
    /// <summary>The meter's name, <c>K8sNet.Grpc</c>.</summary>
    public const string MeterName = "K8sNet.Grpc";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("k8snet.grpc.calls", "{call}", "gRPC calls balanced by K8sNet, by Service and gRPC status.");

    internal static void Call(EndpointSet? set, int statusCode)
    {
        if (Calls.Enabled && set is not null)
        {
            Calls.Add(1, new TagList
            {
                { "k8s.namespace.name", set.Service.Namespace },
                { "k8snet.service.name", set.Service.Name },
                { "rpc.grpc.status_code", statusCode },
            });
        }
    }
}
