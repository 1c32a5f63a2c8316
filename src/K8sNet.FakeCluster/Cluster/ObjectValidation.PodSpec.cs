using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// The rest of a pod spec as pkg/apis/core/validation 1.32 checks it: container ports (names, numbers, protocols, host
/// ports unique across the pod), lifecycle hooks, tolerations, the DNS policy and config, and topology spread
/// constraints.
/// </summary>
internal static partial class ObjectValidation
{
    private static readonly string[] LifecycleHandlers = ["exec", "httpGet", "tcpSocket", "sleep"];

    // validateContainerPorts, and AccumulateUniqueHostPorts across the pod's containers.
    private static void ContainerPorts(JsonArray ports, string path, HashSet<string> hostPorts, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject ?? [];
            var at = $"{path}[{i}]";
            var name = Json.Str(port["name"]) ?? string.Empty;
            if (name.Length > 0)
            {
                if (KubernetesNames.ValidatePortName(name) is { Count: > 0 } problems)
                {
                    errors.AddRange(problems.Select(m => new FieldError($"{at}.name", "Invalid value", Quote(name), m)));
                }
                else if (!names.Add(name))
                {
                    errors.Add(new FieldError($"{at}.name", "Duplicate value", Quote(name), string.Empty));
                }
            }

            var number = Json.Num(port["containerPort"]);
            if (number is null or 0)
            {
                errors.Add(new FieldError($"{at}.containerPort", "Required value", null, string.Empty));
            }
            else if (number is < 1 or > 65535)
            {
                errors.Add(new FieldError($"{at}.containerPort", "Invalid value", number.Value.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }

            var hostPort = Json.Num(port["hostPort"]) ?? 0;
            if (hostPort != 0 && hostPort is < 1 or > 65535)
            {
                errors.Add(new FieldError($"{at}.hostPort", "Invalid value", hostPort.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }

            var protocol = Json.Str(port["protocol"]);
            if (protocol is not null && protocol is not ("SCTP" or "TCP" or "UDP"))
            {
                errors.Add(new FieldError($"{at}.protocol", "Unsupported value", Quote(protocol), "supported values: \"SCTP\", \"TCP\", \"UDP\""));
            }

            // AccumulateUniqueHostPorts keys a host port by "hostIP/protocol/port".
            var key = $"{Json.Str(port["hostIP"])}/{protocol ?? "TCP"}/{hostPort}";
            if (hostPort != 0 && !hostPorts.Add(key))
            {
                errors.Add(new FieldError($"{at}.hostPort", "Duplicate value", Quote(key), string.Empty));
            }
        }
    }

    // validateLifecycle: each hook one handler (exec, httpGet, tcpSocket or sleep), each checked as a probe's is.
    private static void Lifecycle(JsonObject lifecycle, string path, List<FieldError> errors)
    {
        foreach (var hook in new[] { "postStart", "preStop" })
        {
            if (lifecycle[hook] is not JsonObject handler)
            {
                continue;
            }

            var at = $"{path}.{hook}";
            var present = LifecycleHandlers.Where(h => handler[h] is not null).ToList();
            if (present.Count == 0)
            {
                errors.Add(new FieldError(at, "Required value", null, "must specify a handler type"));
                continue;
            }

            foreach (var extra in present.Skip(1))
            {
                errors.Add(new FieldError($"{at}.{extra}", "Forbidden", null, "may not specify more than 1 handler type"));
            }

            HandlerActions(handler, at, errors);
        }
    }

    // validateTolerations.
    private static void Tolerations(JsonArray tolerations, string path, List<FieldError> errors)
    {
        for (var i = 0; i < tolerations.Count; i++)
        {
            var toleration = tolerations[i] as JsonObject ?? [];
            var at = $"{path}[{i}]";
            var key = Json.Str(toleration["key"]) ?? string.Empty;
            var op = Json.Str(toleration["operator"]) ?? string.Empty;
            var value = Json.Str(toleration["value"]) ?? string.Empty;
            var effect = Json.Str(toleration["effect"]) ?? string.Empty;
            if (key.Length > 0)
            {
                errors.AddRange(QualifiedName(key).Select(m => new FieldError($"{at}.key", "Invalid value", Quote(key), m)));
            }

            if (key.Length == 0 && op != "Exists")
            {
                errors.Add(new FieldError($"{at}.operator", "Invalid value", Quote(op), "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }

            if (toleration["tolerationSeconds"] is not null && effect != "NoExecute")
            {
                errors.Add(new FieldError($"{at}.effect", "Invalid value", Quote(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }

            if (op is "Equal" or "")
            {
                if (LabelValue(value) is { Count: > 0 } problems)
                {
                    errors.Add(new FieldError($"{at}.operator", "Invalid value", Quote(value), string.Join(";", problems)));
                }
            }
            else if (op == "Exists")
            {
                if (value.Length > 0)
                {
                    errors.Add(new FieldError($"{at}.operator", "Invalid value",
                        Inv($"core.Toleration{{Key:{Quote(key)}, Operator:{Quote(op)}, Value:{Quote(value)}, Effect:{Quote(effect)}, TolerationSeconds:(*int64)(nil)}}"),
                        "value must be empty when `operator` is 'Exists'"));
                }
            }
            else
            {
                errors.Add(new FieldError($"{at}.operator", "Unsupported value", Quote(op), "supported values: \"Equal\", \"Exists\""));
            }

            if (effect.Length > 0 && effect is not ("NoSchedule" or "PreferNoSchedule" or "NoExecute"))
            {
                errors.Add(new FieldError($"{at}.effect", "Unsupported value", Quote(effect), "supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""));
            }
        }
    }

    // validateDNSPolicy's None and validatePodDNSConfig: at most 3 nameservers (IPs), 32 search domains of 2048
    // characters in all, options named.
    private static void DnsConfig(JsonObject spec, string path, List<FieldError> errors)
    {
        var config = spec["dnsConfig"] as JsonObject;
        if (Json.Str(spec["dnsPolicy"]) == "None" && config is null)
        {
            errors.Add(new FieldError($"{path}.dnsConfig", "Required value", null, "must provide `dnsConfig` when `dnsPolicy` is None"));
            return;
        }

        if (config is null)
        {
            return;
        }

        var nameservers = config["nameservers"] as JsonArray ?? [];
        if (Json.Str(spec["dnsPolicy"]) == "None" && nameservers.Count == 0)
        {
            errors.Add(new FieldError($"{path}.dnsConfig.nameservers", "Required value", null, "must provide at least one DNS nameserver when `dnsPolicy` is None"));
        }

        if (nameservers.Count > 3)
        {
            errors.Add(new FieldError($"{path}.dnsConfig.nameservers", "Invalid value", GoStrings([.. nameservers.Select(Json.Str)]), "must not have more than 3 nameservers"));
        }

        for (var i = 0; i < nameservers.Count; i++)
        {
            var ip = Json.Str(nameservers[i]) ?? string.Empty;
            if (!System.Net.IPAddress.TryParse(ip, out _) || ip.Contains('%', StringComparison.Ordinal))
            {
                errors.Add(new FieldError($"{path}.dnsConfig.nameservers[{i}]", "Invalid value", Quote(ip), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }
        }

        var searches = (config["searches"] as JsonArray ?? []).Select(Json.Str).ToList();
        if (searches.Count > 32)
        {
            errors.Add(new FieldError($"{path}.dnsConfig.searches", "Invalid value", GoStrings(searches), "must not have more than 32 search paths"));
        }

        if (searches.Sum(d => d?.Length ?? 0) + Math.Max(searches.Count - 1, 0) > 2048)
        {
            errors.Add(new FieldError($"{path}.dnsConfig.searches", "Invalid value", GoStrings(searches), "must not have more than 2048 characters (including spaces) in the search list"));
        }

        for (var i = 0; i < searches.Count; i++)
        {
            var domain = searches[i] ?? string.Empty;
            var name = domain.EndsWith('.') ? domain[..^1] : domain; // a trailing dot is fine
            errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(name).Select(m => new FieldError($"{path}.dnsConfig.searches[{i}]", "Invalid value", Quote(name), m)));
        }

        var options = config["options"] as JsonArray ?? [];
        for (var i = 0; i < options.Count; i++)
        {
            if (string.IsNullOrEmpty(Json.Str(options[i]?["name"])))
            {
                errors.Add(new FieldError($"{path}.dnsConfig.options[{i}]", "Required value", null, "Option.Name must not be empty"));
            }
        }
    }

    // validateTopologySpreadConstraints' common rules.
    private static void TopologySpread(JsonArray constraints, string path, List<FieldError> errors)
    {
        var pairs = new List<(string Key, string When)>();
        for (var i = 0; i < constraints.Count; i++)
        {
            var constraint = constraints[i] as JsonObject ?? [];
            var at = $"{path}[{i}]";
            var skew = Json.Num(constraint["maxSkew"]) ?? 0;
            if (skew <= 0)
            {
                errors.Add(new FieldError($"{at}.maxSkew", "Invalid value", skew.ToString(CultureInfo.InvariantCulture), "must be greater than zero"));
            }

            var key = Json.Str(constraint["topologyKey"]) ?? string.Empty;
            if (key.Length == 0)
            {
                errors.Add(new FieldError($"{at}.topologyKey", "Required value", null, "can not be empty"));
            }

            var when = Json.Str(constraint["whenUnsatisfiable"]) ?? string.Empty;
            if (when is not ("DoNotSchedule" or "ScheduleAnyway"))
            {
                errors.Add(new FieldError($"{at}.whenUnsatisfiable", "Unsupported value", Quote(when), "supported values: \"DoNotSchedule\", \"ScheduleAnyway\""));
            }

            pairs.Add((key, when));
        }

        for (var i = 0; i < pairs.Count; i++)
        {
            if (pairs.Skip(i + 1).Contains(pairs[i]))
            {
                errors.Add(new FieldError($"{path}[{i}].{{topologyKey, whenUnsatisfiable}}", "Duplicate value", Quote($"{{{pairs[i].Key}, {pairs[i].When}}}"), string.Empty));
            }
        }
    }
}
