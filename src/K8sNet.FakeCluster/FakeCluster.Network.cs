using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using K8sNet.Testing.Dns;
using K8sNet.Testing.Network;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;

namespace K8sNet.Testing;

public sealed partial class FakeCluster
{
    /// <summary>
    /// Set on a request sent through <see cref="CreateHttpClient"/>: how kube-proxy routed the connection it opened
    /// (in the loopback mode only on the request that opened a connection; later ones reuse it, as with a real
    /// kube-proxy).
    /// </summary>
    public static HttpRequestOptionsKey<KubeProxyRoute> RouteOption { get; } = new("K8sNet.Testing.Route");

    /// <summary>Set on a request sent through <see cref="CreateHttpClient"/> from a pod: how the pod's DNS resolved the host.</summary>
    public static HttpRequestOptionsKey<PodDnsLookup> DnsOption { get; } = new("K8sNet.Testing.Dns");

    /// <summary>The address a client outside the cluster connects from (TEST-NET-1 192.0.2.1; it is never dialled).</summary>
    public static IPAddress OutsideClientAddress { get; } = IPAddress.Parse("192.0.2.1");

    /// <summary>
    /// Makes the pods matching <paramref name="labelSelector"/> in <paramref name="namespace"/> — those running now and
    /// those created later — answer HTTP on <paramref name="port"/> (or, when <see langword="null"/>, every TCP
    /// <c>containerPort</c> they declare) with <paramref name="handler"/> (or one that says which pod, node and request
    /// it saw). In the simulated network mode requests are handled in memory; in the loopback mode each pod listens for
    /// real on its own IP (Kestrel, speaking <paramref name="protocol"/>), from when it runs until it is gone.
    /// Every response carries <see cref="FakeClusterHeaders"/>. A later registration wins for a pod and port.
    /// </summary>
    /// <param name="labelSelector">Which pods (label selector grammar, e.g. <c>app=web</c>).</param>
    /// <param name="handler">The handler; the default one when <see langword="null"/>.</param>
    /// <param name="port">The pod port; <see langword="null"/> for the declared container ports.</param>
    /// <param name="namespace">The pods' namespace.</param>
    /// <param name="protocol">HTTP/1.1 (the default) or h2c, in the loopback mode.</param>
    /// <returns>Disposing it stops these pods serving (their listeners close).</returns>
    /// <exception cref="K8sNetFormatException">The selector cannot be parsed.</exception>
    public IDisposable Serve(string labelSelector, PodRequestHandler? handler = null, int? port = null, string @namespace = "default", PodHttpProtocol protocol = PodHttpProtocol.Http1)
    {
        ArgumentNullException.ThrowIfNull(labelSelector);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "A pod port is between 1 and 65535.");
        }

        return Network.Serve(@namespace, LabelSelector.Parse(labelSelector), port, handler ?? PodNetwork.DefaultHandlerAsync, protocol);
    }

    /// <summary>
    /// Makes the pods matching <paramref name="labelSelector"/> run an ASP.NET Core app of yours on
    /// <paramref name="port"/> of their own IP — a gRPC service, minimal APIs, anything Kestrel hosts — from when each
    /// runs until it is gone (the loopback network mode only). The cluster's faults apply before your pipeline
    /// (latency, drops, a share of failures answered with their status), and responses carry
    /// <see cref="FakeClusterHeaders"/>. One app per pod: the newest registration's.
    /// </summary>
    /// <param name="labelSelector">Which pods.</param>
    /// <param name="configureServices">Adds the app's services (e.g. <c>b =&gt; b.Services.AddGrpc()</c>).</param>
    /// <param name="configureApp">Builds its pipeline (e.g. <c>app =&gt; app.MapGrpcService&lt;Greeter&gt;()</c>).</param>
    /// <param name="port">The pod port.</param>
    /// <param name="namespace">The pods' namespace.</param>
    /// <param name="protocol">h2c (the default, as gRPC serves) or HTTP/1.1.</param>
    /// <returns>Disposing it stops these pods serving.</returns>
    /// <exception cref="InvalidOperationException">The cluster is in the simulated network mode.</exception>
    public IDisposable ServeApp(
        string labelSelector,
        Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> configureServices,
        Action<Microsoft.AspNetCore.Builder.WebApplication> configureApp,
        int port,
        string @namespace = "default",
        PodHttpProtocol protocol = PodHttpProtocol.Http2)
    {
        ArgumentNullException.ThrowIfNull(labelSelector);
        ArgumentNullException.ThrowIfNull(configureServices);
        ArgumentNullException.ThrowIfNull(configureApp);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        if (Options.NetworkMode != PodNetworkMode.Loopback)
        {
            throw new InvalidOperationException("ServeApp runs real ASP.NET Core apps on pods' own IPs: create the cluster with o.NetworkMode = PodNetworkMode.Loopback.");
        }

        return Network.Serve(@namespace, LabelSelector.Parse(labelSelector), port, PodNetwork.DefaultHandlerAsync, protocol, new PodApp(configureServices, configureApp));
    }

    /// <summary>
    /// The requests pods of echo images answered (the Gateway API conformance backend and the like), oldest first, the
    /// last 10,000: a test asserts what reached a backend — a mirrored copy, a header a filter set — without parsing hops.
    /// </summary>
    public IReadOnlyList<EchoedRequest> EchoedRequests => [.. _echoed];

    private readonly System.Collections.Concurrent.ConcurrentQueue<EchoedRequest> _echoed = new();

    internal PodLogs PodLogs { get; } = new();

    /// <summary>
    /// Writes a line to a pod's container log, as its process would (<c>kubectl logs</c> reads it). Echo pods log each
    /// request they answer; a handler given to <c>Serve</c> writes with <see cref="PodRequest.Log"/>.
    /// </summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="line">The line (without its newline).</param>
    /// <param name="container">The container; <see langword="null"/>: the pod's first.</param>
    /// <exception cref="KubernetesStatusException">404 when there is no such pod.</exception>
    public void WritePodLog(string name, string @namespace, string line, string? container = null)
    {
        ArgumentNullException.ThrowIfNull(line);
        var pod = Store.PeekOne(ResourceType.Pod, @namespace, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, name);
        container ??= Json.Str(pod["spec"]?["containers"]?[0]?["name"]) ?? string.Empty;
        foreach (var text in line.Split('\n'))
        {
            PodLogs.Write(Json.Uid(pod), container, new PodLogLine(TimeProvider.GetUtcNow(), text));
        }
    }

    internal void RecordEcho(PodRequest request)
    {
        var message = request.Message;
        var headers = (message.Content is { } content ? message.Headers.NonValidated.Concat(content.Headers.NonValidated) : message.Headers.NonValidated)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.SelectMany(h => h.Value)], StringComparer.OrdinalIgnoreCase);
        var uri = message.RequestUri!;
        var pathAndQuery = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
        _echoed.Enqueue(new EchoedRequest(request.Pod.Namespace, request.Pod.Name, message.Method.Method, pathAndQuery,
            message.Headers.Host ?? (uri.IsAbsoluteUri ? uri.Authority : null), headers, TimeProvider.GetUtcNow()));
        try
        {
            // As the Gateway API's echo-basic logs each request it answers.
            request.Log($"Echoing back request made to {pathAndQuery} to client ({request.ClientAddress?.ToString() ?? "unknown"})");
        }
        catch (KubernetesStatusException)
        {
            // the pod is gone
        }

        while (_echoed.Count > 10_000 && _echoed.TryDequeue(out _))
        {
        }
    }

    /// <summary>
    /// An HttpClient as an app in <paramref name="fromPod"/> has one (or, when <see langword="null"/>, a client outside
    /// the cluster): host names resolve through the pod's DNS search path (<see cref="ResolveFromPod"/>; outside: cluster
    /// FQDNs only); each new connection goes through kube-proxy (<see cref="KubeProxy"/>) from the pod's node and IP to
    /// a pod, or straight to a pod IP; it is refused where no pod serves, a pod is partitioned or the Service has no
    /// endpoints, and hangs where kube-proxy drops it. In the loopback mode connections are real TCP from the pod's own
    /// IP; in the simulated mode each request is a new connection. <see cref="RouteOption"/> and <see cref="DnsOption"/>
    /// on the request say what happened.
    /// </summary>
    /// <param name="fromPod">The calling pod; <see langword="null"/> for a client outside the cluster.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <returns>The client.</returns>
    public HttpClient CreateHttpClient(string? fromPod = null, string @namespace = "default") => new(CreateHttpMessageHandler(fromPod, @namespace));

    /// <summary>The handler behind <see cref="CreateHttpClient"/>, for an <c>IHttpClientFactory</c>'s primary handler.</summary>
    /// <param name="fromPod">The calling pod; <see langword="null"/> for a client outside the cluster.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <returns>The handler.</returns>
    public HttpMessageHandler CreateHttpMessageHandler(string? fromPod = null, string @namespace = "default")
    {
        var client = new NetworkClient(this, fromPod, @namespace);
        return Options.NetworkMode == PodNetworkMode.Loopback ? client.CreateSocketsHandler() : new SimulatedNetworkHandler(client);
    }

    /// <summary>
    /// A handler that keeps a client's requests on this machine (UseFakeCluster adds it to every HttpClient the app's
    /// <c>IHttpClientFactory</c> makes, innermost): requests to the cluster's addresses (pod and Service CIDRs, nodes,
    /// the load-balancer pool) or to names its DNS answers go over the cluster's network, as
    /// <see cref="CreateHttpMessageHandler"/>'s do; requests to loopback or <c>localhost</c> go on to the inner handler;
    /// any other fails at once with an <see cref="HttpRequestException"/> naming the request, the client and why. So an
    /// app routed to pods by K8sNet reaches the fake pods (in memory in the simulated mode), and never a real 10.244.x.x.
    /// </summary>
    /// <param name="clientName">The client's name, for the messages.</param>
    /// <returns>The handler; set its inner handler (the factory does).</returns>
    public DelegatingHandler CreateNetworkGuard(string clientName = "")
    {
        ArgumentNullException.ThrowIfNull(clientName);
        return new Network.ClusterNetworkGuard(this, clientName);
    }

    /// <summary>
    /// Kills a pod: deleted at once (no grace period), so its listener closes and its controller, if any, replaces it
    /// with a new pod and a new IP.
    /// </summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void KillPod(string name, string @namespace = "default") => Store.Delete(ResourceType.Pod, @namespace, name, gracePeriodSeconds: 0);

    /// <summary>Partitions a pod from the network: its connections are refused, or dropped, until <see cref="HealPod"/>.</summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="mode">Refuse (the default) or drop.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void PartitionPod(string name, string @namespace = "default", PartitionMode mode = PartitionMode.Refuse) =>
        Network.SetFaults(ExistingPod(name, @namespace), f => f.Partition = mode);

    /// <summary>Slows a pod: each request waits <paramref name="latency"/> (real time) before it is handled.</summary>
    /// <param name="name">The pod.</param>
    /// <param name="latency">The added latency.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void SlowPod(string name, TimeSpan latency, string @namespace = "default")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        Network.SetFaults(ExistingPod(name, @namespace), f => f.Latency = latency);
    }

    /// <summary>Makes a pod answer a share of its requests with <paramref name="statusCode"/> instead of its handler's answer.</summary>
    /// <param name="name">The pod.</param>
    /// <param name="share">The share, 0 to 1 (chosen at random from <see cref="FakeClusterOptions.Seed"/>).</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="statusCode">The status; 503 by default.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void FailPod(string name, double share, string @namespace = "default", int statusCode = 503)
    {
        if (share is < 0 or > 1 || double.IsNaN(share))
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "The share of failed requests is between 0 and 1.");
        }

        if (statusCode is < 100 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "An HTTP status code is between 100 and 599.");
        }

        Network.SetFaults(ExistingPod(name, @namespace), f => (f.FailureShare, f.FailureStatus) = (share, statusCode));
    }

    /// <summary>Clears every fault set on a pod (partition, latency, failures).</summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void HealPod(string name, string @namespace = "default") => Network.ClearFaults(ExistingPod(name, @namespace));

    /// <summary>
    /// Drains a node as <c>kubectl drain</c> does: cordons it (<c>spec.unschedulable</c>, so no new pod lands there)
    /// and evicts its pods (graceful deletion with each pod's grace period) except DaemonSet pods and mirror pods;
    /// their controllers recreate them on other nodes. <see cref="UncordonNode"/> undoes the cordon.
    /// </summary>
    /// <param name="name">The node.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void DrainNode(string name)
    {
        SetUnschedulable(name, true);
        foreach (var pod in Store.Peek(ResourceType.Pod, null))
        {
            var owners = pod["metadata"]?["ownerReferences"] as JsonArray;
            var daemon = owners?.Any(o => Json.Str(o?["kind"]) == "DaemonSet") == true;
            var mirror = pod["metadata"]?["annotations"]?["kubernetes.io/config.mirror"] is not null;
            if (Json.Str(pod["spec"]?["nodeName"]) == name && !daemon && !mirror && pod["metadata"]?["deletionTimestamp"] is null)
            {
                Store.Delete(ResourceType.Pod, Json.Namespace(pod), Json.Name(pod));
            }
        }
    }

    /// <summary>Makes a cordoned node schedulable again.</summary>
    /// <param name="name">The node.</param>
    /// <exception cref="KubernetesStatusException">404 when it does not exist.</exception>
    public void UncordonNode(string name) => SetUnschedulable(name, false);

    private void SetUnschedulable(string name, bool value)
    {
        var node = Store.Get(ResourceType.Node, null, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Node, name);
        var spec = node["spec"] as JsonObject ?? (JsonObject)(node["spec"] = new JsonObject());
        if (value)
        {
            spec["unschedulable"] = true;
        }
        else
        {
            spec.Remove("unschedulable");
        }

        Store.Update(ResourceType.Node, node);
    }

    private JsonObject ExistingPod(string name, string @namespace) =>
        Store.PeekOne(ResourceType.Pod, @namespace, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, name);

    /// <summary>One client of the cluster network: a pod, or the outside.</summary>
    internal sealed class NetworkClient(FakeCluster cluster, string? pod, string @namespace)
    {
        public FakeCluster Cluster { get; } = cluster;

        public IPAddress Address => pod is null ? OutsideClientAddress : Cluster.KubeProxy.PodPlacement(pod, @namespace).Address;

        /// <summary>Resolves the host and routes a connection to it; stamps what happened on the request.</summary>
        public KubeProxyRoute Route(string host, int port, HttpRequestMessage? request)
        {
            IPAddress? address;
            if (!IPAddress.TryParse(host.Trim('[', ']'), out address))
            {
                if (pod is not null)
                {
                    var lookup = Cluster.ResolveFromPod(host, pod, @namespace);
                    request?.Options.Set(DnsOption, lookup);
                    address = lookup.Addresses.FirstOrDefault();
                }
                else
                {
                    var answer = Cluster.Dns.Answer(host.EndsWith('.') ? host : host + ".", K8sNet.Dns.DnsRecordType.A);
                    address = answer.Answer.OfType<K8sNet.Dns.AddressRecord>().Select(a => a.Address).FirstOrDefault();
                }

                if (address is null)
                {
                    throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Name '{host}' does not resolve {(pod is null ? "outside the cluster (only cluster FQDNs do)" : $"from pod {@namespace}/{pod}")}.");
                }
            }

            var destination = new IPEndPoint(address, port);
            var route = pod is null
                ? Cluster.KubeProxy.RouteFromOutside(OutsideClientAddress, destination)
                : Cluster.KubeProxy.RouteFromPod(pod, @namespace, destination);
            request?.Options.Set(RouteOption, route);
            return route;
        }

        public SocketsHttpHandler CreateSocketsHandler() => new()
        {
            UseProxy = false,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var route = Route(context.DnsEndPoint.Host, context.DnsEndPoint.Port, context.InitialRequestMessage);
                var target = await TargetAsync(route, cancellationToken).ConfigureAwait(false);
                if (!IPAddress.IsLoopback(target.Address))
                {
                    throw PodNetwork.Refused(target, "the loopback network mode reaches loopback addresses only");
                }

                var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    if (pod is not null)
                    {
                        socket.Bind(new IPEndPoint(Address, 0)); // the pod's own IP, as the server sees it
                    }

                    await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        /// <summary>Where the connection goes after kube-proxy: refused or hanging as kube-proxy decided.</summary>
        public static async Task<IPEndPoint> TargetAsync(KubeProxyRoute route, CancellationToken cancellationToken)
        {
            switch (route.Outcome)
            {
                case KubeProxyOutcome.Rejected:
                    throw PodNetwork.Refused(route.Destination, $"Service {route.Service} has no endpoints (kube-proxy rejects)");
                case KubeProxyOutcome.Dropped:
                    await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false); // kube-proxy drops: the client times out
                    throw new OperationCanceledException(cancellationToken);
                default:
                    return route.Backend;
            }
        }
    }

    /// <summary>The simulated network: each request is a new connection, routed and answered in memory.</summary>
    private sealed class SimulatedNetworkHandler(NetworkClient client) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
            var route = client.Route(uri.IdnHost, uri.Port, request);
            var target = await NetworkClient.TargetAsync(route, cancellationToken).ConfigureAwait(false);
            var network = client.Cluster.Network;
            if (network.Find(target.Address, target.Port) is not { } found)
            {
                throw PodNetwork.Refused(target, "no pod serves that address and port");
            }

            if (network.Faults(found.Uid).Partition == PartitionMode.Refuse)
            {
                throw PodNetwork.Refused(target, $"pod {found.Pod.Name} is partitioned");
            }

            var response = await network.AnswerAsync(found.Pod, found.Uid, found.Handler, target.Port, request, client.Address, cancellationToken).ConfigureAwait(false);
            response.Version = request.Version;
            return response;
        }
    }
}
