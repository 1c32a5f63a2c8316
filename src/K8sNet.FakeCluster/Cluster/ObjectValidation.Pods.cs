using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// More of a pod spec as pkg/apis/core/validation checks it (1.32): container resources (quantities as
/// apimachinery's resource.Quantity parses them; not negative; a request no more than its limit), probes (timings, the
/// success threshold liveness and startup probes must keep at 1, the HTTP handler's port and scheme), and security
/// contexts (user and group IDs, seccomp profiles, fsGroupChangePolicy).
/// </summary>
internal static partial class ObjectValidation
{
    private static readonly string[] ProbeHandlers = ["exec", "httpGet", "tcpSocket", "grpc"];

    private static readonly HashSet<string> IntegerResources = new(StringComparer.Ordinal)
    {
        "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
    };

    private static readonly HashSet<string> StandardResources = new(StringComparer.Ordinal)
    {
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
        "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
        "requests.storage", "services.nodeports", "services.loadbalancers",
    };

    /// <summary>The pod's QoS class as the API server computes it on create (GetPodQOS): Guaranteed, Burstable or BestEffort.</summary>
    internal static string QosClass(JsonObject podSpec)
    {
        var requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var guaranteed = true;
        foreach (var container in (podSpec["containers"] as JsonArray ?? []).Concat(podSpec["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            Sum(container["resources"]?["requests"] as JsonObject, requests);
            var found = Sum(container["resources"]?["limits"] as JsonObject, limits);
            guaranteed &= found.Contains("cpu") && found.Contains("memory");
        }

        if (requests.Count == 0 && limits.Count == 0)
        {
            return "BestEffort";
        }

        guaranteed &= requests.All(r => limits.TryGetValue(r.Key, out var limit) && limit.CompareTo(r.Value) == 0) && requests.Count == limits.Count;
        return guaranteed ? "Guaranteed" : "Burstable";

        static HashSet<string> Sum(JsonObject? list, Dictionary<string, ResourceQuantity> into)
        {
            var found = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, value) in list ?? [])
            {
                if (name is "cpu" or "memory" && ResourceQuantity.TryParse(Json.Str(value) ?? value?.ToJsonString() ?? string.Empty, out var q, out _) && q.Sign > 0)
                {
                    found.Add(name);
                    into[name] = into.TryGetValue(name, out var sum) ? sum.Add(q) : q;
                }
            }

            return found;
        }
    }

    // ValidateResourceRequirements (validateContainerResourceName, ValidateResourceQuantityValue, the hugepages rules):
    // names standard or fully qualified, quantities not negative and integers where the resource is counted, each
    // request at most its limit — equal to it, and the limit required, where the resource cannot be overcommitted.
    private static void Resources(JsonObject? resources, string path, List<FieldError> errors)
    {
        if (resources is null)
        {
            return;
        }

        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        bool hugePages = false, cpuOrMemory = false;
        foreach (var field in new[] { "limits", "requests" })
        {
            foreach (var (name, value) in resources[field] as JsonObject ?? [])
            {
                var at = $"{path}.{field}[{name}]";
                var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : Json.Str(value) ?? string.Empty;
                ContainerResourceName(name, at, errors);
                if (!ResourceQuantity.TryParse(text.Trim(), out var amount, out _))
                {
                    continue; // refused when the body was decoded
                }

                if (amount.Sign < 0)
                {
                    errors.Add(new FieldError(at, "Invalid value", Quote(amount.ToString()), "must be greater than or equal to 0"));
                }

                if ((IntegerResources.Contains(name) || IsExtendedResource(name)) && !amount.IsInteger)
                {
                    errors.Add(new FieldError(at, "Invalid value", amount.ToString(), "must be an integer"));
                }

                var overcommit = IsNativeResource(name) && !name.StartsWith("hugepages-", StringComparison.Ordinal);
                if (field == "limits")
                {
                    limits[name] = amount;
                }
                else if (limits.TryGetValue(name, out var limit))
                {
                    if (!overcommit && amount.CompareTo(limit) != 0)
                    {
                        errors.Add(new FieldError($"{path}.requests", "Invalid value", Quote(amount.ToString()), $"must be equal to {name} limit of {limit}"));
                    }
                    else if (amount.CompareTo(limit) > 0)
                    {
                        errors.Add(new FieldError($"{path}.requests", "Invalid value", Quote(amount.ToString()), $"must be less than or equal to {name} limit of {limit}"));
                    }
                }
                else if (!overcommit)
                {
                    errors.Add(new FieldError($"{path}.limits", "Required value", null, "Limit must be set for non overcommitable resources"));
                }

                if (name.StartsWith("hugepages-", StringComparison.Ordinal))
                {
                    hugePages = true;
                    if (!ResourceQuantity.TryParse(name["hugepages-".Length..], out var page, out _) || page.Sign <= 0 || amount.Sign <= 0
                        || !(amount.CeilingInteger() % page.CeilingInteger()).IsZero)
                    {
                        errors.Add(new FieldError(at, "Invalid value", Quote(amount.ToString()), $"{amount} is not positive integer multiple of {name}"));
                    }
                }

                cpuOrMemory |= name is "cpu" or "memory";
            }
        }

        if (hugePages && !cpuOrMemory)
        {
            errors.Add(new FieldError(path, "Forbidden", null, "HugePages require cpu or memory"));
        }
    }

