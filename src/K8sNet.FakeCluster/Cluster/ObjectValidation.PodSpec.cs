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
            if (!string.IsNullOrEmpty(protocol))
            {
                PortProtocol(port, at, errors); // an absent or empty protocol is defaulted to TCP (templates are not defaulted here)
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

    private const string FileModeError = "must be a number between 0 and 0777 (octal), both inclusive";

    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];
    private static readonly string[] WindowsForbiddenSpec = ["hostUsers", "hostPID", "hostIPC", "shareProcessNamespace"];
    private static readonly string[] WindowsForbiddenPod = ["appArmorProfile", "seLinuxOptions", "seccompProfile", "fsGroup", "fsGroupChangePolicy", "sysctls", "runAsUser", "runAsGroup", "supplementalGroups", "supplementalGroupsPolicy", "seLinuxChangePolicy"];
    private static readonly string[] WindowsForbiddenContainer = ["appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem", "privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup"];

    // validateOS, and validateLinux / validateWindows: the security settings the other operating system cannot honour.
    private static void OperatingSystem(JsonObject spec, string path, List<FieldError> errors)
    {
        if (spec["os"] is not JsonObject os)
        {
            return;
        }

        var name = Json.Str(os["name"]) ?? string.Empty;
        if (name.Length == 0)
        {
            errors.Add(new FieldError($"{path}.os.name", "Required value", null, "cannot be empty"));
            return;
        }

        if (name is not ("linux" or "windows"))
        {
            errors.Add(new FieldError($"{path}.os", "Unsupported value", Quote(name), "supported values: \"linux\", \"windows\""));
            return;
        }

        var containers = ContainerLists
            .SelectMany(list => (spec[list] as JsonArray ?? []).Select((c, i) => (Context: c?["securityContext"] as JsonObject, Path: $"{path}.{list}[{i}].securityContext")))
            .ToList();
        var pod = spec["securityContext"] as JsonObject;
        if (name == "linux")
        {
            if (pod?["windowsOptions"] is not null)
            {
                errors.Add(new FieldError($"{path}.securityContext.windowsOptions", "Forbidden", null, "windows options cannot be set for a linux pod"));
            }

            foreach (var (context, at) in containers)
            {
                if (context?["windowsOptions"] is not null)
                {
                    errors.Add(new FieldError($"{at}.windowsOptions", "Forbidden", null, "windows options cannot be set for a linux pod"));
                }
            }

            return;
        }

        foreach (var field in WindowsForbiddenPod)
        {
            if (pod?[field] is not null)
            {
                errors.Add(new FieldError($"{path}.securityContext.{field}", "Forbidden", null, "cannot be set for a windows pod"));
            }
        }

        foreach (var field in WindowsForbiddenSpec)
        {
            if (spec[field] is not null)
            {
                errors.Add(new FieldError($"{path}.{field}", "Forbidden", null, "cannot be set for a windows pod"));
            }
        }

        foreach (var (context, at) in containers)
        {
            foreach (var field in WindowsForbiddenContainer)
            {
                if (context?[field] is not null)
                {
                    errors.Add(new FieldError($"{at}.{field}", "Forbidden", null, "cannot be set for a windows pod"));
                }
            }
        }
    }

    // validateAffinity: node selector terms and their requirements, preferred weights, pod (anti-)affinity terms.
    private static void Affinity(JsonObject? affinity, string path, List<FieldError> errors)
    {
        if (affinity?["nodeAffinity"] is JsonObject node)
        {
            if (node["requiredDuringSchedulingIgnoredDuringExecution"] is JsonObject required)
            {
                var terms = required["nodeSelectorTerms"] as JsonArray ?? [];
                var at = $"{path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms";
                if (terms.Count == 0)
                {
                    errors.Add(new FieldError(at, "Required value", null, "must have at least one node selector term"));
                }

                for (var i = 0; i < terms.Count; i++)
                {
                    NodeSelectorTerm(terms[i] as JsonObject ?? [], $"{at}[{i}]", checkValues: false, errors);
                }
            }

            var preferred = node["preferredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? [];
            for (var i = 0; i < preferred.Count; i++)
            {
                var at = $"{path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                Weight(preferred[i] as JsonObject ?? [], at, errors);
                NodeSelectorTerm(preferred[i]?["preference"] as JsonObject ?? [], $"{at}.preference", checkValues: true, errors);
            }
        }

        foreach (var kind in new[] { "podAffinity", "podAntiAffinity" })
        {
            if (affinity?[kind] is not JsonObject pods)
            {
                continue;
            }

            var required = pods["requiredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? [];
            for (var i = 0; i < required.Count; i++)
            {
                PodAffinityTerm(required[i] as JsonObject ?? [], $"{path}.{kind}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", errors);
            }

            var preferred = pods["preferredDuringSchedulingIgnoredDuringExecution"] as JsonArray ?? [];
            for (var i = 0; i < preferred.Count; i++)
            {
                var at = $"{path}.{kind}.preferredDuringSchedulingIgnoredDuringExecution[{i}]";
                Weight(preferred[i] as JsonObject ?? [], at, errors);
                PodAffinityTerm(preferred[i]?["podAffinityTerm"] as JsonObject ?? [], $"{at}.podAffinityTerm", errors);
            }
        }
    }

    private static void Weight(JsonObject term, string path, List<FieldError> errors)
    {
        var weight = Json.Num(term["weight"]) ?? 0;
        if (weight is < 1 or > 100)
        {
            errors.Add(new FieldError($"{path}.weight", "Invalid value", weight.ToString(CultureInfo.InvariantCulture), "must be in the range 1-100"));
        }
    }

    private static void NodeSelectorTerm(JsonObject term, string path, bool checkValues, List<FieldError> errors)
    {
        var expressions = term["matchExpressions"] as JsonArray ?? [];
        for (var j = 0; j < expressions.Count; j++)
        {
            var requirement = expressions[j] as JsonObject ?? [];
            var at = $"{path}.matchExpressions[{j}]";
            var op = Json.Str(requirement["operator"]) ?? string.Empty;
            var values = requirement["values"] as JsonArray ?? [];
            switch (op)
            {
                case "In" or "NotIn" when values.Count == 0:
                    errors.Add(new FieldError($"{at}.values", "Required value", null, "must be specified when `operator` is 'In' or 'NotIn'"));
                    break;
                case "Exists" or "DoesNotExist" when values.Count > 0:
                    errors.Add(new FieldError($"{at}.values", "Forbidden", null, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    break;
                case "Gt" or "Lt" when values.Count != 1:
                    errors.Add(new FieldError($"{at}.values", "Required value", null, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                    break;
                case "In" or "NotIn" or "Exists" or "DoesNotExist" or "Gt" or "Lt":
                    break;
                default:
                    errors.Add(new FieldError($"{at}.operator", "Invalid value", Quote(op), "not a valid selector operator"));
                    break;
            }

            var key = Json.Str(requirement["key"]) ?? string.Empty;
            errors.AddRange(QualifiedName(key).Select(m => new FieldError($"{at}.key", "Invalid value", Quote(key), m)));
            if (checkValues)
            {
                for (var v = 0; v < values.Count; v++)
                {
                    var value = Json.Str(values[v]) ?? string.Empty;
                    errors.AddRange(LabelValue(value).Select(m => new FieldError($"{at}.values[{v}]", "Invalid value", Quote(value), m)));
                }
            }
        }
    }

    private static void PodAffinityTerm(JsonObject term, string path, List<FieldError> errors)
    {
        var key = Json.Str(term["topologyKey"]) ?? string.Empty;
        if (key.Length == 0)
        {
            errors.Add(new FieldError($"{path}.topologyKey", "Required value", null, "can not be empty"));
        }
        else
        {
            errors.AddRange(QualifiedName(key).Select(m => new FieldError($"{path}.topologyKey", "Invalid value", Quote(key), m)));
        }

        foreach (var ns in term["namespaces"] as JsonArray ?? [])
        {
            var name = Json.Str(ns) ?? string.Empty;
            errors.AddRange(KubernetesNames.ValidateDns1123Label(name).Select(m => new FieldError($"{path}.namespace", "Invalid value", Quote(name), m)));
        }
    }

    // The common volume sources' own rules (validateVolumeSource): configMap and secret names, items and modes;
    // persistentVolumeClaim's claim; hostPath's path and type; emptyDir's size.
    private static void VolumeSource(JsonObject volume, string path, List<FieldError> errors)
    {
        if (volume["configMap"] is JsonObject configMap)
        {
            if (string.IsNullOrEmpty(Json.Str(configMap["name"])))
            {
                errors.Add(new FieldError($"{path}.configMap.name", "Required value", null, string.Empty));
            }

            FileModes(configMap, $"{path}.configMap", errors);
        }
        else if (volume["secret"] is JsonObject secret)
        {
            if (string.IsNullOrEmpty(Json.Str(secret["secretName"])))
            {
                errors.Add(new FieldError($"{path}.secret.secretName", "Required value", null, string.Empty));
            }

            FileModes(secret, $"{path}.secret", errors);
        }
        else if (volume["persistentVolumeClaim"] is JsonObject claim && string.IsNullOrEmpty(Json.Str(claim["claimName"])))
        {
            errors.Add(new FieldError($"{path}.persistentVolumeClaim.claimName", "Required value", null, string.Empty));
        }
        else if (volume["hostPath"] is JsonObject hostPath)
        {
            if (string.IsNullOrEmpty(Json.Str(hostPath["path"])))
            {
                errors.Add(new FieldError($"{path}.hostPath.path", "Required value", null, string.Empty));
            }
            else if ((Json.Str(hostPath["path"]) ?? string.Empty).Split('/').Contains(".."))
            {
                errors.Add(new FieldError($"{path}.hostPath.path", "Invalid value", Quote(Json.Str(hostPath["path"])!), "must not contain '..'"));
            }

            if (Json.Str(hostPath["type"]) is { Length: > 0 } type && type is not ("DirectoryOrCreate" or "Directory" or "FileOrCreate" or "File" or "Socket" or "CharDevice" or "BlockDevice"))
            {
                errors.Add(new FieldError($"{path}.hostPath.type", "Unsupported value", Quote(type),
                    "supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""));
            }
        }
        else if (volume["emptyDir"] is JsonObject emptyDir && Json.Str(emptyDir["sizeLimit"]) is { } limit && ResourceQuantity.TryParse(limit, out var size, out _) && size.Sign < 0)
        {
            errors.Add(new FieldError($"{path}.emptyDir.sizeLimit", "Forbidden", null, "SizeLimit field must be a valid resource quantity"));
        }
    }

    // defaultMode, then each item: a key, a relative path without "..", a mode.
    private static void FileModes(JsonObject source, string path, List<FieldError> errors)
    {
        if (Json.Num(source["defaultMode"]) is { } mode and (< 0 or > 511))
        {
            errors.Add(new FieldError($"{path}.defaultMode", "Invalid value", mode.ToString(CultureInfo.InvariantCulture), FileModeError));
        }

        var items = source["items"] as JsonArray ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] as JsonObject ?? [];
            var at = $"{path}.items[{i}]";
            if (string.IsNullOrEmpty(Json.Str(item["key"])))
            {
                errors.Add(new FieldError($"{at}.key", "Required value", null, string.Empty));
            }

            var target = Json.Str(item["path"]) ?? string.Empty;
            if (target.Length == 0)
            {
                errors.Add(new FieldError($"{at}.path", "Required value", null, string.Empty));
            }
            else
            {
                // validateLocalNonReservedPath: relative, no ".." element, not a "..name".
                if (target.StartsWith('/'))
                {
                    errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(target), "must be a relative path"));
                }

                if (target.Split('/').Contains(".."))
                {
                    errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(target), "must not contain '..'"));
                }

                if (target.StartsWith("..", StringComparison.Ordinal) && !target.StartsWith("../", StringComparison.Ordinal))
                {
                    errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(target), "must not start with '..'"));
                }
            }

            if (Json.Num(item["mode"]) is { } itemMode and (< 0 or > 511))
            {
                errors.Add(new FieldError($"{at}.mode", "Invalid value", itemMode.ToString(CultureInfo.InvariantCulture), FileModeError));
            }
        }
    }

    private static readonly HashSet<string> EnvFieldPaths = new(StringComparer.Ordinal)
    {
        "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    };

    private static readonly HashSet<string> DownwardApiLabels = new(StringComparer.Ordinal)
    {
        "metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy",
        "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
    };

    // ValidateVolumeMounts: a declared volume by name, a mount path once per container, sub paths relative and apart.
    private static void VolumeMounts(JsonArray mounts, string path, HashSet<string> volumes, List<FieldError> errors)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (var m = 0; m < mounts.Count; m++)
        {
            var mount = mounts[m] as JsonObject ?? [];
            var at = $"{path}[{m}]";
            var name = Json.Str(mount["name"]) ?? string.Empty;
            if (name.Length == 0)
            {
                errors.Add(new FieldError($"{at}.name", "Required value", null, string.Empty));
            }

            if (!volumes.Contains(name))
            {
                errors.Add(new FieldError($"{at}.name", "Not found", Quote(name), string.Empty));
            }

            var mountPath = Json.Str(mount["mountPath"]) ?? string.Empty;
            if (mountPath.Length == 0)
            {
                errors.Add(new FieldError($"{at}.mountPath", "Required value", null, string.Empty));
            }

            if (!paths.Add(mountPath))
            {
                errors.Add(new FieldError($"{at}.mountPath", "Invalid value", Quote(mountPath), "must be unique"));
            }

            // Upstream reports sub path problems under the list's path, not the mount's (fldPath.Child("subPath")).
            var subPath = Json.Str(mount["subPath"]) ?? string.Empty;
            if (subPath.Length > 0)
            {
                DescendingPath(subPath, $"{path}.subPath", errors);
            }

            if (Json.Str(mount["subPathExpr"]) is { Length: > 0 } expression)
            {
                if (subPath.Length > 0)
                {
                    errors.Add(new FieldError($"{at}.subPathExpr", "Invalid value", Quote(expression), "subPathExpr and subPath are mutually exclusive"));
                }

                DescendingPath(expression, $"{path}.subPathExpr", errors);
            }
        }
    }

    // validateLocalDescendingPath: relative, without a ".." element.
    private static void DescendingPath(string target, string path, List<FieldError> errors)
    {
        if (target.StartsWith('/'))
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(target), "must be a relative path"));
        }

        if (target.Split('/').Contains(".."))
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(target), "must not contain '..'"));
        }
    }

    // ValidateEnvFrom: a prefix that is an env name, one source each, named.
    private static void EnvFrom(JsonArray sources, string path, List<FieldError> errors)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i] as JsonObject ?? [];
            if (Json.Str(source["prefix"]) is { Length: > 0 } prefix && prefix.Any(c => c is < ' ' or > '~' or '='))
            {
                errors.Add(new FieldError($"{path}[{i}].prefix", "Invalid value", Quote(prefix), "a valid environment variable name must consist only of printable ASCII characters other than '='"));
            }

            var count = 0;
            foreach (var (field, nameField) in new[] { ("configMapRef", "name"), ("secretRef", "name") })
            {
                if (source[field] is not JsonObject reference)
                {
                    continue;
                }

                count++;
                var name = Json.Str(reference[nameField]) ?? string.Empty;
                if (name.Length == 0)
                {
                    errors.Add(new FieldError($"{path}[{i}].{field}.name", "Required value", null, string.Empty));
                }
                else
                {
                    errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(name).Select(m => new FieldError($"{path}[{i}].{field}.name", "Invalid value", Quote(name), m)));
                }
            }

            if (count == 0)
            {
                errors.Add(new FieldError(path, "Invalid value", "\"\"", "must specify one of: `configMapRef` or `secretRef`"));
            }
            else if (count > 1)
            {
                errors.Add(new FieldError(path, "Invalid value", "\"\"", "may not have more than one field specified at a time"));
            }
        }
    }

    // validateObjectFieldSelector for env: a field path the downward API converts, one env may read.
    private static void EnvFieldRef(JsonObject selector, string path, List<FieldError> errors)
    {
        var apiVersion = Json.Str(selector["apiVersion"]) ?? "v1"; // SetDefaults_ObjectFieldSelector
        var fieldPath = Json.Str(selector["fieldPath"]) ?? string.Empty;
        if (apiVersion.Length == 0)
        {
            errors.Add(new FieldError($"{path}.apiVersion", "Required value", null, string.Empty));
            return;
        }

        if (fieldPath.Length == 0)
        {
            errors.Add(new FieldError($"{path}.fieldPath", "Required value", null, string.Empty));
            return;
        }

        var open = fieldPath.IndexOf("['", StringComparison.Ordinal);
        var subscripted = open > 0 && fieldPath.EndsWith("']", StringComparison.Ordinal) && fieldPath.Length > open + 4;
        var label = subscripted ? fieldPath[..open] : fieldPath;
        string? conversion = apiVersion != "v1" ? $"unsupported pod version: {apiVersion}"
            : subscripted && label is not ("metadata.annotations" or "metadata.labels") ? $"field label does not support subscript: {fieldPath}"
            : !subscripted && !DownwardApiLabels.Contains(label) && label != "spec.host" ? $"field label not supported: {fieldPath}"
            : null;
        if (conversion is not null)
        {
            errors.Add(new FieldError($"{path}.fieldPath", "Invalid value", Quote(fieldPath), $"error converting fieldPath: {conversion}"));
            return;
        }

        if (subscripted)
        {
            var key = fieldPath[(open + 2)..^2];
            errors.AddRange(QualifiedName(label == "metadata.annotations" ? key.ToLowerInvariant() : key).Select(m => new FieldError(path, "Invalid value", Quote(key), m)));
        }
        else if (!EnvFieldPaths.Contains(label == "spec.host" ? "spec.nodeName" : label))
        {
            errors.Add(new FieldError($"{path}.fieldPath", "Unsupported value", Quote(label), "supported values: " + string.Join(", ", EnvFieldPaths.Order(StringComparer.Ordinal).Select(Quote))));
        }
    }

    private static readonly string[] ResourceFieldPaths = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];
    private static readonly HashSet<string> ByteDivisors = new(StringComparer.Ordinal) { "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei" };

    // ValidateHostAliases: an IP each, DNS subdomain host names.
    private static void HostAliases(JsonArray aliases, string path, List<FieldError> errors)
    {
        for (var i = 0; i < aliases.Count; i++)
        {
            var ip = Json.Str(aliases[i]?["ip"]) ?? string.Empty;
            if (!System.Net.IPAddress.TryParse(ip, out _) || ip.Contains('%', StringComparison.Ordinal))
            {
                errors.Add(new FieldError($"{path}[{i}].ip", "Invalid value", Quote(ip), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"));
            }

            var hostnames = aliases[i]?["hostnames"] as JsonArray ?? [];
            for (var j = 0; j < hostnames.Count; j++)
            {
                var hostname = Json.Str(hostnames[j]) ?? string.Empty;
                errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(hostname).Select(m => new FieldError($"{path}[{i}].hostnames[{j}]", "Invalid value", Quote(hostname), m)));
            }
        }
    }

    // validateReadinessGates: condition types that are qualified names.
    private static void ReadinessGates(JsonArray gates, string path, List<FieldError> errors)
    {
        for (var i = 0; i < gates.Count; i++)
        {
            var condition = Json.Str(gates[i]?["conditionType"]) ?? string.Empty;
            errors.AddRange(QualifiedName(condition).Select(m => new FieldError($"{path}[{i}].conditionType", "Invalid value", Quote(condition), m)));
        }
    }

    // validateContainerResourceFieldSelector for env: a resource an env may read (hugepages by prefix), and the
    // divisors that resource allows.
    private static void EnvResourceRef(JsonObject selector, string path, List<FieldError> errors)
    {
        var resource = Json.Str(selector["resource"]) ?? string.Empty;
        if (resource.Length == 0)
        {
            errors.Add(new FieldError($"{path}.resource", "Required value", null, string.Empty));
        }
        else if (!ResourceFieldPaths.Contains(resource) && !resource.StartsWith("requests.hugepages-", StringComparison.Ordinal) && !resource.StartsWith("limits.hugepages-", StringComparison.Ordinal))
        {
            errors.Add(new FieldError($"{path}.resource", "Unsupported value", Quote(resource), "supported values: " + string.Join(", ", ResourceFieldPaths.Select(Quote))));
        }

        if (Json.Str(selector["divisor"]) is not { } text || !ResourceQuantity.TryParse(text, out var divisor, out _) || divisor.Sign == 0)
        {
            return; // unset (the decoder refused one that does not parse)
        }

        var canonical = divisor.ToString();
        var (allowed, kind) = resource switch
        {
            "limits.cpu" or "requests.cpu" => (canonical is "1m" or "1", "the cpu resource"),
            "limits.memory" or "requests.memory" => (ByteDivisors.Contains(canonical), "the memory resource"),
            "limits.ephemeral-storage" or "requests.ephemeral-storage" => (ByteDivisors.Contains(canonical), "the local ephemeral storage resource"),
            _ when resource.StartsWith("requests.hugepages-", StringComparison.Ordinal) || resource.StartsWith("limits.hugepages-", StringComparison.Ordinal) => (ByteDivisors.Contains(canonical), "the hugepages resource"),
            _ => (true, string.Empty),
        };
        if (!allowed)
        {
            var values = kind == "the cpu resource" ? "1m and 1" : "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";
            errors.Add(new FieldError($"{path}.divisor", "Invalid value", Quote(resource), $"only divisor's values {values} are supported with {kind}"));
        }
    }
}
