using K8sNet.Gateway.GatewayApi;

namespace K8sNet.Gateway;

/// <summary>
/// The Gateway API (gateway.networking.k8s.io/v1, v1.6.1) evaluated as its spec and conformance suite describe, compiled
/// into route tables: Gateways and their listeners (protocol, port, hostname, allowedRoutes), routes attached through
/// parentRefs (sectionName, port, namespaces, kinds, hostname intersection), and for a request the one listener its
/// port and Host select (exact hostname, then the most specific wildcard, then none: listener isolation), then across
/// every rule of every route attached there: the route hostname that matches most precisely, then an Exact path, the
/// longest PathPrefix, a method match, the most header matches, the most query matches, the oldest route, the route
/// first by namespace/name, the first rule and match. The rule's backendRefs share traffic by weight; an invalid
/// backend's share is answered 500; filters rewrite, redirect, mirror and modify headers. The status a controller
/// would write (Accepted, ResolvedRefs, PartiallyInvalid; listener conditions and attached routes) is computed with it.
/// </summary>
/// <remarks>
/// <para>Build once (or again on change); <see cref="Route(GatewayRequest, Random?)"/> allocates nothing (reading a
/// decision's rewritten request does).</para>
/// <para>Implementation-specific choices: RegularExpression matches (paths, headers, query parameters, gRPC methods)
/// are .NET regular expressions matching the whole value, run without backtracking (as RE2 would; patterns that need
/// backtracking are invalid); a RegularExpression path ranks after Exact paths and before PathPrefix ones (longer
/// patterns first); a repeated header or query parameter matches by its first value; a query value is compared after
/// percent-decoding; a route without matching rules for the request in its most precise hostname lets routes with
/// less precise hostnames match; of several TCP or UDP routes on one listener the oldest is used.</para>
/// </remarks>
public sealed partial class GatewayRouter
{
    private readonly Dictionary<(string Namespace, string Name), GatewayTable> _gateways;
    private readonly Dictionary<(string Kind, string Namespace, string Name), V1RouteStatus> _routeStatus;
    private readonly Dictionary<(string Namespace, string Name), V1GatewayStatus> _gatewayStatus;
    private readonly Dictionary<string, V1GatewayClassStatus> _classStatus;

    private GatewayRouter(
        Dictionary<(string, string), GatewayTable> gateways,
        Dictionary<(string, string, string), V1RouteStatus> routeStatus,
        Dictionary<(string, string), V1GatewayStatus> gatewayStatus,
        Dictionary<string, V1GatewayClassStatus> classStatus,
        IReadOnlyList<GatewayListenerInfo> listeners,
        IReadOnlyList<string> ignored)
    {
        _gateways = gateways;
        _routeStatus = routeStatus;
        _gatewayStatus = gatewayStatus;
        _classStatus = classStatus;
        Listeners = listeners;
        Ignored = ignored;
    }

    /// <summary>Every listener of the Gateways served, with whether it is ready and how many routes it holds.</summary>
    public IReadOnlyList<GatewayListenerInfo> Listeners { get; }

    /// <summary>What was left out, each with why: Gateways of another controller's class, parentRefs to Gateways not served.</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>Routes a request through the only Gateway served.</summary>
    /// <param name="request">The request.</param>
    /// <param name="random">Picks among weighted backends; <see cref="Random.Shared"/> by default (pass a seeded one for repeatable tests).</param>
    /// <returns>The decision.</returns>
    /// <exception cref="InvalidOperationException">No Gateway, or several, are served.</exception>
    public GatewayDecision Route(GatewayRequest request, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Single().Route(request, random ?? Random.Shared);
    }

    /// <summary>Routes a request through one Gateway.</summary>
    /// <param name="gatewayNamespace">The Gateway's namespace.</param>
    /// <param name="gatewayName">The Gateway's name.</param>
    /// <param name="request">The request.</param>
    /// <param name="random">Picks among weighted backends; <see cref="Random.Shared"/> by default.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">The Gateway is not served (not given, or of another controller's class).</exception>
    public GatewayDecision Route(string gatewayNamespace, string gatewayName, GatewayRequest request, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Find(gatewayNamespace, gatewayName).Route(request, random ?? Random.Shared);
    }

