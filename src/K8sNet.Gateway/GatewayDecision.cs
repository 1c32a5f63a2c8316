using System.Globalization;
using K8sNet.Gateway.GatewayApi;

namespace K8sNet.Gateway;

/// <summary>What a Gateway does with a request or connection.</summary>
public enum GatewayOutcome
{
    /// <summary>Forwarded to a backend (a Service port), after the rule's filters.</summary>
    Backend,

    /// <summary>Answered with a redirect (<see cref="GatewayDecision.StatusCode"/>, <see cref="GatewayDecision.Location"/>).</summary>
    Redirect,

    /// <summary>
    /// Answered by the Gateway itself with an error: 404 when no listener or rule matches, 500 for an invalid backend's
    /// share of traffic, 421 for a misdirected HTTPS request; a rejected connection for TCP, TLS and UDP.
    /// </summary>
    Error,
}

/// <summary>
/// The decision for one request: where it goes (the backend Service and port, or a redirect, or a status), which
/// Gateway, listener, route, rule and match decided, and why (<see cref="Reason"/>, also <see cref="ToString"/>). The
/// decision's fixed part is built with the route table, so routing allocates nothing; the rewritten request
/// (<see cref="ForwardedPathAndQuery"/>, <see cref="ForwardedHeaders"/>...) and the redirect's <see cref="Location"/>
/// are computed when read.
/// </summary>
public readonly struct GatewayDecision
{
    private readonly GatewayTarget _target;

    internal GatewayDecision(GatewayTarget target, GatewayRequest? request)
    {
        _target = target;
        Request = request;
    }

    /// <summary>The request decided on (<see langword="null"/> for a TCP, TLS or UDP connection).</summary>
    public GatewayRequest? Request { get; }

    /// <summary>What happens.</summary>
    public GatewayOutcome Outcome => _target.Outcome;

    /// <summary>
    /// The status the Gateway answers itself: the redirect's code, or 404/500/503/421 for <see cref="GatewayOutcome.Error"/>;
    /// <see langword="null"/> when a backend answers.
    /// </summary>
    public int? StatusCode => _target.StatusCode;

    /// <summary>
    /// For a gRPC call the Gateway answers itself: the gRPC status (12 Unimplemented when nothing matches, 14 Unavailable
    /// when the backends are invalid); else <see langword="null"/>.
    /// </summary>
    public int? GrpcStatus => Request is { IsGrpc: true } && _target.Outcome == GatewayOutcome.Error ? (_target.StatusCode == 404 ? 12 : 14) : null;

    /// <summary>The Gateway's namespace; <see langword="null"/> when no Gateway serves the port.</summary>
    public string? GatewayNamespace => _target.GatewayNamespace;

    /// <summary>The Gateway's name.</summary>
    public string? GatewayName => _target.GatewayName;

    /// <summary>The listener that took the request; <see langword="null"/> when none did.</summary>
    public string? Listener => _target.Listener;

    /// <summary>The route's kind (<c>HTTPRoute</c>, <c>GRPCRoute</c>, <c>TCPRoute</c>...); <see langword="null"/> when no route matched.</summary>
    public string? RouteKind => _target.RouteKind;

    /// <summary>The route's namespace.</summary>
    public string? RouteNamespace => _target.RouteNamespace;

    /// <summary>The route's name.</summary>
    public string? RouteName => _target.RouteName;

    /// <summary>The index of the rule in the route's <c>spec.rules</c>; -1 when no route matched.</summary>
    public int RuleIndex => _target.RuleIndex;

    /// <summary>The rule's <c>name</c>, when it has one.</summary>
    public string? RuleName => _target.RuleName;

    /// <summary>The index of the match in the rule's <c>matches</c> (0 for a rule without matches); -1 when no route matched.</summary>
    public int MatchIndex => _target.MatchIndex;

    /// <summary>The index of the chosen entry in the rule's <c>backendRefs</c>; -1 when none was chosen.</summary>
    public int BackendIndex => _target.BackendIndex;

    /// <summary>The backend Service's namespace.</summary>
    public string? ServiceNamespace => _target.Outcome == GatewayOutcome.Backend ? _target.BackendNamespace : null;

    /// <summary>The backend Service's name.</summary>
    public string? ServiceName => _target.Outcome == GatewayOutcome.Backend ? _target.BackendName : null;

    /// <summary>The backend Service's port.</summary>
    public int? ServicePort => _target.Outcome == GatewayOutcome.Backend ? _target.BackendPort : null;

    /// <summary>The mirrors the request is copied to (their responses are ignored); empty when none.</summary>
    public IReadOnlyList<GatewayMirror> Mirrors => _target.Mirrors;

    /// <summary>Why: the Gateway, listener, route, rule and match, and the precedence rule that chose them.</summary>
    public string Reason => _target.Reason;

    /// <summary>The Host header sent to the backend: the URLRewrite hostname, else the request's.</summary>
    public string? ForwardedHost => _target.Rewrite?.Hostname ?? Request?.Host;

    /// <summary>The path and query sent to the backend, after a URLRewrite path (ReplaceFullPath or ReplacePrefixMatch).</summary>
    public string? ForwardedPathAndQuery => Request is null ? null
        : _target.Rewrite?.Path is { } modifier ? WithQuery(GatewayFilters.ModifyPath(Request.Path, modifier, _target.MatchedPrefix), Request.Query)
        : Request.PathAndQuery;

    /// <summary>The request headers sent to the backend, after the rule's and the backend's RequestHeaderModifier filters.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ForwardedHeaders => Request is null ? []
        : GatewayFilters.ModifyHeaders(Request.Headers, _target.RequestHeaders);

    /// <summary>
    /// The redirect's Location: the filter's scheme, hostname, port and path, each defaulting to the request's (the port to
    /// the scheme's well-known port when the scheme is set, else the listener's; :80 for http and :443 for https
    /// omitted); the query kept. <see langword="null"/> unless <see cref="Outcome"/> is <see cref="GatewayOutcome.Redirect"/>.
    /// </summary>
    public string? Location => _target.Redirect is { } redirect && Request is { } request
        ? GatewayFilters.Location(request, redirect, _target.ListenerPort, _target.MatchedPrefix)
        : null;

    /// <summary>Applies the rule's and the backend's ResponseHeaderModifier filters to the backend's response headers.</summary>
    /// <param name="responseHeaders">The headers the backend answered with.</param>
    /// <returns>The headers the client receives.</returns>
    public IReadOnlyList<KeyValuePair<string, string>> ModifyResponseHeaders(IEnumerable<KeyValuePair<string, string>> responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        return GatewayFilters.ModifyHeaders(responseHeaders.ToList(), _target.ResponseHeaders);
    }

    /// <inheritdoc />
    public override string ToString() => _target?.Reason ?? "(no decision)";

    private static string WithQuery(string path, string query) => query.Length == 0 ? path : path + "?" + query;
}

