using System.Text.RegularExpressions;
using k8s.Models;
using K8sNet.Gateway.GatewayApi;
using V1ParentReference = K8sNet.Gateway.GatewayApi.V1ParentReference;

namespace K8sNet.Gateway;

public sealed partial class GatewayRouter
{
    private static readonly string[] HttpKinds = ["HTTPRoute", "GRPCRoute"];

    /// <summary>
    /// Builds the route tables and statuses from objects: GatewayClasses, Gateways, HTTPRoutes, GRPCRoutes, TLSRoutes,
    /// TCPRoutes, UDPRoutes and ReferenceGrants (this library's models), and the Services and Namespaces
    /// (KubernetesClient's) that backendRefs and namespace selectors refer to; other objects are skipped.
    /// </summary>
    /// <param name="objects">The objects, e.g. from <see cref="GatewayApiKinds.LoadAll(string)"/> or a cluster's store.</param>
    /// <param name="options">The controller's choices; defaults when <see langword="null"/>.</param>
    /// <returns>The router.</returns>
    /// <exception cref="K8sNetFormatException">An object the API server would reject (CRD schema and CEL rules): the message names the object, the field and the rule.</exception>
    public static GatewayRouter Build(IEnumerable<object> objects, GatewayRouterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objects);
        return new Builder(objects.ToList(), options ?? new GatewayRouterOptions()).Build();
    }

    /// <summary>Builds the route tables from YAML manifests (Gateway API kinds and core kinds in any order).</summary>
    /// <param name="yaml">One or more documents.</param>
    /// <param name="options">The controller's choices.</param>
    /// <returns>The router.</returns>
    /// <exception cref="K8sNetFormatException">The text is not YAML, a document's kind is unknown, or an object is invalid.</exception>
    public static GatewayRouter Load(string yaml, GatewayRouterOptions? options = null) => Build(GatewayApiKinds.LoadAll(yaml), options);

    private static string Key(V1ObjectMeta metadata) => $"{metadata.NamespaceProperty ?? "default"}/{metadata.Name}";

    private static string Ns(V1ObjectMeta metadata) => metadata.NamespaceProperty ?? "default";

    // A listener or route hostname against another: equal, an exact name inside a wildcard, or two wildcards of which
    // one is inside the other; the more specific of the two, or null when they do not intersect.
    internal static string? Intersect(string a, string b)
    {
        if (a == b)
        {
            return a;
        }

        var aw = a.StartsWith("*.", StringComparison.Ordinal);
        var bw = b.StartsWith("*.", StringComparison.Ordinal);
        return (aw, bw) switch
        {
            (false, false) => null,
            (true, false) => WildcardMatches(a, b) ? b : null,
            (false, true) => WildcardMatches(b, a) ? a : null,
            _ => a.Length > b.Length ? (a.EndsWith(b[1..], StringComparison.Ordinal) ? a : null) : (b.EndsWith(a[1..], StringComparison.Ordinal) ? b : null),
        };
    }

    // "*.example.com" matches names of one or more labels before ".example.com".
    private static bool WildcardMatches(string wildcard, string name) =>
        name.Length > wildcard.Length - 1 && name.EndsWith(wildcard[1..], StringComparison.Ordinal);

    private sealed record RouteInfo(string Kind, V1ObjectMeta Metadata, IList<V1ParentReference> ParentRefs, IList<string>? Hostnames, object Route)
    {
        public string Namespace => Ns(Metadata);

        public string Id => $"{Kind} {Key(Metadata)}";
    }

    private sealed class ListenerState(V1Gateway gateway, V1Listener listener, int index)
    {
        public V1Gateway Gateway { get; } = gateway;

        public V1Listener Listener { get; } = listener;

        public int Index { get; } = index;

        public (string Reason, string Message)? NotAccepted { get; set; }

        public (string Reason, string Message)? Conflict { get; set; }

        public (string Reason, string Message)? BadRefs { get; set; }

        public List<V1RouteGroupKind> Kinds { get; } = [];

        public HashSet<string> Attached { get; } = [];

        // The HTTPRoutes and GRPCRoutes attached, with their hostnames here ("" for any).
        public List<(string Kind, string Id, List<string> Hostnames)> Held { get; } = [];

        public bool Ready => NotAccepted is null && Conflict is null;

        public HttpListener? Http { get; set; }

        public L4Listener? L4 { get; set; }

        public string Describe => $"listener {Listener.Name} ({Listener.Protocol} port {Listener.Port}{(Listener.Hostname is { } h ? " host " + h : string.Empty)}) of Gateway {Key(Gateway.Metadata)}";
    }

    // A rule compiled from its route: its matches, filters and backends, or why it is dropped.
    private sealed class RulePlan
    {
        public int Index { get; init; }

        public string? Name { get; init; }

        public List<MatchPlan> Matches { get; } = [];

        public List<BackendPlan> Backends { get; } = [];

        public List<V1HTTPHeaderFilter> RequestHeaders { get; } = [];

        public List<V1HTTPHeaderFilter> ResponseHeaders { get; } = [];

        // Rule mirrors, and backend mirrors whose reference is invalid (kept for ResolvedRefs).
        public List<(GatewayMirror Mirror, string? Invalid)> Mirrors { get; } = [];

        public V1HTTPRequestRedirectFilter? Redirect { get; set; }

        public V1HTTPURLRewriteFilter? Rewrite { get; set; }

        public string? Unresolvable { get; set; }

        public string? Dropped { get; set; }
    }

    private sealed record MatchPlan(int Index, PathKind PathKind, string PathValue, Regex? PathPattern, string? Method, HeaderCondition[] Headers, HeaderCondition[] Query,
        bool GrpcOnly, Regex? GrpcService, Regex? GrpcMethod, string? GrpcServiceName, string? GrpcMethodName, int PathRank, int SortLength, string Describe);

    private sealed record BackendPlan(int Index, string Namespace, string Name, int? Port, int Weight, string? Invalid,
        IReadOnlyList<V1HTTPHeaderFilter> RequestHeaders, IReadOnlyList<V1HTTPHeaderFilter> ResponseHeaders, IReadOnlyList<GatewayMirror> Mirrors)
    {
        // Filters on the backendRef itself (implementation-specific): they apply when the request goes to this backend.
        public V1HTTPURLRewriteFilter? Rewrite { get; init; }

        public V1HTTPRequestRedirectFilter? Redirect { get; init; }
    }

    private sealed class Builder(List<object> objects, GatewayRouterOptions options)
    {
        private readonly DateTime _now = options.TimeProvider.GetUtcNow().UtcDateTime;
        private readonly List<string> _ignored = [];
        private readonly List<V1ReferenceGrant> _grants = objects.OfType<V1ReferenceGrant>().ToList();
        private readonly HashSet<(string, string)>? _services = options.CheckServicesExist ?? objects.OfType<V1Service>().Any()
            ? objects.OfType<V1Service>().Select(s => (Ns(s.Metadata), s.Metadata.Name)).ToHashSet()
            : null;

        private readonly Dictionary<string, IDictionary<string, string>> _namespaceLabels = objects.OfType<V1Namespace>()
            .Where(n => n.Metadata?.Name is not null)
            .ToDictionary(n => n.Metadata.Name, n => n.Metadata.Labels ?? new Dictionary<string, string>());

        public GatewayRouter Build()
        {
            foreach (var o in objects)
            {
                switch (o)
                {
                    case V1GatewayClass c: GatewayValidation.GatewayClass(c); break;
                    case V1Gateway g: GatewayValidation.Gateway(g); break;
                    case V1HTTPRoute r: GatewayValidation.HttpRoute(r); break;
                    case V1GRPCRoute r: GatewayValidation.GrpcRoute(r); break;
                    case V1TLSRoute r: GatewayValidation.L4Route("TLSRoute", r.Metadata, r.Spec.ParentRefs, r.Spec.Hostnames, [.. r.Spec.Rules.Select(x => x.BackendRefs)]); break;
                    case V1TCPRoute r: GatewayValidation.L4Route("TCPRoute", r.Metadata, r.Spec.ParentRefs, null, [.. r.Spec.Rules.Select(x => x.BackendRefs)]); break;
                    case V1UDPRoute r: GatewayValidation.L4Route("UDPRoute", r.Metadata, r.Spec.ParentRefs, null, [.. r.Spec.Rules.Select(x => x.BackendRefs)]); break;
                    case V1ReferenceGrant g: GatewayValidation.ReferenceGrant(g); break;
                }
            }

            var classes = objects.OfType<V1GatewayClass>().ToDictionary(c => c.Metadata.Name);
            var classStatus = new Dictionary<string, V1GatewayClassStatus>();
            foreach (var c in classes.Values.Where(c => options.ControllerName is null || c.Spec.ControllerName == options.ControllerName))
            {
                classStatus[c.Metadata.Name] = new V1GatewayClassStatus { Conditions = [Condition("Accepted", true, "Accepted", $"implemented by {c.Spec.ControllerName}", c.Metadata.Generation)] };
            }

            var gateways = new List<(V1Gateway Gateway, string Controller)>();
            foreach (var g in objects.OfType<V1Gateway>())
            {
                if (classes.TryGetValue(g.Spec.GatewayClassName, out var c) && classStatus.ContainsKey(c.Metadata.Name))
                {
                    gateways.Add((g, c.Spec.ControllerName));
                }
                else if (options.ControllerName is null && !classes.ContainsKey(g.Spec.GatewayClassName))
                {
                    gateways.Add((g, "k8snet.io/gateway-router"));
                }
                else
                {
                    _ignored.Add($"Gateway {Key(g.Metadata)}: GatewayClass '{g.Spec.GatewayClassName}' " + (classes.TryGetValue(g.Spec.GatewayClassName, out var other)
                        ? $"is implemented by {other.Spec.ControllerName}, not {options.ControllerName}" : "is not given"));
                }
            }

            var listeners = new Dictionary<(string, string), (V1Gateway Gateway, string Controller, ListenerState[] Listeners)>();
            foreach (var (gateway, controller) in gateways)
            {
                listeners[(Ns(gateway.Metadata), gateway.Metadata.Name)] = (gateway, controller, Listeners(gateway));
            }

            var routes = Routes().ToList();
            var routeStatus = new Dictionary<(string, string, string), V1RouteStatus>();
            for (var order = 0; order < routes.Count; order++)
            {
                routeStatus[(routes[order].Kind, routes[order].Namespace, routes[order].Metadata.Name)] = Attach(routes[order], order, listeners);
            }

            var tables = new Dictionary<(string, string), GatewayTable>();
            var gatewayStatus = new Dictionary<(string, string), V1GatewayStatus>();
            var infos = new List<GatewayListenerInfo>();
            foreach (var (key, (gateway, _, states)) in listeners)
            {
                tables[key] = Table(gateway, states);
                gatewayStatus[key] = Status(gateway, states);
                infos.AddRange(states.Select(s => new GatewayListenerInfo(key.Item1, key.Item2, s.Listener.Name, s.Listener.Port, s.Listener.Protocol, s.Listener.Hostname, s.Ready, s.Attached.Count)));
            }

            return new GatewayRouter(tables, routeStatus, gatewayStatus, classStatus, infos, _ignored);
        }

        private IEnumerable<RouteInfo> Routes()
        {
            var all = objects.Select(o => o switch
            {
                V1HTTPRoute r => new RouteInfo("HTTPRoute", r.Metadata, r.Spec.ParentRefs ?? [], r.Spec.Hostnames, r),
                V1GRPCRoute r => new RouteInfo("GRPCRoute", r.Metadata, r.Spec.ParentRefs ?? [], r.Spec.Hostnames, r),
                V1TLSRoute r => new RouteInfo("TLSRoute", r.Metadata, r.Spec.ParentRefs ?? [], r.Spec.Hostnames, r),
                V1TCPRoute r => new RouteInfo("TCPRoute", r.Metadata, r.Spec.ParentRefs ?? [], null, r),
                V1UDPRoute r => new RouteInfo("UDPRoute", r.Metadata, r.Spec.ParentRefs ?? [], null, r),
                _ => null,
            }).OfType<RouteInfo>();

            // The oldest route first, then namespace/name: the order of precedence between routes.
            return all.OrderBy(r => r.Metadata.CreationTimestamp ?? DateTime.MinValue).ThenBy(r => Key(r.Metadata), StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal);
        }

        private static ListenerState[] Listeners(V1Gateway gateway)
        {
            var states = gateway.Spec.Listeners.Select((l, i) => new ListenerState(gateway, l, i)).ToArray();
            foreach (var state in states)
            {
                var l = state.Listener;
                string[] kinds = l.Protocol switch
                {
                    "HTTP" or "HTTPS" => HttpKinds,
                    "TLS" => ["TLSRoute"],
                    "TCP" => ["TCPRoute"],
                    "UDP" => ["UDPRoute"],
                    _ => [],
                };
                if (kinds.Length == 0)
                {
                    state.NotAccepted = ("UnsupportedProtocol", $"protocol {l.Protocol} is not supported (HTTP, HTTPS, TLS, TCP, UDP are)");
                }

                var requested = l.AllowedRoutes?.Kinds;
                if (requested is { Count: > 0 })
                {
                    var bad = requested.Where(k => (k.Group ?? GatewayApiKinds.Group) != GatewayApiKinds.Group || !kinds.Contains(k.Kind)).ToList();
                    if (bad.Count > 0)
                    {
                        state.BadRefs = ("InvalidRouteKinds", $"route kinds {string.Join(", ", bad.Select(k => $"{k.Group ?? GatewayApiKinds.Group}/{k.Kind}"))} are not supported on a {l.Protocol} listener");
                    }

                    kinds = [.. kinds.Where(k => requested.Any(r => (r.Group ?? GatewayApiKinds.Group) == GatewayApiKinds.Group && r.Kind == k))];
                }

                state.Kinds.AddRange(kinds.Select(k => new V1RouteGroupKind { Group = GatewayApiKinds.Group, Kind = k }));
                if (l.Protocol is "HTTP" or "HTTPS")
                {
                    state.Http = new HttpListener();
                }
                else
                {
                    state.L4 = new L4Listener();
                }
            }

            // Listeners sharing a port must agree on the protocol (HTTPS and TLS may share; TCP and UDP use different
            // transports); HTTPS and TLS listeners sharing a port and hostname conflict.
            foreach (var port in states.Where(s => s.NotAccepted is null).GroupBy(s => s.Listener.Port))
            {
                var tcpFamilies = port.Where(s => s.Listener.Protocol != "UDP").Select(s => s.Listener.Protocol switch { "HTTPS" or "TLS" => "TLS", var p => p }).Distinct().ToList();
                if (tcpFamilies.Count > 1)
                {
                    foreach (var s in port.Where(s => s.Listener.Protocol != "UDP"))
                    {
                        s.Conflict = ("ProtocolConflict", $"port {port.Key} is used by listeners of protocols {string.Join(", ", port.Select(x => x.Listener.Protocol).Distinct())}");
                    }
                }

                foreach (var host in port.Where(s => s.Conflict is null && s.Listener.Protocol is "HTTPS" or "TLS").GroupBy(s => s.Listener.Hostname ?? string.Empty).Where(g => g.Count() > 1))
                {
                    foreach (var s in host)
                    {
                        s.Conflict = ("HostnameConflict", $"listeners {string.Join(", ", host.Select(x => x.Listener.Name))} share port {port.Key} and hostname '{host.Key}'");
                    }
                }
            }

            return states;
        }

        private V1RouteStatus Attach(RouteInfo route, int order, Dictionary<(string, string), (V1Gateway Gateway, string Controller, ListenerState[] Listeners)> gateways)
        {
            var rules = route.Route switch
            {
                V1HTTPRoute http => HttpRules(route, http),
                V1GRPCRoute grpc => GrpcRules(route, grpc),
                V1TLSRoute tls => [L4Rule(route, tls.Spec.Rules[0].Name, tls.Spec.Rules[0].BackendRefs)],
                V1TCPRoute tcp => [L4Rule(route, tcp.Spec.Rules[0].Name, tcp.Spec.Rules[0].BackendRefs)],
                V1UDPRoute udp => [L4Rule(route, udp.Spec.Rules[0].Name, udp.Spec.Rules[0].BackendRefs)],
                _ => throw new InvalidOperationException(route.Kind),
            };
            var dropped = rules.Where(r => r.Dropped is not null).ToList();
            var unresolved = rules.SelectMany(r => r.Backends.Select(b => b.Invalid).Concat(r.Mirrors.Select(m => m.Invalid))).FirstOrDefault(i => i is not null);
            var status = new V1RouteStatus();
            foreach (var parentRef in route.ParentRefs)
            {
                if ((parentRef.Group ?? GatewayApiKinds.Group) != GatewayApiKinds.Group || (parentRef.Kind ?? "Gateway") != "Gateway")
                {
                    _ignored.Add($"{route.Id}: parentRef {parentRef.Group}/{parentRef.Kind} {parentRef.Name} is not a Gateway");
                    continue;
                }

                var gatewayNs = parentRef.NamespaceProperty ?? route.Namespace;
                if (!gateways.TryGetValue((gatewayNs, parentRef.Name), out var parent))
                {
                    _ignored.Add($"{route.Id}: parentRef Gateway {gatewayNs}/{parentRef.Name} is not served");
                    continue;
                }

                var generation = route.Metadata.Generation;
                var (accepted, reason, message) = Accept(route, parentRef, parent.Listeners, rules, order);
                var conditions = new List<V1Condition>
                {
                    Condition("Accepted", accepted, reason, message, generation),
                    unresolved is { } bad
                        ? Condition("ResolvedRefs", false, bad.Split(':')[0], bad[(bad.IndexOf(':', StringComparison.Ordinal) + 2)..], generation)
                        : Condition("ResolvedRefs", true, "ResolvedRefs", "all references resolved", generation),
                };
                if (accepted && dropped.Count > 0)
                {
                    conditions.Add(Condition("PartiallyInvalid", true, "UnsupportedValue", "Dropped Rule " + string.Join("; ", dropped.Select(r => $"{r.Index}: {r.Dropped}")), generation));
                }

                status.Parents.Add(new V1RouteParentStatus
                {
                    ParentRef = new V1ParentReference { Group = GatewayApiKinds.Group, Kind = "Gateway", NamespaceProperty = parentRef.NamespaceProperty, Name = parentRef.Name, SectionName = parentRef.SectionName, Port = parentRef.Port },
                    ControllerName = parent.Controller,
                    Conditions = conditions,
                });
            }

            return status;
        }

        private (bool, string, string) Accept(RouteInfo route, V1ParentReference parentRef, ListenerState[] listeners, List<RulePlan> rules, int order)
        {
            var selected = listeners.Where(l => (parentRef.SectionName is null || l.Listener.Name == parentRef.SectionName) && (parentRef.Port is null || l.Listener.Port == parentRef.Port)).ToList();
            if (selected.Count == 0)
            {
                return (false, "NoMatchingParent", $"no listener of Gateway {Key(listeners[0].Gateway.Metadata)} has {(parentRef.SectionName is { } s ? $"name {s}" : string.Empty)}{(parentRef.SectionName is not null && parentRef.Port is not null ? " and " : string.Empty)}{(parentRef.Port is { } p ? $"port {p}" : string.Empty)}");
            }

            var allowed = selected.Where(l => l.Ready && l.Kinds.Any(k => k.Kind == route.Kind) && NamespaceAllowed(l, route.Namespace)).ToList();
            if (allowed.Count == 0)
            {
                return (false, "NotAllowedByListeners", $"{route.Kind} in namespace {route.Namespace} is not allowed by " + string.Join("; ", selected.Select(l => l.Describe + ": " + WhyNot(l, route))));
            }

            var hostnames = allowed.Select(l => (Listener: l, Hostnames: Effective(l.Listener.Hostname, route.Hostnames))).Where(x => x.Hostnames.Count > 0).ToList();
            if (hostnames.Count == 0)
            {
                return (false, "NoMatchingListenerHostname", $"no hostname of the route ({string.Join(", ", route.Hostnames ?? [])}) intersects the hostname of {string.Join("; ", allowed.Select(l => l.Describe))}");
            }

            if (rules.Count > 0 && rules.All(r => r.Dropped is not null))
            {
                return (false, "UnsupportedValue", string.Join("; ", rules.Select(r => $"rule {r.Index}: {r.Dropped}")));
            }

            // An HTTPRoute and a GRPCRoute whose hostnames overlap on a listener: only the older is accepted there
            // (GRPCRouteSpec.Hostnames; routes come oldest first).
            var held = hostnames.Select(h => (h.Listener, h.Hostnames, Holder: route.Kind is "HTTPRoute" or "GRPCRoute"
                ? h.Listener.Held.FirstOrDefault(x => x.Kind != route.Kind && Overlap(x.Hostnames, h.Hostnames)).Id
                : null)).ToList();
            if (held.All(h => h.Holder is not null))
            {
                return (false, "NotAllowedByListeners", string.Join("; ", held.Select(h => $"{h.Listener.Describe} holds {h.Holder}, whose hostnames overlap: an HTTPRoute and a GRPCRoute cannot share them, and the older is accepted")));
            }

            foreach (var (listener, names, _) in held.Where(h => h.Holder is null))
            {
                if (listener.Attached.Add(route.Id))
                {
                    listener.Held.Add((route.Kind, route.Id, names));
                    foreach (var hostname in names)
                    {
                        Add(listener, route, hostname, rules, order);
                    }
                }
            }

            return (true, "Accepted", $"attached to {string.Join("; ", held.Where(h => h.Holder is null).Select(h => h.Listener.Describe))}");
        }

        private static string WhyNot(ListenerState listener, RouteInfo route) =>
            !listener.Ready ? "the listener is not ready (" + (listener.NotAccepted ?? listener.Conflict)!.Value.Message + ")"
            : !listener.Kinds.Any(k => k.Kind == route.Kind) ? $"it allows kinds {string.Join(", ", listener.Kinds.Select(k => k.Kind))}"
            : $"its allowedRoutes.namespaces.from is {listener.Listener.AllowedRoutes?.Namespaces?.From ?? "Same"}";

        private bool NamespaceAllowed(ListenerState listener, string routeNamespace)
        {
            var namespaces = listener.Listener.AllowedRoutes?.Namespaces;
            return (namespaces?.From ?? "Same") switch
            {
                "All" => true,
                "Selector" => Selects(namespaces!.Selector!, _namespaceLabels.TryGetValue(routeNamespace, out var labels)
                    ? labels.Append(new(WellKnownLabels.NamespaceName, routeNamespace)).DistinctBy(l => l.Key).ToDictionary()
                    : new Dictionary<string, string> { [WellKnownLabels.NamespaceName] = routeNamespace }),
                _ => routeNamespace == Ns(listener.Gateway.Metadata),
            };
        }

        private static bool Selects(V1LabelSelector selector, Dictionary<string, string> labels) =>
            (selector.MatchLabels ?? new Dictionary<string, string>()).All(m => labels.TryGetValue(m.Key, out var v) && v == m.Value)
            && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
            {
                "In" => labels.TryGetValue(e.Key, out var v) && (e.Values ?? []).Contains(v),
                "NotIn" => !labels.TryGetValue(e.Key, out var v) || !(e.Values ?? []).Contains(v),
                "Exists" => labels.ContainsKey(e.Key),
                "DoesNotExist" => !labels.ContainsKey(e.Key),
                _ => false,
            });

        private static bool Overlap(List<string> a, List<string> b) =>
            a.Any(x => b.Any(y => x.Length == 0 || y.Length == 0 || Intersect(x, y) is not null));

        // The hostnames a route serves on a listener: "" for any.
        private static List<string> Effective(string? listenerHostname, IList<string>? routeHostnames)
        {
            if (routeHostnames is not { Count: > 0 })
            {
                return [listenerHostname ?? string.Empty];
            }

            return listenerHostname is null ? [.. routeHostnames.Distinct()] : [.. routeHostnames.Select(h => Intersect(listenerHostname, h)).OfType<string>().Distinct()];
        }

        private void Add(ListenerState listener, RouteInfo route, string hostname, List<RulePlan> rules, int order)
        {
            var gateway = listener.Gateway;
            var where = $"Gateway {Key(gateway.Metadata)} listener {listener.Listener.Name}, {route.Id}{(hostname.Length > 0 ? " host " + hostname : string.Empty)}";
            if (listener.L4 is { } l4)
            {
                // Routes come oldest first: the oldest route for a hostname (TCP and UDP: for the listener) holds it.
                l4.Hosts.GetOrAdd(hostname, () => Candidate(listener, route, rules[0], null, where, (0, 0, 0, 0, 0, order, 0, 0)));
                return;
            }

            foreach (var rule in rules.Where(r => r.Dropped is null))
            {
                foreach (var match in rule.Matches)
                {
                    var rank = (match.PathRank, -match.SortLength, match.Method is null ? 1 : 0, -match.Headers.Length, -match.Query.Length, order, rule.Index, match.Index);
                    listener.Http!.Hosts.GetOrAdd(hostname, () => new Bucket()).Entries.Add(Candidate(listener, route, rule, match, where, rank));
                }
            }
        }

        private Candidate Candidate(ListenerState listener, RouteInfo route, RulePlan rule, MatchPlan? match, string where, (int, int, int, int, int, int, int, int) rank)
        {
            var gateway = listener.Gateway;
            var ruleText = $"rules[{rule.Index}]{(rule.Name is { } n ? $" ({n})" : string.Empty)}{(match is null ? string.Empty : $" matches[{match.Index}] {match.Describe}")}";
            GatewayTarget Target(GatewayOutcome outcome, int? status, BackendPlan? backend, string what) => new()
            {
                Outcome = outcome,
                StatusCode = status,
                GatewayNamespace = Ns(gateway.Metadata),
                GatewayName = gateway.Metadata.Name,
                Listener = listener.Listener.Name,
                ListenerPort = listener.Listener.Port,
                RouteKind = route.Kind,
                RouteNamespace = route.Namespace,
                RouteName = route.Metadata.Name,
                RuleIndex = rule.Index,
                RuleName = rule.Name,
                MatchIndex = match?.Index ?? 0,
                BackendIndex = backend?.Index ?? -1,
                BackendNamespace = backend?.Namespace,
                BackendName = backend?.Name,
                BackendPort = backend?.Port,
                MatchedPrefix = match is { PathKind: PathKind.Prefix } ? match.PathValue : null,
                RequestHeaders = [.. rule.RequestHeaders, .. backend?.RequestHeaders ?? []],
                ResponseHeaders = [.. rule.ResponseHeaders, .. backend?.ResponseHeaders ?? []],
                Redirect = outcome == GatewayOutcome.Redirect ? backend?.Redirect ?? rule.Redirect : null,
                Rewrite = backend?.Rewrite ?? rule.Rewrite,
                Mirrors = [.. rule.Mirrors.Where(m => m.Invalid is null && m.Mirror.Fraction > 0).Select(m => m.Mirror), .. backend?.Mirrors ?? []],
                Reason = $"{what}: {where} {ruleText}",
            };

            var targets = new List<GatewayTarget>();
            var cumulative = new List<int>();
            if (rule.Unresolvable is { } unresolvable)
            {
                targets.Add(Target(GatewayOutcome.Error, 500, null, "500: " + unresolvable));
            }
            else if (rule.Redirect is { } redirect)
            {
                targets.Add(Target(GatewayOutcome.Redirect, redirect.StatusCode ?? 302, null, $"redirect {redirect.StatusCode ?? 302}"));
            }
            else if (rule.Backends.Count == 0)
            {
                targets.Add(Target(GatewayOutcome.Error, 500, null, "500: the rule has no backendRefs"));
            }
            else
            {
                var total = rule.Backends.Sum(b => (long)b.Weight);
                if (total == 0)
                {
                    targets.Add(Target(GatewayOutcome.Error, options.AllWeightsZeroStatusCode, null, $"{options.AllWeightsZeroStatusCode}: every backendRef has weight 0 (GatewayRouterOptions.AllWeightsZeroStatusCode)"));
                }

                var sum = 0;
                foreach (var backend in rule.Backends.Where(b => b.Weight > 0))
                {
                    var share = $"backendRefs[{backend.Index}] weight {backend.Weight} of {total}";
                    targets.Add(backend.Invalid is { } invalid
                        ? Target(GatewayOutcome.Error, 500, backend, $"500: {share} is invalid ({invalid})")
                        : backend.Redirect is { } backendRedirect
                        ? Target(GatewayOutcome.Redirect, backendRedirect.StatusCode ?? 302, backend, $"redirect {backendRedirect.StatusCode ?? 302} (the filter of {share})")
                        : Target(GatewayOutcome.Backend, null, backend, $"{(listener.Listener.Protocol is "TCP" or "UDP" or "TLS" ? string.Empty : "Service ")}{backend.Namespace}/{backend.Name}:{backend.Port} ({share})"));
                    cumulative.Add(sum += backend.Weight);
                }
            }

            return new Candidate
            {
                PathKind = match?.PathKind ?? PathKind.Prefix,
                PathValue = match?.PathValue ?? "/",
                PathPattern = match?.PathPattern,
                Method = match?.Method,
                Headers = match?.Headers ?? [],
                Query = match?.Query ?? [],
                GrpcOnly = match?.GrpcOnly ?? false,
                GrpcService = match?.GrpcService,
                GrpcMethod = match?.GrpcMethod,
                GrpcMethodName = match?.GrpcMethodName,
                GrpcServiceName = match?.GrpcServiceName,
                Rank = rank,
                Targets = [.. targets],
                Cumulative = cumulative.Count == targets.Count ? [.. cumulative] : [.. targets.Select((_, i) => i + 1)],
            };
        }

        private List<RulePlan> HttpRules(RouteInfo route, V1HTTPRoute http)
        {
            var rules = http.Spec.Rules is { Count: > 0 } list ? list : [new V1HTTPRouteRule()];
            var plans = new List<RulePlan>();
            for (var r = 0; r < rules.Count; r++)
            {
                var rule = rules[r];
                var plan = new RulePlan { Index = r, Name = rule.Name };
                var matches = rule.Matches is { Count: > 0 } m ? m : [new V1HTTPRouteMatch()];
                for (var i = 0; i < matches.Count && plan.Dropped is null; i++)
                {
                    var match = matches[i];
                    var pathType = match.Path?.Type ?? "PathPrefix";
                    var pathValue = match.Path?.Value ?? "/";
                    var pathPattern = pathType == "RegularExpression" ? Pattern(pathValue, plan, $"matches[{i}].path") : null;
                    var headers = (match.Headers ?? []).Select(h => new HeaderCondition(h.Name, h.Value, h.Type == "RegularExpression" ? Pattern(h.Value, plan, $"matches[{i}].headers {h.Name}") : null)).ToArray();
                    var query = (match.QueryParams ?? []).Select(q => new HeaderCondition(q.Name, q.Value, q.Type == "RegularExpression" ? Pattern(q.Value, plan, $"matches[{i}].queryParams {q.Name}") : null)).ToArray();
                    var kind = pathType switch { "Exact" => PathKind.Exact, "PathPrefix" => PathKind.Prefix, _ => PathKind.Other };
                    var describe = $"({pathType} {pathValue}{(match.Method is { } method ? ", method " + method : string.Empty)}"
                        + (headers.Length > 0 ? $", headers {string.Join(" ", headers.Select(h => $"{h.Name}={h.Value}"))}" : string.Empty)
                        + (query.Length > 0 ? $", query {string.Join("&", query.Select(q => $"{q.Name}={q.Value}"))}" : string.Empty) + ")";
                    plan.Matches.Add(new MatchPlan(i, kind, pathValue, pathPattern, match.Method, headers, query, false, null, null, null, null,
                        kind switch { PathKind.Exact => 0, PathKind.Other => 1, _ => 2 }, pathValue.Length, describe));
                }

                Filters(route, plan, rule.Filters ?? []);
                foreach (var (backend, b) in (rule.BackendRefs ?? []).Select((x, b) => (x, b)))
                {
                    var requestHeaders = (backend.Filters ?? []).Where(f => f.Type == "RequestHeaderModifier").Select(f => f.RequestHeaderModifier!).ToList();
                    var responseHeaders = (backend.Filters ?? []).Where(f => f.Type == "ResponseHeaderModifier").Select(f => f.ResponseHeaderModifier!).ToList();
                    var mirrors = (backend.Filters ?? []).Where(f => f.Type == "RequestMirror").Select(f => Mirror(route, f.RequestMirror!)).ToList();
                    plan.Mirrors.AddRange(mirrors.Where(x => x.Invalid is not null));
                    plan.Backends.Add(Backend(route, backend, b, requestHeaders, responseHeaders, [.. mirrors.Where(x => x.Invalid is null).Select(x => x.Mirror)]) with
                    {
                        Rewrite = backend.Filters?.FirstOrDefault(f => f.Type == "URLRewrite")?.UrlRewrite,
                        Redirect = backend.Filters?.FirstOrDefault(f => f.Type == "RequestRedirect")?.RequestRedirect,
                    });
                }

                plans.Add(plan);
            }

            return plans;
        }

        private List<RulePlan> GrpcRules(RouteInfo route, V1GRPCRoute grpc)
        {
            var rules = grpc.Spec.Rules is { Count: > 0 } list ? list : [new V1GRPCRouteRule()];
            var plans = new List<RulePlan>();
            for (var r = 0; r < rules.Count; r++)
            {
                var rule = rules[r];
                var plan = new RulePlan { Index = r, Name = rule.Name };
                var matches = rule.Matches is { Count: > 0 } m ? m : [new V1GRPCRouteMatch()];
                for (var i = 0; i < matches.Count && plan.Dropped is null; i++)
                {
                    var method = matches[i].Method;
                    var regex = method?.Type == "RegularExpression";
                    var service = method?.Service is { Length: > 0 } s ? s : null;
                    var name = method?.Method is { Length: > 0 } n ? n : null;
                    var headers = (matches[i].Headers ?? []).Select(h => new HeaderCondition(h.Name, h.Value, h.Type == "RegularExpression" ? Pattern(h.Value, plan, $"matches[{i}].headers {h.Name}") : null)).ToArray();
                    // gRPC precedence (GRPCRouteRule.Matches): the most characters in the matching service, then in
                    // the matching method, then the most header matches; so gRPC rules keep their own order, apart
                    // from HTTPRoute paths (a listener hostname holds either kind, never both).
                    plan.Matches.Add(new MatchPlan(i, PathKind.Other, "/", null, null, headers, [], true,
                        regex && service is not null ? Pattern(service, plan, $"matches[{i}].method.service") : null,
                        regex && name is not null ? Pattern(name, plan, $"matches[{i}].method.method") : null,
                        regex ? null : service,
                        regex ? null : name,
                        1, ((service?.Length ?? 0) * 1024) + (name?.Length ?? 0),
                        $"(gRPC {(regex ? "RegularExpression" : "Exact")} service {service ?? "*"} method {name ?? "*"}{(headers.Length > 0 ? $", {headers.Length} header(s)" : string.Empty)})"));
                }

                Filters(route, plan, (rule.Filters ?? []).Select(f => new V1HTTPRouteFilter { Type = f.Type, RequestHeaderModifier = f.RequestHeaderModifier, ResponseHeaderModifier = f.ResponseHeaderModifier, RequestMirror = f.RequestMirror, ExtensionRef = f.ExtensionRef }).ToList());
                foreach (var (backend, b) in (rule.BackendRefs ?? []).Select((x, b) => (x, b)))
                {
                    plan.Backends.Add(Backend(route, backend, b, [], [], []));
                }

                plans.Add(plan);
            }

            return plans;
        }

        private RulePlan L4Rule(RouteInfo route, string? name, IList<V1BackendRef> backends)
        {
            var plan = new RulePlan { Index = 0, Name = name };
            foreach (var (backend, b) in backends.Select((x, b) => (x, b)))
            {
                plan.Backends.Add(Backend(route, backend, b, [], [], []));
            }

            return plan;
        }

        private void Filters(RouteInfo route, RulePlan plan, IList<V1HTTPRouteFilter> filters)
        {
            foreach (var filter in filters)
            {
                switch (filter.Type)
                {
                    case "RequestHeaderModifier": plan.RequestHeaders.Add(filter.RequestHeaderModifier!); break;
                    case "ResponseHeaderModifier": plan.ResponseHeaders.Add(filter.ResponseHeaderModifier!); break;
                    case "RequestRedirect": plan.Redirect = filter.RequestRedirect; break;
                    case "URLRewrite": plan.Rewrite = filter.UrlRewrite; break;
                    case "RequestMirror": plan.Mirrors.Add(Mirror(route, filter.RequestMirror!)); break;
                    case "ExtensionRef":
                        plan.Unresolvable ??= $"ExtensionRef {filter.ExtensionRef!.Group}/{filter.ExtensionRef.Kind} {filter.ExtensionRef.Name} is not implemented (a filter that cannot be applied is not skipped)";
                        break;
                    default:
                        plan.Dropped ??= $"filter type {filter.Type} is not supported";
                        break;
                }
            }
        }

        // A mirror, and why its reference is invalid (reported through ResolvedRefs; an invalid mirror is not sent to).
        private (GatewayMirror Mirror, string? Invalid) Mirror(RouteInfo route, V1HTTPRequestMirrorFilter mirror)
        {
            var target = Backend(route, mirror.BackendRef, -1, [], [], []);
            var fraction = mirror.Fraction is { } f ? (double)f.Numerator / (f.Denominator ?? 100) : (mirror.Percent ?? 100) / 100.0;
            return (new GatewayMirror(target.Namespace, target.Name, target.Port, fraction), target.Invalid);
        }

        private BackendPlan Backend(RouteInfo route, V1BackendObjectReference reference, int index, IReadOnlyList<V1HTTPHeaderFilter> requestHeaders, IReadOnlyList<V1HTTPHeaderFilter> responseHeaders, IReadOnlyList<GatewayMirror> mirrors)
        {
            var ns = reference.NamespaceProperty ?? route.Namespace;
            var group = reference.Group ?? string.Empty;
            var kind = reference.Kind ?? "Service";
            var what = $"{(group.Length > 0 ? group + "/" : string.Empty)}{kind} {ns}/{reference.Name}";
            string? invalid = null;
            if (group.Length > 0 || kind != "Service")
            {
                invalid = $"InvalidKind: {what} is not a supported backend kind (core Service is)";
            }
            else if (ns != route.Namespace && !Granted(route, ns, reference.Name))
            {
                invalid = $"RefNotPermitted: {what} is in another namespace and no ReferenceGrant in {ns} allows {route.Kind}s from {route.Namespace} to refer to it";
            }
            else if (_services is not null && !_services.Contains((ns, reference.Name)))
            {
                invalid = $"BackendNotFound: {what} does not exist";
            }

            var weight = reference is V1BackendRef { Weight: { } w } ? w : 1;
            return new BackendPlan(index, ns, reference.Name, reference.Port, weight, invalid, requestHeaders, responseHeaders, mirrors);
        }

        private bool Granted(RouteInfo route, string targetNamespace, string name) => _grants.Any(g =>
            Ns(g.Metadata) == targetNamespace
            && g.Spec.From.Any(f => f.Group == GatewayApiKinds.Group && f.Kind == route.Kind && f.NamespaceProperty == route.Namespace)
            && g.Spec.To.Any(t => t.Group.Length == 0 && t.Kind == "Service" && (string.IsNullOrEmpty(t.Name) || t.Name == name)));

        private static Regex? Pattern(string pattern, RulePlan plan, string field)
        {
            try
            {
                return new Regex("^(?:" + pattern + ")$", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                plan.Dropped ??= $"{field} regular expression '{pattern}' is invalid or needs backtracking: {e.Message}";
                return null;
            }
        }

        private static GatewayTarget Error(V1Gateway gateway, ListenerState? listener, int status, string reason) => new()
        {
            Outcome = GatewayOutcome.Error,
            StatusCode = status,
            GatewayNamespace = Ns(gateway.Metadata),
            GatewayName = gateway.Metadata.Name,
            Listener = listener?.Listener.Name,
            ListenerPort = listener?.Listener.Port ?? 0,
            Reason = reason,
        };

        private static GatewayTable Table(V1Gateway gateway, ListenerState[] states)
        {
            var id = Key(gateway.Metadata);
            var table = new GatewayTable(Error(gateway, null, 404,
                $"404: Gateway {id} has no ready listener for the request's port and protocol (ready: {string.Join(", ", states.Where(s => s.Ready).Select(s => $"{s.Listener.Name} {s.Listener.Protocol}/{s.Listener.Port}"))})"));
            foreach (var state in states.Where(s => s.Ready))
            {
                var l = state.Listener;
                if (l.Protocol is "HTTP" or "HTTPS")
                {
                    if (!table.Http.TryGetValue(l.Port, out var port))
                    {
                        table.Http[l.Port] = port = new HttpPort(Error(gateway, null, 404,
                            $"404: no listener of Gateway {id} on port {l.Port} matches the request's host (listeners: {string.Join(", ", states.Where(s => s.Ready && s.Listener.Port == l.Port).Select(s => $"{s.Listener.Name} {s.Listener.Hostname ?? "(any host)"}"))})"));
                    }

                    var http = port.Listeners.GetOrAdd(l.Hostname ?? string.Empty, () => state.Http!);
                    http.NotFound = Error(gateway, state, 404,
                        $"404: no rule of the {state.Attached.Count} route(s) attached to {state.Describe} matches ({string.Join(", ", state.Attached.Order(StringComparer.Ordinal))})");
                    http.Misdirected = Error(gateway, state, 421,
                        $"421 Misdirected Request: the TLS server name chose {state.Describe}, but another listener serves the Host header");
                }
                else
                {
                    state.L4!.NotFound = Error(gateway, state, 404, $"rejected: no route attached to {state.Describe} takes the connection");
                    table.L4[(l.Port, l.Protocol)] = state.L4;
                }
            }

            foreach (var state in states)
            {
                foreach (var bucket in state.Http?.Hosts.All ?? [])
                {
                    bucket.Seal();
                }

                state.Http?.Hosts.Seal();
                state.L4?.Hosts.Seal();
            }

            foreach (var port in table.Http.Values)
            {
                port.Listeners.Seal();
            }

            return table;
        }

        private V1GatewayStatus Status(V1Gateway gateway, ListenerState[] states)
        {
            var generation = gateway.Metadata.Generation;
            var ready = states.Count(s => s.Ready);
            return new V1GatewayStatus
            {
                Conditions =
                [
                    Condition("Accepted", ready > 0, ready > 0 ? "Accepted" : "ListenersNotValid", ready > 0 ? "accepted" : "no listener is valid", generation),
                    Condition("Programmed", ready > 0, ready > 0 ? "Programmed" : "Invalid", ready > 0 ? "programmed" : "no listener is valid", generation),
                ],
                Listeners = [.. states.Select(s => new V1ListenerStatus
                {
                    Name = s.Listener.Name,
                    SupportedKinds = s.Kinds,
                    AttachedRoutes = s.Attached.Count,
                    Conditions =
                    [
                        s.NotAccepted is { } na ? Condition("Accepted", false, na.Reason, na.Message, generation) : Condition("Accepted", true, "Accepted", "accepted", generation),
                        s.Ready ? Condition("Programmed", true, "Programmed", "programmed", generation) : Condition("Programmed", false, "Invalid", "the listener is not accepted or conflicts", generation),
                        s.BadRefs is { } br ? Condition("ResolvedRefs", false, br.Reason, br.Message, generation) : Condition("ResolvedRefs", true, "ResolvedRefs", "all references resolved", generation),
                        s.Conflict is { } c ? Condition("Conflicted", true, c.Reason, c.Message, generation) : Condition("Conflicted", false, "NoConflicts", "no conflicts", generation),
                    ],
                })],
            };
        }

        private V1Condition Condition(string type, bool status, string reason, string message, long? generation) => new()
        {
            Type = type,
            Status = status ? "True" : "False",
            Reason = reason,
            Message = message,
            ObservedGeneration = generation,
            LastTransitionTime = _now,
        };
    }
}
