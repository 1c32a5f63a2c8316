using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing.Controllers;
using K8sNet.Testing.Network;
using K8sNet.Testing.Sources;
using K8sNet.Testing.Store;

namespace K8sNet.Testing;

/// <summary>The cluster's Gateway API controller: Gateways of its class get pods behind a LoadBalancer Service, and status.</summary>
public sealed partial class FakeCluster
{
    /// <summary>The <c>controllerName</c> of the cluster's Gateway controller: it implements GatewayClasses that name it.</summary>
    public const string GatewayControllerName = "k8snet.io/gateway";

    /// <summary>The GatewayClass <see cref="EnsureGatewayClass"/> installs.</summary>
    public const string GatewayClassName = "k8snet";

    private readonly Dictionary<(string Namespace, string Name, int Port), IngressListener> _gatewayListeners = [];
    private string? _gatewayError;
    private bool _listenersClosed;

    // One exposure at a time, so that two reconciles never start two listeners for one port.
    private readonly SemaphoreSlim _exposing = new(1, 1);

    /// <summary>
    /// Raised when <see cref="FakeClusterOptions.ExposeGatewayListeners"/> is on and a Gateway listener's port was put on
    /// a loopback port (on a background thread).
    /// </summary>
    public event Action<ExposedGatewayListener>? GatewayListenerExposed;

    private static ResourceType GatewayType(string kind) =>
        ResourceType.TryFind(GatewayApiKinds.ApiVersion, kind, out var type) ? type : throw new InvalidOperationException(kind);

    /// <summary>Installs the GatewayClass <c>k8snet</c> (controller <see cref="GatewayControllerName"/>) unless it exists.</summary>
    /// <returns>The class.</returns>
    public V1GatewayClass EnsureGatewayClass()
    {
        lock (_ingressGate)
        {
            return Get<V1GatewayClass>(GatewayClassName, null) ?? Create(new V1GatewayClass
            {
                Metadata = new V1ObjectMeta { Name = GatewayClassName },
                Spec = new V1GatewayClassSpec { ControllerName = GatewayControllerName, Description = "FakeCluster's Gateway controller (K8sNet.Testing)" },
            });
        }
    }

    /// <summary>
    /// The cluster's Gateway controller's route table now: the Gateways whose GatewayClass names
    /// <see cref="GatewayControllerName"/>, their routes, ReferenceGrants, Services and Namespaces, evaluated by
    /// <see cref="GatewayRouter"/>. Decide requests with it in tests; <see cref="SendExternalAsync(HttpRequestMessage, CancellationToken)"/> uses the same.
    /// </summary>
    /// <returns>The router.</returns>
    /// <exception cref="K8sNetFormatException">An object in the cluster breaks a Gateway API rule its CRD enforces (the fake API server does not run CEL).</exception>
    public GatewayRouter GatewayRouter() => K8sNet.Gateway.GatewayRouter.Build(GatewayObjects(), new GatewayRouterOptions { ControllerName = GatewayControllerName, TimeProvider = Options.TimeProvider });

