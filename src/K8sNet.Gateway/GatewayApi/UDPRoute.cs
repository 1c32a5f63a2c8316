// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>UDP forwarding from a listener port to backends. gateway.networking.k8s.io/v1 UDPRoute, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "UDPRoute", ApiVersion = "v1", PluralName = "udproutes")]
public sealed class V1UDPRoute : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: UDPRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "UDPRoute";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1UDPRouteSpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1RouteStatus? Status { get; set; }
}

/// <summary>What a UDPRoute forwards.</summary>
public sealed class V1UDPRouteSpec
{
    /// <summary>The Gateways (or listeners) it attaches to.</summary>
    [JsonPropertyName("parentRefs")]
    public IList<V1ParentReference>? ParentRefs { get; set; }

    /// <summary>Its rules (one).</summary>
    [JsonPropertyName("rules")]
    public IList<V1UDPRouteRule> Rules { get; set; } = [];
}

/// <summary>The backends of a UDPRoute.</summary>
public sealed class V1UDPRouteRule
{
    /// <summary>The rule's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Where datagrams go, split by weight.</summary>
    [JsonPropertyName("backendRefs")]
    public IList<V1BackendRef> BackendRefs { get; set; } = [];
}
