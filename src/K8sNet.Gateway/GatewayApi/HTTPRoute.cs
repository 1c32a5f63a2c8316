// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>HTTP routing rules attached to Gateway listeners. gateway.networking.k8s.io/v1 HTTPRoute, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "HTTPRoute", ApiVersion = "v1", PluralName = "httproutes")]
public sealed class V1HTTPRoute : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: HTTPRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "HTTPRoute";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1HTTPRouteSpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1RouteStatus? Status { get; set; }
}

/// <summary>What an HTTPRoute routes.</summary>
public sealed class V1HTTPRouteSpec
{
    /// <summary>The Gateways (or listeners) it attaches to.</summary>
    [JsonPropertyName("parentRefs")]
    public IList<V1ParentReference>? ParentRefs { get; set; }

    /// <summary>The Host headers it serves, intersected with the listeners'; any when unset.</summary>
    [JsonPropertyName("hostnames")]
    public IList<string>? Hostnames { get; set; }

    /// <summary>Its rules; one matching every request when unset.</summary>
    [JsonPropertyName("rules")]
    public IList<V1HTTPRouteRule>? Rules { get; set; }
}

/// <summary>Matches, filters and the backends requests that match go to.</summary>
public sealed class V1HTTPRouteRule
{
    /// <summary>The rule's name (Extended).</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Any one of them selects the rule; PathPrefix / when unset.</summary>
    [JsonPropertyName("matches")]
    public IList<V1HTTPRouteMatch>? Matches { get; set; }

    /// <summary>Applied in order to matching requests.</summary>
    [JsonPropertyName("filters")]
    public IList<V1HTTPRouteFilter>? Filters { get; set; }

    /// <summary>Where matching requests go, split by weight; a 500 when none is usable.</summary>
    [JsonPropertyName("backendRefs")]
    public IList<V1HTTPBackendRef>? BackendRefs { get; set; }

    /// <summary>Timeouts (Extended).</summary>
    [JsonPropertyName("timeouts")]
    public V1HTTPRouteTimeouts? Timeouts { get; set; }
}

/// <summary>One way a request matches a rule: every condition given must hold.</summary>
public sealed class V1HTTPRouteMatch
{
    /// <summary>The path condition; PathPrefix / when unset.</summary>
    [JsonPropertyName("path")]
    public V1HTTPPathMatch? Path { get; set; }

    /// <summary>Header conditions, all of them.</summary>
    [JsonPropertyName("headers")]
    public IList<V1HTTPHeaderMatch>? Headers { get; set; }

    /// <summary>Query parameter conditions, all of them (Extended).</summary>
    [JsonPropertyName("queryParams")]
    public IList<V1HTTPQueryParamMatch>? QueryParams { get; set; }

    /// <summary>The HTTP method (Extended).</summary>
    [JsonPropertyName("method")]
    public string? Method { get; set; }
}

/// <summary>How a request's path is matched.</summary>
public sealed class V1HTTPPathMatch
{
    /// <summary>Exact, PathPrefix (the default; element-wise) or RegularExpression (implementation-specific).</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The path or expression; / when unset.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; set; }
}

/// <summary>How a request header is matched (names case-insensitively).</summary>
public sealed class V1HTTPHeaderMatch
{
    /// <summary>Exact (the default) or RegularExpression.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The header name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The value.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>How a query parameter is matched (names case-sensitively; Extended).</summary>
public sealed class V1HTTPQueryParamMatch
{
    /// <summary>Exact (the default) or RegularExpression.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The parameter name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The value.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>A step applied to requests (or responses) a rule matches.</summary>
public sealed class V1HTTPRouteFilter
{
    /// <summary>RequestHeaderModifier, ResponseHeaderModifier, RequestMirror, RequestRedirect, URLRewrite, CORS or ExtensionRef.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    /// <summary>For RequestHeaderModifier.</summary>
    [JsonPropertyName("requestHeaderModifier")]
    public V1HTTPHeaderFilter? RequestHeaderModifier { get; set; }

    /// <summary>For ResponseHeaderModifier.</summary>
    [JsonPropertyName("responseHeaderModifier")]
    public V1HTTPHeaderFilter? ResponseHeaderModifier { get; set; }

    /// <summary>For RequestMirror.</summary>
    [JsonPropertyName("requestMirror")]
    public V1HTTPRequestMirrorFilter? RequestMirror { get; set; }

    /// <summary>For RequestRedirect.</summary>
    [JsonPropertyName("requestRedirect")]
    public V1HTTPRequestRedirectFilter? RequestRedirect { get; set; }

