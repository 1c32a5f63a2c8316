// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>What the controllers report about a route.</summary>
public sealed class V1RouteStatus
{
    /// <summary>Per parent it refers to.</summary>
    [JsonPropertyName("parents")]
    public IList<V1RouteParentStatus> Parents { get; set; } = [];
}

/// <summary>A route's status for one of its parents.</summary>
public sealed class V1RouteParentStatus
{
    /// <summary>The parent.</summary>
    [JsonPropertyName("parentRef")]
    public V1ParentReference ParentRef { get; set; } = new();

    /// <summary>The controller that wrote this status.</summary>
    [JsonPropertyName("controllerName")]
    public string ControllerName { get; set; } = string.Empty;

    /// <summary>Accepted and ResolvedRefs, with upstream reasons.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition> Conditions { get; set; } = [];
}
