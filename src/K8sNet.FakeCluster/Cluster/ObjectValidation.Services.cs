using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// A Service as kube-apiserver 1.32 validates it (pkg/apis/core/validation ValidateService,
/// ValidateServiceClusterIPsRelatedFields and ValidateServiceUpdate), after the v1 defaults: ports, type, session
/// affinity, ExternalName, cluster IPs and IP families, external IPs, the LoadBalancer-only fields and the traffic
/// policies, all problems at once in upstream's order; on update, cluster IPs and IP families may not change once set.
/// </summary>
internal static partial class ObjectValidation
{
    private const string TopologyMode = "service.kubernetes.io/topology-mode";
    private const string TopologyHints = "service.kubernetes.io/topology-aware-hints";
    private const string SourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges";
    private const string OnlyLoadBalancer = "may only be used when `type` is 'LoadBalancer'";

    /// <summary>Validates a Service (its defaults applied) and, on update, what it may not change from <paramref name="current"/>; throws the 422.</summary>
    public static void CheckService(JsonObject obj, JsonObject? current)
    {
        var errors = new List<FieldError>();
        if (current is not null)
        {
            ServiceUpdate(obj["spec"] as JsonObject ?? [], current["spec"] as JsonObject ?? [], errors);
        }

        Service(obj, errors);
        Throw(ResourceType.Service, obj, errors);
    }

    private static void Service(JsonObject obj, List<FieldError> errors)
    {
        var annotations = obj["metadata"]?["annotations"] as JsonObject ?? [];
        var spec = obj["spec"] as JsonObject ?? [];
        var type = Json.Str(spec["type"]) ?? string.Empty;
        var clusterIPs = Strings(spec["clusterIPs"]);
        var headless = clusterIPs.Count > 0 && clusterIPs[0] == "None";
        var ports = spec["ports"] as JsonArray ?? [];

        if (Json.Str(annotations[TopologyMode]) is { } mode && Json.Str(annotations[TopologyHints]) is { } hints && mode != hints)
        {
            errors.Add(new FieldError($"metadata.annotations[{TopologyMode}]", "Invalid value", Quote(mode), $"must match annotations[{TopologyHints}] when both are specified"));
        }

        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            errors.Add(new FieldError("spec.ports", "Required value", null, string.Empty));
        }

        if (type is "LoadBalancer" or "NodePort" && headless)
        {
            errors.Add(new FieldError("spec.clusterIPs[0]", "Invalid value", Quote("None"), $"may not be set to 'None' for {type} services"));
        }
        else if (type == "ExternalName")
        {
            foreach (var field in new[] { "clusterIPs", "ipFamilies" })
            {
                if (Strings(spec[field]).Count > 0)
                {
                    errors.Add(new FieldError($"spec.{field}", "Forbidden", null, "may not be set for ExternalName services"));
                }
            }

            if (spec["ipFamilyPolicy"] is not null)
            {
                errors.Add(new FieldError("spec.ipFamilyPolicy", "Forbidden", null, "may not be set for ExternalName services"));
            }

            var external = Json.Str(spec["externalName"]) ?? string.Empty;
            var clean = external.EndsWith('.') ? external[..^1] : external;
            if (clean.Length == 0)
            {
                errors.Add(new FieldError("spec.externalName", "Required value", null, string.Empty));
            }
            else
            {
                errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(clean).Select(m => new FieldError("spec.externalName", "Invalid value", Quote(clean), m)));
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            ServicePort(ports[i] as JsonObject ?? [], $"spec.ports[{i}]", ports.Count > 1, names, errors);
        }

        Labels(spec["selector"], "spec.selector", errors);
        SessionAffinity(spec, errors);
        ClusterIPs(spec, type, errors);

