using System.Collections.Immutable;
using System.Globalization;
using k8s.Models;

namespace K8sNet.Kubernetes;

/// <summary>
/// Turns KubernetesClient's <see cref="V1Service"/> and <see cref="V1EndpointSlice"/> into the routing model: only what
/// routing needs is kept (the source holds these, not the API objects).
/// </summary>
public static class KubernetesModel
{
    /// <summary>The routing view of a Service.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>Its spec (and load-balancer status).</returns>
    public static ServiceSpecInfo ToSpec(V1Service service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var spec = service.Spec ?? new V1ServiceSpec();
        var clusterIPs = spec.ClusterIPs is { Count: > 0 } ips
            ? ips.ToImmutableArray()
            : string.IsNullOrEmpty(spec.ClusterIP) ? [] : [spec.ClusterIP];
        return new ServiceSpecInfo
        {
            Type = spec.Type switch
            {
                "NodePort" => ServiceType.NodePort,
                "LoadBalancer" => ServiceType.LoadBalancer,
                "ExternalName" => ServiceType.ExternalName,
                _ => ServiceType.ClusterIP,
            },
            ClusterIPs = clusterIPs,
            Ports = [.. (spec.Ports ?? []).Select(p => new ServicePortInfo(
                p.Name ?? string.Empty,
                p.Port,
                ToTargetPort(p.TargetPort, p.Port),
                Protocol(p.Protocol),
                p.AppProtocol,
                p.NodePort ?? 0))],
            InternalTrafficPolicy = Policy(spec.InternalTrafficPolicy),
            ExternalTrafficPolicy = Policy(spec.ExternalTrafficPolicy),
            TrafficDistribution = spec.TrafficDistribution,
            SessionAffinity = spec.SessionAffinity == "ClientIP" ? SessionAffinity.ClientIP : SessionAffinity.None,
            SessionAffinityTimeoutSeconds = spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds,
            PublishNotReadyAddresses = spec.PublishNotReadyAddresses == true,
            ExternalName = spec.ExternalName,
            ExternalIPs = [.. spec.ExternalIPs ?? []],
            LoadBalancerIngress = [.. (service.Status?.LoadBalancer?.Ingress ?? []).Select(i => new LoadBalancerIngress(i.Ip, i.Hostname, i.IpMode))],
        };
    }

    /// <summary>The routing view of an EndpointSlice: endpoints without addresses are dropped.</summary>
    /// <param name="slice">The slice.</param>
    /// <returns>The slice's ports and endpoints.</returns>
    public static EndpointSliceInfo ToSlice(V1EndpointSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var addressType = slice.AddressType switch
        {
            "IPv6" => AddressType.IPv6,
            "FQDN" => AddressType.Fqdn,
            _ => AddressType.IPv4,
        };
        var ports = (slice.Ports ?? []).Select(p => new EndpointPort(p.Name, p.Port, Protocol(p.Protocol), p.AppProtocol)).ToImmutableArray();
        var endpoints = ImmutableArray.CreateBuilder<Endpoint>(slice.Endpoints?.Count ?? 0);
        foreach (var e in slice.Endpoints ?? [])
        {
            if (e.Addresses is not { Count: > 0 })
            {
                continue;
            }

            var c = e.Conditions;
            endpoints.Add(new Endpoint([.. e.Addresses], new EndpointConditions(c?.Ready, c?.Serving, c?.Terminating))
            {
                Hostname = e.Hostname,
                NodeName = e.NodeName,
                Zone = e.Zone,
                ZoneHints = [.. (e.Hints?.ForZones ?? []).Select(z => z.Name)],
                NodeHints = [.. (e.Hints?.ForNodes ?? []).Select(n => n.Name)],
                TargetRef = e.TargetRef is { } t ? new EndpointTargetRef(t.Kind ?? "Pod", t.NamespaceProperty, t.Name ?? string.Empty, t.Uid) : null,
            });
        }

        return new EndpointSliceInfo(slice.Metadata?.Name ?? string.Empty, addressType, ports, endpoints.ToImmutable())
        {
            ResourceVersion = slice.Metadata?.ResourceVersion,
        };
    }

    /// <summary>When the change behind a slice happened, from the controller's trigger-time annotation.</summary>
    /// <param name="slice">The slice.</param>
    /// <returns>The time, or <see langword="null"/> when absent or unreadable.</returns>
    public static DateTimeOffset? TriggerTime(V1EndpointSlice slice) =>
        slice?.Metadata?.Annotations?.TryGetValue(WellKnownAnnotations.LastChangeTriggerTime, out var value) == true
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    private static TargetPort ToTargetPort(IntOrString? target, int port)
    {
        if (target?.Value is not { Length: > 0 } value)
        {
            return TargetPort.FromNumber(port);
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? TargetPort.FromNumber(number)
            : TargetPort.FromName(value);
    }

    private static TransportProtocol Protocol(string? value) => TransportProtocolNames.TryParse(value, out var p) ? p : TransportProtocol.Tcp;

    private static TrafficPolicy? Policy(string? value) => value switch
    {
        "Local" => TrafficPolicy.Local,
        "Cluster" => TrafficPolicy.Cluster,
        _ => null,
    };
}
