using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// The validation of the kinds an app's manifests carry besides workloads (issue 23): Secrets (keys, 1 MiB, the keys
/// each type requires), RBAC rules and bindings, NetworkPolicies, PodDisruptionBudgets and HorizontalPodAutoscalers,
/// with kube-apiserver's rules and words (pkg/apis/core, rbac, networking, policy and autoscaling validation, 1.32).
/// </summary>
internal static partial class ObjectValidation
{
    private const string RbacGroup = "rbac.authorization.k8s.io";
    private static readonly string[] NodeResourceLists = ["capacity", "allocatable"];

    private static void MoreKinds(ResourceType type, JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (type == ResourceType.Secret)
        {
            Secret(obj, errors);
        }
        else if (type == ResourceType.Role || type == ResourceType.ClusterRole)
        {
            var rules = obj["rules"] as JsonArray ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                PolicyRule(rules[i] as JsonObject ?? [], $"rules[{i}]", type == ResourceType.Role, errors);
            }
        }
        else if (type == ResourceType.RoleBinding || type == ResourceType.ClusterRoleBinding)
        {
            Binding(obj, type == ResourceType.ClusterRoleBinding, errors);
        }
        else if (type == ResourceType.NetworkPolicy)
        {
            NetworkPolicy(spec, errors);
        }
        else if (type == ResourceType.PodDisruptionBudget)
        {
            var min = spec["minAvailable"];
            var max = spec["maxUnavailable"];
            if (min is not null && max is not null)
            {
                errors.Add(new FieldError("spec", "Invalid value", $"policy.PodDisruptionBudgetSpec{{MinAvailable:{GoIntOrString(min)}, Selector:{(spec["selector"] is null ? "(*v1.LabelSelector)(nil)" : "&v1.LabelSelector{...}")}, MaxUnavailable:{GoIntOrString(max)}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}}", "minAvailable and maxUnavailable cannot be both set"));
            }

            PercentOrCount(spec, "minAvailable", "spec", errors);
            PercentOrCount(spec, "maxUnavailable", "spec", errors);
            Supported(spec, "unhealthyPodEvictionPolicy", "spec", ["AlwaysAllow", "IfHealthyBudget"], errors);
        }
        else if (type == ResourceType.HorizontalPodAutoscaler)
        {
            Autoscaler(spec, errors);
        }
        else if (type == ResourceType.Job || type == ResourceType.CronJob)
        {
            Batch(type, obj, errors);
        }
        else if (type == ResourceType.Node)
        {
            NodeTaints(spec["taints"] as JsonArray ?? [], errors);
            NodeSpecAndStatus(obj, errors);
        }
        else if (type == ResourceType.EndpointSlice)
        {
            EndpointSlice(obj, errors);
        }
    }

    // ValidateNodeSpecificAnnotations/validateNodeTaints: reported under metadata.taints, as upstream does.
    private static void NodeTaints(JsonArray taints, List<FieldError> errors)
    {
        var seen = new HashSet<(string?, string?)>();
        for (var i = 0; i < taints.Count; i++)
        {
            var taint = taints[i] as JsonObject ?? [];
            var effect = Json.Str(taint["effect"]) ?? string.Empty;
            if (effect.Length == 0)
            {
                errors.Add(new FieldError($"metadata.taints[{i}].effect", "Required value", null, string.Empty));
            }
            else if (effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
            {
                errors.Add(new FieldError($"metadata.taints[{i}].effect", "Unsupported value", Quote(effect), "supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""));
            }

            var key = Json.Str(taint["key"]) ?? string.Empty;
            errors.AddRange(QualifiedName(key).Select(m => new FieldError($"metadata.taints[{i}].key", "Invalid value", Quote(key), m)));
            var value = Json.Str(taint["value"]) ?? string.Empty;
            if (LabelValue(value) is { Count: > 0 } valueProblems)
            {
                errors.Add(new FieldError($"metadata.taints[{i}].value", "Invalid value", Quote(value), string.Join(";", valueProblems)));
            }
            if (!seen.Add((key, effect)))
            {
                errors.Add(new FieldError($"metadata.taints[{i}]", "Duplicate value", $"core.Taint{{Key:{Quote(key)}, Value:{Quote(Json.Str(taint["value"]) ?? string.Empty)}, Effect:{Quote(effect)}, TimeAdded:<nil>}}", "taints must be unique by key and effect pair"));
            }
        }
    }

    // ValidateNode's spec and status: pod CIDRs (valid, one per family, at most two, none twice), capacity and
    // allocatable not negative.
    private static void NodeSpecAndStatus(JsonObject node, List<FieldError> errors)
    {
        var cidrs = (node["spec"]?["podCIDRs"] as JsonArray ?? []).Select(c => Json.Str(c) ?? string.Empty).ToList();
        var families = new List<System.Net.Sockets.AddressFamily>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cidrs.Count; i++)
        {
            if (!IPNetwork.TryParse(cidrs[i], out var network) && !LooseCidr(cidrs[i]))
            {
                errors.Add(new FieldError($"spec.podCIDRs[{i}]", "Invalid value", Quote(cidrs[i]), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                continue;
            }

            if (!seen.Add(cidrs[i]))
            {
                errors.Add(new FieldError($"spec.podCIDRs[{i}]", "Duplicate value", Quote(cidrs[i]), string.Empty));
            }

            families.Add(IPAddress.Parse(cidrs[i][..cidrs[i].IndexOf('/', StringComparison.Ordinal)]).AddressFamily);
        }

        if (cidrs.Count > 2 || (families.Count == 2 && families[0] == families[1]))
        {
            errors.Add(new FieldError("spec.podCIDRs", "Invalid value", GoStrings([.. cidrs]), "may specify no more than one CIDR for each IP family"));
        }

        foreach (var field in NodeResourceLists)
        {
            foreach (var (name, value) in node["status"]?[field] as JsonObject ?? [])
            {
                if (ResourceQuantity.TryParse(Json.Str(value) ?? string.Empty, out var quantity, out _) && quantity.Sign < 0)
                {
                    errors.Add(new FieldError($"status.{field}.{name}", "Invalid value", Quote(quantity.ToString()), "must be greater than or equal to 0"));
                }
            }
        }
    }

    // ValidateEndpointSlice (discovery validation, 1.32): the address type, at most 1000 endpoints of 1 to 100
    // addresses each, of the slice's address type and in no special range; node names, hostnames and zone hints; at most
    // 20000 ports, named with DNS labels (unique, "" included), with a protocol. Paths have no "spec.": a slice has none.
    private static void EndpointSlice(JsonObject slice, List<FieldError> errors)
    {
        var addressType = Json.Str(slice["addressType"]) ?? string.Empty;
        if (addressType.Length == 0)
        {
            errors.Add(new FieldError("addressType", "Required value", null, string.Empty));
        }
        else if (addressType is not ("IPv4" or "IPv6" or "FQDN"))
        {
            errors.Add(new FieldError("addressType", "Unsupported value", Quote(addressType), "supported values: \"FQDN\", \"IPv4\", \"IPv6\""));
        }

        var endpoints = slice["endpoints"] as JsonArray ?? [];
        if (endpoints.Count > 1000)
        {
            errors.Add(new FieldError("endpoints", "Too many", endpoints.Count.ToString(CultureInfo.InvariantCulture), "must have at most 1000 items"));
        }
        else
        {
            for (var i = 0; i < endpoints.Count; i++)
            {
                SliceEndpoint(endpoints[i] as JsonObject ?? [], $"endpoints[{i}]", addressType, errors);
            }
        }

        var ports = slice["ports"] as JsonArray ?? [];
        if (ports.Count > 20000)
        {
            errors.Add(new FieldError("ports", "Too many", ports.Count.ToString(CultureInfo.InvariantCulture), "must have at most 20000 items"));
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject ?? [];
            var name = Json.Str(port["name"]) ?? string.Empty;
            if (name.Length > 0)
            {
                errors.AddRange(KubernetesNames.ValidateDns1123Label(name).Select(m => new FieldError($"ports[{i}].name", "Invalid value", Quote(name), m)));
            }

            if (!names.Add(name))
            {
                errors.Add(new FieldError($"ports[{i}].name", "Duplicate value", Quote(name), string.Empty));
            }

            PortProtocol(port, $"ports[{i}]", errors);

            if (Json.Str(port["appProtocol"]) is { } appProtocol)
            {
                errors.AddRange(QualifiedName(appProtocol).Select(m => new FieldError($"ports[{i}].appProtocol", "Invalid value", Quote(appProtocol), m)));
            }
        }
    }

    private static void SliceEndpoint(JsonObject endpoint, string path, string addressType, List<FieldError> errors)
    {
        var addresses = endpoint["addresses"] as JsonArray ?? [];
        if (addresses.Count == 0)
        {
            errors.Add(new FieldError($"{path}.addresses", "Required value", null, "must contain at least 1 address"));
        }
        else if (addresses.Count > 100)
        {
            errors.Add(new FieldError($"{path}.addresses", "Too many", addresses.Count.ToString(CultureInfo.InvariantCulture), "must have at most 100 items"));
        }

        for (var j = 0; j < addresses.Count; j++)
        {
            var at = $"{path}.addresses[{j}]";
            var text = Json.Str(addresses[j]) ?? string.Empty;
            if (addressType == "FQDN")
            {
                FqdnAddress(text, at, errors);
                continue;
            }

            var parsed = IPAddress.TryParse(text, out var ip) && !text.Contains('%', StringComparison.Ordinal) ? ip : null;
            if (addressType == "IPv4" && parsed?.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                errors.Add(new FieldError(at, "Invalid value", Quote(text), "must be a valid IPv4 address"));
            }
            else if (addressType == "IPv6" && parsed?.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                errors.Add(new FieldError(at, "Invalid value", Quote(text), "must be a valid IPv6 address"));
            }

            if (addressType is "IPv4" or "IPv6" && parsed is null)
            {
                errors.Add(new FieldError(at, "Invalid value", Quote(text), "must be a valid IP address"));
            }
            else if (addressType is "IPv4" or "IPv6" && SpecialAddress(parsed!) is { } special && !IPAddress.IsLoopback(parsed!))
            {
                // Loopback is upstream's special range too, but the fake's loopback pod network puts pods there: their
                // slices must be writable, so only the other special ranges are refused.
                errors.Add(new FieldError(at, "Invalid value", Quote(text), special));
            }
        }

        if (Json.Str(endpoint["nodeName"]) is { } nodeName)
        {
            errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(nodeName).Select(m => new FieldError($"{path}.nodeName", "Invalid value", Quote(nodeName), m)));
        }

        if (Json.Str(endpoint["hostname"]) is { } hostname)
        {
            errors.AddRange(KubernetesNames.ValidateDns1123Label(hostname).Select(m => new FieldError($"{path}.hostname", "Invalid value", Quote(hostname), m)));
        }

        var zones = endpoint["hints"]?["forZones"] as JsonArray ?? [];
        if (zones.Count > 8)
        {
            errors.Add(new FieldError($"{path}.hints.forZones", "Too many", zones.Count.ToString(CultureInfo.InvariantCulture), "must have at most 8 items"));
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < zones.Count; k++)
        {
            var zone = Json.Str(zones[k]?["name"]) ?? string.Empty;
            if (!seen.Add(zone))
            {
                errors.Add(new FieldError($"{path}.hints.forZones[{k}].name", "Duplicate value", Quote(zone), string.Empty));
            }
            else
            {
                errors.AddRange(LabelValue(zone).Select(m => new FieldError($"{path}.hints.forZones[{k}].name", "Invalid value", Quote(zone), m)));
            }
        }
    }

    // An FQDN slice's address: a DNS subdomain (one trailing dot allowed) of at least two labels.
    private static void FqdnAddress(string text, string path, List<FieldError> errors)
    {
        if (text.Length == 0)
        {
            errors.Add(new FieldError(path, "Required value", null, string.Empty));
            return;
        }

        var name = text.EndsWith('.') ? text[..^1] : text;
        if (KubernetesNames.ValidateDns1123Subdomain(name) is { Count: > 0 } problems)
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(text), string.Join(",", problems)));
        }
        else if (!name.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(text), "should be a domain with at least two segments separated by dots"));
        }
    }

    private static void Immutables(ResourceType type, JsonObject obj, JsonObject current, List<FieldError> errors)
    {
        if (type == ResourceType.Secret || type == ResourceType.ConfigMap)
        {
            if (type == ResourceType.Secret && Json.Str(current["type"]) is { } oldType && Json.Str(obj["type"]) is var newType && newType != oldType)
            {
                errors.Add(new FieldError("type", "Invalid value", Quote(newType ?? string.Empty), "field is immutable"));
            }

            if (Json.Bool(current["immutable"]) == true)
            {
                if (Json.Bool(obj["immutable"]) != true)
                {
                    errors.Add(new FieldError("immutable", "Forbidden", null, "field is immutable when `immutable` is set"));
                }

                foreach (var field in type == ResourceType.Secret ? new[] { "data" } : ["data", "binaryData"])
                {
                    if (!JsonNode.DeepEquals(obj[field] ?? new JsonObject(), current[field] ?? new JsonObject()))
                    {
                        errors.Add(new FieldError(field, "Forbidden", null, "field is immutable when `immutable` is set"));
                    }
                }
            }
        }
        else if ((type == ResourceType.DaemonSet || type == ResourceType.Deployment || type == ResourceType.ReplicaSet || type == ResourceType.StatefulSet)
            && current["spec"]?["selector"] is { } oldSelector && !JsonNode.DeepEquals(obj["spec"]?["selector"], oldSelector))
        {
            errors.Add(new FieldError("spec.selector", "Invalid value", "v1.LabelSelector{...}", "field is immutable"));
        }
        else if (type == ResourceType.StatefulSet && StatefulSetFrozen(obj["spec"] as JsonObject) is var now && StatefulSetFrozen(current["spec"] as JsonObject) is var was && !JsonNode.DeepEquals(now, was))
        {
            errors.Add(new FieldError("spec", "Forbidden", null, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        }
        else if (type == ResourceType.Job)
        {
            JobImmutables(obj, current, errors);
        }
        else if (type == ResourceType.EndpointSlice && Json.Str(current["addressType"]) is { } oldType && Json.Str(obj["addressType"]) is { } newType && newType != oldType)
        {
            errors.Add(new FieldError("addressType", "Invalid value", Quote(newType), "field is immutable"));
        }
        else if (type == ResourceType.Pod && PodSpecChanged(obj["spec"] as JsonObject, current["spec"] as JsonObject) is { } diff)
        {
            errors.Add(new FieldError("spec", "Forbidden", null,
                "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n" + diff));
        }
        else if (type == ResourceType.Node)
        {
            // ValidateNodeUpdate: pod CIDRs and the provider ID only from "" to valid; the external ID never.
            var cidrs = (obj["spec"]?["podCIDRs"] as JsonArray ?? []).Select(Json.Str).ToList();
            var oldCidrs = (current["spec"]?["podCIDRs"] as JsonArray ?? []).Select(Json.Str).ToList();
            if (oldCidrs.Count > 0 && !cidrs.SequenceEqual(oldCidrs))
            {
                errors.Add(new FieldError("spec.podCIDRs", "Forbidden", null, "node updates may not change podCIDR except from \"\" to valid"));
            }

            if (Json.Str(current["spec"]?["providerID"]) is { Length: > 0 } providerId && Json.Str(obj["spec"]?["providerID"]) != providerId)
            {
                errors.Add(new FieldError("spec.providerID", "Forbidden", null, "node updates may not change providerID except from \"\" to valid"));
            }

            if (Json.Str(obj["spec"]?["externalID"]) != Json.Str(current["spec"]?["externalID"]))
            {
                errors.Add(new FieldError("spec.externalID", "Forbidden", null, "may not be updated"));
            }

            var addresses = obj["status"]?["addresses"] as JsonArray ?? [];
            var known = new HashSet<(string?, string?)>();
            for (var i = 0; i < addresses.Count; i++)
            {
                var address = (Json.Str(addresses[i]?["type"]), Json.Str(addresses[i]?["address"]));
                if (!known.Add(address))
                {
                    errors.Add(new FieldError($"status.addresses[{i}]", "Duplicate value", Inv($"core.NodeAddress{{Type:{Quote(address.Item1 ?? string.Empty)}, Address:{Quote(address.Item2 ?? string.Empty)}}}"), string.Empty));
                }
            }
        }
        else if ((type == ResourceType.RoleBinding || type == ResourceType.ClusterRoleBinding) && !JsonNode.DeepEquals(obj["roleRef"], current["roleRef"]))
        {
            var roleRef = obj["roleRef"] as JsonObject ?? [];
            errors.Add(new FieldError("roleRef", "Invalid value",
                $"rbac.RoleRef{{APIGroup:{Quote(Json.Str(roleRef["apiGroup"]) ?? string.Empty)}, Kind:{Quote(Json.Str(roleRef["kind"]) ?? string.Empty)}, Name:{Quote(Json.Str(roleRef["name"]) ?? string.Empty)}}}",
                "cannot change roleRef"));
        }
    }

    // apps validation ValidateDaemonSetSpec's strategy and template rules.
    private static void DaemonSetStrategy(JsonObject spec, List<FieldError> errors)
    {
        if (spec["template"]?["spec"]?["activeDeadlineSeconds"] is not null)
        {
            errors.Add(new FieldError("spec.template.spec.activeDeadlineSeconds", "Forbidden", null, "activeDeadlineSeconds in DaemonSet is not Supported"));
        }

        var strategy = spec["updateStrategy"] as JsonObject ?? [];
        var type = Json.Str(strategy["type"]) ?? string.Empty;
        if (type is not ("RollingUpdate" or "OnDelete"))
        {
            errors.Add(new FieldError("spec.updateStrategy", "Unsupported value", $"apps.DaemonSetUpdateStrategy{{Type:{Quote(type)}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}}", "supported values: \"RollingUpdate\", \"OnDelete\""));
            return;
        }

        if (type != "RollingUpdate")
        {
            return;
        }

        if (strategy["rollingUpdate"] is not JsonObject rolling)
        {
            errors.Add(new FieldError("spec.updateStrategy.rollingUpdate", "Required value", null, string.Empty));
            return;
        }

        const string path = "spec.updateStrategy.rollingUpdate";
        var unavailable = IntOrPercent(rolling, "maxUnavailable", path, errors);
        var surge = IntOrPercent(rolling, "maxSurge", path, errors);
        foreach (var (field, amount) in new[] { ("maxUnavailable", unavailable), ("maxSurge", surge) })
        {
            if (amount is { Percent: true, Value: > 100 } a)
            {
                errors.Add(new FieldError($"{path}.{field}", "Invalid value", Inv($"{a.Value}%"), "must not be greater than 100%"));
            }
        }

        if (unavailable is { Value: 0 } && surge is null or { Value: 0 })
        {
            errors.Add(new FieldError($"{path}.maxUnavailable", "Required value", null, "cannot be 0 when maxSurge is 0"));
        }
        else if (unavailable is { Value: > 0 } && surge is { Value: > 0 } s)
        {
            errors.Add(new FieldError($"{path}.maxSurge", "Invalid value", s.Percent ? Inv($"{s.Value}%") : Inv($"{s.Value}"), "may not be set when maxUnavailable is non-zero"));
        }
    }

    // ValidatePodUpdate: with what may change set back to the old values (images, activeDeadlineSeconds, tolerations
    // that only add, the grace period), the spec must be the old one; else a readable diff of the first difference.
    private static string? PodSpecChanged(JsonObject? spec, JsonObject? old)
    {
        if (spec is null || old is null)
        {
            return null;
        }

        var relaxed = (JsonObject)spec.DeepClone();
        foreach (var list in new[] { "containers", "initContainers" })
        {
            var now = relaxed[list] as JsonArray ?? [];
            var was = old[list] as JsonArray ?? [];
            for (var i = 0; i < now.Count && i < was.Count; i++)
            {
                if (now[i] is JsonObject c && was[i]?["image"] is { } image)
                {
                    c["image"] = image.DeepClone();
                }
            }
        }

        foreach (var field in new[] { "activeDeadlineSeconds", "terminationGracePeriodSeconds" })
        {
            relaxed.Remove(field);
            if (old[field] is { } value)
            {
                relaxed[field] = value.DeepClone();
            }
        }

        var oldTolerations = old["tolerations"] as JsonArray ?? [];
        var newTolerations = relaxed["tolerations"] as JsonArray ?? [];
        if (oldTolerations.All(t => newTolerations.Any(n => JsonNode.DeepEquals(n, t))))
        {
            relaxed.Remove("tolerations");
            if (old["tolerations"] is { } tolerations)
            {
                relaxed["tolerations"] = tolerations.DeepClone();
            }
        }

        foreach (var (key, value) in relaxed.Concat(old).Select(kv => kv.Key).Distinct().Select(k => (k, relaxed[k])))
        {
            if (!JsonNode.DeepEquals(value, old[key]))
            {
                return $"  core.PodSpec{{\n-  {key}: {old[key]?.ToJsonString() ?? "null"},\n+  {key}: {value?.ToJsonString() ?? "null"},\n  }}";
            }
        }

        return null;
    }

    // ValidateStatefulSetUpdate: what may not change (everything but the fields its message names; the defaulted
    // revisionHistoryLimit too may change).
    private static JsonObject StatefulSetFrozen(JsonObject? spec) => new()
    {
        // The fields that may not change, with their defaults (the selector is checked on its own).
        ["serviceName"] = Json.Str(spec?["serviceName"]) ?? string.Empty,
        ["podManagementPolicy"] = Json.Str(spec?["podManagementPolicy"]) ?? "OrderedReady",
        ["volumeClaimTemplates"] = spec?["volumeClaimTemplates"] is JsonArray { Count: > 0 } claims ? claims.DeepClone() : null,
    };

    // ValidateSecret: keys as config keys, the data at most 1 MiB, and the keys each well-known type requires.
    private static void Secret(JsonObject obj, List<FieldError> errors)
    {
        var data = obj["data"] as JsonObject ?? [];
        var size = 0L;
        foreach (var (key, value) in data)
        {
            errors.AddRange(ConfigMapKey(key).Select(m => new FieldError($"data[{key}]", "Invalid value", Quote(key), m)));

            size += Base64Length(Json.Str(value) ?? string.Empty);
        }

        if (size > 1024 * 1024)
        {
            errors.Add(new FieldError("data", "Too long", null, "must have at most 1048576 bytes"));
        }

        bool Has(string key) => data.ContainsKey(key);
        switch (Json.Str(obj["type"]))
        {
            case "kubernetes.io/service-account-token":
                if (string.IsNullOrEmpty(Json.Str(obj["metadata"]?["annotations"]?["kubernetes.io/service-account.name"])))
                {
                    errors.Add(new FieldError("metadata.annotations[kubernetes.io/service-account.name]", "Required value", null, string.Empty));
                }

                break;
            case "kubernetes.io/dockercfg":
                DockerConfig(data, ".dockercfg", errors);
                break;
            case "kubernetes.io/dockerconfigjson":
                DockerConfig(data, ".dockerconfigjson", errors);
                break;
            case "kubernetes.io/basic-auth":
                if (!Has("username") && !Has("password"))
                {
                    errors.Add(new FieldError("data[username]", "Required value", null, string.Empty));
                    errors.Add(new FieldError("data[password]", "Required value", null, string.Empty));
                }

                break;
            case "kubernetes.io/ssh-auth":
                if (string.IsNullOrEmpty(Json.Str(data["ssh-privatekey"])))
                {
                    errors.Add(new FieldError("data[ssh-privatekey]", "Required value", null, string.Empty));
                }

                break;
            case "kubernetes.io/tls":
                foreach (var key in new[] { "tls.crt", "tls.key" })
                {
                    if (!Has(key))
                    {
                        errors.Add(new FieldError($"data[{key}]", "Required value", null, string.Empty));
                    }
                }

                break;
        }
    }

    private static void DockerConfig(JsonObject data, string key, List<FieldError> errors)
    {
        if (Json.Str(data[key]) is not { } encoded)
        {
            errors.Add(new FieldError($"data[{key}]", "Required value", null, string.Empty));
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(encoded));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException($"json: cannot unmarshal {document.RootElement.ValueKind.ToString().ToLowerInvariant()} into Go value of type map[string]interface {{}}");
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            errors.Add(new FieldError($"data[{key}]", "Invalid value", "\"<secret contents redacted>\"", ex is JsonException { Message: var m } && m.StartsWith("json:", StringComparison.Ordinal) ? m : "invalid character looking for beginning of value"));
        }
    }

    private static long Base64Length(string encoded)
    {
        var padding = encoded.EndsWith("==", StringComparison.Ordinal) ? 2 : encoded.EndsWith('=') ? 1 : 0;
        return (encoded.Length / 4 * 3) - padding;
    }

    // rbac validation ValidatePolicyRule.
    private static void PolicyRule(JsonObject rule, string path, bool namespaced, List<FieldError> errors)
    {
        static int Count(JsonObject o, string field) => (o[field] as JsonArray)?.Count ?? 0;
        if (Count(rule, "verbs") == 0)
        {
            errors.Add(new FieldError($"{path}.verbs", "Required value", null, "verbs must contain at least one value"));
        }

        if (Count(rule, "nonResourceURLs") > 0)
        {
            var urls = $"[]string{{{string.Join(", ", (rule["nonResourceURLs"] as JsonArray ?? []).Select(u => Quote(Json.Str(u) ?? string.Empty)))}}}";
            if (namespaced)
            {
                errors.Add(new FieldError($"{path}.nonResourceURLs", "Invalid value", urls, "namespaced rules cannot apply to non-resource URLs"));
            }

            if (Count(rule, "apiGroups") > 0 || Count(rule, "resources") > 0 || Count(rule, "resourceNames") > 0)
            {
                errors.Add(new FieldError($"{path}.nonResourceURLs", "Invalid value", urls, "rules cannot apply to both regular resources and non-resource URLs"));
            }

            return;
        }

        if (Count(rule, "apiGroups") == 0)
        {
            errors.Add(new FieldError($"{path}.apiGroups", "Required value", null, "resource rules must supply at least one api group"));
        }

        if (Count(rule, "resources") == 0)
        {
            errors.Add(new FieldError($"{path}.resources", "Required value", null, "resource rules must supply at least one resource"));
        }
        else if (Count(rule, "resourceNames") > 0 && Count(rule, "resources") > 1)
        {
            errors.Add(new FieldError($"{path}.resourceNames", "Required value", null, "resource names cannot apply to multiple resources"));
        }
    }

    // rbac validation ValidateRoleBinding / ValidateClusterRoleBinding (after defaulting the API groups).
    private static void Binding(JsonObject obj, bool cluster, List<FieldError> errors)
    {
        var roleRef = obj["roleRef"] as JsonObject ?? [];
        if (Json.Str(roleRef["apiGroup"]) is { } group && group != RbacGroup)
        {
            errors.Add(new FieldError("roleRef.apiGroup", "Unsupported value", Quote(group), $"supported values: {Quote(RbacGroup)}"));
        }

        var kind = Json.Str(roleRef["kind"]) ?? string.Empty;
        string[] kinds = cluster ? ["ClusterRole"] : ["Role", "ClusterRole"];
        if (!kinds.Contains(kind, StringComparer.Ordinal))
        {
            errors.Add(new FieldError("roleRef.kind", "Unsupported value", Quote(kind), $"supported values: {string.Join(", ", kinds.Select(Quote))}"));
        }

        var refName = Json.Str(roleRef["name"]) ?? string.Empty;
        if (refName.Length == 0)
        {
            errors.Add(new FieldError("roleRef.name", "Required value", null, string.Empty));
        }
        else if (PathSegment(refName) is { } segment)
        {
            errors.Add(new FieldError("roleRef.name", "Invalid value", Quote(refName), segment));
        }

        var subjects = obj["subjects"] as JsonArray ?? [];
        for (var i = 0; i < subjects.Count; i++)
        {
            var subject = subjects[i] as JsonObject ?? [];
            var path = $"subjects[{i}]";
            var name = Json.Str(subject["name"]) ?? string.Empty;
            var subjectKind = Json.Str(subject["kind"]) ?? string.Empty;
            var apiGroup = Json.Str(subject["apiGroup"]) ?? string.Empty;
            if (name.Length == 0)
            {
                errors.Add(new FieldError($"{path}.name", "Required value", null, string.Empty));
            }

            switch (subjectKind)
            {
                case "ServiceAccount":
                    if (name.Length > 0 && KubernetesNames.ValidateDns1123Subdomain(name) is { Count: > 0 } saErrors)
                    {
                        errors.AddRange(saErrors.Select(m => new FieldError($"{path}.name", "Invalid value", Quote(name), m)));
                    }

                    if (apiGroup.Length > 0)
                    {
                        errors.Add(new FieldError($"{path}.apiGroup", "Unsupported value", Quote(apiGroup), "supported values: \"\""));
                    }

                    if (cluster && string.IsNullOrEmpty(Json.Str(subject["namespace"])))
                    {
                        errors.Add(new FieldError($"{path}.namespace", "Required value", null, string.Empty));
                    }

                    break;
                case "User" or "Group":
                    if (name.Length == 0)
                    {
                        errors.Add(new FieldError($"{path}.name", "Invalid value", "\"\"", subjectKind == "User" ? "user name cannot be empty" : "group name cannot be empty"));
                    }

                    if (apiGroup != RbacGroup)
                    {
                        errors.Add(new FieldError($"{path}.apiGroup", "Unsupported value", Quote(apiGroup), $"supported values: {Quote(RbacGroup)}"));
                    }

                    break;
                default:
                    errors.Add(new FieldError($"{path}.kind", "Unsupported value", Quote(subjectKind), "supported values: \"ServiceAccount\", \"User\", \"Group\""));
                    break;
            }
        }
    }

    // apimachinery's IsValidPathSegmentName: the name of an RBAC object, and of a binding's role.
    internal static string? PathSegment(string name) =>
        name is "." or ".." ? $"may not be '{name}'"
        : name.Contains('/', StringComparison.Ordinal) ? "may not contain '/'"
        : name.Contains('%', StringComparison.Ordinal) ? "may not contain '%'"
        : null;

    // networking validation ValidateNetworkPolicySpec.
    private static void NetworkPolicy(JsonObject spec, List<FieldError> errors)
    {
        foreach (var direction in new[] { ("ingress", "from"), ("egress", "to") })
        {
            var rules = spec[direction.Item1] as JsonArray ?? [];
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i] as JsonObject ?? [];
                var ports = rule["ports"] as JsonArray ?? [];
                for (var j = 0; j < ports.Count; j++)
                {
                    NetworkPolicyPort(ports[j] as JsonObject ?? [], $"spec.{direction.Item1}[{i}].ports[{j}]", errors);
                }

                var peers = rule[direction.Item2] as JsonArray ?? [];
                for (var j = 0; j < peers.Count; j++)
                {
                    NetworkPolicyPeer(peers[j] as JsonObject ?? [], $"spec.{direction.Item1}[{i}].{direction.Item2}[{j}]", errors);
                }
            }
        }

        var types = spec["policyTypes"] as JsonArray ?? [];
        if (types.Count > 2)
        {
            errors.Add(new FieldError("spec.policyTypes", "Invalid value", $"[]networking.PolicyType{{{string.Join(", ", types.Select(t => Quote(Json.Str(t) ?? string.Empty)))}}}", "may not specify more than two policyTypes"));
        }

        for (var k = 0; k < types.Count; k++)
        {
            if (Json.Str(types[k]) is var t && t is not ("Ingress" or "Egress"))
            {
                errors.Add(new FieldError($"spec.policyTypes[{k}]", "Unsupported value", Quote(t ?? string.Empty), "supported values: \"Ingress\", \"Egress\""));
            }
        }
    }

    private static void NetworkPolicyPort(JsonObject port, string path, List<FieldError> errors)
    {
        Supported(port, "protocol", path, ["TCP", "UDP", "SCTP"], errors);
        var number = port["port"] is JsonValue pv && pv.GetValueKind() == JsonValueKind.Number ? Json.Num(pv) : null;
        if (number is { } n && n is < 1 or > 65535)
        {
            errors.Add(new FieldError($"{path}.port", "Invalid value", n.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }
        else if (port["port"] is JsonValue sv && sv.GetValueKind() == JsonValueKind.String && KubernetesNames.ValidatePortName(sv.GetValue<string>()) is { Count: > 0 } nameErrors)
        {
            errors.AddRange(nameErrors.Select(m => new FieldError($"{path}.port", "Invalid value", Quote(sv.GetValue<string>()), m)));
        }

        if (Json.Num(port["endPort"]) is not { } end)
        {
            return;
        }

        if (port["port"] is null)
        {
            errors.Add(new FieldError($"{path}.endPort", "Invalid value", end.ToString(CultureInfo.InvariantCulture), "may not be specified when `port` is not specified"));
        }
        else if (number is null)
        {
            errors.Add(new FieldError($"{path}.endPort", "Invalid value", end.ToString(CultureInfo.InvariantCulture), "may not be specified when `port` is non-numeric"));
        }
        else if (end < number)
        {
            errors.Add(new FieldError($"{path}.endPort", "Invalid value", number.Value.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to `port`"));
        }
        else if (end > 65535)
        {
            errors.Add(new FieldError($"{path}.endPort", "Invalid value", end.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }
    }

    private static void NetworkPolicyPeer(JsonObject peer, string path, List<FieldError> errors)
    {
        var selectors = (peer["podSelector"] is not null ? 1 : 0) + (peer["namespaceSelector"] is not null ? 1 : 0);
        if (peer["ipBlock"] is JsonObject block)
        {
            if (selectors > 0)
            {
                errors.Add(new FieldError(path, "Forbidden", null, "may not specify both ipBlock and another peer"));
            }

            var cidr = Json.Str(block["cidr"]) ?? string.Empty;
            IPNetwork? network = null;
            if (cidr.Length == 0)
            {
                errors.Add(new FieldError($"{path}.ipBlock.cidr", "Required value", null, string.Empty));
            }
            else if (IPNetwork.TryParse(cidr, out var parsed))
            {
                network = parsed;
            }
            else
            {
                errors.Add(new FieldError($"{path}.ipBlock.cidr", "Invalid value", Quote(cidr), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }

            var except = block["except"] as JsonArray ?? [];
            for (var k = 0; k < except.Count; k++)
            {
                var text = Json.Str(except[k]) ?? string.Empty;
                if (!IPNetwork.TryParse(text, out var inner))
                {
                    errors.Add(new FieldError($"{path}.ipBlock.except[{k}]", "Invalid value", Quote(text), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                }
                else if (network is { } outer && !(outer.Contains(inner.BaseAddress) && inner.PrefixLength > outer.PrefixLength))
                {
                    errors.Add(new FieldError($"{path}.ipBlock.except[{k}]", "Invalid value", Quote(text), "must be a strict subset of `cidr`"));
                }
            }
        }
        else if (selectors == 0)
        {
            errors.Add(new FieldError(path, "Required value", null, "must specify a peer"));
        }
    }

    // policy validation: minAvailable / maxUnavailable a non-negative count or a percentage of at most 100%.
    private static void PercentOrCount(JsonObject spec, string field, string path, List<FieldError> errors)
    {
        if (IntOrPercent(spec, field, path, errors) is { Percent: true, Value: > 100 } amount)
        {
            errors.Add(new FieldError($"{path}.{field}", "Invalid value", Inv($"{amount.Value}%"), "must not be greater than 100%"));
        }
    }

    private static string GoIntOrString(JsonNode value) => $"(*intstr.IntOrString)({(value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString())})";

    // autoscaling validation ValidateHorizontalPodAutoscalerSpec (after defaulting: minReplicas 1, cpu 80%).
    private static void Autoscaler(JsonObject spec, List<FieldError> errors)
    {
        var min = Json.Num(spec["minReplicas"]) ?? 1;
        var max = Json.Num(spec["maxReplicas"]) ?? 0;
        if (min < 1)
        {
            errors.Add(new FieldError("spec.minReplicas", "Invalid value", Inv($"{min}"), "must be greater than or equal to 1"));
        }

        if (max < 1)
        {
            errors.Add(new FieldError("spec.maxReplicas", "Invalid value", Inv($"{max}"), "must be greater than 0"));
        }

        if (max < min)
        {
            errors.Add(new FieldError("spec.maxReplicas", "Invalid value", Inv($"{max}"), "must be greater than or equal to `minReplicas`"));
        }

        var target = spec["scaleTargetRef"] as JsonObject ?? [];
        foreach (var field in new[] { "kind", "name" })
        {
            var value = Json.Str(target[field]) ?? string.Empty;
            if (value.Length == 0)
            {
                errors.Add(new FieldError($"spec.scaleTargetRef.{field}", "Required value", null, string.Empty));
            }
            else if (PathSegment(value) is { } segment)
            {
                errors.Add(new FieldError($"spec.scaleTargetRef.{field}", "Invalid value", Quote(value), segment));
            }
        }

        var metrics = spec["metrics"] as JsonArray ?? [];
        string[] sources = ["ContainerResource", "External", "Object", "Pods", "Resource"];
        for (var i = 0; i < metrics.Count; i++)
        {
            var metric = metrics[i] as JsonObject ?? [];
            var path = $"spec.metrics[{i}]";
            var type = Json.Str(metric["type"]) ?? string.Empty;
            if (type.Length == 0)
            {
                errors.Add(new FieldError($"{path}.type", "Required value", null, "must specify a metric source type"));
                continue;
            }

            if (!sources.Contains(type, StringComparer.Ordinal))
            {
                errors.Add(new FieldError($"{path}.type", "Unsupported value", Quote(type), $"supported values: {string.Join(", ", sources.Select(Quote))}"));
                continue;
            }

            var sourceField = char.ToLowerInvariant(type[0]) + type[1..];
            foreach (var other in sources.Select(s => char.ToLowerInvariant(s[0]) + s[1..]).Where(s => s != sourceField && metric[s] is not null))
            {
                errors.Add(new FieldError($"{path}.{other}", "Forbidden", null, "must populate the given metric source only"));
            }

            if (metric[sourceField] is not JsonObject source)
            {
                errors.Add(new FieldError($"{path}.{sourceField}", "Required value", null, "must populate information for the given metric source"));
                continue;
            }

            if (type is "Resource" or "ContainerResource")
            {
                if (string.IsNullOrEmpty(Json.Str(source["name"])))
                {
                    errors.Add(new FieldError($"{path}.{sourceField}.name", "Required value", null, "must specify a resource name"));
                }

                MetricTarget(source["target"] as JsonObject ?? [], $"{path}.{sourceField}.target", errors);
            }
        }
    }

    private static void MetricTarget(JsonObject target, string path, List<FieldError> errors)
    {
        var type = Json.Str(target["type"]) ?? string.Empty;
        if (type.Length == 0)
        {
            errors.Add(new FieldError($"{path}.type", "Required value", null, "must specify a metric target type"));
        }
        else if (type is not ("Utilization" or "Value" or "AverageValue"))
        {
            errors.Add(new FieldError($"{path}.type", "Invalid value", Quote(type), "must be either Utilization, Value, or AverageValue"));
        }

        var utilization = Json.Num(target["averageUtilization"]);
        var hasValue = target["averageValue"] is not null || target["value"] is not null;
        if (utilization is null && !hasValue)
        {
            errors.Add(new FieldError($"{path}.averageUtilization", "Required value", null, "must set either a target raw value or a target utilization"));
        }
        else if (utilization is not null && target["averageValue"] is not null)
        {
            errors.Add(new FieldError($"{path}.averageValue", "Forbidden", null, "may not set both a target raw value and a target utilization"));
        }

        if (utilization is < 1)
        {
            errors.Add(new FieldError($"{path}.averageUtilization", "Invalid value", Inv($"{utilization}"), "must be greater than 0"));
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
