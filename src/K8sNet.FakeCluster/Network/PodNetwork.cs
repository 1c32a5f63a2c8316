using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Network;

/// <summary>
/// Which pods serve HTTP, with what handler and on which ports; the faults set on them; how a request that reached a
/// pod is answered. In the loopback network mode it also keeps a real listener on each serving pod's IP.
/// </summary>
internal sealed class PodNetwork : IAsyncDisposable
{
    public const string PodHeader = "K8sNet-Pod";
    public const string PodIPHeader = "K8sNet-Pod-IP";
    public const string NodeHeader = "K8sNet-Node";

    private readonly FakeCluster _cluster;
    private readonly Lock _gate = new();
    private readonly List<Registration> _registrations = [];
    private readonly ConcurrentDictionary<string, PodFaults> _faults = new(StringComparer.Ordinal);
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly PodListeners? _listeners;
    private readonly Registration _echo; // pods of echo images, on the ports no registration takes

    public PodNetwork(FakeCluster cluster)
    {
        _cluster = cluster;
        _echo = new Registration(this, string.Empty, LabelSelector.Everything, null, (request, ct) =>
        {
            cluster.RecordEcho(request);
            return EchoBackend.AnswerAsync(request, ct);
        }, PodHttpProtocol.Http1, null);
        _random = new Random(cluster.Options.Seed + 1);
        _listeners = cluster.Options.NetworkMode == PodNetworkMode.Loopback ? new PodListeners(this) : null;
    }

    public FakeCluster Cluster => _cluster;

    public IDisposable Serve(string @namespace, LabelSelector selector, int? port, PodRequestHandler handler, PodHttpProtocol protocol, PodApp? app = null)
    {
        var registration = new Registration(this, @namespace, selector, port, handler, protocol, app);
        lock (_gate)
        {
            _registrations.Add(registration);
        }

        ReconcileAll();
        return registration;
    }

    public void OnPodEvent(StoreEvent e)
    {
        if (e.Resource == ResourceType.Pod)
        {
            _listeners?.Reconcile(e.Type == StoreEventType.Deleted ? null : e.Object, e.OldObject ?? e.Object);
        }
    }

    /// <summary>
    /// Whether the pod's app has started: always in the simulated mode and for pods no registration serves; in the
    /// loopback mode, once its listener has started (a readiness probe would fail before), or while it is partitioned.
    /// </summary>
    public bool HasStartedServing(JsonObject pod) =>
        _listeners is null || Served(pod) is null || _listeners.HasStarted(Json.Uid(pod)) || _faults.GetValueOrDefault(Json.Uid(pod))?.Partition == PartitionMode.Refuse;

    public Task WaitForIdleAsync(CancellationToken cancellationToken) => _listeners?.WaitForIdleAsync(cancellationToken) ?? Task.CompletedTask;

    public PodFaults Faults(string uid) => _faults.GetOrAdd(uid, static _ => new PodFaults());

    public void SetFaults(JsonObject pod, Action<PodFaults> change)
    {
        change(Faults(Json.Uid(pod)));
        _listeners?.Reconcile(pod, pod);
    }

    public void ClearFaults(JsonObject pod)
    {
        _faults.TryRemove(Json.Uid(pod), out _);
        _listeners?.Reconcile(pod, pod);
    }

    /// <summary>The pod at <paramref name="address"/> serving <paramref name="port"/>, if any, and how.</summary>
    public (PodInfo Pod, string Uid, PodRequestHandler Handler)? Find(IPAddress address, int port)
    {
        var text = address.ToString();
        foreach (var pod in _cluster.Store.Peek(ResourceType.Pod, null))
        {
            if (Json.Str(pod["status"]?["podIP"]) == text && Served(pod) is { } served && served.Ports.Contains(port))
            {
                return (served.Pod, Json.Uid(pod), served.Handlers[served.Ports.IndexOf(port)].Handler);
            }
        }

        return null;
    }

    /// <summary>Whether and where the pod serves: running with an IP and matched by a registration (the newest wins per port).</summary>
    public (PodInfo Pod, List<int> Ports, List<Registration> Handlers)? Served(JsonObject pod)
    {
        if (Json.Str(pod["status"]?["phase"]) != "Running" || Json.Str(pod["status"]?["podIP"]) is not { } ip
            || !IPAddress.TryParse(ip, out var address) || Json.Str(pod["spec"]?["nodeName"]) is not { } node)
        {
            return null;
        }

        var ns = Json.Namespace(pod);
        var labels = Json.StringMap(pod["metadata"]?["labels"]);
        var ports = new List<int>();
        var handlers = new List<Registration>();
        lock (_gate)
        {
            for (var i = _registrations.Count - 1; i >= 0; i--)
            {
                var r = _registrations[i];
                if (r.Namespace != ns || !r.Selector.Matches(labels))
                {
                    continue;
                }

                foreach (var port in r.Port is { } p ? [p] : DeclaredPorts(pod))
                {
                    if (!ports.Contains(port))
                    {
                        ports.Add(port);
                        handlers.Add(r);
                    }
                }
            }
        }

        foreach (var port in EchoBackend.Ports(pod))
        {
            if (!ports.Contains(port))
            {
                ports.Add(port);
                handlers.Add(_echo);
            }
        }

        return ports.Count == 0 ? null : (new PodInfo(ns, Json.Name(pod), node, address), ports, handlers);
    }