    /// <summary>
    /// Exposes a Gateway's HTTP and HTTPS listeners on loopback ports: requests to each <c>http://127.0.0.1:PORT/</c>
    /// make the external journey through that listener's port by their Host header, with real HTTP (an HTTPS listener is
    /// served as plain HTTP there, and routed as HTTPS). Ports already exposed are returned again. Disposed with the cluster.
    /// </summary>
    /// <param name="namespace">The Gateway's namespace.</param>
    /// <param name="name">The Gateway's name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One entry per listener port.</returns>
    /// <exception cref="ArgumentException">The Gateway is not served by the cluster's controller.</exception>
    public Task<IReadOnlyList<ExposedGatewayListener>> ExposeGatewayAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(name);
        return ExposeCoreAsync(@namespace, name, null, cancellationToken);
    }

    // Exposes the Gateway's listeners; those this call created (not those it found) are added to created.
    private async Task<IReadOnlyList<ExposedGatewayListener>> ExposeCoreAsync(string @namespace, string name, List<ExposedGatewayListener>? created, CancellationToken cancellationToken)
    {
        await WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
        var listeners = GatewayRouter().Listeners.Where(l => l.GatewayNamespace == @namespace && l.GatewayName == name).ToList();
        if (listeners.Count == 0)
        {
            throw new ArgumentException($"Gateway {@namespace}/{name} is not served by the cluster's Gateway controller (its GatewayClass must name {GatewayControllerName}).", nameof(name));
        }

        await _exposing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ExposeLockedAsync(@namespace, name, listeners, created, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _exposing.Release();
        }
    }

    private async Task<IReadOnlyList<ExposedGatewayListener>> ExposeLockedAsync(string @namespace, string name, List<GatewayListenerInfo> listeners, List<ExposedGatewayListener>? created, CancellationToken cancellationToken)
    {
        var result = new List<ExposedGatewayListener>();
        foreach (var port in listeners.Where(l => l.Protocol is "HTTP" or "HTTPS").GroupBy(l => l.Port))
        {
            IngressListener? listener;
            lock (_ingressGate)
            {
                _gatewayListeners.TryGetValue((@namespace, name, port.Key), out listener);
            }

            var isNew = listener is null;
            if (listener is null)
            {
                var scheme = port.First().Protocol == "HTTPS" ? "https" : "http";
                var gatewayPort = port.Key;
                listener = new IngressListener(this, (request, ct) => SendThroughGatewayAsync(@namespace, name, gatewayPort, scheme, request, [], null, ct));
                await listener.StartAsync(0, cancellationToken).ConfigureAwait(false);
                bool closed;
                lock (_ingressGate)
                {
                    closed = _listenersClosed;
                    if (!closed)
                    {
                        _gatewayListeners[(@namespace, name, port.Key)] = listener;
                    }
                }

                if (closed)
                {
                    await listener.DisposeAsync().ConfigureAwait(false);
                    throw new ObjectDisposedException(nameof(FakeCluster), "The cluster was disposed while the Gateway was being exposed.");
                }
            }

            var exposed = new ExposedGatewayListener(@namespace, name, port.Key, string.Join(",", port.Select(l => l.Name)), listener.BaseAddress);
            if (isNew)
            {
                created?.Add(exposed);
            }

            result.Add(exposed);
        }

        return result;
    }

    private List<object> GatewayObjects()
    {
        var objects = new List<object>();
        foreach (var type in ResourceType.All.Where(t => t.Group == GatewayApiKinds.Group).Append(ResourceType.Service).Append(ResourceType.Namespace))
        {
            objects.AddRange(Store.Peek(type, null).Select(GatewayApiKinds.ToModel).OfType<object>());
        }

        return objects;
    }

    // The Gateway controller: for each Gateway of its class, pods behind a LoadBalancer Service with the listeners'
    // ports; the status of GatewayClasses, Gateways (addresses, listeners) and routes, as the router computes it.
    private void ReconcileGateways(StoreEvent e)
    {
        if (!(e.Resource.Group == GatewayApiKinds.Group || e.Resource == ResourceType.Service || e.Resource == ResourceType.Namespace)
            || Store.Peek(GatewayType("Gateway"), null).Count == 0)
        {
            return;
        }

        GatewayRouter router;
        try
        {
            router = GatewayRouter();
            _gatewayError = null;
        }
        catch (K8sNetFormatException ex)
        {
            _gatewayError = ex.Message; // what a controller's admission would have refused; the last good state stays
            return;
        }

        foreach (var gateway in Store.Peek(GatewayType("Gateway"), null))
        {
            var ns = Json.Namespace(gateway) ?? "default";
            var name = Json.Name(gateway);
            if (router.GatewayStatus(ns, name) is not { } status)
            {
                continue;
            }

            var address = ProvisionGateway(gateway, router.Listeners.Where(l => l.GatewayNamespace == ns && l.GatewayName == name).ToList());
            status.Addresses = address is null ? null : [new V1GatewayStatusAddress { Type = "IPAddress", Value = address }];
            WriteStatus(GatewayType("Gateway"), gateway, ToNode(status));
            if (Options.ExposeGatewayListeners)
            {
                _ = ExposeInBackgroundAsync(ns, name);
            }
        }

        foreach (var kind in (string[])["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"])
        {
            foreach (var route in Store.Peek(GatewayType(kind), null))
            {
                if (router.RouteStatus(kind, Json.Namespace(route) ?? "default", Json.Name(route)) is not { } status)
                {
                    continue;
                }

                // Other controllers' parent entries are theirs: only ours are replaced.
                var others = (route["status"]?["parents"] as JsonArray ?? []).Where(p => Json.Str(p?["controllerName"]) != GatewayControllerName).Select(p => p!.DeepClone());
                var parents = new JsonArray([.. others, .. ToNode(status)["parents"]!.AsArray().Select(p => p!.DeepClone())]);
                WriteStatus(GatewayType(kind), route, new JsonObject { ["parents"] = parents });
            }
        }

        foreach (var gatewayClass in Store.Peek(GatewayType("GatewayClass"), null))
        {
            if (router.GatewayClassStatus(Json.Name(gatewayClass)) is { } status)
            {
                WriteStatus(GatewayType("GatewayClass"), gatewayClass, ToNode(status));
            }
        }
    }

    private async Task ExposeInBackgroundAsync(string @namespace, string name)
    {
        try
        {
            // Each reconcile of the Gateway starts one of these; only the one that creates a listener announces it.
            var created = new List<ExposedGatewayListener>();
            await ExposeCoreAsync(@namespace, name, created, CancellationToken.None).ConfigureAwait(false);
            foreach (var exposed in created)
            {
                GatewayListenerExposed?.Invoke(exposed);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // the Gateway went away, or the cluster is stopping
        }
    }

    // The gateway's Deployment and LoadBalancer Service, named <gateway>-<class> in its namespace and owned by it (so
    // they go with it); returns the Service's load-balancer address.
    private string? ProvisionGateway(JsonObject gateway, List<GatewayListenerInfo> listeners)
    {
        var ns = Json.Namespace(gateway) ?? "default";
        var gatewayName = Json.Name(gateway);
        var name = $"{gatewayName}-{Json.Str(gateway["spec"]?["gatewayClassName"])}";
        var labels = new JsonObject { ["gateway.networking.k8s.io/gateway-name"] = gatewayName };
        var owner = new JsonArray(Owners.ControllerRef(gateway, GatewayType("Gateway")));
        var ports = listeners.GroupBy(l => (l.Port, Udp: l.Protocol == "UDP")).OrderBy(g => g.Key.Port).ToList();
        JsonArray ServicePorts() => [.. ports.Select(p => new JsonObject
        {
            ["name"] = $"{(p.Key.Udp ? "udp" : "tcp")}-{p.Key.Port}",
            ["protocol"] = p.Key.Udp ? "UDP" : "TCP",
            ["port"] = p.Key.Port,
            ["targetPort"] = p.Key.Port,
        })];
        try
        {
            if (Store.PeekOne(ResourceType.Deployment, ns, name) is null)
            {
                CreateOwned(ResourceType.Deployment, new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "Deployment",
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["ownerReferences"] = owner.DeepClone() },
                    ["spec"] = new JsonObject
                    {
                        ["replicas"] = 1,
                        ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
                        ["template"] = new JsonObject
                        {
                            ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() },
                            ["spec"] = new JsonObject
                            {
                                ["containers"] = new JsonArray(new JsonObject
                                {
                                    ["name"] = "gateway",
                                    ["image"] = "k8snet/gateway:latest",
                                    ["ports"] = new JsonArray([.. ports.Select(p => new JsonObject { ["containerPort"] = p.Key.Port, ["protocol"] = p.Key.Udp ? "UDP" : "TCP" })]),
                                }),
                            },
                        },
                    },
                });
            }

            var service = Store.PeekOne(ResourceType.Service, ns, name);
            if (service is null)
            {
                service = CreateOwned(ResourceType.Service, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Service",
                    ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels.DeepClone(), ["ownerReferences"] = owner.DeepClone() },
                    ["spec"] = new JsonObject { ["type"] = "LoadBalancer", ["selector"] = labels.DeepClone(), ["ports"] = ServicePorts() },
                });
            }
            else if (!JsonNode.DeepEquals(new JsonArray([.. (service["spec"]?["ports"] as JsonArray ?? []).Select(p => new JsonObject { ["name"] = p?["name"]?.DeepClone(), ["protocol"] = p?["protocol"]?.DeepClone(), ["port"] = p?["port"]?.DeepClone(), ["targetPort"] = p?["targetPort"]?.DeepClone() })]), ServicePorts()))
            {
                var updated = (JsonObject)service.DeepClone();
                updated["spec"]!["ports"] = ServicePorts();
                service = UpdateOwned(ResourceType.Service, updated);
            }

            return Json.Str(service["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409 or 422)
        {
            return null; // a race with another writer, or a port the Service cannot take: the next event retries
        }
    }

    // Writes status when it changed, keeping a condition's lastTransitionTime while its status stays.
    private void WriteStatus(ResourceType type, JsonObject current, JsonObject status)
    {
        KeepTransitionTimes(current["status"], status);
        if (JsonNode.DeepEquals(current["status"], status))
        {
            return;
        }

        var updated = (JsonObject)current.DeepClone();
        updated["status"] = status;
        try
        {
            Store.Update(type, updated);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
            // deleted or changed meanwhile: its own event brings it back here
        }
    }

    private static void KeepTransitionTimes(JsonNode? before, JsonNode? after)
    {
        switch (after)
        {
            case JsonObject obj when obj["type"] is not null && obj["lastTransitionTime"] is not null:
                if (before?["status"]?.ToString() == obj["status"]?.ToString() && before?["lastTransitionTime"] is { } kept)
                {
                    obj["lastTransitionTime"] = kept.DeepClone();
                }

                break;
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    KeepTransitionTimes(before?[key], value);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var match = before is JsonArray old
                        ? old.FirstOrDefault(o => o?["type"] is not null && o["type"]!.ToString() == array[i]?["type"]?.ToString()) ?? (i < old.Count ? old[i] : null)
                        : null;
                    KeepTransitionTimes(match, array[i]);
                }

                break;
        }
    }

    private static JsonObject ToNode(object status) => (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(status))!;

    // Which front door a public name reaches: a Gateway of ours with a rule (or a listener hostname) for it, else the
    // ingress controller when an Ingress rule takes it, else a Gateway listening without a hostname, else the ingress
    // controller (which answers 404).
    // Returns the table it decided with, for the journey to reuse.
    private (string Namespace, string Name, int Port, string Scheme, GatewayRouter Router)? GatewayFor(HttpRequestMessage request, Uri uri, string host)
    {
        if (Store.Peek(GatewayType("Gateway"), null).Count == 0)
        {
            return null;
        }

        var router = GatewayRouter();
        var port = uri.Port;
        var scheme = uri.Scheme;
        var candidate = GatewayRequest.From(request, port);
        (string, string, int, string, GatewayRouter)? catchAll = null;
        foreach (var gateway in router.Listeners.Where(l => l.Ready && l.Port == port && l.Protocol is "HTTP" or "HTTPS").Select(l => (l.GatewayNamespace, l.GatewayName)).Distinct())
        {
            var decision = router.Route(gateway.GatewayNamespace, gateway.GatewayName, new GatewayRequest(candidate.Method, host, candidate.PathAndQuery, candidate.Headers, port, scheme));
            var listener = router.Listeners.FirstOrDefault(l => l.GatewayNamespace == gateway.GatewayNamespace && l.GatewayName == gateway.GatewayName && l.Name == decision.Listener);
            if (decision.RouteName is not null || listener?.Hostname is not null)
            {
                return (gateway.GatewayNamespace, gateway.GatewayName, port, scheme, router);
            }

            catchAll ??= listener is null ? null : (gateway.GatewayNamespace, gateway.GatewayName, port, scheme, router);
        }

        if (catchAll is null || (List<V1Ingress>() is { Count: > 0 } ingresses
            && IngressRouter.Build(ingresses, List<V1IngressClass>(), new IngressRouterOptions { ClassName = IngressClassName }).Route(host, uri.AbsolutePath).Outcome != IngressOutcome.NotFound))
        {
            return null;
        }

        return catchAll;
    }

    // The Gateway whose load balancer has this address, if any.
    private (string Namespace, string Name)? GatewayAt(IPAddress address)
    {
        foreach (var gateway in Store.Peek(GatewayType("Gateway"), null))
        {
            var ns = Json.Namespace(gateway);
            var name = Json.Name(gateway);
            var service = Store.PeekOne(ResourceType.Service, ns, $"{name}-{Json.Str(gateway["spec"]?["gatewayClassName"])}");
            foreach (var ingress in service?["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
            {
                if (IPAddress.TryParse(Json.Str(ingress?["ip"]), out var ip) && ip.Equals(address))
                {
                    return (ns, name);
                }
            }
        }

        return null;
    }

    // router: the table to decide with, when the caller has just built it from the current state.    // router: the table to decide with, when the caller has just built it from the current state.
    private async Task<ExternalExchange> SendThroughGatewayAsync(string @namespace, string name, int port, string scheme, HttpRequestMessage request, List<ExternalHop> hops, GatewayRouter? router, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var host = string.IsNullOrEmpty(request.Headers.Host) ? uri.Authority : request.Headers.Host; // no Host: the address it was sent to, so a redirect is absolute
        var gateway = Get<V1Gateway>(name, @namespace) ?? throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Gateway {@namespace}/{name} does not exist.");
        await WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
        var serviceName = $"{name}-{gateway.Spec.GatewayClassName}";
        var address = Json.Str(Store.PeekOne(ResourceType.Service, @namespace, serviceName)?["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]) is { } ip ? IPAddress.Parse(ip)
            : throw new HttpRequestException(HttpRequestError.ConnectionError, $"Gateway {@namespace}/{name} has no load-balancer address yet (is its GatewayClass '{gateway.Spec.GatewayClassName}' implemented by {GatewayControllerName}?){(_gatewayError is null ? string.Empty : " Last controller error: " + _gatewayError)}");
        hops.Add(new ExternalHop("dns", $"{uri.Host} -> {address} (the load balancer of Gateway {@namespace}/{name}, Service {@namespace}/{serviceName})"));
        var entry = KubeProxy.RouteFromOutside(OutsideClientAddress, new IPEndPoint(address, port));
        hops.Add(new ExternalHop("load-balancer", entry.ToString()));
        if (entry.Outcome != KubeProxyOutcome.Backend || entry.Pod?.Name is not { } gatewayPod)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Gateway {@namespace}/{name}'s load balancer {address}:{port} reaches no gateway pod: {entry}.");
        }

        var headers = request.Headers.Where(h => !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase)).Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value)));
        var decision = (router ?? GatewayRouter()).Route(@namespace, name, new GatewayRequest(request.Method.Method, host, uri.PathAndQuery, headers, port, scheme));
        hops.Add(new ExternalHop("gateway", decision.Reason));
        switch (decision.Outcome)
        {
            case GatewayOutcome.Redirect:
                var redirect = new HttpResponseMessage((HttpStatusCode)decision.StatusCode!.Value) { RequestMessage = request };
                redirect.Headers.Location = new Uri(decision.Location!, UriKind.RelativeOrAbsolute);
                return new ExternalExchange(redirect, hops, null) { GatewayDecision = decision };
            case GatewayOutcome.Error:
                return new ExternalExchange(new HttpResponseMessage((HttpStatusCode)decision.StatusCode!.Value) { RequestMessage = request, Content = new StringContent(decision.Reason + "\n") }, hops, null) { GatewayDecision = decision };
        }

        foreach (var mirror in decision.Mirrors.Where(m => Random.Shared.NextDouble() < m.Fraction))
        {
            using var copy = Forwarded(request, decision, mirror.ServiceName, mirror.ServiceNamespace, mirror.ServicePort ?? 80, scheme, withBody: false);
            using var mirrorClient = CreateHttpClient(gatewayPod, @namespace);
            try
            {
                using var ignored = await mirrorClient.SendAsync(copy, cancellationToken).ConfigureAwait(false);
                hops.Add(new ExternalHop("mirror", $"a copy to Service {mirror.ServiceNamespace}/{mirror.ServiceName}:{mirror.ServicePort} answered {(int)ignored.StatusCode} (ignored)"));
            }
            catch (HttpRequestException ex)
            {
                hops.Add(new ExternalHop("mirror", $"a copy to Service {mirror.ServiceNamespace}/{mirror.ServiceName}:{mirror.ServicePort} failed (ignored): {ex.Message}"));
            }
        }

        using var forwarded = Forwarded(request, decision, decision.ServiceName!, decision.ServiceNamespace!, decision.ServicePort ?? 80, scheme, withBody: true);
        using var client = CreateHttpClient(gatewayPod, @namespace);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(forwarded, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            hops.Add(new ExternalHop("service", $"from {@namespace}/{gatewayPod}: {ex.Message}"));
            return new ExternalExchange(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request, Content = new StringContent("no healthy upstream\n") }, hops, null) { GatewayDecision = decision };
        }

        if (forwarded.Options.TryGetValue(RouteOption, out var backendRoute))
        {
            hops.Add(new ExternalHop("service", $"from {@namespace}/{gatewayPod}: {backendRoute}"));
        }

        if (response.Headers.TryGetValues(FakeClusterHeaders.Pod, out var pods))
        {
            hops.Add(new ExternalHop("pod", $"{pods.FirstOrDefault()} answered {(int)response.StatusCode}"));
        }

        var modified = decision.ModifyResponseHeaders(response.Headers.Select(h => new KeyValuePair<string, string>(h.Key, string.Join(", ", h.Value))));
        response.Headers.Clear();
        foreach (var (key, value) in modified)
        {
            response.Headers.TryAddWithoutValidation(key, value);
        }

        response.RequestMessage = request;
        return new ExternalExchange(response, hops, null) { GatewayDecision = decision };
    }

    // Where the gateway pod sends a backend's traffic: the Service's name and port (its cluster IP, through kube-proxy),
    // except for a headless Service, which has none: then an endpoint on its own port, as Gateway implementations send
    // to endpoints (the Service port 8080 may be the pods' 3000).
    private string BackendAuthority(string service, string @namespace, int port)
    {
        if (Store.PeekOne(ResourceType.Service, @namespace, service) is { } stored && StoredModels.Spec(stored) is { IsHeadless: true } spec
            && spec.Ports.FirstOrDefault(p => p.Port == port) is { } servicePort
            && KubeProxy.PickEndpoint(new ServiceName(@namespace, service), servicePort) is { } endpoint)
        {
            return endpoint.ToString();
        }

        return $"{service}.{@namespace}.svc.{Options.ClusterDomain}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    // The request the gateway pod sends upstream    // The request the gateway pod sends upstream: the rewritten path and Host, the modified headers, X-Forwarded-*
    // (a mirror's copy goes without the body).
    private HttpRequestMessage Forwarded(HttpRequestMessage request, GatewayDecision decision, string service, string @namespace, int port, string scheme, bool withBody)
    {
        var target = new Uri($"http://{BackendAuthority(service, @namespace, port)}{decision.ForwardedPathAndQuery}");
        var forwarded = new HttpRequestMessage(request.Method, target) { Content = withBody ? request.Content : null, Version = request.Version };
        foreach (var (key, value) in decision.ForwardedHeaders)
        {
            if (!forwarded.Headers.TryAddWithoutValidation(key, value))
            {
                forwarded.Content?.Headers.TryAddWithoutValidation(key, value);
            }
        }

        forwarded.Headers.Host = decision.ForwardedHost;
        forwarded.Headers.TryAddWithoutValidation("X-Forwarded-For", ClientAddress(request).ToString());
        forwarded.Headers.TryAddWithoutValidation("X-Forwarded-Proto", scheme);
        return forwarded;
    }
}