/// <summary>A RequestMirror: where a copy of the request goes and how often.</summary>
/// <param name="ServiceNamespace">The mirror Service's namespace.</param>
/// <param name="ServiceName">The mirror Service's name.</param>
/// <param name="ServicePort">The mirror Service's port.</param>
/// <param name="Fraction">The share of requests mirrored, 0 to 1 (the filter's percent or fraction; 1 by default).</param>
public sealed record GatewayMirror(string ServiceNamespace, string ServiceName, int? ServicePort, double Fraction)
{
    /// <inheritdoc />
    public override string ToString() => $"{ServiceNamespace}/{ServiceName}:{ServicePort?.ToString(CultureInfo.InvariantCulture) ?? "-"} ({Fraction:P0})";
}

// The fixed part of a decision, one per (rule, match, backend) or per error, built with the table.
internal sealed class GatewayTarget
{
    public GatewayOutcome Outcome { get; init; }

    public int? StatusCode { get; init; }

    public string? GatewayNamespace { get; init; }

    public string? GatewayName { get; init; }

    public string? Listener { get; init; }

    public int ListenerPort { get; init; }

    public string? RouteKind { get; init; }

    public string? RouteNamespace { get; init; }

    public string? RouteName { get; init; }

    public int RuleIndex { get; init; } = -1;

    public string? RuleName { get; init; }

    public int MatchIndex { get; init; } = -1;

    public int BackendIndex { get; init; } = -1;

    public string? BackendNamespace { get; init; }

    public string? BackendName { get; init; }

    public int? BackendPort { get; init; }

    // The PathPrefix value of the match, for ReplacePrefixMatch.
    public string? MatchedPrefix { get; init; }

    public IReadOnlyList<V1HTTPHeaderFilter> RequestHeaders { get; init; } = [];

    public IReadOnlyList<V1HTTPHeaderFilter> ResponseHeaders { get; init; } = [];

    public V1HTTPRequestRedirectFilter? Redirect { get; init; }

    public V1HTTPURLRewriteFilter? Rewrite { get; init; }

    public IReadOnlyList<GatewayMirror> Mirrors { get; init; } = [];

    public string Reason { get; init; } = string.Empty;
}
