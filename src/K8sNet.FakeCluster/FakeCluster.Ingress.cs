using System.Net;
using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Testing.Network;
using K8sNet.Testing.Store;

namespace K8sNet.Testing;

/// <summary>The external journey: a public name, the ingress controller's load balancer, an Ingress rule, a Service, a pod.</summary>
public sealed partial class FakeCluster
{
    /// <summary>The namespace of the ingress controller <see cref="SendExternalAsync(HttpRequestMessage, CancellationToken)"/> installs.</summary>
    public const string IngressControllerNamespace = "ingress-nginx";

    /// <summary>The name of its Deployment and LoadBalancer Service.</summary>
    public const string IngressControllerName = "ingress-nginx-controller";

    /// <summary>The IngressClass it serves (installed as the default class).</summary>
    public const string IngressClassName = "nginx";

    private readonly Lock _ingressGate = new();
    private readonly List<IngressListener> _ingressListeners = [];

    /// <summary>
    /// Installs the ingress controller if it is not there yet: namespace <c>ingress-nginx</c>, a Deployment of one
    /// controller pod, a LoadBalancer Service for ports 80 and 443 (its address from
    /// <see cref="FakeClusterOptions.LoadBalancerPool"/>) and the default IngressClass <c>nginx</c>.
    /// </summary>
    /// <returns>The controller Service's load-balancer address.</returns>
    public async Task<IPAddress> EnsureIngressControllerAsync(CancellationToken cancellationToken = default)
    {
        lock (_ingressGate)
        {
            if (Store.Get(ResourceType.Namespace, null, IngressControllerNamespace) is null)
            {
                Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = IngressControllerNamespace } });
            }

            if (Store.Get(ResourceType.IngressClass, null, IngressClassName) is null)
            {
                Create(new V1IngressClass
                {
                    Metadata = new V1ObjectMeta { Name = IngressClassName, Annotations = new Dictionary<string, string> { [WellKnownAnnotations.IsDefaultIngressClass] = "true" } },
                    Spec = new V1IngressClassSpec { Controller = "k8s.io/ingress-nginx" },
                });
            }

            var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "ingress-nginx", ["app.kubernetes.io/component"] = "controller" };
            if (Store.Get(ResourceType.Deployment, IngressControllerNamespace, IngressControllerName) is null)
            {
                Create(new V1Deployment
                {
                    Metadata = new V1ObjectMeta { Name = IngressControllerName, NamespaceProperty = IngressControllerNamespace, Labels = labels },
                    Spec = new V1DeploymentSpec
                    {
                        Replicas = 1,
                        Selector = new V1LabelSelector { MatchLabels = labels },
                        Template = new V1PodTemplateSpec
                        {
                            Metadata = new V1ObjectMeta { Labels = labels },
                            Spec = new V1PodSpec { Containers = [new V1Container { Name = "controller", Image = "registry.k8s.io/ingress-nginx/controller:v1.12.0", Ports = [new V1ContainerPort { Name = "http", ContainerPort = 80 }, new V1ContainerPort { Name = "https", ContainerPort = 443 }] }] },
                        },
                    },
                });
            }

            if (Store.Get(ResourceType.Service, IngressControllerNamespace, IngressControllerName) is null)
            {
                Create(new V1Service
                {
                    Metadata = new V1ObjectMeta { Name = IngressControllerName, NamespaceProperty = IngressControllerNamespace, Labels = labels },
                    Spec = new V1ServiceSpec
                    {
                        Type = "LoadBalancer",
                        Selector = labels,
                        Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = "http" }, new V1ServicePort { Name = "https", Port = 443, TargetPort = "https" }],
                    },
                });
            }
        }

        await WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
        var service = Store.Get(ResourceType.Service, IngressControllerNamespace, IngressControllerName)!;
        return service["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"] is { } ip && IPAddress.TryParse(Json.Str(ip), out var address)
            ? address
            : throw new InvalidOperationException($"The ingress controller's LoadBalancer Service has no address (FakeClusterOptions.LoadBalancerPool '{Options.LoadBalancerPool}' exhausted?).");
    }

    /// <summary>
    /// Exposes the ingress controller on a loopback port (installing it first): requests to
    /// <c>http://127.0.0.1:PORT/</c> make the external journey by their Host header, with real HTTP. Disposed with the
    /// cluster.
    /// </summary>
    /// <param name="port">The port on 127.0.0.1; 0 picks one.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The listener (its <see cref="IngressListener.BaseAddress"/>).</returns>
    public async Task<IngressListener> ExposeIngressAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        await EnsureIngressControllerAsync(cancellationToken).ConfigureAwait(false);
        var listener = new IngressListener(this, (r, ct) => SendExternalAsync(r, ct));
        await listener.StartAsync(port, cancellationToken).ConfigureAwait(false);
        lock (_ingressGate)
        {
            _ingressListeners.Add(listener);
        }

        return listener;
    }

    /// <summary>The address an exposed listener received a request from (the real client), for X-Forwarded-For.</summary>
    internal static HttpRequestOptionsKey<IPAddress> ClientAddressOption { get; } = new("K8sNet.Testing.ClientAddress");

    // Who the ingress or gateway says sent the request: the real peer on an exposed listener, else the outside client.
    private static IPAddress ClientAddress(HttpRequestMessage request) =>
        request.Options.TryGetValue(ClientAddressOption, out var address) ? address : OutsideClientAddress;

    /// <summary>
    /// Sends a request from outside the cluster to one Gateway by name, as a client that resolved its address would: to
    /// its load balancer on the URI's port (the listener port), with the request's Host header (else the URI's host) for
    /// the listener and route matching. No other Gateway is considered, whatever routes it has for that Host.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="gatewayNamespace">The Gateway's namespace.</param>
    /// <param name="gatewayName">The Gateway's name.</param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The response and the hops it took.</returns>
    /// <exception cref="HttpRequestException">The Gateway does not exist or has no address yet.</exception>
    public Task<ExternalExchange> SendExternalAsync(HttpRequestMessage request, string gatewayNamespace, string gatewayName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(gatewayNamespace);
        ArgumentException.ThrowIfNullOrEmpty(gatewayName);
        var uri = request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute : throw new ArgumentException("The request needs an absolute URI (http://shop.example.com/...).", nameof(request));
        return SendThroughGatewayAsync(gatewayNamespace, gatewayName, uri.Port, uri.Scheme, request, [], null, cancellationToken);
    }

    /// <summary>
    /// Sends a request from outside the cluster to a public name, as a browser would reach <c>shop.example.com</c>: the
    /// name resolves to the ingress controller's load-balancer address (public DNS points every name at it here);
    /// kube-proxy takes the connection to a controller pod; the controller picks the Ingress rule (the cluster's
    /// Ingresses of class <c>nginx</c> or without a class, evaluated by <see cref="IngressRouter"/>) and proxies from its
    /// pod to the backend Service, whose kube-proxy picks a pod, keeping the original Host header. Nothing matches: 404
    /// from the controller. The API server is never on the way. The ingress controller is installed at the first call
    /// (<see cref="EnsureIngressControllerAsync"/>).
    /// </summary>
    /// <param name="request">
    /// The request; its URI's host is the public name (a Gateway's load-balancer address sends it to that Gateway).
    /// </param>
    /// <param name="cancellationToken">Cancels it.</param>
    /// <returns>The response and the hops it took.</returns>
    public async Task<ExternalExchange> SendExternalAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute : throw new ArgumentException("The request needs an absolute URI (http://shop.example.com/...).", nameof(request));
        var hops = new List<ExternalHop>();
        if (IPAddress.TryParse(uri.Host, out var targeted) && GatewayAt(targeted) is { } addressed)
        {
            // Sent to a Gateway's own load-balancer address: that Gateway, whichever others have routes for its Host.
            return await SendThroughGatewayAsync(addressed.Namespace, addressed.Name, uri.Port, uri.Scheme, request, hops, null, cancellationToken).ConfigureAwait(false);
        }

        var address = await EnsureIngressControllerAsync(cancellationToken).ConfigureAwait(false);
        var host = request.Headers.Host ?? uri.Authority;
        if (GatewayFor(request, uri, host) is { } gateway)
        {
            return await SendThroughGatewayAsync(gateway.Namespace, gateway.Name, gateway.Port, gateway.Scheme, request, hops, gateway.Router, cancellationToken).ConfigureAwait(false);
        }

        hops.Add(new ExternalHop("dns", $"{uri.Host} -> {address} (the ingress controller's load balancer, {IngressControllerNamespace}/{IngressControllerName})"));

        var port = uri.Scheme == Uri.UriSchemeHttps ? 443 : 80;
        var entry = KubeProxy.RouteFromOutside(OutsideClientAddress, new IPEndPoint(address, port));
        hops.Add(new ExternalHop("load-balancer", entry.ToString()));
        if (entry.Outcome != KubeProxyOutcome.Backend || entry.Pod?.Name is not { } controllerPod)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"The ingress controller's load balancer {address}:{port} reaches no controller pod: {entry}.");
        }

        var ingresses = List<V1Ingress>();
        var router = IngressRouter.Build(ingresses, List<V1IngressClass>(), new IngressRouterOptions { ClassName = IngressClassName });
        var decision = router.Route(host, uri.AbsolutePath);
        hops.Add(new ExternalHop("ingress", decision.Reason));
        if (decision.Outcome != IngressOutcome.Service)
        {
            // nginx's own pages: 404 for no rule, 503 for a backend it cannot serve (a resource backend).
            var (status, text) = decision.Outcome == IngressOutcome.NotFound ? (HttpStatusCode.NotFound, "404 Not Found") : (HttpStatusCode.ServiceUnavailable, "503 Service Temporarily Unavailable");
            return new ExternalExchange(new HttpResponseMessage(status) { RequestMessage = request, Content = new StringContent($"<html>\r\n<head><title>{text}</title></head>\r\n<body>\r\n<center><h1>{text}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", System.Text.Encoding.UTF8, "text/html") }, hops, decision);
        }

        var servicePort = decision.ServicePortNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ResolveServicePort(decision);
        var target = new UriBuilder(Uri.UriSchemeHttp, $"{decision.ServiceName}.{decision.Namespace}.svc.{Options.ClusterDomain}", int.Parse(servicePort, System.Globalization.CultureInfo.InvariantCulture), uri.AbsolutePath) { Query = uri.Query.TrimStart('?') }.Uri;
        using var forwarded = new HttpRequestMessage(request.Method, target) { Content = request.Content, Version = request.Version };
        foreach (var header in request.Headers)
        {
            forwarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        forwarded.Headers.Host = host; // the backend sees the original Host
        forwarded.Headers.TryAddWithoutValidation("X-Forwarded-For", ClientAddress(request).ToString());
        forwarded.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        forwarded.Headers.TryAddWithoutValidation("X-Forwarded-Proto", uri.Scheme);
        using var client = CreateHttpClient(controllerPod, IngressControllerNamespace);
        var response = await client.SendAsync(forwarded, cancellationToken).ConfigureAwait(false);
        if (forwarded.Options.TryGetValue(RouteOption, out var backendRoute))
        {
            hops.Add(new ExternalHop("service", $"from {IngressControllerNamespace}/{controllerPod}: {backendRoute}"));
        }

        if (response.Headers.TryGetValues(FakeClusterHeaders.Pod, out var pods))
        {
            hops.Add(new ExternalHop("pod", $"{pods.FirstOrDefault()} answered {(int)response.StatusCode}"));
        }

        response.RequestMessage = request;
        return new ExternalExchange(response, hops, decision);
    }

    /// <summary>
    /// What ingress-nginx's status sync does once the controller is installed: every Ingress it serves (class
    /// <c>nginx</c>, or none while <c>nginx</c> is the default class) gets the controller Service's load-balancer address
    /// in <c>status.loadBalancer.ingress</c> (so <c>kubectl get ingress</c> shows an ADDRESS); the others get none.
    /// </summary>
    private void PublishIngressStatus(StoreEvent e)
    {
        var controllerChanged = e.Resource == ResourceType.Service && Json.Namespace(e.Object) == IngressControllerNamespace && Json.Name(e.Object) == IngressControllerName;
        if (e.Type == StoreEventType.Deleted || !(controllerChanged || e.Resource == ResourceType.Ingress || e.Resource == ResourceType.IngressClass))
        {
            return;
        }

        if (Store.PeekOne(ResourceType.Service, IngressControllerNamespace, IngressControllerName) is not { } controller)
        {
            return; // no controller installed: nobody writes Ingress status
        }

        var address = controller["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]?.DeepClone();
        var defaultClass = Store.PeekOne(ResourceType.IngressClass, null, IngressClassName) is { } cls
            && Json.Str(cls["metadata"]?["annotations"]?[WellKnownAnnotations.IsDefaultIngressClass]) == "true";
        var ingresses = e.Resource == ResourceType.Ingress ? [e.Object] : Store.Peek(ResourceType.Ingress, null);
        foreach (var ingress in ingresses)
        {
            var className = Json.Str(ingress["spec"]?["ingressClassName"]) ?? Json.Str(ingress["metadata"]?["annotations"]?[WellKnownAnnotations.IngressClass]);
            var served = className == IngressClassName || (className is null && defaultClass);
            JsonNode? wanted = served && address is not null ? new JsonArray(new JsonObject { ["ip"] = address.DeepClone() }) : null;
            if (JsonNode.DeepEquals(ingress["status"]?["loadBalancer"]?["ingress"], wanted))
            {
                continue;
            }

            var updated = (JsonObject)ingress.DeepClone();
            updated["status"] = wanted is null ? new JsonObject { ["loadBalancer"] = new JsonObject() } : new JsonObject { ["loadBalancer"] = new JsonObject { ["ingress"] = wanted } };
            try
            {
                Store.Update(ResourceType.Ingress, updated);
            }
            catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
            {
                // deleted or changed meanwhile: its own event brings it back here
            }
        }
    }

    private string ResolveServicePort(IngressDecision decision)
    {
        var service = Get<V1Service>(decision.ServiceName!, decision.Namespace)
            ?? throw new HttpRequestException(HttpRequestError.NameResolutionError, $"The Ingress backend Service {decision.Namespace}/{decision.ServiceName} does not exist.");
        return service.Spec.Ports?.FirstOrDefault(p => p.Name == decision.ServicePortName)?.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ?? throw new HttpRequestException(HttpRequestError.ConnectionError, $"The Ingress backend Service {decision.Namespace}/{decision.ServiceName} has no port named '{decision.ServicePortName}'.");
    }
}