    // validateResourceName, then what containers may ask for.
    private static void ContainerResourceName(string name, string path, List<FieldError> errors)
    {
        var qualified = QualifiedName(name);
        errors.AddRange(qualified.Select(m => new FieldError(path, "Invalid value", Quote(name), m)));
        if (!name.Contains('/', StringComparison.Ordinal))
        {
            if (qualified.Count == 0 && !StandardResources.Contains(name) && !name.StartsWith("hugepages-", StringComparison.Ordinal)
                && !name.StartsWith("requests.hugepages-", StringComparison.Ordinal) && !name.StartsWith("limits.hugepages-", StringComparison.Ordinal))
            {
                errors.Add(new FieldError(path, "Invalid value", Quote(name), "must be a standard resource type or fully qualified"));
            }

            if (name is not ("cpu" or "memory" or "ephemeral-storage") && !name.StartsWith("hugepages-", StringComparison.Ordinal))
            {
                errors.Add(new FieldError(path, "Invalid value", Quote(name), "must be a standard resource for containers"));
            }
        }
        else if (!IsNativeResource(name) && !IsExtendedResource(name))
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(name), "doesn't follow extended resource name standard"));
        }
    }

    private static bool IsNativeResource(string name) => !name.Contains('/', StringComparison.Ordinal) || name.Contains("kubernetes.io/", StringComparison.Ordinal);

    private static bool IsExtendedResource(string name) =>
        !IsNativeResource(name) && !name.StartsWith("requests.", StringComparison.Ordinal) && QualifiedName("requests." + name).Count == 0;

    // validateProbe and the handler's own checks.
    private static void Probe(JsonObject probe, string path, bool successMustBeOne, bool readiness, List<FieldError> errors)
    {
        var handlers = ProbeHandlers.Where(h => probe[h] is not null).ToList();
        foreach (var extra in handlers.Skip(1))
        {
            errors.Add(new FieldError($"{path}.{extra}", "Forbidden", null, "may not specify more than 1 handler type"));
        }

        foreach (var field in new[] { "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold" })
        {
            NonNegative(probe, field, path, errors);
        }

        if (Json.Num(probe["terminationGracePeriodSeconds"]) is { } grace)
        {
            if (readiness)
            {
                errors.Add(new FieldError($"{path}.terminationGracePeriodSeconds", "Invalid value", grace.ToString(CultureInfo.InvariantCulture), "must not be set for readinessProbes"));
            }
            else if (grace <= 0)
            {
                errors.Add(new FieldError($"{path}.terminationGracePeriodSeconds", "Invalid value", grace.ToString(CultureInfo.InvariantCulture), "must be greater than 0"));
            }
        }

        if (successMustBeOne && Json.Num(probe["successThreshold"]) is { } success and not 1 and >= 0)
        {
            errors.Add(new FieldError($"{path}.successThreshold", "Invalid value", success.ToString(CultureInfo.InvariantCulture), "must be 1"));
        }

        HandlerActions(probe, path, errors);
    }

    // The handler actions' own checks (validateExecAction, validateHTTPGetAction, validateTCPSocketAction, the gRPC port).
    private static void HandlerActions(JsonObject handler, string path, List<FieldError> errors)
    {
        if (handler["httpGet"] is JsonObject http)
        {
            HandlerPort(http["port"], $"{path}.httpGet.port", errors);
            Supported(http, "scheme", $"{path}.httpGet", ["HTTP", "HTTPS"], errors);
            foreach (var header in http["httpHeaders"] as JsonArray ?? [])
            {
                var name = Json.Str(header?["name"]) ?? string.Empty;
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    errors.Add(new FieldError($"{path}.httpGet.httpHeaders", "Invalid value", Quote(name),
                        "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
                }
            }
        }

        if (handler["tcpSocket"] is JsonObject tcp)
        {
            HandlerPort(tcp["port"], $"{path}.tcpSocket.port", errors);
        }

        if (handler["grpc"] is JsonObject grpc && Json.Num(grpc["port"]) is var grpcPort && grpcPort is null or < 1 or > 65535)
        {
            errors.Add(new FieldError($"{path}.grpc.port", "Invalid value", (grpcPort ?? 0).ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
        }

        if (handler["exec"] is JsonObject exec && (exec["command"] as JsonArray ?? []).Count == 0)
        {
            errors.Add(new FieldError($"{path}.exec.command", "Required value", null, string.Empty));
        }
    }

    private static void HandlerPort(JsonNode? port, string path, List<FieldError> errors)
    {
        if (port is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            if (Json.Num(v) is { } n and (< 1 or > 65535))
            {
                errors.Add(new FieldError(path, "Invalid value", n.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
            }
        }
        else if (Json.Str(port) is { } name && KubernetesNames.ValidatePortName(name) is { Count: > 0 } problems)
        {
            errors.AddRange(problems.Select(m => new FieldError(path, "Invalid value", Quote(name), m)));
        }
    }

    private static void SecurityContext(JsonObject? context, string path, List<FieldError> errors)
    {
        if (context is null)
        {
            return;
        }

        Ids(context, path, errors);
        if (Json.Str(context["procMount"]) is { } procMount && procMount is not ("Default" or "Unmasked"))
        {
            errors.Add(new FieldError($"{path}.procMount", "Unsupported value", Quote(procMount), "supported values: \"Default\", \"Unmasked\""));
        }

        Seccomp(context["seccompProfile"] as JsonObject, $"{path}.seccompProfile", errors);
        if (Json.Bool(context["privileged"]) == true && Json.Bool(context["allowPrivilegeEscalation"]) == false)
        {
            errors.Add(new FieldError(path, "Invalid value", "core.SecurityContext{...}", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
        }

        if (Json.Bool(context["allowPrivilegeEscalation"]) == false && (context["capabilities"]?["add"] as JsonArray ?? []).Any(c => Json.Str(c) == "CAP_SYS_ADMIN"))
        {
            errors.Add(new FieldError(path, "Invalid value", "core.SecurityContext{...}", "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
        }

        AppArmor(context["appArmorProfile"] as JsonObject, $"{path}.appArmorProfile", errors);
    }

    private static void PodSecurityContext(JsonObject spec, JsonObject? context, string path, List<FieldError> errors)
    {
        if (context is null)
        {
            return;
        }

        Ids(context, path, errors);
        foreach (var field in new[] { "fsGroup" })
        {
            if (Json.Num(context[field]) is { } id and (< 0 or > uint.MaxValue))
            {
                errors.Add(new FieldError($"{path}.{field}", "Invalid value", id.ToString(CultureInfo.InvariantCulture), "must be between 0 and 4294967295, inclusive"));
            }
        }

        var groups = context["supplementalGroups"] as JsonArray ?? [];
        for (var i = 0; i < groups.Count; i++)
        {
            if (Json.Num(groups[i]) is { } id and (< 0 or > uint.MaxValue))
            {
                errors.Add(new FieldError($"{path}.supplementalGroups[{i}]", "Invalid value", id.ToString(CultureInfo.InvariantCulture), "must be between 0 and 4294967295, inclusive"));
            }
        }

        if (Json.Bool(spec["shareProcessNamespace"]) == true && Json.Bool(spec["hostPID"]) == true)
        {
            errors.Add(new FieldError($"{path}.shareProcessNamespace", "Invalid value", "true", "ShareProcessNamespace and HostPID cannot both be enabled"));
        }

        Sysctls(spec, context["sysctls"] as JsonArray ?? [], $"{path}.sysctls", errors);
        Supported(context, "fsGroupChangePolicy", path, ["Always", "OnRootMismatch"], errors);
        Seccomp(context["seccompProfile"] as JsonObject, $"{path}.seccompProfile", errors);
        AppArmor(context["appArmorProfile"] as JsonObject, $"{path}.appArmorProfile", errors);
    }

    // validateSysctls: named as the kernel names them, once each, and not a namespaced sysctl of a namespace the pod
    // shares with its host.
    private static void Sysctls(JsonObject spec, JsonArray sysctls, string path, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sysctls.Count; i++)
        {
            var name = Json.Str(sysctls[i]?["name"]) ?? string.Empty;
            var at = $"{path}[{i}].name";
            if (name.Length == 0)
            {
                errors.Add(new FieldError(at, "Required value", null, string.Empty));
            }
            else if (name.Length > 253 || !SysctlRegex().IsMatch(name))
            {
                errors.Add(new FieldError(at, "Invalid value", Quote(name), "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
            }
            else if (!names.Add(name))
            {
                errors.Add(new FieldError(at, "Duplicate value", Quote(name), string.Empty));
            }
            else if (Json.Bool(spec["hostNetwork"]) == true && name.StartsWith("net.", StringComparison.Ordinal))
            {
                errors.Add(new FieldError(at, "Invalid value", Quote(name), "may not be specified when 'hostNetwork' is true"));
            }
            else if (Json.Bool(spec["hostIPC"]) == true && (name.StartsWith("kernel.shm", StringComparison.Ordinal) || name.StartsWith("kernel.msg", StringComparison.Ordinal)
                || name == "kernel.sem" || name.StartsWith("fs.mqueue.", StringComparison.Ordinal)))
            {
                errors.Add(new FieldError(at, "Invalid value", Quote(name), "may not be specified when 'hostIPC' is true"));
            }
        }
    }

    private static void AppArmor(JsonObject? profile, string path, List<FieldError> errors)
    {
        if (profile is null)
        {
            return;
        }

        var type = Json.Str(profile["type"]) ?? string.Empty;
        var local = Json.Str(profile["localhostProfile"]);
        if (type.Length == 0)
        {
            errors.Add(new FieldError($"{path}.type", "Required value", null, "type is required when appArmorProfile is set"));
        }
        else if (type is not ("Localhost" or "RuntimeDefault" or "Unconfined"))
        {
            errors.Add(new FieldError($"{path}.type", "Unsupported value", Quote(type), "supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\""));
        }

        if (type == "Localhost")
        {
            if (string.IsNullOrWhiteSpace(local))
            {
                errors.Add(new FieldError($"{path}.localhostProfile", "Required value", null, "must be set when AppArmor type is Localhost"));
            }
            else if (local.Trim() != local)
            {
                errors.Add(new FieldError($"{path}.localhostProfile", "Invalid value", Quote(local), "must not be padded with whitespace"));
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(local) > 4095)
            {
                errors.Add(new FieldError($"{path}.localhostProfile", "Too long", null, "may not be more than 4095 bytes"));
            }
        }
        else if (local is not null)
        {
            errors.Add(new FieldError($"{path}.localhostProfile", "Invalid value", Quote(local), "can only be set when AppArmor type is Localhost"));
        }
    }

    private static void Ids(JsonObject context, string path, List<FieldError> errors)
    {
        foreach (var field in new[] { "runAsUser", "runAsGroup" })
        {
            if (Json.Num(context[field]) is { } id and (< 0 or > uint.MaxValue))
            {
                errors.Add(new FieldError($"{path}.{field}", "Invalid value", id.ToString(CultureInfo.InvariantCulture), "must be between 0 and 4294967295, inclusive"));
            }
        }
    }

    private static void Seccomp(JsonObject? profile, string path, List<FieldError> errors)
    {
        if (profile is null)
        {
            return;
        }

        var type = Json.Str(profile["type"]) ?? string.Empty;
        if (type.Length == 0)
        {
            errors.Add(new FieldError($"{path}.type", "Required value", null, string.Empty));
        }
        else if (type is not ("Localhost" or "RuntimeDefault" or "Unconfined"))
        {
            errors.Add(new FieldError($"{path}.type", "Unsupported value", Quote(type), "supported values: \"Localhost\", \"RuntimeDefault\", \"Unconfined\""));
        }

        if (type == "Localhost" && string.IsNullOrEmpty(Json.Str(profile["localhostProfile"])))
        {
            errors.Add(new FieldError($"{path}.localhostProfile", "Required value", null, "must be set when seccomp type is Localhost"));
        }
        else if (type is "RuntimeDefault" or "Unconfined" && profile["localhostProfile"] is not null)
        {
            errors.Add(new FieldError($"{path}.localhostProfile", "Invalid value", Quote(Json.Str(profile["localhostProfile"]) ?? string.Empty), "can only be set if seccomp type is Localhost"));
        }
    }

    [GeneratedRegex(@"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex SysctlRegex();
}
