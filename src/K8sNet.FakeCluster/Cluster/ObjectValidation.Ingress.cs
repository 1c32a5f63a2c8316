using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// Ingresses and IngressClasses as kube-apiserver 1.32 validates them (pkg/apis/networking/validation): rules or a
/// default backend, hosts (DNS names, wildcards, never IPs), paths by path type, backends (a Service with one port, or
/// a resource), TLS hosts and secret names, the class name; on create, the deprecated class annotation must agree with
/// <c>ingressClassName</c>; on update, invalid TLS secret names and wildcard rules stored before are let through
/// (ratcheting). IngressClass controllers are domain-prefixed paths, immutable; parameters scoped as upstream says.
/// Research notes with sources: /work/research/ingress-validation.md (not in the repository).
/// </summary>
internal static partial class ObjectValidation
{
    private const string ClassAnnotation = "kubernetes.io/ingress.class";
    private static readonly string[] PathSequences = ["//", "/./", "/../", "%2f", "%2F"];
    private static readonly string[] PathSuffixes = ["/..", "/."];
    private static readonly string[] ReferenceFields = ["kind", "name"];

    /// <summary>The warning upstream's Ingress strategy gives on create (WarningsOnCreate), or <see langword="null"/>.</summary>
    internal static string? IngressCreateWarning(JsonObject ingress) =>
        ingress["metadata"]?["annotations"]?[ClassAnnotation] is not null && ingress["spec"]?["ingressClassName"] is null
            ? $"annotation \"{ClassAnnotation}\" is deprecated, please use 'spec.ingressClassName' instead"
            : null;

    private static void Ingress(JsonObject ingress, JsonObject? current, List<FieldError> errors)
    {
        var spec = ingress["spec"] as JsonObject ?? [];
        var oldSpec = current?["spec"] as JsonObject;
        var allowInvalidSecretName = (oldSpec?["tls"] as JsonArray ?? []).Any(t => Json.Str(t?["secretName"]) is { Length: > 0 } name && !KubernetesNames.IsDns1123Subdomain(name));
        var allowInvalidWildcardRule = (oldSpec?["rules"] as JsonArray ?? []).Any(r =>
        {
            if (!(Json.Str(r?["host"]) ?? string.Empty).Contains('*', StringComparison.Ordinal))
            {
                return false;
            }

            var probe = new List<FieldError>();
            if (r?["http"] is JsonObject http)
            {
                HttpRuleValue(http, "x", probe);
            }

            return probe.Count > 0;
        });

        var rules = spec["rules"] as JsonArray;
        if ((rules is null || rules.Count == 0) && spec["defaultBackend"] is null)
        {
            errors.Add(new FieldError("spec", "Invalid value", rules is null ? "[]networking.IngressRule(nil)" : "[]networking.IngressRule{}", "either `defaultBackend` or `rules` must be specified"));
        }

        if (spec["defaultBackend"] is JsonObject defaultBackend)
        {
            IngressBackend(defaultBackend, "spec.defaultBackend", errors);
        }

        for (var i = 0; i < (rules?.Count ?? 0); i++)
        {
            var rule = rules![i] as JsonObject ?? [];
            var at = $"spec.rules[{i}]";
            var host = Json.Str(rule["host"]) ?? string.Empty;
            var wildcard = false;
            if (host.Length > 0)
            {
                if (IPAddress.TryParse(host, out _) && !host.Contains('%', StringComparison.Ordinal) && (host.Contains(':', StringComparison.Ordinal) || host.Count(c => c == '.') == 3))
                {
                    errors.Add(new FieldError($"{at}.host", "Invalid value", Quote(host), "must be a DNS name, not an IP address"));
                }

                wildcard = host.Contains('*', StringComparison.Ordinal);
                errors.AddRange((wildcard ? WildcardSubdomain(host) : KubernetesNames.ValidateDns1123Subdomain(host)).Select(m => new FieldError($"{at}.host", "Invalid value", Quote(host), m)));
            }

            if ((!wildcard || !allowInvalidWildcardRule) && rule["http"] is JsonObject http)
            {
                HttpRuleValue(http, $"{at}.http", errors);
            }
        }

        var tls = spec["tls"] as JsonArray ?? [];
        for (var t = 0; t < tls.Count; t++)
        {
            var hosts = tls[t]?["hosts"] as JsonArray ?? [];
            for (var k = 0; k < hosts.Count; k++)
            {
                var host = Json.Str(hosts[k]) ?? string.Empty;
                errors.AddRange((host.Contains('*', StringComparison.Ordinal) ? WildcardSubdomain(host) : KubernetesNames.ValidateDns1123Subdomain(host))
                    .Select(m => new FieldError($"spec.tls[{t}].hosts[{k}]", "Invalid value", Quote(host), m)));
            }

            if (!allowInvalidSecretName && Json.Str(tls[t]?["secretName"]) is { Length: > 0 } secret)
            {
                errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(secret).Select(m => new FieldError($"spec.tls[{t}].secretName", "Invalid value", Quote(secret), m)));
            }
        }

