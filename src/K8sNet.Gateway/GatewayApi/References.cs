// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>A parent (a Gateway, or a listener of it) a route attaches to.</summary>
public sealed class V1ParentReference
{
    /// <summary>The parent's group; gateway.networking.k8s.io when unset.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    /// <summary>The parent's kind; Gateway when unset.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>The parent's namespace; the route's when unset.</summary>
    [JsonPropertyName("namespace")]
    public string? NamespaceProperty { get; set; }

    /// <summary>The parent's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The listener's name, to attach to that listener only.</summary>
    [JsonPropertyName("sectionName")]
    public string? SectionName { get; set; }

    /// <summary>The listener port, to attach to the listeners on that port only (Extended).</summary>
    [JsonPropertyName("port")]
    public int? Port { get; set; }
}

/// <summary>A reference to a backend: a Service port by default.</summary>
public class V1BackendObjectReference
{
    /// <summary>The backend's group; the core group when unset.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    /// <summary>The backend's kind; Service when unset.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>The backend's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The backend's namespace; the route's when unset (another needs a ReferenceGrant).</summary>
    [JsonPropertyName("namespace")]
    public string? NamespaceProperty { get; set; }

    /// <summary>The Service port (required for Services).</summary>
    [JsonPropertyName("port")]
    public int? Port { get; set; }
}

/// <summary>A weighted backend of a TCP, UDP or TLS route (BackendObjectReference plus a weight, as Go embeds it).</summary>
public class V1BackendRef : V1BackendObjectReference
{
    /// <summary>The share of traffic relative to the other backends of the rule; 1 when unset, 0 sends none.</summary>
    [JsonPropertyName("weight")]
    public int? Weight { get; set; }
}

/// <summary>A reference to an object in the same namespace (an extension filter).</summary>
public sealed class V1LocalObjectReference
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
}

/// <summary>A reference to a certificate (a Secret by default).</summary>
public sealed class V1SecretObjectReference
{
    /// <summary>The object's group; the core group when unset.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    /// <summary>The object's kind; Secret when unset.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    /// <summary>The object's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The object's namespace; the Gateway's when unset (another needs a ReferenceGrant).</summary>
    [JsonPropertyName("namespace")]
    public string? NamespaceProperty { get; set; }
}
