// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>TLS passthrough routing by SNI host name. gateway.networking.k8s.io/v1 TLSRoute, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "TLSRoute", ApiVersion = "v1", PluralName = "tlsroutes")]
public sealed class V1TLSRoute : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: TLSRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "TLSRoute";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1TLSRouteSpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1RouteStatus? Status { get; set; }
}

/// <summary>What a TLSRoute forwards by SNI.</summary>
public sealed class V1TLSRouteSpec
{
    /// <summary>The Gateways (or listeners) it attaches to.</summary>
    [JsonPropertyName("parentRefs")]
    public IList<V1ParentReference>? ParentRefs { get; set; }

    /// <summary>The SNI host names it serves.</summary>
    [JsonPropertyName("hostnames")]
    public IList<string>? Hostnames { get; set; }

    /// <summary>Its rules (one).</summary>
    [JsonPropertyName("rules")]
    public IList<V1TLSRouteRule> Rules { get; set; } = [];
}

/// <summary>The backends of a TLSRoute.</summary>
public sealed class V1TLSRouteRule
{
    /// <summary>The rule's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Where connections go, split by weight.</summary>
    [JsonPropertyName("backendRefs")]
    public IList<V1BackendRef> BackendRefs { get; set; } = [];
}
