using System.Collections.Immutable;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Sources;

/// <summary>Turns Service and EndpointSlice JSON into the routing model (what K8sNet's endpoint sources publish).</summary>
internal static class ModelConversion
{
    public static ServiceSpecInfo ToSpec(JsonObject service)
    {
        var spec = service["spec"] as JsonObject ?? [];
        var type = Json.Str(spec["type"]) switch
        {
            "NodePort" => ServiceType.NodePort,
            "LoadBalancer" => ServiceType.LoadBalancer,
            "ExternalName" => ServiceType.ExternalName,
            _ => ServiceType.ClusterIP,
        };
        var clusterIPs = (spec["clusterIPs"] as JsonArray)?.Select(Json.Str).OfType<string>().ToImmutableArray() ?? [];
        if (clusterIPs.IsEmpty && Json.Str(spec["clusterIP"]) is { Length: > 0 } single)
        {
            clusterIPs = [single];
        }

        return new ServiceSpecInfo
        {
            Type = type,
            ClusterIPs = clusterIPs,
            Ports = [.. (spec["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p => new ServicePortInfo(
                Json.Str(p["name"]) ?? string.Empty,
                (int)(Json.Num(p["port"]) ?? 0),
                Json.Num(p["targetPort"]) is { } n ? TargetPort.FromNumber((int)n) : Json.Str(p["targetPort"]) is { } name ? TargetPort.FromName(name) : TargetPort.FromNumber((int)(Json.Num(p["port"]) ?? 0)),
                Protocol(Json.Str(p["protocol"])),
                Json.Str(p["appProtocol"]),
                (int)(Json.Num(p["nodePort"]) ?? 0)))],
            InternalTrafficPolicy = Policy(Json.Str(spec["internalTrafficPolicy"])),
            ExternalTrafficPolicy = Policy(Json.Str(spec["externalTrafficPolicy"])),
            TrafficDistribution = Json.Str(spec["trafficDistribution"]),
            SessionAffinity = Json.Str(spec["sessionAffinity"]) == "ClientIP" ? SessionAffinity.ClientIP : SessionAffinity.None,
            SessionAffinityTimeoutSeconds = (int?)Json.Num(spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"]),
            PublishNotReadyAddresses = Json.Bool(spec["publishNotReadyAddresses"]) == true,
            ExternalName = Json.Str(spec["externalName"]),
            ExternalIPs = [.. (spec["externalIPs"] as JsonArray ?? []).Select(Json.Str).OfType<string>()],
            LoadBalancerIngress = [.. (service["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(i => new LoadBalancerIngress(Json.Str(i["ip"]), Json.Str(i["hostname"]), Json.Str(i["ipMode"])))],
        };
    }

    public static EndpointSliceInfo ToSlice(JsonObject slice)
    {
        var addressType = Json.Str(slice["addressType"]) switch
        {
            "IPv6" => AddressType.IPv6,
            "FQDN" => AddressType.Fqdn,
            _ => AddressType.IPv4,
        };
        var ports = (slice["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => new EndpointPort(Json.Str(p["name"]), (int?)Json.Num(p["port"]), Protocol(Json.Str(p["protocol"])), Json.Str(p["appProtocol"])))
            .ToImmutableArray();
        var endpoints = ImmutableArray.CreateBuilder<Endpoint>();
        foreach (var e in (slice["endpoints"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var addresses = (e["addresses"] as JsonArray ?? []).Select(Json.Str).OfType<string>().ToImmutableArray();
            if (addresses.IsEmpty)
            {
                continue;
            }

            var c = e["conditions"];
            endpoints.Add(new Endpoint(addresses, new EndpointConditions(Json.Bool(c?["ready"]), Json.Bool(c?["serving"]), Json.Bool(c?["terminating"])))
            {
                Hostname = Json.Str(e["hostname"]),
                NodeName = Json.Str(e["nodeName"]),
                Zone = Json.Str(e["zone"]),
                ZoneHints = [.. (e["hints"]?["forZones"] as JsonArray ?? []).Select(z => Json.Str(z?["name"])).OfType<string>()],
                NodeHints = [.. (e["hints"]?["forNodes"] as JsonArray ?? []).Select(z => Json.Str(z?["name"])).OfType<string>()],
                TargetRef = e["targetRef"] is JsonObject t
                    ? new EndpointTargetRef(Json.Str(t["kind"]) ?? "Pod", Json.Str(t["namespace"]), Json.Str(t["name"]) ?? string.Empty, Json.Str(t["uid"]))
                    : null,
            });
        }

        return new EndpointSliceInfo(Json.Name(slice), addressType, ports, endpoints.ToImmutable())
        {
            ResourceVersion = Json.Str(slice["metadata"]?["resourceVersion"]),
        };
    }

    private static TransportProtocol Protocol(string? value) => TransportProtocolNames.TryParse(value, out var p) ? p : TransportProtocol.Tcp;

    private static TrafficPolicy? Policy(string? value) => value switch
    {
        "Local" => TrafficPolicy.Local,
        "Cluster" => TrafficPolicy.Cluster,
        _ => null,
    };
}
