// Gateway API v1.6.1 models (standard channel), written from kubernetes-sigs/gateway-api apis/v1/*_types.go;
// KubernetesClient has none. Field comments are short summaries; the API reference has the full text.
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace K8sNet.Testing.GatewayApi;

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

/// <summary>A weighted backend of an HTTPRoute rule, with its own filters (BackendRef plus filters).</summary>
public sealed class V1HTTPBackendRef : V1BackendRef
{
    /// <summary>Filters applied to requests sent to this backend only (Extended).</summary>
    [JsonPropertyName("filters")]
    public IList<V1HTTPRouteFilter>? Filters { get; set; }
}

/// <summary>A weighted backend of a GRPCRoute rule, with its own filters (BackendRef plus filters).</summary>
public sealed class V1GRPCBackendRef : V1BackendRef
{
    /// <summary>Filters applied to requests sent to this backend only (Extended).</summary>
    [JsonPropertyName("filters")]
    public IList<V1GRPCRouteFilter>? Filters { get; set; }
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

/// <summary>What the controllers report about a route.</summary>
public sealed class V1RouteStatus
{
    /// <summary>Per parent it refers to.</summary>
    [JsonPropertyName("parents")]
    public IList<V1RouteParentStatus> Parents { get; set; } = [];
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
