// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>Allows references from objects in other namespaces to objects in this one. gateway.networking.k8s.io/v1 ReferenceGrant, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "ReferenceGrant", ApiVersion = "v1", PluralName = "referencegrants")]
public sealed class V1ReferenceGrant : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: ReferenceGrant.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "ReferenceGrant";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1ReferenceGrantSpec Spec { get; set; } = new();
}

/// <summary>Who may refer to what.</summary>
public sealed class V1ReferenceGrantSpec
{
    /// <summary>The referring objects.</summary>
    [JsonPropertyName("from")]
    public IList<V1ReferenceGrantFrom> From { get; set; } = [];

    /// <summary>The objects they may refer to.</summary>
    [JsonPropertyName("to")]
    public IList<V1ReferenceGrantTo> To { get; set; } = [];
}

/// <summary>Objects that may refer.</summary>
public sealed class V1ReferenceGrantFrom
{
    /// <summary>Their group.</summary>
    [JsonPropertyName("group")]
    public string Group { get; set; } = string.Empty;

    /// <summary>Their kind, e.g. HTTPRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>Their namespace.</summary>
    [JsonPropertyName("namespace")]
    public string NamespaceProperty { get; set; } = string.Empty;
}

/// <summary>Objects that may be referred to, in the grant's namespace.</summary>
public sealed class V1ReferenceGrantTo
{
    /// <summary>Their group ("" for core).</summary>
    [JsonPropertyName("group")]
    public string Group { get; set; } = string.Empty;

    /// <summary>Their kind, e.g. Service.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;

    /// <summary>One object's name; all of the kind when unset.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}
