// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>A class of Gateways, implemented by the controller it names. gateway.networking.k8s.io/v1 GatewayClass, cluster-scoped.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "GatewayClass", ApiVersion = "v1", PluralName = "gatewayclasses")]
public sealed class V1GatewayClass : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: GatewayClass.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "GatewayClass";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1GatewayClassSpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1GatewayClassStatus? Status { get; set; }
}

/// <summary>What a GatewayClass is.</summary>
public sealed class V1GatewayClassSpec
{
    /// <summary>The controller that manages Gateways of this class, a domain-prefixed path (example.com/gateway-controller).</summary>
    [JsonPropertyName("controllerName")]
    public string ControllerName { get; set; } = string.Empty;

    /// <summary>Implementation-specific parameters.</summary>
    [JsonPropertyName("parametersRef")]
    public V1ParametersReference? ParametersRef { get; set; }

    /// <summary>A description for users.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; set; }
}

/// <summary>Implementation-specific parameters of a GatewayClass.</summary>
public sealed class V1ParametersReference
{
    /// <summary>The object's group.</summary>
    [JsonPropertyName("group")]
    public string Group { get; set; } = string.Empty;

    /// <summary>The object's kind.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>The object's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The object's namespace, for namespaced parameters.</summary>
    [JsonPropertyName("namespace")]
    public string? NamespaceProperty { get; set; }
}

/// <summary>A Gateway API feature the class's controller supports.</summary>
public sealed class V1SupportedFeature
{
    /// <summary>The feature, e.g. HTTPRouteQueryParamMatching.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}

/// <summary>What the controller reports about the class.</summary>
public sealed class V1GatewayClassStatus
{
    /// <summary>Accepted, with reasons Accepted, InvalidParameters, Unsupported or UnsupportedVersion.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>The features the controller supports.</summary>
    [JsonPropertyName("supportedFeatures")]
    public IList<V1SupportedFeature>? SupportedFeatures { get; set; }
}
