using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>One field's problem, worded as apimachinery's <c>field.Error</c> words it.</summary>
/// <param name="Field">The path, e.g. <c>spec.template.spec.containers[0].name</c>.</param>
/// <param name="Type">The error type: <c>Invalid value</c>, <c>Required value</c>, <c>Duplicate value</c>, <c>Too long</c>.</param>
/// <param name="Value">The value as Go's <c>%v</c>/<c>%q</c> prints it, or <see langword="null"/>.</param>
/// <param name="Detail">The rule broken, or empty.</param>
internal readonly record struct FieldError(string Field, string Type, string? Value, string Detail)
{
    public string Reason => Type switch
    {
        "Required value" => "FieldValueRequired",
        "Duplicate value" => "FieldValueDuplicate",
        "Too many" => "FieldValueTooMany",
        "Too long" => "FieldValueTooLong",
        "Unsupported value" => "FieldValueNotSupported",
        "Forbidden" => "FieldValueForbidden",
        "Not found" => "FieldValueNotFound",
        _ => "FieldValueInvalid",
    };

    /// <summary>The text after the field: <c>Invalid value: -5: must be greater than or equal to 0</c>.</summary>
    public string Body => string.Join(": ", new[] { Type, Value, Detail }.Where(p => !string.IsNullOrEmpty(p)));

    public override string ToString() => $"{Field}: {Body}"; // an empty field too, as field.Error prints it
}

/// <summary>
/// The validation kube-apiserver runs on the objects FakeCluster stores, with its rules and messages
/// (k8s.io/apimachinery's validation and k8s.io/kubernetes' pkg/apis/core and apps validation): object metadata (label
/// keys and values, annotation keys and size), workload replicas, selectors and pod templates, pods' containers and
/// their ports, env names, volume mounts and probes, volumes. All problems are reported at once, as a 422 with a cause each.
/// </summary>
internal static partial class ObjectValidation
{
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";
    private const int TotalAnnotationSizeLimit = 256 * 1024;
    private static readonly string[] EnvSources = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef"];
    private static readonly string[] KeySelectors = ["configMapKeyRef", "secretKeyRef"];

    public static void Check(ResourceType type, JsonObject obj, JsonObject? current = null)
    {
        var errors = new List<FieldError>();
        var meta = obj["metadata"] as JsonObject ?? [];
        Labels(meta["labels"], "metadata.labels", errors);
        Annotations(meta["annotations"], "metadata.annotations", errors);
        var spec = obj["spec"] as JsonObject;
        if (type == ResourceType.Deployment || type == ResourceType.ReplicaSet || type == ResourceType.StatefulSet || type == ResourceType.DaemonSet)
        {
            Workload(type, spec ?? [], errors);
        }
        else if (type == ResourceType.Pod)
        {
            PodSpec(spec ?? [], "spec", errors);
        }
        else if (type == ResourceType.ConfigMap)
        {
            ConfigMap(obj, errors);
        }
        else if (type == ResourceType.Ingress)
        {
            Ingress(obj, current, errors);
        }
        else if (type == ResourceType.IngressClass)
        {
            IngressClass(obj, current, errors);
        }
        else
        {
            MoreKinds(type, obj, errors);
        }

        Throw(type, obj, errors);
    }

    /// <summary>What an update may not change (the kinds' <c>Validate*Update</c> rules), as a 422.</summary>
    public static void CheckUpdate(ResourceType type, JsonObject obj, JsonObject current)
    {
        var errors = new List<FieldError>();
        Immutables(type, obj, current, errors);
        Throw(type, obj, errors);
    }

    internal static void Throw(ResourceType type, JsonObject obj, List<FieldError> errors)
    {
        if (errors.Count == 0)
        {
            return;
        }

        var name = Json.Name(obj);
        var texts = errors.Select(e => e.ToString()).Distinct().ToList();
        var aggregate = texts.Count == 1 ? texts[0] : $"[{string.Join(", ", texts)}]";
        var kind = type.Group.Length == 0 ? type.Kind : $"{type.Kind}.{type.Group}";
        throw new KubernetesStatusException(422, "Invalid", $"{kind} \"{name}\" is invalid: {aggregate}", type.Kind, name, type.Group)
        {
            Causes = [.. errors.DistinctBy(e => e.ToString()).Select(e => new JsonObject { ["reason"] = e.Reason, ["message"] = e.Body, ["field"] = e.Field })],
        };
    }