        if (Json.Str(spec["ingressClassName"]) is { } className)
        {
            errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(className).Select(m => new FieldError("spec.ingressClassName", "Invalid value", Quote(className), m)));
        }

        if (current is null && Json.Str(ingress["metadata"]?["annotations"]?[ClassAnnotation]) is { } annotated
            && Json.Str(spec["ingressClassName"]) is { } named && annotated != named)
        {
            errors.Add(new FieldError($"annotations.{ClassAnnotation}", "Invalid value", Quote(annotated), "must match `ingressClassName` when both are specified"));
        }
    }

    private static void HttpRuleValue(JsonObject http, string path, List<FieldError> errors)
    {
        var paths = http["paths"] as JsonArray ?? [];
        if (paths.Count == 0)
        {
            errors.Add(new FieldError($"{path}.paths", "Required value", null, string.Empty));
        }

        for (var j = 0; j < paths.Count; j++)
        {
            var entry = paths[j] as JsonObject ?? [];
            var at = $"{path}.paths[{j}]";
            var pathType = Json.Str(entry["pathType"]);
            var value = Json.Str(entry["path"]) ?? string.Empty;
            if (pathType is null)
            {
                errors.Add(new FieldError($"{at}.pathType", "Required value", null, "pathType must be specified"));
                continue; // the backend is not checked then
            }

            if (pathType is "Exact" or "Prefix")
            {
                if (!value.StartsWith('/'))
                {
                    errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(value), "must be an absolute path"));
                }

                if (value.Length > 0)
                {
                    foreach (var sequence in PathSequences.Where(s => value.Contains(s, StringComparison.Ordinal)))
                    {
                        errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(value), $"must not contain '{sequence}'"));
                    }

                    foreach (var suffix in PathSuffixes.Where(s => value.EndsWith(s, StringComparison.Ordinal)))
                    {
                        errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(value), $"cannot end with '{suffix}'"));
                    }
                }
            }
            else if (pathType == "ImplementationSpecific")
            {
                if (value.Length > 0 && !value.StartsWith('/'))
                {
                    errors.Add(new FieldError($"{at}.path", "Invalid value", Quote(value), "must be an absolute path"));
                }
            }
            else
            {
                errors.Add(new FieldError($"{at}.pathType", "Unsupported value", Quote(pathType), "supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""));
            }

            IngressBackend(entry["backend"] as JsonObject ?? [], $"{at}.backend", errors);
        }
    }

    private static void IngressBackend(JsonObject backend, string path, List<FieldError> errors)
    {
        var resource = backend["resource"] as JsonObject;
        var service = backend["service"] as JsonObject;
        if (resource is not null && service is not null)
        {
            errors.Add(new FieldError(path, "Invalid value", "\"\"", "cannot set both resource and service backends"));
        }
        else if (resource is not null)
        {
            TypedLocalReference(resource, $"{path}.resource", errors);
        }
        else if (service is not null)
        {
            var name = Json.Str(service["name"]) ?? string.Empty;
            if (name.Length == 0)
            {
                errors.Add(new FieldError($"{path}.service.name", "Required value", null, string.Empty));
            }
            else
            {
                errors.AddRange(KubernetesNames.ValidateDns1035Label(name).Select(m => new FieldError($"{path}.service.name", "Invalid value", Quote(name), m)));
            }

            var port = service["port"] as JsonObject ?? [];
            var portName = Json.Str(port["name"]) ?? string.Empty;
            var number = Json.Num(port["number"]) ?? 0;
            if (portName.Length > 0 && number != 0)
            {
                errors.Add(new FieldError(path, "Invalid value", "\"\"", "cannot set both port name & port number"));
            }
            else if (portName.Length > 0)
            {
                errors.AddRange(KubernetesNames.ValidatePortName(portName).Select(m => new FieldError($"{path}.service.port.name", "Invalid value", Quote(portName), m)));
            }
            else if (number != 0)
            {
                if (number is < 1 or > 65535)
                {
                    errors.Add(new FieldError($"{path}.service.port.number", "Invalid value", number.ToString(CultureInfo.InvariantCulture), "must be between 1 and 65535, inclusive"));
                }
            }
            else
            {
                errors.Add(new FieldError(path, "Required value", null, "port name or number is required"));
            }
        }
        else
        {
            errors.Add(new FieldError(path, "Invalid value", "\"\"", "resource or service backend is required"));
        }
    }

    // validateIngressTypedLocalObjectReference: an API group that is a DNS subdomain, a kind and a name that are path segments.
    private static void TypedLocalReference(JsonObject reference, string path, List<FieldError> errors)
    {
        if (Json.Str(reference["apiGroup"]) is { } group)
        {
            errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(group).Select(m => new FieldError($"{path}.apiGroup", "Invalid value", Quote(group), m)));
        }

        foreach (var field in ReferenceFields)
        {
            var value = Json.Str(reference[field]) ?? string.Empty;
            if (value.Length == 0)
            {
                errors.Add(new FieldError($"{path}.{field}", "Required value", null, $"{field} is required"));
            }
            else
            {
                errors.AddRange(PathSegmentName(value).Select(m => new FieldError($"{path}.{field}", "Invalid value", Quote(value), m)));
            }
        }
    }

    // IsValidPathSegmentName: not "." or "..", and neither '/' nor '%' (each reported).
    private static List<string> PathSegmentName(string value)
    {
        if (value is "." or "..")
        {
            return [$"may not be '{value}'"];
        }

        var problems = new List<string>();
        if (value.Contains('/', StringComparison.Ordinal))
        {
            problems.Add("may not contain '/'");
        }

        if (value.Contains('%', StringComparison.Ordinal))
        {
            problems.Add("may not contain '%'");
        }

        return problems;
    }

    private static void IngressClass(JsonObject ingressClass, JsonObject? current, List<FieldError> errors)
    {
        var spec = ingressClass["spec"] as JsonObject ?? [];
        var controller = Json.Str(spec["controller"]) ?? string.Empty;
        if (current is not null && Json.Str(current["spec"]?["controller"]) is var old && old != controller)
        {
            errors.Add(new FieldError("spec.controller", "Invalid value", Quote(controller), "field is immutable"));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(controller) > 250)
        {
            errors.Add(new FieldError("spec.controller", "Too long", null, "may not be more than 250 bytes"));
        }

        DomainPrefixedPath(controller, "spec.controller", errors);
        if (spec["parameters"] is not JsonObject parameters)
        {
            return;
        }

        TypedLocalReference(parameters, "spec.parameters", errors);
        var scope = Json.Str(parameters["scope"]);
        if (scope is null)
        {
            errors.Add(new FieldError("spec.parameters.scope", "Required value", null, string.Empty));
        }
        else if (scope is not ("Cluster" or "Namespace"))
        {
            errors.Add(new FieldError("spec.parameters.scope", "Unsupported value", Quote(scope), "supported values: \"Cluster\", \"Namespace\""));
        }
        else if (scope == "Namespace")
        {
            if (Json.Str(parameters["namespace"]) is not { } ns)
            {
                errors.Add(new FieldError("spec.parameters.namespace", "Required value", null, "`parameters.scope` is set to 'Namespace'"));
            }
            else
            {
                errors.AddRange(KubernetesNames.ValidateDns1123Label(ns).Select(m => new FieldError("spec.parameters.namespace", "Invalid value", Quote(ns), m)));
            }
        }
        else if (parameters["namespace"] is not null)
        {
            errors.Add(new FieldError("spec.parameters.namespace", "Forbidden", null, "`parameters.scope` is set to 'Cluster'"));
        }
    }

    // apimachinery's IsDomainPrefixedPath: "acme.io/foo".
    private static void DomainPrefixedPath(string value, string path, List<FieldError> errors)
    {
        if (value.Length == 0)
        {
            errors.Add(new FieldError(path, "Required value", null, string.Empty));
            return;
        }

        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == value.Length - 1)
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(value), "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }

        var host = value[..slash];
        var rest = value[(slash + 1)..];
        errors.AddRange(KubernetesNames.ValidateDns1123Subdomain(host).Select(m => new FieldError(path, "Invalid value", Quote(host), m)));
        if (!HttpPathRegex().IsMatch(rest))
        {
            errors.Add(new FieldError(path, "Invalid value", Quote(rest), "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
        }
    }

    // IsWildcardDNS1123Subdomain: "*." and a DNS subdomain.
    private static List<string> WildcardSubdomain(string value)
    {
        var problems = new List<string>();
        if (value.Length > 253)
        {
            problems.Add("must be no more than 253 characters");
        }

        if (!value.StartsWith("*.", StringComparison.Ordinal) || !KubernetesNames.IsDns1123Subdomain(value.AsSpan(2)))
        {
            problems.Add("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        }

        return problems;
    }

    [GeneratedRegex(@"^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$", RegexOptions.CultureInvariant)]
    private static partial Regex HttpPathRegex();
}
