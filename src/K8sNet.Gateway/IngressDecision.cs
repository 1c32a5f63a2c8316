using k8s.Models;

namespace K8sNet.Gateway;

/// <summary>What an Ingress controller does with a request.</summary>
public enum IngressOutcome
{
    /// <summary>Sent to a Service port.</summary>
    Service,

    /// <summary>Sent to a resource backend (an object reference in the Ingress's namespace), which K8sNet reports but does not serve.</summary>
    Resource,

    /// <summary>No rule and no default backend: 404, as ingress-nginx and the ingress conformance suite answer.</summary>
    NotFound,
}

/// <summary>
/// The decision for one request: where it goes, which Ingress, rule and path sent it there, and why. Decisions are built
/// with the route table, so routing a request allocates nothing; <see cref="ToString"/> says why, for test failures.
/// </summary>
public sealed class IngressDecision
{
    internal IngressDecision(IngressOutcome outcome, string? @namespace, string? ingress, V1IngressBackend? backend, string? host, string? path, string? pathType, int ruleIndex, int pathIndex, string? tlsSecret, bool tls, string reason)
    {
        Outcome = outcome;
        Namespace = @namespace;
        Ingress = ingress;
        ServiceName = backend?.Service?.Name;
        ServicePortNumber = backend?.Service?.Port?.Number;
        ServicePortName = backend?.Service?.Port?.Name;
        Resource = backend?.Resource;
        Host = host;
        Path = path;
        PathType = pathType;
        RuleIndex = ruleIndex;
        PathIndex = pathIndex;
        TlsSecretName = tlsSecret;
        HasTls = tls;
        Reason = reason;
    }

    /// <summary>Where the request goes.</summary>
    public IngressOutcome Outcome { get; }

    /// <summary>The HTTP status the controller itself answers: 404 for <see cref="IngressOutcome.NotFound"/>, else <see langword="null"/> (the backend answers).</summary>
    public int? StatusCode => Outcome == IngressOutcome.NotFound ? 404 : null;

    /// <summary>The namespace of the Ingress that decided (and of its backend).</summary>
    public string? Namespace { get; }

    /// <summary>The name of the Ingress that decided.</summary>
    public string? Ingress { get; }

    /// <summary>The backend Service's name.</summary>
    public string? ServiceName { get; }

    /// <summary>The backend Service port's number, when the backend names it by number.</summary>
    public int? ServicePortNumber { get; }

    /// <summary>The backend Service port's name, when the backend names it by name.</summary>
    public string? ServicePortName { get; }

    /// <summary>The resource backend, for <see cref="IngressOutcome.Resource"/>.</summary>
    public V1TypedLocalObjectReference? Resource { get; }

    /// <summary>The rule's host as written (<c>*.foo.com</c> for a wildcard); <see langword="null"/> for a rule without host or the default backend.</summary>
    public string? Host { get; }

    /// <summary>The path that matched, as written.</summary>
    public string? Path { get; }

    /// <summary>The path's type as written (<c>Exact</c>, <c>Prefix</c>, <c>ImplementationSpecific</c>).</summary>
    public string? PathType { get; }

    /// <summary>The index of the rule in <c>spec.rules</c>; -1 for the default backend and 404.</summary>
    public int RuleIndex { get; }

    /// <summary>The index of the path in the rule's <c>http.paths</c>; -1 for the default backend and 404.</summary>
    public int PathIndex { get; }

    /// <summary>Whether the default backend took the request.</summary>
    public bool IsDefaultBackend => Outcome != IngressOutcome.NotFound && RuleIndex < 0;

    /// <summary>Whether the Ingress has a <c>spec.tls</c> entry covering the request's host (HTTPS is served for it).</summary>
    public bool HasTls { get; }

    /// <summary>The Secret holding that host's certificate (<see langword="null"/> without one, or for SNI-only entries).</summary>
    public string? TlsSecretName { get; }

    /// <summary>Why: which Ingress, rule and path, and the rule that picked it over the others.</summary>
    public string Reason { get; }

    /// <inheritdoc />
    public override string ToString() => Reason;
}