        var externalIPs = Strings(spec["externalIPs"]);
        for (var i = 0; i < externalIPs.Count; i++)
        {
            var ip = externalIPs[i] ?? string.Empty;
            if (!IPAddress.TryParse(ip, out var address) || ip.Contains('%', StringComparison.Ordinal))
            {
                errors.Add(new FieldError($"spec.externalIPs[{i}]", "Invalid value", Quote(ip), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
            else if (SpecialAddress(address) is { } special)
            {
                errors.Add(new FieldError($"spec.externalIPs[{i}]", "Invalid value", Quote(ip), special));
            }
        }

        if (type.Length == 0)
        {
            errors.Add(new FieldError("spec.type", "Required value", null, string.Empty));
        }
        else if (type is not ("ClusterIP" or "ExternalName" or "LoadBalancer" or "NodePort"))
        {
            errors.Add(new FieldError("spec.type", "Unsupported value", Quote(type), "supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
        }

        var nodePorts = new HashSet<(string?, long)>();
        var keys = new HashSet<(string?, long?)>();
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject ?? [];
            var nodePort = Json.Num(port["nodePort"]) ?? 0;
            if (type == "ClusterIP" && nodePort != 0)
            {
                errors.Add(new FieldError($"spec.ports[{i}].nodePort", "Forbidden", null, "may not be used when `type` is 'ClusterIP'"));
            }

            if (nodePort != 0 && !nodePorts.Add((Json.Str(port["protocol"]), nodePort)))
            {
                errors.Add(new FieldError($"spec.ports[{i}].nodePort", "Duplicate value", nodePort.ToString(CultureInfo.InvariantCulture), string.Empty));
            }
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject ?? [];
            var protocol = Json.Str(port["protocol"]) ?? string.Empty;
            var number = Json.Num(port["port"]) ?? 0;
            if (!keys.Add((protocol, number)))
            {
                errors.Add(new FieldError($"spec.ports[{i}]", "Duplicate value",
                    Inv($"core.ServicePort{{Name:\"\", Protocol:{Quote(protocol)}, AppProtocol:(*string)(nil), Port:{number}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}"), string.Empty));
            }
        }

        LoadBalancerFields(spec, annotations, type, errors);
        TrafficPolicies(spec, type, errors);
    }

    private static void ServicePort(JsonObject port, string path, bool requireName, HashSet<string> names, List<FieldError> errors)
    {
        var name = Json.Str(port["name"]) ?? string.Empty;
        if (requireName && name.Length == 0)
        {
            errors.Add(new FieldError($"{path}.name", "Required value", null, string.Empty));
        }
        else if (name.Length > 0)
        {
            errors.AddRange(KubernetesNames.ValidateDns1123Label(name).Select(m => new FieldError($"{path}.name", "Invalid value", Quote(name), m)));
            if (!names.Add(name))
            {
                errors.Add(new FieldError($"{path}.name", "Duplicate value", Quote(name), string.Empty));
            }
        }

        var number = Json.Num(port["port"]) ?? 0;
        if (number is < 1 or > 65535)
        {
            errors.Add(new FieldError($"{path}.port", "Invalid value", number.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }

        PortProtocol(port, path, errors);

        HandlerPort(port["targetPort"], $"{path}.targetPort", errors);
        if (Json.Str(port["appProtocol"]) is { } appProtocol)
        {
            errors.AddRange(QualifiedName(appProtocol).Select(m => new FieldError($"{path}.appProtocol", "Invalid value", Quote(appProtocol), m)));
        }
    }

    private static void SessionAffinity(JsonObject spec, List<FieldError> errors)
    {
        var affinity = Json.Str(spec["sessionAffinity"]) ?? string.Empty;
        if (affinity.Length == 0)
        {
            errors.Add(new FieldError("spec.sessionAffinity", "Required value", null, string.Empty));
        }
        else if (affinity is not ("ClientIP" or "None"))
        {
            errors.Add(new FieldError("spec.sessionAffinity", "Unsupported value", Quote(affinity), "supported values: \"ClientIP\", \"None\""));
        }

        if (affinity == "ClientIP")
        {
            if (spec["sessionAffinityConfig"]?["clientIP"] is not JsonObject clientIP)
            {
                errors.Add(new FieldError("spec.sessionAffinityConfig", "Required value", null, "when session affinity type is ClientIP"));
            }
            else if (Json.Num(clientIP["timeoutSeconds"]) is { } timeout and (<= 0 or > 86400))
            {
                errors.Add(new FieldError("spec.sessionAffinityConfig.clientIP.timeoutSeconds", "Invalid value", timeout.ToString(CultureInfo.InvariantCulture), "must be greater than 0 and less than 86400"));
            }
        }
        else if (affinity == "None" && spec["sessionAffinityConfig"] is not null)
        {
            errors.Add(new FieldError("spec.sessionAffinityConfig", "Forbidden", null, "must not be set when session affinity is None"));
        }
    }

    // ValidateServiceClusterIPsRelatedFields (ExternalName has its own rules above).
    private static void ClusterIPs(JsonObject spec, string type, List<FieldError> errors)
    {
        if (type == "ExternalName")
        {
            return;
        }

        var clusterIP = Json.Str(spec["clusterIP"]) ?? string.Empty;
        var ips = Strings(spec["clusterIPs"]);
        if (clusterIP.Length > 0)
        {
            if (ips.Count == 0)
            {
                errors.Add(new FieldError("spec.clusterIPs", "Required value", null, string.Empty));
            }
            else if (ips[0] != clusterIP)
            {
                errors.Add(new FieldError("spec.clusterIPs", "Invalid value", GoStrings(ips), "first value must match `clusterIP`"));
            }
        }
        else if (ips.Count > 0)
        {
            errors.Add(new FieldError("spec.clusterIPs", "Invalid value", GoStrings(ips), "must be empty when `clusterIP` is not specified"));
        }

        var families = Strings(spec["ipFamilies"]);
        var seen = new HashSet<string?>();
        for (var i = 0; i < families.Count; i++)
        {
            if (families[i] is not ("IPv4" or "IPv6"))
            {
                errors.Add(new FieldError($"spec.ipFamilies[{i}]", "Unsupported value", Quote(families[i] ?? string.Empty), "supported values: \"IPv4\", \"IPv6\""));
            }
            else if (!seen.Add(families[i]))
            {
                errors.Add(new FieldError($"spec.ipFamilies[{i}]", "Duplicate value", Quote(families[i]!), string.Empty));
            }
        }

        if (Json.Str(spec["ipFamilyPolicy"]) is { } policy && policy is not ("PreferDualStack" or "RequireDualStack" or "SingleStack"))
        {
            errors.Add(new FieldError("spec.ipFamilyPolicy", "Unsupported value", Quote(policy), "supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\""));
        }

        var invalid = false;
        var parsed = new List<IPAddress?>();
        for (var i = 0; i < ips.Count; i++)
        {
            var ip = ips[i] ?? string.Empty;
            if (ip == "None")
            {
                if (i > 0 || ips.Count > 1)
                {
                    errors.Add(new FieldError("spec.clusterIPs", "Invalid value", GoStrings(ips), "'None' must be the first and only value"));
                }

                parsed.Add(null);
                continue;
            }

            if (!IPAddress.TryParse(ip, out var address) || ip.Contains('%', StringComparison.Ordinal))
            {
                invalid = true;
                errors.Add(new FieldError($"spec.clusterIPs[{i}]", "Invalid value", Quote(ip), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
                parsed.Add(null);
                continue;
            }

            parsed.Add(address);
        }

        if (ips.Count > 2)
        {
            errors.Add(new FieldError("spec.clusterIPs", "Invalid value", GoStrings(ips), "may only hold up to 2 values"));
        }

        if (invalid || (ips.Count > 0 && ips[0] == "None"))
        {
            return;
        }

        if (parsed.Count == 2 && parsed[0]!.AddressFamily == parsed[1]!.AddressFamily)
        {
            errors.Add(new FieldError("spec.clusterIPs", "Invalid value", GoStrings(ips), "may specify no more than one IP for each IP family"));
        }

        for (var i = 0; i < parsed.Count && i < families.Count; i++)
        {
            var want = families[i] == "IPv6" ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            if (families[i] is "IPv4" or "IPv6" && parsed[i]!.AddressFamily != want)
            {
                errors.Add(new FieldError($"spec.clusterIPs[{i}]", "Invalid value", Quote(ips[i]!), $"expected an {families[i]} value as indicated by `ipFamilies[{i}]`"));
            }
        }
    }

    private static void LoadBalancerFields(JsonObject spec, JsonObject annotations, string type, List<FieldError> errors)
    {
        var ranges = Strings(spec["loadBalancerSourceRanges"]);
        var annotated = Json.Str(annotations[SourceRangesAnnotation]);
        if (ranges.Count > 0 || annotated is not null)
        {
            var path = ranges.Count > 0 ? "spec.LoadBalancerSourceRanges" : $"metadata.annotations[{SourceRangesAnnotation}]"; // sic: upstream's capital L
            if (type != "LoadBalancer")
            {
                errors.Add(new FieldError(path, "Forbidden", null, OnlyLoadBalancer));
            }

            var values = ranges.Count > 0 ? ranges : [.. annotated!.Split(',')];
            for (var i = 0; i < values.Count; i++)
            {
                var cidr = (values[i] ?? string.Empty).Trim();
                if (!IPNetwork.TryParse(cidr, out _) && !LooseCidr(cidr))
                {
                    errors.Add(new FieldError(ranges.Count > 0 ? $"{path}[{i}]" : path, "Invalid value", Quote(ranges.Count > 0 ? values[i] ?? string.Empty : annotated!), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                }
            }
        }

        if (spec["allocateLoadBalancerNodePorts"] is not null && type != "LoadBalancer")
        {
            errors.Add(new FieldError("spec.allocateLoadBalancerNodePorts", "Forbidden", null, OnlyLoadBalancer));
        }
        else if (type == "LoadBalancer" && spec["allocateLoadBalancerNodePorts"] is null)
        {
            errors.Add(new FieldError("allocateLoadBalancerNodePorts", "Required value", null, string.Empty)); // sic: no "spec."
        }

        if (Json.Str(spec["loadBalancerClass"]) is { } loadBalancerClass)
        {
            if (type != "LoadBalancer")
            {
                errors.Add(new FieldError("spec.loadBalancerClass", "Forbidden", null, OnlyLoadBalancer));
            }

            errors.AddRange(QualifiedName(loadBalancerClass).Select(m => new FieldError("spec.loadBalancerClass", "Invalid value", Quote(loadBalancerClass), m)));
        }
    }

    private static void TrafficPolicies(JsonObject spec, string type, List<FieldError> errors)
    {
        var external = type is "NodePort" or "LoadBalancer" || (type == "ClusterIP" && Strings(spec["externalIPs"]).Count > 0);
        var policy = Json.Str(spec["externalTrafficPolicy"]) ?? string.Empty;
        if (!external && policy.Length > 0)
        {
            errors.Add(new FieldError("spec.externalTrafficPolicy", "Invalid value", Quote(policy), "may only be set for externally-accessible services"));
        }
        else if (external && policy.Length == 0)
        {
            errors.Add(new FieldError("spec.externalTrafficPolicy", "Required value", null, string.Empty));
        }
        else if (external && policy is not ("Cluster" or "Local"))
        {
            errors.Add(new FieldError("spec.externalTrafficPolicy", "Unsupported value", Quote(policy), "supported values: \"Cluster\", \"Local\""));
        }

        var healthCheck = Json.Num(spec["healthCheckNodePort"]) ?? 0;
        var needsHealthCheck = type == "LoadBalancer" && policy == "Local";
        if (!needsHealthCheck && healthCheck != 0)
        {
            errors.Add(new FieldError("spec.healthCheckNodePort", "Invalid value", healthCheck.ToString(CultureInfo.InvariantCulture), "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }
        else if (needsHealthCheck && healthCheck is < 0 or > 65535)
        {
            errors.Add(new FieldError("spec.healthCheckNodePort", "Invalid value", healthCheck.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }

        if (type != "ExternalName")
        {
            var internalPolicy = Json.Str(spec["internalTrafficPolicy"]);
            if (internalPolicy is null)
            {
                errors.Add(new FieldError("spec.internalTrafficPolicy", "Required value", null, string.Empty));
            }
            else if (internalPolicy is not ("Cluster" or "Local"))
            {
                errors.Add(new FieldError("spec.internalTrafficPolicy", "Unsupported value", Quote(internalPolicy), "supported values: \"Cluster\", \"Local\""));
            }
        }

        // 1.32 knows PreferClose; the fake also routes by PreferSameZone and PreferSameNode (1.33's
        // PreferSameTrafficDistribution gate), so it accepts them as a cluster with that gate does.
        if (Json.Str(spec["trafficDistribution"]) is { } distribution && distribution is not ("PreferClose" or "PreferSameZone" or "PreferSameNode"))
        {
            errors.Add(new FieldError("spec.trafficDistribution", "Unsupported value", Quote(distribution), "supported values: \"PreferClose\", \"PreferSameNode\", \"PreferSameZone\""));
        }
    }

    // validateServiceClusterIPsUpdate and the IP families' rules, then the LoadBalancer class and health check port.
    private static void ServiceUpdate(JsonObject spec, JsonObject old, List<FieldError> errors)
    {
        var type = Json.Str(spec["type"]);
        var oldType = Json.Str(old["type"]);
        var ips = Strings(spec["clusterIPs"]);
        var oldIps = Strings(old["clusterIPs"]);
        var headless = ips.Count > 0 && ips[0] == "None";
        var wasHeadless = oldIps.Count > 0 && oldIps[0] == "None";
        if (type != "ExternalName" && oldType != "ExternalName" && !(headless && wasHeadless) && oldIps.Count > 0)
        {
            if (ips.Count == oldIps.Count)
            {
                for (var i = 0; i < ips.Count; i++)
                {
                    if (ips[i] != oldIps[i])
                    {
                        errors.Add(new FieldError($"spec.clusterIPs[{i}]", "Invalid value", GoStrings(ips), "may not change once set"));
                    }
                }
            }
            else if (ips.Count == 0)
            {
                errors.Add(new FieldError("spec.clusterIPs[0]", "Invalid value", GoStrings(ips), "primary clusterIP can not be unset"));
            }
            else if (ips[0] != oldIps[0])
            {
                errors.Add(new FieldError("spec.clusterIPs[0]", "Invalid value", GoStrings(ips), "may not change once set"));
            }
            else if (ips.Count == 1 && Json.Str(spec["ipFamilyPolicy"]) != "SingleStack")
            {
                errors.Add(new FieldError("spec.ipFamilyPolicy", "Invalid value", Json.Str(spec["ipFamilyPolicy"]) is { } p ? Quote(p) : "null", "must be set to 'SingleStack' when releasing the secondary clusterIP"));
            }

            var families = Strings(spec["ipFamilies"]);
            var oldFamilies = Strings(old["ipFamilies"]);
            if (!headless && families.Count > 0 && oldFamilies.Count > 0)
            {
                if (families.Count == oldFamilies.Count && !families.SequenceEqual(oldFamilies))
                {
                    errors.Add(new FieldError("spec.ipFamilies[0]", "Invalid value", Inv($"[]core.IPFamily{{{string.Join(", ", families.Select(f => Quote(f ?? string.Empty)))}}}"), "may not change once set"));
                }
                else if (families.Count != oldFamilies.Count && families[0] != oldFamilies[0])
                {
                    errors.Add(new FieldError("spec.ipFamilies[0]", "Invalid value", GoStrings(ips), "may not change once set"));
                }
            }
        }

        if (type == "LoadBalancer" && oldType == "LoadBalancer" && Json.Str(spec["loadBalancerClass"]) != Json.Str(old["loadBalancerClass"]))
        {
            errors.Add(new FieldError("spec.loadBalancerClass", "Invalid value", Json.Str(spec["loadBalancerClass"]) is { } c ? Quote(c) : "null", "may not change once set"));
        }

        if (type == "LoadBalancer" && oldType == "LoadBalancer" && Json.Str(spec["externalTrafficPolicy"]) == "Local" && Json.Str(old["externalTrafficPolicy"]) == "Local"
            && (Json.Num(spec["healthCheckNodePort"]) ?? 0) != (Json.Num(old["healthCheckNodePort"]) ?? 0))
        {
            errors.Add(new FieldError("spec.healthCheckNodePort", "Forbidden", null, "field is immutable"));
        }
    }

    private static string? SpecialAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var v4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return $"may not be unspecified ({address})";
        }

        if (IPAddress.IsLoopback(address))
        {
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        }

        if ((v4 && bytes[0] == 169 && bytes[1] == 254) || (!v4 && address.IsIPv6LinkLocal))
        {
            return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
        }

        if ((v4 && bytes[0] == 224 && bytes[1] == 0 && bytes[2] == 0) || (!v4 && bytes[0] == 0xff && (bytes[1] & 0x0f) == 2))
        {
            return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }

        return null;
    }

    // Go's net.ParseCIDR accepts host bits (10.0.0.1/24); .NET's IPNetwork.TryParse does not.
    private static bool LooseCidr(string cidr)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && IPAddress.TryParse(cidr[..slash], out var ip) && !cidr[..slash].Contains('%', StringComparison.Ordinal)
            && int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
            && bits <= (ip.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
    }

    // A port's protocol, defaulted to TCP before validation (so absent only where no default ran): SCTP, TCP or UDP.
    private static void PortProtocol(JsonObject port, string path, List<FieldError> errors)
    {
        var protocol = Json.Str(port["protocol"]) ?? string.Empty;
        if (protocol.Length == 0)
        {
            errors.Add(new FieldError($"{path}.protocol", "Required value", null, string.Empty));
        }
        else if (protocol is not ("SCTP" or "TCP" or "UDP"))
        {
            errors.Add(new FieldError($"{path}.protocol", "Unsupported value", Quote(protocol), "supported values: \"SCTP\", \"TCP\", \"UDP\""));
        }
    }

    private static List<string?> Strings(JsonNode? node) => (node as JsonArray)?.Select(Json.Str).ToList() ?? [];

    private static string GoStrings(List<string?> values) => $"[]string{{{string.Join(", ", values.Select(v => Quote(v ?? string.Empty)))}}}";
}