    /// <summary>
    /// Routes a TCP or UDP connection, or a TLS connection by its SNI, through one Gateway: the listener of that protocol
    /// on the port, its route (TLSRoutes by hostname, a wildcard matching one label), a backend by weight; a rejected
    /// connection (<see cref="GatewayOutcome.Error"/>) when nothing matches or the chosen share belongs to an invalid backend.
    /// </summary>
    /// <param name="gatewayNamespace">The Gateway's namespace.</param>
    /// <param name="gatewayName">The Gateway's name.</param>
    /// <param name="port">The Gateway port.</param>
    /// <param name="protocol"><c>TCP</c>, <c>UDP</c> or <c>TLS</c>.</param>
    /// <param name="serverName">The TLS SNI (TLS only).</param>
    /// <param name="random">Picks among weighted backends.</param>
    /// <returns>The decision.</returns>
    /// <exception cref="ArgumentException">The Gateway is not served, or the protocol is not one of the three.</exception>
    public GatewayDecision RouteConnection(string gatewayNamespace, string gatewayName, int port, string protocol, string? serverName = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (protocol is not ("TCP" or "UDP" or "TLS"))
        {
            throw new ArgumentException($"Protocol '{protocol}' is not one of TCP, UDP, TLS.", nameof(protocol));
        }

        return Find(gatewayNamespace, gatewayName).RouteConnection(port, protocol, serverName?.TrimEnd('.').ToLowerInvariant(), random ?? Random.Shared);
    }

    /// <summary>The status a controller would write on a route: one entry per parentRef to a Gateway served.</summary>
    /// <param name="kind"><c>HTTPRoute</c>, <c>GRPCRoute</c>, <c>TLSRoute</c>, <c>TCPRoute</c> or <c>UDPRoute</c>.</param>
    /// <param name="namespace">The route's namespace.</param>
    /// <param name="name">The route's name.</param>
    /// <returns>The status, or <see langword="null"/> when the route was not given.</returns>
    public V1RouteStatus? RouteStatus(string kind, string @namespace, string name) =>
        _routeStatus.GetValueOrDefault((kind, @namespace, name));

    /// <summary>The status a controller would write on a Gateway: Accepted, Programmed, and per listener its supported kinds, attached routes and conditions.</summary>
    /// <param name="namespace">The Gateway's namespace.</param>
    /// <param name="name">The Gateway's name.</param>
    /// <returns>The status, or <see langword="null"/> when the Gateway is not served.</returns>
    public V1GatewayStatus? GatewayStatus(string @namespace, string name) => _gatewayStatus.GetValueOrDefault((@namespace, name));

    /// <summary>The status a controller would write on a GatewayClass it implements (Accepted).</summary>
    /// <param name="name">The class's name.</param>
    /// <returns>The status, or <see langword="null"/> when the class was not given or names another controller.</returns>
    public V1GatewayClassStatus? GatewayClassStatus(string name) => _classStatus.GetValueOrDefault(name);

    private GatewayTable Single()
    {
        if (_gateways.Count != 1)
        {
            throw new InvalidOperationException(_gateways.Count == 0
                ? "No Gateway is served" + (Ignored.Count > 0 ? ": " + string.Join("; ", Ignored) : ".")
                : $"{_gateways.Count} Gateways are served ({string.Join(", ", _gateways.Keys.Select(k => $"{k.Namespace}/{k.Name}"))}): name the one to route through.");
        }

        foreach (var table in _gateways.Values)
        {
            return table;
        }

        throw new InvalidOperationException("unreachable");
    }

    private GatewayTable Find(string gatewayNamespace, string gatewayName)
    {
        ArgumentNullException.ThrowIfNull(gatewayNamespace);
        ArgumentNullException.ThrowIfNull(gatewayName);
        return _gateways.TryGetValue((gatewayNamespace, gatewayName), out var table) ? table
            : throw new ArgumentException($"Gateway {gatewayNamespace}/{gatewayName} is not served here (served: {string.Join(", ", _gateways.Keys.Select(k => $"{k.Namespace}/{k.Name}"))}"
                + (Ignored.Count > 0 ? "; ignored: " + string.Join("; ", Ignored) : string.Empty) + ").", nameof(gatewayName));
    }
}

/// <summary>A listener of a Gateway served, as the router holds it.</summary>
/// <param name="GatewayNamespace">The Gateway's namespace.</param>
/// <param name="GatewayName">The Gateway's name.</param>
/// <param name="Name">The listener's name.</param>
/// <param name="Port">Its port.</param>
/// <param name="Protocol">Its protocol.</param>
/// <param name="Hostname">Its hostname, if any.</param>
/// <param name="Ready">Whether it serves traffic (Accepted, not Conflicted).</param>
/// <param name="AttachedRoutes">How many routes are attached to it.</param>
public sealed record GatewayListenerInfo(string GatewayNamespace, string GatewayName, string Name, int Port, string Protocol, string? Hostname, bool Ready, int AttachedRoutes);