    /// <summary>Answers a request that reached a pod: the pod's faults, its handler, the headers that name it.</summary>
    public async Task<HttpResponseMessage> AnswerAsync(PodInfo pod, string uid, PodRequestHandler handler, int port, HttpRequestMessage request, IPAddress? client, CancellationToken cancellationToken)
    {
        var faults = _faults.GetValueOrDefault(uid);
        if (faults is { Partition: PartitionMode.Drop })
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        if (faults is { Latency: var latency } && latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, TimeProvider.System, cancellationToken).ConfigureAwait(false); // network time is real time
        }

        HttpResponseMessage response;
        if (faults is not null && ShouldFail(faults))
        {
            response = new HttpResponseMessage((HttpStatusCode)faults.FailureStatus)
            {
                Content = new StringContent($"injected failure from pod {pod.Name}\n"),
            };
        }
        else
        {
            response = await handler(new PodRequest(request, pod, port, client, _cluster), cancellationToken).ConfigureAwait(false);
        }

        response.Headers.Remove(PodHeader);
        response.Headers.TryAddWithoutValidation(PodHeader, pod.Namespace + "/" + pod.Name);
        response.Headers.Remove(PodIPHeader);
        response.Headers.TryAddWithoutValidation(PodIPHeader, pod.Address.ToString());
        response.Headers.Remove(NodeHeader);
        response.Headers.TryAddWithoutValidation(NodeHeader, pod.Node);
        response.RequestMessage ??= request;
        return response;
    }

    /// <summary>The answer of a pod served without a handler of its own: who served, what was asked.</summary>
    public static Task<HttpResponseMessage> DefaultHandlerAsync(PodRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(string.Create(
                CultureInfo.InvariantCulture,
                $"pod {request.Pod.Name} ({request.Pod.Address}) on node {request.Pod.Node}: {request.Message.Method} {request.Message.RequestUri?.PathAndQuery} from {request.ClientAddress?.ToString() ?? "?"}\n")),
        });

    public static HttpRequestException Refused(IPEndPoint endPoint, string why) =>
        new(HttpRequestError.ConnectionError, $"Connection refused ({endPoint}): {why}.", new SocketException((int)SocketError.ConnectionRefused));

    public async ValueTask DisposeAsync()
    {
        if (_listeners is not null)
        {
            await _listeners.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ReconcileAll()
    {
        if (_listeners is null)
        {
            return;
        }

        foreach (var pod in _cluster.Store.Peek(ResourceType.Pod, null))
        {
            _listeners.Reconcile(pod, pod);
        }
    }

    public bool ShouldFail(PodFaults faults) => faults.FailureShare > 0 && NextDouble() < faults.FailureShare;

    private double NextDouble()
    {
        lock (_randomGate)
        {
            return _random.NextDouble();
        }
    }

    private static IEnumerable<int> DeclaredPorts(JsonObject pod) =>
        from c in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>()
        from p in (c["ports"] as JsonArray ?? []).OfType<JsonObject>()
        where (Json.Str(p["protocol"]) ?? "TCP") == "TCP" && Json.Num(p["containerPort"]) is > 0 and <= 65535
        select (int)Json.Num(p["containerPort"])!.Value;

    internal sealed class Registration(PodNetwork owner, string @namespace, LabelSelector selector, int? port, PodRequestHandler handler, PodHttpProtocol protocol, PodApp? app) : IDisposable
    {
        public PodHttpProtocol Protocol { get; } = protocol;

        /// <summary>An ASP.NET Core app the pod runs on this port instead of <see cref="Handler"/> (loopback mode).</summary>
        public PodApp? App { get; } = app;

        public string Namespace { get; } = @namespace;

        public LabelSelector Selector { get; } = selector;

        public int? Port { get; } = port;

        public PodRequestHandler Handler { get; } = handler;

        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._registrations.Remove(this);
            }

            owner.ReconcileAll();
        }
    }
}

/// <summary>An ASP.NET Core app pods run: its services and its pipeline.</summary>
internal sealed record PodApp(Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder> ConfigureServices, Action<Microsoft.AspNetCore.Builder.WebApplication> ConfigureApp);

/// <summary>The faults set on one pod.</summary>
internal sealed class PodFaults
{
    public PartitionMode? Partition { get; set; }

    public TimeSpan Latency { get; set; }

    public double FailureShare { get; set; }

    public int FailureStatus { get; set; } = 503;
}