    /// <summary>For URLRewrite.</summary>
    [JsonPropertyName("urlRewrite")]
    public V1HTTPURLRewriteFilter? UrlRewrite { get; set; }

    /// <summary>For ExtensionRef (implementation-specific).</summary>
    [JsonPropertyName("extensionRef")]
    public V1LocalObjectReference? ExtensionRef { get; set; }
}

/// <summary>Changes to headers.</summary>
public sealed class V1HTTPHeaderFilter
{
    /// <summary>Headers to set, replacing any values.</summary>
    [JsonPropertyName("set")]
    public IList<V1HTTPHeader>? Set { get; set; }

    /// <summary>Headers to add beside any values.</summary>
    [JsonPropertyName("add")]
    public IList<V1HTTPHeader>? Add { get; set; }

    /// <summary>Header names to remove.</summary>
    [JsonPropertyName("remove")]
    public IList<string>? Remove { get; set; }
}

/// <summary>A header name and value.</summary>
public sealed class V1HTTPHeader
{
    /// <summary>The header name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The value.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>Sends a copy of requests to another backend, ignoring its responses.</summary>
public sealed class V1HTTPRequestMirrorFilter
{
    /// <summary>The mirror's backend.</summary>
    [JsonPropertyName("backendRef")]
    public V1BackendObjectReference BackendRef { get; set; } = new();

    /// <summary>The percentage of requests to mirror.</summary>
    [JsonPropertyName("percent")]
    public int? Percent { get; set; }

    /// <summary>The fraction of requests to mirror.</summary>
    [JsonPropertyName("fraction")]
    public V1Fraction? Fraction { get; set; }
}

/// <summary>A fraction.</summary>
public sealed class V1Fraction
{
    /// <summary>The numerator.</summary>
    [JsonPropertyName("numerator")]
    public int Numerator { get; set; }

    /// <summary>The denominator; 100 when unset.</summary>
    [JsonPropertyName("denominator")]
    public int? Denominator { get; set; }
}

/// <summary>Answers with a redirect instead of forwarding.</summary>
public sealed class V1HTTPRequestRedirectFilter
{
    /// <summary>The scheme of the Location (Extended).</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    /// <summary>The host of the Location; the request's when unset.</summary>
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    /// <summary>The path of the Location (Extended).</summary>
    [JsonPropertyName("path")]
    public V1HTTPPathModifier? Path { get; set; }

    /// <summary>The port of the Location (Extended).</summary>
    [JsonPropertyName("port")]
    public int? Port { get; set; }

    /// <summary>301 or 302 (Core), 303, 307 or 308 (Extended); 302 when unset.</summary>
    [JsonPropertyName("statusCode")]
    public int? StatusCode { get; set; }
}

/// <summary>Rewrites the request before forwarding it (Extended).</summary>
public sealed class V1HTTPURLRewriteFilter
{
    /// <summary>The new Host.</summary>
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    /// <summary>The new path.</summary>
    [JsonPropertyName("path")]
    public V1HTTPPathModifier? Path { get; set; }
}

/// <summary>How a path is rewritten.</summary>
public sealed class V1HTTPPathModifier
{
    /// <summary>ReplaceFullPath or ReplacePrefixMatch.</summary>
    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    /// <summary>The new path, for ReplaceFullPath.</summary>
    [JsonPropertyName("replaceFullPath")]
    public string? ReplaceFullPath { get; set; }

    /// <summary>What replaces the matched prefix, for ReplacePrefixMatch.</summary>
    [JsonPropertyName("replacePrefixMatch")]
    public string? ReplacePrefixMatch { get; set; }
}

/// <summary>Timeouts of a rule (Extended), as Gateway API durations such as 10s.</summary>
public sealed class V1HTTPRouteTimeouts
{
    /// <summary>The whole request.</summary>
    [JsonPropertyName("request")]
    public string? Request { get; set; }

    /// <summary>Each request to a backend.</summary>
    [JsonPropertyName("backendRequest")]
    public string? BackendRequest { get; set; }
}

/// <summary>A weighted backend of an HTTPRoute rule, with its own filters (BackendRef plus filters).</summary>
public sealed class V1HTTPBackendRef : V1BackendRef
{
    /// <summary>Filters applied to requests sent to this backend only (Extended).</summary>
    [JsonPropertyName("filters")]
    public IList<V1HTTPRouteFilter>? Filters { get; set; }
}
