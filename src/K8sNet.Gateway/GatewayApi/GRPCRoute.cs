// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>gRPC routing rules (by service and method) attached to Gateway listeners. gateway.networking.k8s.io/v1 GRPCRoute, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "GRPCRoute", ApiVersion = "v1", PluralName = "grpcroutes")]
public sealed class V1GRPCRoute : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: GRPCRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "GRPCRoute";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1GRPCRouteSpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1RouteStatus? Status { get; set; }
}

/// <summary>What a GRPCRoute routes.</summary>
public sealed class V1GRPCRouteSpec
{
    /// <summary>The Gateways (or listeners) it attaches to.</summary>
    [JsonPropertyName("parentRefs")]
    public IList<V1ParentReference>? ParentRefs { get; set; }

    /// <summary>The authorities it serves; any when unset.</summary>
    [JsonPropertyName("hostnames")]
    public IList<string>? Hostnames { get; set; }

    /// <summary>Its rules.</summary>
    [JsonPropertyName("rules")]
    public IList<V1GRPCRouteRule>? Rules { get; set; }
}

/// <summary>Matches, filters and backends of a GRPCRoute.</summary>
public sealed class V1GRPCRouteRule
{
    /// <summary>The rule's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Any one of them selects the rule; every request when unset.</summary>
    [JsonPropertyName("matches")]
    public IList<V1GRPCRouteMatch>? Matches { get; set; }

    /// <summary>Applied in order to matching requests.</summary>
    [JsonPropertyName("filters")]
    public IList<V1GRPCRouteFilter>? Filters { get; set; }

    /// <summary>Where matching requests go, split by weight.</summary>
    [JsonPropertyName("backendRefs")]
    public IList<V1GRPCBackendRef>? BackendRefs { get; set; }
}

/// <summary>One way a gRPC request matches a rule: every condition given must hold.</summary>
public sealed class V1GRPCRouteMatch
{
    /// <summary>The method condition; any when unset.</summary>
    [JsonPropertyName("method")]
    public V1GRPCMethodMatch? Method { get; set; }

    /// <summary>Header conditions, all of them.</summary>
    [JsonPropertyName("headers")]
    public IList<V1GRPCHeaderMatch>? Headers { get; set; }
}

/// <summary>How a gRPC method is matched.</summary>
public sealed class V1GRPCMethodMatch
{
    /// <summary>Exact (the default) or RegularExpression.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The fully qualified service, e.g. helloworld.Greeter; any when unset.</summary>
    [JsonPropertyName("service")]
    public string? Service { get; set; }

    /// <summary>The method, e.g. SayHello; any when unset.</summary>
    [JsonPropertyName("method")]
    public string? Method { get; set; }
}

/// <summary>How a gRPC request header is matched.</summary>
public sealed class V1GRPCHeaderMatch
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

/// <summary>A step applied to gRPC requests a rule matches.</summary>
public sealed class V1GRPCRouteFilter
{
    /// <summary>RequestHeaderModifier, ResponseHeaderModifier, RequestMirror or ExtensionRef.</summary>
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

    /// <summary>For ExtensionRef.</summary>
    [JsonPropertyName("extensionRef")]
    public V1LocalObjectReference? ExtensionRef { get; set; }
}

/// <summary>A weighted backend of a GRPCRoute rule, with its own filters (BackendRef plus filters).</summary>
public sealed class V1GRPCBackendRef : V1BackendRef
{
    /// <summary>Filters applied to requests sent to this backend only (Extended).</summary>
    [JsonPropertyName("filters")]
    public IList<V1GRPCRouteFilter>? Filters { get; set; }
}
