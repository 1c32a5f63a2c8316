using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    // ValidateResourceRequirements: not negative, and each request at most its limit (the error on the requests, the
    // message naming the resource).
    private static void Resources(JsonObject? resources, string path, List<FieldError> errors)
    {
        if (resources is null)
        {
            return;
        }

        var limits = new Dictionary<string, (string Text, ResourceQuantity Value)>(StringComparer.Ordinal);
        foreach (var field in new[] { "limits", "requests" })
        {
            foreach (var (name, value) in resources[field] as JsonObject ?? [])
            {
                var text = value is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.ToJsonString() : Json.Str(value) ?? string.Empty;
                if (!ResourceQuantity.TryParse(text.Trim(), out var amount, out _))
                {
                    continue; // refused when the body was decoded
                }

                if (amount.Sign < 0)
                {
                    errors.Add(new FieldError($"{path}.{field}[{name}]", "Invalid value", Quote(text), "must be greater than or equal to 0"));
                }

                if (field == "limits")
                {
                    limits[name] = (text, amount);
                }
                else if (limits.TryGetValue(name, out var limit) && amount.CompareTo(limit.Value) > 0)
                {
                    errors.Add(new FieldError($"{path}.requests", "Invalid value", Quote(text), $"must be less than or equal to {name} limit of {limit.Text}"));
                }
            }
        }
    }

    // validateProbe and the handler's own checks.
    private static void Probe(JsonObject probe, string path, bool successMustBeOne, List<FieldError> errors)
    {
        foreach (var field in new[] { "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold", "terminationGracePeriodSeconds" })
        {
            NonNegative(probe, field, path, errors);
        }

        if (successMustBeOne && Json.Num(probe["successThreshold"]) is { } success and not 1 and >= 0)
        {
            errors.Add(new FieldError($"{path}.successThreshold", "Invalid value", success.ToString(CultureInfo.InvariantCulture), "must be 1"));
        }

        if (probe["httpGet"] is JsonObject http)
        {
            HandlerPort(http["port"], $"{path}.httpGet.port", errors);
            Supported(http, "scheme", $"{path}.httpGet", ["HTTP", "HTTPS"], errors);
        }

        if (probe["tcpSocket"] is JsonObject tcp)
        {
            HandlerPort(tcp["port"], $"{path}.tcpSocket.port", errors);
        }

        if (probe["exec"] is JsonObject exec && (exec["command"] as JsonArray ?? []).Count == 0)
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
        Seccomp(context["seccompProfile"] as JsonObject, $"{path}.seccompProfile", errors);
        if (Json.Bool(context["privileged"]) == true && Json.Bool(context["allowPrivilegeEscalation"]) == false)
        {
            errors.Add(new FieldError(path, "Invalid value", "core.SecurityContext{...}", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
        }
    }

    private static void PodSecurityContext(JsonObject? context, string path, List<FieldError> errors)
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

        Supported(context, "fsGroupChangePolicy", path, ["Always", "OnRootMismatch"], errors);
        Seccomp(context["seccompProfile"] as JsonObject, $"{path}.seccompProfile", errors);
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
}
