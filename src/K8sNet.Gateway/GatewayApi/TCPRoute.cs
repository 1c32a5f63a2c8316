// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>TCP forwarding from a listener port to backends. gateway.networking.k8s.io/v1 TCPRoute, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "TCPRoute", ApiVersion = "v1", PluralName = "tcproutes")]
public sealed class V1TCPRoute : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: TCPRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "TCPRoute";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1TCPRouteSpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1RouteStatus? Status { get; set; }
}

/// <summary>What a TCPRoute forwards.</summary>
public sealed class V1TCPRouteSpec
{
    /// <summary>The Gateways (or listeners) it attaches to.</summary>
    [JsonPropertyName("parentRefs")]
    public IList<V1ParentReference>? ParentRefs { get; set; }

    /// <summary>Its rules (one).</summary>
    [JsonPropertyName("rules")]
    public IList<V1TCPRouteRule> Rules { get; set; } = [];
}

/// <summary>The backends of a TCPRoute.</summary>
public sealed class V1TCPRouteRule
{
    /// <summary>The rule's name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Where connections go, split by weight.</summary>
    [JsonPropertyName("backendRefs")]
    public IList<V1BackendRef> BackendRefs { get; set; } = [];
}
