// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>A load balancer's listeners: where traffic enters and which routes may attach. gateway.networking.k8s.io/v1 Gateway, namespaced.</summary>
[KubernetesEntity(Group = GatewayApiKinds.Group, Kind = "Gateway", ApiVersion = "v1", PluralName = "gateways")]
public sealed class V1Gateway : IKubernetesObject<V1ObjectMeta>, IMetadata<V1ObjectMeta>
{
    /// <summary>The apiVersion: gateway.networking.k8s.io/v1.</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = GatewayApiKinds.ApiVersion;

    /// <summary>The kind: Gateway.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Gateway";

    /// <summary>The object's metadata.</summary>
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What it is.</summary>
    [JsonPropertyName("spec")]
    public V1GatewaySpec Spec { get; set; } = new();

    /// <summary>What the controllers report.</summary>
    [JsonPropertyName("status")]
    public V1GatewayStatus? Status { get; set; }
}

/// <summary>What a Gateway is.</summary>
public sealed class V1GatewaySpec
{
    /// <summary>The GatewayClass it belongs to.</summary>
    [JsonPropertyName("gatewayClassName")]
    public string GatewayClassName { get; set; } = string.Empty;

    /// <summary>Its listeners; they must be distinct (HTTP, HTTPS, TLS by port and host name, TCP and UDP by port).</summary>
    [JsonPropertyName("listeners")]
    public IList<V1Listener> Listeners { get; set; } = [];

    /// <summary>Addresses requested for it.</summary>
    [JsonPropertyName("addresses")]
    public IList<V1GatewaySpecAddress>? Addresses { get; set; }
}

/// <summary>A logical endpoint of a Gateway: a port, a protocol and optionally a host name.</summary>
public sealed class V1Listener
{
    /// <summary>The listener's name, unique within the Gateway (what a parentRef's sectionName names).</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The host name requests must carry (a wildcard *.example.com matches one or more labels); any when unset.</summary>
    [JsonPropertyName("hostname")]
    public string? Hostname { get; set; }

    /// <summary>The port.</summary>
    [JsonPropertyName("port")]
    public int Port { get; set; }

    /// <summary>HTTP, HTTPS, TLS, TCP or UDP (or a domain-prefixed implementation-specific protocol).</summary>
    [JsonPropertyName("protocol")]
    public string Protocol { get; set; } = string.Empty;

    /// <summary>TLS settings, required for HTTPS and TLS.</summary>
    [JsonPropertyName("tls")]
    public V1GatewayTLSConfig? Tls { get; set; }

    /// <summary>Which routes may attach; routes of the Gateway's namespace when unset.</summary>
    [JsonPropertyName("allowedRoutes")]
    public V1AllowedRoutes? AllowedRoutes { get; set; }
}

/// <summary>Which routes may attach to a listener.</summary>
public sealed class V1AllowedRoutes
{
    /// <summary>The namespaces routes may come from; the Gateway's own when unset.</summary>
    [JsonPropertyName("namespaces")]
    public V1RouteNamespaces? Namespaces { get; set; }

    /// <summary>The route kinds; those the protocol implies when unset.</summary>
    [JsonPropertyName("kinds")]
    public IList<V1RouteGroupKind>? Kinds { get; set; }
}

/// <summary>The namespaces whose routes may attach to a listener.</summary>
public sealed class V1RouteNamespaces
{
    /// <summary>Same (the default), All or Selector.</summary>
    [JsonPropertyName("from")]
    public string? From { get; set; }

    /// <summary>For Selector: a label selector on the routes' Namespaces.</summary>
    [JsonPropertyName("selector")]
    public V1LabelSelector? Selector { get; set; }
}

/// <summary>A kind of route.</summary>
public sealed class V1RouteGroupKind
{
    /// <summary>The route's group; gateway.networking.k8s.io when unset.</summary>
    [JsonPropertyName("group")]
    public string? Group { get; set; }

    /// <summary>The route's kind, e.g. HTTPRoute.</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = string.Empty;
}

/// <summary>How a listener handles TLS.</summary>
public sealed class V1GatewayTLSConfig
{
    /// <summary>Terminate (the default; needs certificateRefs) or Passthrough.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; set; }

    /// <summary>The certificates to present when terminating.</summary>
    [JsonPropertyName("certificateRefs")]
    public IList<V1SecretObjectReference>? CertificateRefs { get; set; }

    /// <summary>Implementation-specific TLS options.</summary>
    [JsonPropertyName("options")]
    public IDictionary<string, string>? Options { get; set; }
}

/// <summary>An address requested for a Gateway.</summary>
public sealed class V1GatewaySpecAddress
{
    /// <summary>IPAddress (the default), Hostname or implementation-specific.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The address.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>What the controller reports about a Gateway.</summary>
public sealed class V1GatewayStatus
{
    /// <summary>The addresses it was given.</summary>
    [JsonPropertyName("addresses")]
    public IList<V1GatewayStatusAddress>? Addresses { get; set; }

    /// <summary>Accepted and Programmed, with upstream reasons.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>Per listener.</summary>
    [JsonPropertyName("listeners")]
    public IList<V1ListenerStatus>? Listeners { get; set; }
}

/// <summary>An address a Gateway is reachable at.</summary>
public sealed class V1GatewayStatusAddress
{
    /// <summary>IPAddress, Hostname or implementation-specific.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    /// <summary>The address.</summary>
    [JsonPropertyName("value")]
    public string Value { get; set; } = string.Empty;
}

/// <summary>What the controller reports about a listener.</summary>
public sealed class V1ListenerStatus
{
    /// <summary>The listener's name.</summary>
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The route kinds the listener accepts.</summary>
    [JsonPropertyName("supportedKinds")]
    public IList<V1RouteGroupKind> SupportedKinds { get; set; } = [];

    /// <summary>How many routes are attached to it.</summary>
    [JsonPropertyName("attachedRoutes")]
    public int AttachedRoutes { get; set; }

    /// <summary>Accepted, Programmed, ResolvedRefs, Conflicted, with upstream reasons.</summary>
    [JsonPropertyName("conditions")]
    public IList<V1Condition> Conditions { get; set; } = [];
}