    /// <summary>apimachinery's IsQualifiedName: an optional DNS subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static IReadOnlyList<string> QualifiedName(string value)
    {
        var errors = new List<string>();
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                name = parts[1];
                if (parts[0].Length == 0)
                {
                    errors.Add("prefix part must be non-empty");
                }
                else
                {
                    errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(parts[0]).Select(m => "prefix part " + m));
                }

                break;
            default:
                return ["a qualified name " + RegexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QualifiedNameFormat, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }

        if (name.Length == 0)
        {
            errors.Add("name part must be non-empty");
        }
        else if (name.Length > 63)
        {
            errors.Add("name part must be no more than 63 characters");
        }

        if (!QualifiedNameRegex().IsMatch(name))
        {
            errors.Add("name part " + RegexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }

        return errors;
    }

    /// <summary>apimachinery's IsValidLabelValue.</summary>
    public static IReadOnlyList<string> LabelValue(string value)
    {
        var errors = new List<string>();
        if (value.Length > 63)
        {
            errors.Add("must be no more than 63 characters");
        }

        if (!LabelValueRegex().IsMatch(value))
        {
            errors.Add(RegexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LabelValueFormat, "MyValue", "my_value", "12345"));
        }

        return errors;
    }

    private static void Labels(JsonNode? labels, string path, List<FieldError> errors)
    {
        foreach (var (key, value) in labels as JsonObject ?? [])
        {
            errors.AddRange(QualifiedName(key).Select(m => new FieldError(path, "Invalid value", Quote(key), m)));
            var text = Json.Str(value) ?? string.Empty;
            errors.AddRange(LabelValue(text).Select(m => new FieldError(path, "Invalid value", Quote(text), m)));
        }
    }

    private static void Annotations(JsonNode? annotations, string path, List<FieldError> errors)
    {
        var size = 0L;
        foreach (var (key, value) in annotations as JsonObject ?? [])
        {
            errors.AddRange(QualifiedName(key.ToLowerInvariant()).Select(m => new FieldError(path, "Invalid value", Quote(key), m)));
            size += key.Length + (Json.Str(value)?.Length ?? 0);
        }

        if (size > TotalAnnotationSizeLimit)
        {
            errors.Add(new FieldError(path, "Too long", null, $"must have at most {TotalAnnotationSizeLimit} bytes"));
        }
    }

    // pkg/apis/core/validation ValidateConfigMap: keys as IsConfigMapKey, data and binaryData together at most 1 MiB.
    private static void ConfigMap(JsonObject obj, List<FieldError> errors)
    {
        var size = 0L;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in new[] { "data", "binaryData" })
        {
            foreach (var (key, value) in obj[field] as JsonObject ?? [])
            {
                if (ConfigMapKey(key) is { Count: > 0 } problems)
                {
                    errors.AddRange(problems.Select(m => new FieldError($"{field}[{key}]", "Invalid value", Quote(key), m)));
                }
                else if (!keys.Add(key))
                {
                    errors.Add(new FieldError($"{field}[{key}]", "Invalid value", Quote(key), "duplicate of key present in data"));
                }

                size += System.Text.Encoding.UTF8.GetByteCount(Json.Str(value) ?? string.Empty);
            }
        }

        if (size > 1024 * 1024)
        {
            errors.Add(new FieldError(string.Empty, "Too long", null, "must have at most 1048576 bytes"));
        }
    }

    private static void Workload(ResourceType type, JsonObject spec, List<FieldError> errors)
    {
        foreach (var field in new[] { "replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds" })
        {
            NonNegative(spec, field, "spec", errors);
        }

        if (Json.Num(spec["progressDeadlineSeconds"]) is { } deadline && deadline >= 0 && deadline <= (Json.Num(spec["minReadySeconds"]) ?? 0))
        {
            errors.Add(new FieldError("spec.progressDeadlineSeconds", "Invalid value", deadline.ToString(CultureInfo.InvariantCulture), "must be greater than minReadySeconds"));
        }

        if (type == ResourceType.Deployment)
        {
            DeploymentStrategy(spec["strategy"] as JsonObject, errors);
        }
        else if (type == ResourceType.DaemonSet)
        {
            DaemonSetStrategy(spec, errors);
        }
        else if (type == ResourceType.StatefulSet)
        {
            Supported(spec, "podManagementPolicy", "spec", ["OrderedReady", "Parallel"], errors);
            Supported(spec["updateStrategy"] as JsonObject, "type", "spec.updateStrategy", ["OnDelete", "RollingUpdate"], errors);
        }

        var template = spec["template"] as JsonObject;
        var templateLabels = template?["metadata"]?["labels"] as JsonObject;
        if (spec["selector"] is not JsonObject selector)
        {
            errors.Add(new FieldError("spec.selector", "Required value", null, string.Empty));
        }
        else if ((selector["matchLabels"] as JsonObject ?? []).Count == 0 && (selector["matchExpressions"] as JsonArray ?? []).Count == 0)
        {
            errors.Add(new FieldError("spec.selector", "Invalid value", "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}", $"empty selector is invalid for {(type == ResourceType.DaemonSet ? "daemonset" : "deployment")}"));
        }
        else if (!Matches(selector, templateLabels))
        {
            errors.Add(new FieldError("spec.template.metadata.labels", "Invalid value", GoMap(templateLabels), "`selector` does not match template `labels`"));
        }

        if (template is not null)
        {
            Labels(templateLabels, "spec.template.metadata.labels", errors);
            var podSpec = template["spec"] as JsonObject ?? [];
            PodSpec(podSpec, "spec.template.spec", errors);
            if (Json.Str(podSpec["restartPolicy"]) is { } restart and not "Always")
            {
                // A workload's pods run until replaced: only Always.
                errors.Add(new FieldError("spec.template.spec.restartPolicy", "Unsupported value", Quote(restart), "supported values: \"Always\""));
            }
        }
    }

    // apps validation ValidateDeploymentStrategy and ValidateRollingUpdateDeployment.
    private static void DeploymentStrategy(JsonObject? strategy, List<FieldError> errors)
    {
        if (strategy is null)
        {
            return;
        }

        Supported(strategy, "type", "spec.strategy", ["Recreate", "RollingUpdate"], errors);
        if (strategy["rollingUpdate"] is not JsonObject rolling)
        {
            return;
        }

        if (Json.Str(strategy["type"]) == "Recreate")
        {
            errors.Add(new FieldError("spec.strategy.rollingUpdate", "Forbidden", null, "may not be specified when strategy `type` is 'Recreate'"));
            return;
        }

        var surge = IntOrPercent(rolling, "maxSurge", "spec.strategy.rollingUpdate", errors);
        var unavailable = IntOrPercent(rolling, "maxUnavailable", "spec.strategy.rollingUpdate", errors);
        if (unavailable is { Percent: true, Value: > 100 })
        {
            errors.Add(new FieldError("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value", Quote(Json.Str(rolling["maxUnavailable"]) ?? string.Empty), "must not be greater than 100%"));
        }

        if (surge is { Value: 0 } && unavailable is { Value: 0 })
        {
            errors.Add(new FieldError("spec.strategy.rollingUpdate.maxUnavailable", "Invalid value", rolling["maxUnavailable"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? Quote(v.GetValue<string>()) : "0", "may not be 0 when `maxSurge` is 0"));
        }
    }

    private readonly record struct Amount(long Value, bool Percent);

    // An IntOrString that is a non-negative integer or a percentage ("25%").
    private static Amount? IntOrPercent(JsonObject parent, string field, string path, List<FieldError> errors)
    {
        switch (parent[field])
        {
            case null:
                return null;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                var number = Json.Num(v) ?? 0;
                if (number < 0)
                {
                    errors.Add(new FieldError($"{path}.{field}", "Invalid value", number.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
                }

                return new Amount(number, false);
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                var text = v.GetValue<string>();
                if (text.EndsWith('%') && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
                {
                    return new Amount(percent, true);
                }

                errors.Add(new FieldError($"{path}.{field}", "Invalid value", Quote(text), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
                return null;
            default:
                return null;
        }
    }

    private static void NonNegative(JsonObject parent, string field, string path, List<FieldError> errors)
    {
        if (Json.Num(parent[field]) is { } value and < 0)
        {
            errors.Add(new FieldError($"{path}.{field}", "Invalid value", value.ToString(CultureInfo.InvariantCulture), "must be greater than or equal to 0"));
        }
    }

    private static void Supported(JsonObject? parent, string field, string path, string[] values, List<FieldError> errors)
    {
        if (parent is not null && Json.Str(parent[field]) is { } value && !values.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new FieldError($"{path}.{field}", "Unsupported value", Quote(value), $"supported values: {string.Join(", ", values.Select(Quote))}"));
        }
    }

    private static void PodSpec(JsonObject spec, string path, List<FieldError> errors)
    {
        var containers = spec["containers"] as JsonArray ?? [];
        if (containers.Count == 0)
        {
            errors.Add(new FieldError($"{path}.containers", "Required value", null, string.Empty));
        }

        Supported(spec, "restartPolicy", path, ["Always", "Never", "OnFailure"], errors);
        PodSecurityContext(spec, spec["securityContext"] as JsonObject, $"{path}.securityContext", errors);
        if ((spec["ephemeralContainers"] as JsonArray)?.Count > 0)
        {
            // Ephemeral containers come only through the pods/ephemeralcontainers subresource.
            errors.Add(path == "spec"
                ? new FieldError($"{path}.ephemeralContainers", "Forbidden", null, "cannot be set on create")
                : new FieldError($"{path}.ephemeralContainers", "Forbidden", null, "ephemeral containers not allowed in pod template"));
        }

        if (Json.Num(spec["activeDeadlineSeconds"]) is { } deadline and (< 1 or > int.MaxValue))
        {
            errors.Add(new FieldError($"{path}.activeDeadlineSeconds", "Invalid value", deadline.ToString(CultureInfo.InvariantCulture), "must be between 1 and 2147483647, inclusive"));
        }

        Supported(spec, "dnsPolicy", path, ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"], errors);
        NonNegative(spec, "terminationGracePeriodSeconds", path, errors);
        var volumes = Volumes(spec["volumes"] as JsonArray ?? [], $"{path}.volumes", errors);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var hostPorts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (list, field) in new[] { (spec["initContainers"] as JsonArray ?? [], "initContainers"), (containers, "containers") })
        {
            for (var i = 0; i < list.Count; i++)
            {
                var at = $"{path}.{field}[{i}]";
                var container = list[i] as JsonObject ?? [];
                var name = Json.Str(container["name"]) ?? string.Empty;
                if (name.Length == 0)
                {
                    errors.Add(new FieldError($"{at}.name", "Required value", null, string.Empty));
                }
                else if (KubernetesNames.ValidateDns1123Label(name) is { Count: > 0 } nameErrors)
                {
                    errors.AddRange(nameErrors.Select(m => new FieldError($"{at}.name", "Invalid value", Quote(name), m)));
                }
                else if (!names.Add(name))
                {
                    errors.Add(new FieldError($"{at}.name", "Duplicate value", Quote(name), string.Empty));
                }

                if (string.IsNullOrEmpty(Json.Str(container["image"])))
                {
                    errors.Add(new FieldError($"{at}.image", "Required value", null, string.Empty));
                }

                Env(container["env"] as JsonArray ?? [], $"{at}.env", errors);
                EnvFrom(container["envFrom"] as JsonArray ?? [], $"{at}.envFrom", errors);
                VolumeMounts(container["volumeMounts"] as JsonArray ?? [], $"{at}.volumeMounts", volumes, errors);

                var sidecar = Json.Str(container["restartPolicy"]) == "Always";
                if (field == "initContainers" && !sidecar)
                {
                    if (container["restartPolicy"] is not null)
                    {
                        errors.Add(new FieldError($"{at}.restartPolicy", "Unsupported value", Quote(Json.Str(container["restartPolicy"]) ?? string.Empty), "supported values: \"Always\""));
                    }

                    foreach (var forbidden in new[] { "lifecycle", "livenessProbe", "readinessProbe", "startupProbe" })
                    {
                        if (container[forbidden] is not null)
                        {
                            errors.Add(new FieldError($"{at}.{forbidden}", "Forbidden", null, "may not be set for init containers without restartPolicy=Always"));
                        }
                    }
                }
                else
                {
                    if (field == "containers" && container["restartPolicy"] is not null)
                    {
                        errors.Add(new FieldError($"{at}.restartPolicy", "Forbidden", null, "may not be set for non-init containers"));
                    }

                    foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
                    {
                        if (container[probe] is JsonObject handlerless && !handlerless.Any(kv => kv.Key is "exec" or "httpGet" or "tcpSocket" or "grpc" && kv.Value is not null))
                        {
                            errors.Add(new FieldError($"{at}.{probe}", "Required value", null, "must specify a handler type"));
                        }
                        else if (container[probe] is JsonObject probed)
                        {
                            Probe(probed, $"{at}.{probe}", probe != "readinessProbe", probe == "readinessProbe", errors);
                        }
                    }
                }

                Supported(container, "imagePullPolicy", at, ["Always", "IfNotPresent", "Never"], errors);
                Supported(container, "terminationMessagePolicy", at, ["File", "FallbackToLogsOnError"], errors);

                Resources(container["resources"] as JsonObject, $"{at}.resources", errors);
                SecurityContext(container["securityContext"] as JsonObject, $"{at}.securityContext", errors);

                ContainerPorts(container["ports"] as JsonArray ?? [], $"{at}.ports", hostPorts, errors);
                if (container["lifecycle"] is JsonObject lifecycle && (field == "containers" || sidecar))
                {
                    Lifecycle(lifecycle, $"{at}.lifecycle", errors);
                }
            }
        }

        Tolerations(spec["tolerations"] as JsonArray ?? [], $"{path}.tolerations", errors);
        DnsConfig(spec, path, errors);
        Affinity(spec["affinity"] as JsonObject, $"{path}.affinity", errors);
        HostAliases(spec["hostAliases"] as JsonArray ?? [], $"{path}.hostAliases", errors);
        ReadinessGates(spec["readinessGates"] as JsonArray ?? [], $"{path}.readinessGates", errors);
        OperatingSystem(spec, path, errors);
        TopologySpread(spec["topologySpreadConstraints"] as JsonArray ?? [], $"{path}.topologySpreadConstraints", errors);
    }

    internal static bool Matches(JsonObject selector, JsonObject? labels)
    {
        string? Label(string? key) => key is not null && labels?[key] is { } v ? Json.Str(v) ?? string.Empty : null;
        foreach (var (key, value) in selector["matchLabels"] as JsonObject ?? [])
        {
            if (Label(key) != (Json.Str(value) ?? string.Empty))
            {
                return false;
            }
        }

        foreach (var e in (selector["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var actual = Label(Json.Str(e["key"]));
            var values = (e["values"] as JsonArray ?? []).Select(Json.Str).ToList();
            var ok = Json.Str(e["operator"]) switch
            {
                "In" => actual is not null && values.Contains(actual),
                "NotIn" => actual is null || !values.Contains(actual),
                "Exists" => actual is not null,
                "DoesNotExist" => actual is null,
                _ => true, // an unknown operator is the selector's own error, not a mismatch
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    // core validation's ValidateVolumes: a DNS-label name, unique, and exactly one source. Returns the names.
    private static HashSet<string> Volumes(JsonArray volumes, string path, List<FieldError> errors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < volumes.Count; i++)
        {
            var volume = volumes[i] as JsonObject ?? [];
            var name = Json.Str(volume["name"]) ?? string.Empty;
            if (name.Length == 0)
            {
                errors.Add(new FieldError($"{path}[{i}].name", "Required value", null, string.Empty));
            }
            else if (KubernetesNames.ValidateDns1123Label(name) is { Count: > 0 } nameErrors)
            {
                errors.AddRange(nameErrors.Select(m => new FieldError($"{path}[{i}].name", "Invalid value", Quote(name), m)));
            }
            else if (!names.Add(name))
            {
                errors.Add(new FieldError($"{path}[{i}].name", "Duplicate value", Quote(name), string.Empty));
            }

            var sources = volume.Count(kv => kv.Key != "name" && kv.Value is not null);
            if (sources == 0)
            {
                errors.Add(new FieldError($"{path}[{i}]", "Required value", null, "must specify a volume type"));
            }
            else if (sources > 1)
            {
                errors.Add(new FieldError($"{path}[{i}]", "Forbidden", null, "may not specify more than 1 volume type"));
            }
            else
            {
                VolumeSource(volume, $"{path}[{i}]", errors);
            }
        }

        return names;
    }

    // core validation's ValidateEnv with RelaxedEnvironmentVariableValidation (on by default from 1.32): a name of
    // printable ASCII other than '='.
    private static void Env(JsonArray env, string path, List<FieldError> errors)
    {
        for (var i = 0; i < env.Count; i++)
        {
            var name = Json.Str(env[i]?["name"]) ?? string.Empty;
            if (name.Length == 0)
            {
                errors.Add(new FieldError($"{path}[{i}].name", "Required value", null, string.Empty));
            }
            else if (name.Any(c => c is < ' ' or > '~' or '='))
            {
                errors.Add(new FieldError($"{path}[{i}].name", "Invalid value", Quote(name), "a valid environment variable name must consist only of printable ASCII characters other than '='"));
            }

            // validateEnvVarValueFrom: exactly one source, and not beside a value.
            if (env[i]?["valueFrom"] is JsonObject from)
            {
                var sources = EnvSources.Count(k => from[k] is not null);
                var at = $"{path}[{i}].valueFrom";
                if (from["fieldRef"] is JsonObject fieldRef)
                {
                    EnvFieldRef(fieldRef, $"{at}.fieldRef", errors);
                }

                if (from["resourceFieldRef"] is JsonObject resourceRef)
                {
                    EnvResourceRef(resourceRef, $"{at}.resourceFieldRef", errors);
                }

                foreach (var selector in KeySelectors)
                {
                    if (from[selector] is JsonObject keyRef)
                    {
                        var key = Json.Str(keyRef["key"]) ?? string.Empty;
                        if (key.Length == 0)
                        {
                            errors.Add(new FieldError($"{at}.{selector}.key", "Required value", null, string.Empty));
                        }
                        else
                        {
                            errors.AddRange(ConfigMapKey(key).Select(m => new FieldError($"{at}.{selector}.key", "Invalid value", Quote(key), m)));
                        }
                    }
                }

                if (sources == 0)
                {
                    errors.Add(new FieldError(at, "Invalid value", "\"\"", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
                }
                else if (!string.IsNullOrEmpty(Json.Str(env[i]?["value"])))
                {
                    errors.Add(new FieldError(at, "Invalid value", "\"\"", "may not be specified when `value` is not empty"));
                }
                else if (sources > 1)
                {
                    errors.Add(new FieldError(at, "Invalid value", "\"\"", "may not have more than one field specified at a time"));
                }
            }
        }
    }

    /// <summary>apimachinery's IsConfigMapKey: at most 253 characters of <c>[-._a-zA-Z0-9]</c>, not <c>.</c>, <c>..</c> or <c>..</c>-prefixed.</summary>
    internal static List<string> ConfigMapKey(string key)
    {
        var problems = new List<string>();
        if (key.Length > 253)
        {
            problems.Add("must be no more than 253 characters");
        }

        if (!ConfigMapKeyRegex().IsMatch(key))
        {
            problems.Add(RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"));
        }

        if (key == ".")
        {
            problems.Add("must not be '.'");
        }
        else if (key == "..")
        {
            problems.Add("must not be '..'");
        }
        else if (key.StartsWith("..", StringComparison.Ordinal))
        {
            problems.Add("must not start with '..'");
        }

        return problems;
    }

    // apimachinery's RegexError: the message, then the examples and the regular expression.
    private static string RegexError(string message, string format, params string[] examples) =>
        $"{message} (e.g. {string.Concat(examples.Select((e, i) => (i > 0 ? " or " : string.Empty) + $"'{e}', "))}regex used for validation is '{format}')";

    private static string Quote(string value) => Json.Quote(value);

    // Go's %v of a map[string]string (keys sorted).
    private static string GoMap(JsonObject? map) =>
        map is null ? "map[string]string(nil)" : $"map[string]string{{{string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{Quote(kv.Key)}:{Quote(kv.Value is JsonValue v ? v.ToString() : kv.Value?.ToJsonString() ?? string.Empty)}"))}}}";

    [GeneratedRegex("^[-._a-zA-Z0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigMapKeyRegex();

    [GeneratedRegex("^" + QualifiedNameFormat + "$", RegexOptions.CultureInvariant)]
    private static partial Regex QualifiedNameRegex();

    [GeneratedRegex("^" + LabelValueFormat + "$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValueRegex();
}
