using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using k8s.Models;
using K8sNet.Gateway.GatewayApi;
using V1ParentReference = K8sNet.Gateway.GatewayApi.V1ParentReference;

namespace K8sNet.Gateway;

// What the Gateway API CRDs (OpenAPI limits, enums and CEL rules of the v1.6.1 standard channel) reject, so a route
// table is never built from an object the API server would not hold. What they accept but a controller cannot
// implement becomes a status condition instead (GatewayRouter).
internal static partial class GatewayValidation
{
    private static readonly HashSet<string> Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    private static readonly HashSet<string> HttpFilterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS", "ExternalAuth"];
    private static readonly HashSet<string> GrpcFilterTypes = ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "ExtensionRef"];

    public static void Gateway(V1Gateway gateway)
    {
        var id = $"Gateway {Id(gateway.Metadata)}";
        Name(gateway.Metadata, id);
        if (string.IsNullOrEmpty(gateway.Spec?.GatewayClassName))
        {
            Fail(null, $"{id} spec.gatewayClassName", "is required");
        }

        var listeners = gateway.Spec!.Listeners ?? [];
        if (listeners.Count is 0 or > 64)
        {
            Fail(listeners.Count.ToString(CultureInfo.InvariantCulture), $"{id} spec.listeners", "must have 1 to 64 listeners");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var combinations = new HashSet<(int, string, string)>();
        for (var i = 0; i < listeners.Count; i++)
        {
            var l = listeners[i];
            var field = $"{id} spec.listeners[{i}]";
            if (string.IsNullOrEmpty(l.Name))
            {
                Fail(null, field + ".name", "is required");
            }

            if (!names.Add(l.Name))
            {
                Fail(l.Name, field + ".name", "must be unique within the Gateway (Listener name must be unique within the Gateway)");
            }

            Port(l.Port, field + ".port");
            if (string.IsNullOrEmpty(l.Protocol))
            {
                Fail(null, field + ".protocol", "is required");
            }

            if (l.Hostname is { } hostname)
            {
                if (l.Protocol is "TCP" or "UDP")
                {
                    Fail(hostname, field + ".hostname", "must not be specified for protocols ['TCP', 'UDP']");
                }

                Hostname(hostname, field + ".hostname");
            }

            if (l.Protocol is "HTTPS" or "TLS" && l.Tls is null)
            {
                Fail(null, field + ".tls", "must be specified for protocols ['HTTPS', 'TLS']");
            }

            if (l.Protocol is "HTTP" or "TCP" or "UDP" && l.Tls is not null)
            {
                Fail("tls", field + ".tls", "must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
            }

            if (l.Tls is { } tls)
            {
                if (tls.Mode is not (null or "Terminate" or "Passthrough"))
                {
                    Fail(tls.Mode, field + ".tls.mode", "must be one of Terminate, Passthrough");
                }

                if (tls.Mode is null or "Terminate" && (tls.CertificateRefs?.Count ?? 0) == 0 && (tls.Options?.Count ?? 0) == 0)
                {
                    Fail(null, field + ".tls.certificateRefs", "or tls.options must be specified when mode is Terminate");
                }
            }

            if (l.AllowedRoutes?.Namespaces?.From is { } from && from is not ("All" or "Same" or "Selector"))
            {
                Fail(from, field + ".allowedRoutes.namespaces.from", "must be one of All, Same, Selector");
            }

            if (l.AllowedRoutes?.Namespaces is { From: "Selector", Selector: null })
            {
                Fail(null, field + ".allowedRoutes.namespaces.selector", "is required when from is Selector");
            }

            if (!combinations.Add((l.Port, l.Hostname ?? string.Empty, l.Protocol)))
            {
                Fail($"{l.Port}/{l.Protocol}/{l.Hostname}", field, "Combination of port, protocol and hostname must be unique for each listener");
            }
        }
    }

    public static void GatewayClass(V1GatewayClass gatewayClass)
    {
        var id = $"GatewayClass {gatewayClass.Metadata?.Name}";
        Name(gatewayClass.Metadata, id);
        var controller = gatewayClass.Spec?.ControllerName;
        if (string.IsNullOrEmpty(controller) || controller.IndexOf('/', StringComparison.Ordinal) <= 0)
        {
            Fail(controller, $"{id} spec.controllerName", "must be a domain-prefixed path, e.g. example.com/gateway-controller");
        }
    }

    public static void ReferenceGrant(V1ReferenceGrant grant)
    {
        var id = $"ReferenceGrant {Id(grant.Metadata)}";
        Name(grant.Metadata, id);
        if (grant.Spec?.From is not { Count: > 0 } || grant.Spec.To is not { Count: > 0 })
        {
            Fail(null, $"{id} spec.from/spec.to", "must each have at least one entry");
        }
    }

    public static void HttpRoute(V1HTTPRoute route)
    {
        var id = $"HTTPRoute {Id(route.Metadata)}";
        Common(route.Metadata, route.Spec?.ParentRefs, route.Spec?.Hostnames, id);
        var rules = route.Spec?.Rules ?? [];
        Count(rules.Count, 16, $"{id} spec.rules");
        var total = 0;
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var field = $"{id} spec.rules[{r}]";
            var matches = rule.Matches ?? [];
            Count(matches.Count, 64, field + ".matches");
            total += matches.Count;
            for (var m = 0; m < matches.Count; m++)
            {
                Match(matches[m], $"{field}.matches[{m}]");
            }

            var filters = rule.Filters ?? [];
            HttpFilters(filters, field + ".filters");
            var redirect = filters.Any(f => f.Type == "RequestRedirect");
            if (redirect && (rule.BackendRefs?.Count ?? 0) > 0)
            {
                Fail("RequestRedirect", field, "RequestRedirect filter must not be used together with backendRefs");
            }

            if (filters.Any(f => f.RequestRedirect?.Path?.Type == "ReplacePrefixMatch" || f.UrlRewrite?.Path?.Type == "ReplacePrefixMatch")
                && (matches.Count != 1 || matches[0].Path is { Type: not (null or "PathPrefix") }))
            {
                Fail("ReplacePrefixMatch", field, "When using a filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified");
            }

            var backends = rule.BackendRefs ?? [];
            for (var b = 0; b < backends.Count; b++)
            {
                BackendRef(backends[b], $"{field}.backendRefs[{b}]");
                HttpFilters(backends[b].Filters ?? [], $"{field}.backendRefs[{b}].filters");
            }
        }

        if (total > 128)
        {
            Fail(total.ToString(CultureInfo.InvariantCulture), $"{id} spec.rules[*].matches", "While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128");
        }
    }

    public static void GrpcRoute(V1GRPCRoute route)
    {
        var id = $"GRPCRoute {Id(route.Metadata)}";
        Common(route.Metadata, route.Spec?.ParentRefs, route.Spec?.Hostnames, id);
        var rules = route.Spec?.Rules ?? [];
        Count(rules.Count, 16, $"{id} spec.rules");
        for (var r = 0; r < rules.Count; r++)
        {
            var rule = rules[r];
            var field = $"{id} spec.rules[{r}]";
            Count(rule.Matches?.Count ?? 0, 8, field + ".matches");
            for (var m = 0; m < (rule.Matches?.Count ?? 0); m++)
            {
                var match = rule.Matches![m];
                if (match.Method is { } method)
                {
                    if (method.Type is not (null or "Exact" or "RegularExpression"))
                    {
                        Fail(method.Type, $"{field}.matches[{m}].method.type", "must be one of Exact, RegularExpression");
                    }

                    if (string.IsNullOrEmpty(method.Service) && string.IsNullOrEmpty(method.Method))
                    {
                        Fail(null, $"{field}.matches[{m}].method", "One or both of 'service' or 'method' must be specified");
                    }

                    if (method.Type is null or "Exact" && method.Service is { Length: > 0 } service && !GrpcService().IsMatch(service))
                    {
                        Fail(service, $"{field}.matches[{m}].method.service", "must only contain valid characters (matching ^(?i)\\.?[a-z_][a-z_0-9]*(\\.[a-z_][a-z_0-9]*)*$)");
                    }

                    if (method.Type is null or "Exact" && method.Method is { Length: > 0 } name && !GrpcMethod().IsMatch(name))
                    {
                        Fail(name, $"{field}.matches[{m}].method.method", "must only contain valid characters (matching ^[A-Za-z_][A-Za-z_0-9]*$)");
                    }
                }

                Headers(match.Headers?.Select(h => (h.Type, h.Name)), $"{field}.matches[{m}].headers");
            }

            foreach (var filter in rule.Filters ?? [])
            {
                if (!GrpcFilterTypes.Contains(filter.Type))
                {
                    Fail(filter.Type, field + ".filters[].type", "must be one of " + string.Join(", ", GrpcFilterTypes));
                }
            }

            for (var b = 0; b < (rule.BackendRefs?.Count ?? 0); b++)
            {
                BackendRef(rule.BackendRefs![b], $"{field}.backendRefs[{b}]");
            }
        }
    }

    public static void L4Route(string kind, V1ObjectMeta metadata, IList<V1ParentReference>? parentRefs, IList<string>? hostnames, IReadOnlyList<IList<V1BackendRef>> rules)
    {
        var id = $"{kind} {Id(metadata)}";
        Common(metadata, parentRefs, hostnames, id);
        if (kind == "TLSRoute" && hostnames is not { Count: > 0 })
        {
            Fail(null, $"{id} spec.hostnames", "is required for a TLSRoute (1 to 1024 SNI names)");
        }

        if (rules.Count != 1)
        {
            Fail(rules.Count.ToString(CultureInfo.InvariantCulture), $"{id} spec.rules", "must have exactly one rule");
        }

        if (rules[0].Count is 0 or > 16)
        {
            Fail(rules[0].Count.ToString(CultureInfo.InvariantCulture), $"{id} spec.rules[0].backendRefs", "must have 1 to 16 entries");
        }

        for (var b = 0; b < rules[0].Count; b++)
        {
            BackendRef(rules[0][b], $"{id} spec.rules[0].backendRefs[{b}]");
        }
    }

    // A wildcard is only a whole first label; no IP; RFC 1123 lowercase labels.
    public static void Hostname(string hostname, string field)
    {
        if (IPAddress.TryParse(hostname, out _))
        {
            Fail(hostname, field, "must be a DNS name, not an IP address");
        }

        var name = hostname.StartsWith("*.", StringComparison.Ordinal) ? hostname[2..] : hostname;
        if (name.Length is 0 or > 253 || name.Split('.').Any(label => label.Length is 0 or > 63 || !char.IsAsciiLetterOrDigit(label[0]) || !char.IsAsciiLetterOrDigit(label[^1])
            || label.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))))
        {
            Fail(hostname, field, "must be a lowercase RFC 1123 hostname, optionally prefixed by a wildcard label '*.' (no port, no IP)");
        }
    }

    public static string Id(V1ObjectMeta? metadata) => $"{metadata?.NamespaceProperty ?? "default"}/{metadata?.Name}";

    private static void Common(V1ObjectMeta? metadata, IList<V1ParentReference>? parentRefs, IList<string>? hostnames, string id)
    {
        Name(metadata, id);
        Count(parentRefs?.Count ?? 0, 32, $"{id} spec.parentRefs");
        for (var p = 0; p < (parentRefs?.Count ?? 0); p++)
        {
            if (string.IsNullOrEmpty(parentRefs![p].Name))
            {
                Fail(null, $"{id} spec.parentRefs[{p}].name", "is required");
            }

            if (parentRefs[p].Port is { } port)
            {
                Port(port, $"{id} spec.parentRefs[{p}].port");
            }
        }

        if (parentRefs is not null && parentRefs.GroupBy(p => (p.Group ?? GatewayApiKinds.Group, p.Kind ?? "Gateway", p.NamespaceProperty, p.Name))
            .Any(g => g.Count() > 1 && (g.Any(p => p.SectionName is null && p.Port is null) || g.Select(p => (p.SectionName, p.Port)).Distinct().Count() != g.Count())))
        {
            Fail(null, $"{id} spec.parentRefs", "sectionName or port must be specified, and unique, when parentRefs includes 2 or more references to the same parent");
        }

        Count(hostnames?.Count ?? 0, 16, $"{id} spec.hostnames");
        for (var h = 0; h < (hostnames?.Count ?? 0); h++)
        {
            Hostname(hostnames![h], $"{id} spec.hostnames[{h}]");
        }
    }

    private static void Match(V1HTTPRouteMatch match, string field)
    {
        if (match.Path is { } path)
        {
            var type = path.Type ?? "PathPrefix";
            var value = path.Value ?? "/";
            switch (type)
            {
                case "Exact" or "PathPrefix":
                    if (value.Length == 0 || value[0] != '/')
                    {
                        Fail(value, field + ".path.value", "must be an absolute path (start with '/') when type is Exact or PathPrefix");
                    }

                    foreach (var bad in (string[])["//", "/./", "/../", "%2f", "%2F", "#"])
                    {
                        if (value.Contains(bad, StringComparison.Ordinal))
                        {
                            Fail(value, field + ".path.value", $"must not contain '{bad}' when type is Exact or PathPrefix");
                        }
                    }

                    if (value.EndsWith("/..", StringComparison.Ordinal) || value.EndsWith("/.", StringComparison.Ordinal))
                    {
                        Fail(value, field + ".path.value", "must not end with '/..' or '/.' when type is Exact or PathPrefix");
                    }

                    break;
                case "RegularExpression":
                    break;
                default:
                    Fail(type, field + ".path.type", "must be one of Exact, PathPrefix, RegularExpression");
                    break;
            }
        }

        Headers(match.Headers?.Select(h => (h.Type, h.Name)), field + ".headers");
        foreach (var q in match.QueryParams ?? [])
        {
            if (q.Type is not (null or "Exact" or "RegularExpression"))
            {
                Fail(q.Type, field + ".queryParams[].type", "must be one of Exact, RegularExpression");
            }

            if (string.IsNullOrEmpty(q.Name))
            {
                Fail(null, field + ".queryParams[].name", "is required");
            }
        }

        if (match.QueryParams?.GroupBy(q => q.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            Fail(twice.Key, field + ".queryParams", "must have unique names (queryParams must be unique)");
        }

        if (match.Method is { } method && !Methods.Contains(method))
        {
            Fail(method, field + ".method", "must be one of " + string.Join(", ", Methods));
        }
    }

    private static void Headers(IEnumerable<(string? Type, string Name)>? headers, string field)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (type, name) in headers ?? [])
        {
            if (type is not (null or "Exact" or "RegularExpression"))
            {
                Fail(type, field + "[].type", "must be one of Exact, RegularExpression");
            }

            if (string.IsNullOrEmpty(name) || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
            {
                Fail(name, field + "[].name", "must be an HTTP header name (RFC 7230 token)");
            }

            if (!names.Add(name))
            {
                Fail(name, field, "must have unique names, case-insensitively (headers must be unique)");
            }
        }
    }

    private static void HttpFilters(IList<V1HTTPRouteFilter> filters, string field)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            if (!HttpFilterTypes.Contains(filter.Type))
            {
                Fail(filter.Type, field + "[].type", "must be one of " + string.Join(", ", HttpFilterTypes));
            }

            if (filter.Type is not ("RequestMirror" or "ExtensionRef") && !seen.Add(filter.Type))
            {
                Fail(filter.Type, field, "may contain each filter type once, except RequestMirror and ExtensionRef");
            }

            object? config = filter.Type switch
            {
                "RequestHeaderModifier" => filter.RequestHeaderModifier,
                "ResponseHeaderModifier" => filter.ResponseHeaderModifier,
                "RequestMirror" => filter.RequestMirror,
                "RequestRedirect" => filter.RequestRedirect,
                "URLRewrite" => filter.UrlRewrite,
                "ExtensionRef" => filter.ExtensionRef,
                _ => filter,
            };
            if (config is null)
            {
                Fail(null, $"{field}[{filter.Type}]", $"must set the field for its type (filter.{char.ToLowerInvariant(filter.Type[0])}{filter.Type[1..]} must be specified for type {filter.Type})");
            }

            foreach (var modifier in (V1HTTPHeaderFilter?[])[filter.RequestHeaderModifier, filter.ResponseHeaderModifier])
            {
                var names = (modifier?.Set ?? []).Select(h => h.Name).Concat((modifier?.Add ?? []).Select(h => h.Name)).Concat(modifier?.Remove ?? []);
                if (names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
                {
                    Fail(twice.Key, $"{field}[{filter.Type}]", "may name each header once across set, add and remove");
                }
            }

            if (filter.Type == "RequestRedirect" && filter.RequestRedirect is { } redirect)
            {
                if (redirect.Scheme is not (null or "http" or "https"))
                {
                    Fail(redirect.Scheme, field + "[RequestRedirect].scheme", "must be one of http, https");
                }

                if (redirect.StatusCode is { } code && code is not (301 or 302 or 303 or 307 or 308))
                {
                    Fail(code.ToString(CultureInfo.InvariantCulture), field + "[RequestRedirect].statusCode", "must be one of 301, 302, 303, 307, 308");
                }

                if (redirect.Port is { } port)
                {
                    Port(port, field + "[RequestRedirect].port");
                }

                PathModifier(redirect.Path, field + "[RequestRedirect].path");
            }

            if (filter.Type == "URLRewrite")
            {
                PathModifier(filter.UrlRewrite?.Path, field + "[URLRewrite].path");
            }

            if (filter.Type == "RequestMirror" && filter.RequestMirror is { } mirror)
            {
                if (mirror.Percent is not null && mirror.Fraction is not null)
                {
                    Fail(null, field + "[RequestMirror]", "must not set both percent and fraction");
                }

                if (mirror.Percent is { } percent && percent is < 0 or > 100)
                {
                    Fail(percent.ToString(CultureInfo.InvariantCulture), field + "[RequestMirror].percent", "must be between 0 and 100");
                }

                if (mirror.Fraction is { } fraction && (fraction.Numerator < 0 || (fraction.Denominator ?? 100) <= 0 || fraction.Numerator > (fraction.Denominator ?? 100)))
                {
                    Fail($"{fraction.Numerator}/{fraction.Denominator ?? 100}", field + "[RequestMirror].fraction", "numerator must be at least 0 and at most the denominator, which must be positive");
                }

                BackendRef(mirror.BackendRef, field + "[RequestMirror].backendRef");
            }
        }

        if (seen.Contains("RequestRedirect") && seen.Contains("URLRewrite"))
        {
            Fail("RequestRedirect, URLRewrite", field, "May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both");
        }
    }

    private static void PathModifier(V1HTTPPathModifier? modifier, string field)
    {
        switch (modifier?.Type)
        {
            case null:
                break;
            case "ReplaceFullPath" when modifier.ReplaceFullPath is null:
                Fail(null, field + ".replaceFullPath", "must be specified when type is set to 'ReplaceFullPath'");
                break;
            case "ReplacePrefixMatch" when modifier.ReplacePrefixMatch is null:
                Fail(null, field + ".replacePrefixMatch", "must be specified when type is set to 'ReplacePrefixMatch'");
                break;
            case "ReplaceFullPath" or "ReplacePrefixMatch":
                break;
            default:
                Fail(modifier.Type, field + ".type", "must be one of ReplaceFullPath, ReplacePrefixMatch");
                break;
        }
    }

    private static void BackendRef(V1BackendObjectReference backend, string field)
    {
        if (string.IsNullOrEmpty(backend.Name))
        {
            Fail(null, field + ".name", "is required");
        }

        if (backend.Group is null or "" && backend.Kind is null or "Service" && backend.Port is null)
        {
            Fail(null, field + ".port", "is required for a Service reference (Must have port for Service reference)");
        }

        if (backend.Port is { } port)
        {
            Port(port, field + ".port");
        }

        if (backend is V1BackendRef { Weight: { } weight } && weight is < 0 or > 1_000_000)
        {
            Fail(weight.ToString(CultureInfo.InvariantCulture), field + ".weight", "must be between 0 and 1000000");
        }
    }

    private static void Name(V1ObjectMeta? metadata, string id)
    {
        if (string.IsNullOrEmpty(metadata?.Name))
        {
            Fail(null, $"{id} metadata.name", "is required");
        }
    }

    private static void Port(int port, string field)
    {
        if (port is < 1 or > 65535)
        {
            Fail(port.ToString(CultureInfo.InvariantCulture), field, "must be between 1 and 65535, inclusive");
        }
    }

    private static void Count(int count, int max, string field)
    {
        if (count > max)
        {
            Fail(count.ToString(CultureInfo.InvariantCulture), field, $"must have at most {max} entries");
        }
    }

    private static void Fail(string? input, string field, string rule) => throw new K8sNetFormatException(input, field, rule);

    [GeneratedRegex(@"^(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex GrpcService();

    [GeneratedRegex("^[A-Za-z_][A-Za-z_0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex GrpcMethod();
}
