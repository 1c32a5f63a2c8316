using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using K8sNet.Gateway.Yaml;
using K8sNet.Testing.ApiServer;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Controllers;
using K8sNet.Testing.Dns;
using K8sNet.Testing.Network;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Sources;
using K8sNet.Testing.Store;

namespace K8sNet.Testing;

/// <summary>
/// A Kubernetes cluster inside the test process, built from real API objects and behaving as the real control plane
/// does for what touches networking: namespaces, nodes in zones, pods that get scheduled, get IPs and become Ready,
/// Services with the API server's defaulting, validation and allocation, and the controllers that react to them.
/// </summary>
/// <remarks>
/// Controllers run on <see cref="FakeClusterOptions.TimeProvider"/> (a <c>FakeTimeProvider</c> makes time explicit);
/// <see cref="WaitForIdleAsync"/> returns when every controller has processed every change. Objects handed out are
/// copies: changing them changes nothing until they are written back.
/// </remarks>
public sealed partial class FakeCluster : IAsyncDisposable
{
    private readonly Admission _admission;
    private readonly PodLifecycleController _pods;
    private readonly EndpointSliceController _endpointSlices;
    private readonly ReplicaSetController _replicaSets;
    private readonly DeploymentController _deployments;
    private readonly StatefulSetController _statefulSets;
    private readonly PolicyStatusController _policies;
    private readonly DaemonSetController _daemonSets;
    private readonly JobController _jobs;
    private readonly CronJobController _cronJobs;
    private readonly GarbageCollector _garbageCollector;
    private readonly NodeLifecycleController _nodes;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<Exception> _controllerErrors = [];
    private readonly SemaphoreSlim _apiServerGate = new(1, 1);

    /// <summary>Creates and starts a cluster.</summary>
    /// <param name="configure">Options; defaults are three nodes in three zones, simulated pod networking, 10.96.0.0/12.</param>
    public FakeCluster(Action<FakeClusterOptions>? configure = null)
    {
        Options = new FakeClusterOptions();
        configure?.Invoke(Options);
        if (Options.PodShutdownTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), Options.PodShutdownTime, "FakeClusterOptions.PodShutdownTime must not be negative.");
        }

        ValidateNetwork(Options);
        TimeProvider = Options.TimeProvider;
        Store = new ObjectStore(TimeProvider, Options.Seed);
        _admission = new Admission(Options) { CustomResourceDefinitionsNow = () => Store.Peek(ResourceType.CustomResourceDefinition, null) };
        Controllers = new ControllerManager(ex =>
        {
            lock (_controllerErrors)
            {
                _controllerErrors.Add(ex);
            }
        });
        _pods = new PodLifecycleController(this);
        _endpointSlices = new EndpointSliceController(this, new EndpointSliceReconciler(Options.MaxEndpointsPerSlice));
        _replicaSets = new ReplicaSetController(this);
        _deployments = new DeploymentController(this);
        _statefulSets = new StatefulSetController(this);
        _policies = new PolicyStatusController(this);
        _daemonSets = new DaemonSetController(this);
        _jobs = new JobController(this);
        _cronJobs = new CronJobController(this);
        Events = new EventRecorder(this);
        _garbageCollector = new GarbageCollector(this);
        _nodes = new NodeLifecycleController(this);
        Network = new PodNetwork(this);
        _loopback = Options.NetworkMode == PodNetworkMode.Loopback ? LoopbackBlock.Claim() : null;
        _subscriptions.Add(Store.Subscribe(OnDefinitionChanged));
        _subscriptions.Add(Store.Subscribe(e =>
        {
            if (e.Type == StoreEventType.Deleted)
            {
                _admission.OnDeleted(e.Resource, e.Object);
            }

            Controllers.Enqueue(() =>
            {
                _pods.Handle(e);
                _nodes.Handle(e);
                _endpointSlices.Handle(e);
                _replicaSets.Handle(e);
                _deployments.Handle(e);
                _statefulSets.Handle(e);
                _policies.Handle(e);
                _daemonSets.Handle(e);
                _jobs.Handle(e);
                _cronJobs.Handle(e);
                _garbageCollector.Handle(e);
                Network.OnPodEvent(e);
                PublishIngressStatus(e);
                ReconcileGateways(e);
            });
        }));
        Bootstrap();
    }

    private readonly Dictionary<string, JsonObject> _definitions = new(StringComparer.Ordinal);

    // A CustomResourceDefinition's kinds are served from the moment it is stored (the change is synchronous, so the
    // create's answer and the next request agree); when it is deleted, so are its objects.
    private void OnDefinitionChanged(StoreEvent e)
    {
        if (e.Resource != ResourceType.CustomResourceDefinition)
        {
            return;
        }

        lock (_definitions)
        {
            if (e.Type == StoreEventType.Deleted)
            {
                _definitions.Remove(Json.Name(e.Object));
            }
            else
            {
                _definitions[Json.Name(e.Object)] = e.Object;
            }

            Kinds.SetCustom([.. _definitions.Values.SelectMany(CustomResourceDefinitions.Types)]);
        }

        if (e.Type == StoreEventType.Deleted)
        {
            var group = Json.Str(e.Object["spec"]?["group"]);
            var kind = Json.Str(e.Object["status"]?["acceptedNames"]?["kind"]) ?? Json.Str(e.Object["spec"]?["names"]?["kind"]);
            var types = (e.Object["spec"]?["versions"] as JsonArray ?? []).Select(v => Json.Str(v?["name"])).OfType<string>()
                .Select(v => new ResourceType(group ?? string.Empty, v, kind ?? string.Empty, Json.Str(e.Object["spec"]?["names"]?["plural"]) ?? string.Empty, Json.Str(e.Object["spec"]?["scope"]) == "Namespaced"))
                .ToList();
            Controllers.Enqueue(() =>
            {
                foreach (var type in types)
                {
                    foreach (var obj in Store.Peek(type, null))
                    {
                        try
                        {
                            Store.Delete(type, Json.Namespace(obj), Json.Name(obj), gracePeriodSeconds: 0);
                        }
                        catch (KubernetesStatusException)
                        {
                        }
                    }
                }
            });
        }
    }

    /// <summary>
    /// The cluster's DNS, answering from the live state as CoreDNS's kubernetes plugin would (zone
    /// <see cref="FakeClusterOptions.ClusterDomain"/>, TTL <see cref="FakeClusterOptions.DnsTtl"/>, pod records insecure as kubeadm configures them, reverse
    /// zones in-addr.arpa and ip6.arpa, the kube-dns address as the apex NS record's glue; more by <see cref="FakeClusterOptions.ConfigureDns"/>).
    /// </summary>
    public K8sNet.Dns.ClusterDnsAnswerer Dns => field ??= new K8sNet.Dns.ClusterDnsAnswerer(new FakeClusterDnsData(this), DnsOptions());

    private K8sNet.Dns.ClusterDnsOptions DnsOptions()
    {
        var options = new K8sNet.Dns.ClusterDnsOptions { Zone = Options.ClusterDomain, Ttl = Options.DnsTtl, PodRecords = K8sNet.Dns.PodRecordMode.Insecure };
        options.NameServerAddresses.Add(IPAddress.Parse(Options.ClusterDnsIP)); // what pods' resolv.conf names
        Options.ConfigureDns?.Invoke(options);
        return options;
    }

    private readonly Lock _dnsServerGate = new();

    /// <summary>
    /// Resolves <paramref name="name"/> as a process in a pod would: through the pod's resolv.conf (its namespace's
    /// search path, ndots 5, its <c>dnsConfig</c>) and glibc's search order, against <see cref="Dns"/>.
    /// </summary>
    /// <param name="name">The name as the app writes it (<c>web</c>, <c>web.shop</c>, an FQDN...).</param>
    /// <param name="pod">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <returns>The search and the addresses found.</returns>
    /// <exception cref="KubernetesStatusException">404 when the pod does not exist.</exception>
    public PodDnsLookup ResolveFromPod(string name, string pod, string @namespace = "default")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var obj = Store.PeekOne(ResourceType.Pod, @namespace, pod) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, pod);
        return PodDns.Resolve(this, obj, name);
    }

    /// <summary>The DNS server, once <see cref="StartDnsServer"/> has started it.</summary>
    public FakeDnsServer? DnsServer { get; private set; }

    /// <summary>
    /// Serves <see cref="Dns"/> on 127.0.0.1 over UDP and TCP (a second call returns the running server; after the
    /// server has been disposed, a call starts a new one — on the same port when given it, to test clients through an
    /// outage); it stops with the cluster.
    /// </summary>
    /// <param name="port">The port; 0 (the default) picks a free one.</param>
    /// <returns>The server.</returns>
    public FakeDnsServer StartDnsServer(int port = 0)
    {
        lock (_dnsServerGate)
        {
            if (DnsServer is null || DnsServer.IsStopped)
            {
                DnsServer = FakeDnsServer.Start(this, port);
            }

            return DnsServer;
        }
    }

    /// <summary>kube-proxy, as every node runs it: where a connection to a Service address goes.</summary>
    public KubeProxy KubeProxy => field ??= new KubeProxy(this);

    /// <summary>The cluster's Services and EndpointSlices as an <see cref="IEndpointSource"/> (what <c>UseFakeCluster</c> registers).</summary>
    public FakeClusterEndpointSource EndpointSource => field ??= new FakeClusterEndpointSource(this);

    /// <summary>The options the cluster was built with.</summary>
    public FakeClusterOptions Options { get; }

    /// <summary>The clock controllers run on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The object store (JSON), for kinds without a model and for watches.</summary>
    internal ObjectStore Store { get; }

    /// <summary>Writes the Events the cluster's components write.</summary>
    internal EventRecorder Events { get; }

    /// <summary>The kinds this cluster serves: the built-in ones and those its CustomResourceDefinitions add.</summary>
    internal KindRegistry Kinds { get; } = new();

    /// <summary>Errors controllers hit (a correct cluster has none); tests may assert it is empty.</summary>
    public IReadOnlyList<Exception> ControllerErrors
    {
        get
        {
            lock (_controllerErrors)
            {
                return [.. _controllerErrors];
            }
        }
    }

    internal ControllerManager Controllers { get; }

    /// <summary>Returns when every controller has processed every change so far (and what that caused), pods' loopback listeners included.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task.</returns>
    public async Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        // Controllers start and stop pods' loopback listeners; a listener that starts makes its pod ready (controller work).
        while (true)
        {
            await Controllers.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
            await Network.WaitForIdleAsync(cancellationToken).ConfigureAwait(false);
            if (Controllers.WaitForIdleAsync(cancellationToken).IsCompleted)
            {
                return;
            }
        }
    }

    internal PodNetwork Network { get; }

    private readonly LoopbackBlock? _loopback;

    internal void ReportControllerError(Exception ex)
    {
        lock (_controllerErrors)
        {
            _controllerErrors.Add(ex);
        }
    }

    /// <summary>Creates an object of a kind with a model (a Pod, a Service, a Deployment...).</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="obj">The object.</param>
    /// <returns>The stored object, with what the API server filled in.</returns>
    /// <exception cref="KubernetesStatusException">The API server's rejection (AlreadyExists, Invalid, NotFound...).</exception>
    public T Create<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = TypeOf(obj);

        // The JSON made from the model is ours to hand over, and the stored object is only read: no copies.
        return FromJson<T>(CreateOwned(type, ToJson(obj, type)));
    }

    /// <summary>Creates an object given as JSON.</summary>
    /// <param name="type">The kind.</param>
    /// <param name="obj">The object.</param>
    /// <returns>The stored object.</returns>
    /// <param name="dryRun">Everything but the write (<c>dryRun=All</c>): admission runs and gives back what it allocated.</param>
    internal JsonObject Create(ResourceType type, JsonObject obj, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        return (JsonObject)CreateOwned(type, (JsonObject)obj.DeepClone(), dryRun).DeepClone();
    }

    /// <summary>Create for the cluster's own writes: takes <paramref name="copy"/> itself and returns the stored object (read only).</summary>
    internal JsonObject CreateOwned(ResourceType type, JsonObject copy, bool dryRun = false)
    {
        _admission.OnCreate(type, copy);
        try
        {
            var result = Store.CreateOwned(type, copy, dryRun, type == ResourceType.Job ? Admission.OnIdentity : null);
            if (dryRun)
            {
                _admission.OnDeleted(type, result); // the IPs and node ports it would take are free again
            }

            return result;
        }
        catch (KubernetesStatusException)
        {
            _admission.OnDeleted(type, copy);
            throw;
        }
    }

    /// <summary>Replaces an object (optimistic concurrency when it carries a resourceVersion).</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="obj">The object.</param>
    /// <returns>The stored object.</returns>
    public T Update<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(obj);
        var type = TypeOf(obj);
        return FromJson<T>(UpdateOwned(type, ToJson(obj, type)));
    }

    /// <summary>Replaces an object given as JSON.</summary>
    /// <param name="type">The kind.</param>
    /// <param name="obj">The object.</param>
    /// <returns>The stored object.</returns>
    /// <param name="dryRun">Everything but the write (<c>dryRun=All</c>).</param>
    internal JsonObject Update(ResourceType type, JsonObject obj, bool dryRun = false)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        return (JsonObject)UpdateOwned(type, (JsonObject)obj.DeepClone(), dryRun).DeepClone();
    }

    /// <summary>Update that takes <paramref name="copy"/> itself and returns the stored object (read only).</summary>
    private JsonObject UpdateOwned(ResourceType type, JsonObject copy, bool dryRun = false)
    {
        var current = Store.PeekOne(type, Json.Str(copy["metadata"]?["namespace"]), Json.Name(copy)) // read only: admission copies what it keeps
            ?? throw KubernetesStatusException.NotFound(type, Json.Name(copy));
        _admission.OnUpdate(type, copy, current);
        var result = Store.UpdateOwned(type, copy, dryRun);
        if (dryRun)
        {
            _admission.ReleaseNew(type, result, current);
        }

        return result;
    }

    /// <summary>An object, or <see langword="null"/> when absent.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="namespace">The namespace (ignored for cluster-scoped kinds).</param>
    /// <returns>A copy, or <see langword="null"/>.</returns>
    public T? Get<T>(string name, string? @namespace = "default")
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var json = Store.Get(TypeOf<T>(), @namespace, name);
        return json is null ? null : FromJson<T>(json);
    }

    /// <summary>Lists objects.</summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="namespace">A namespace, or <see langword="null"/> for all.</param>
    /// <param name="labelSelector">A label selector (the full grammar).</param>
    /// <param name="fieldSelector">A field selector.</param>
    /// <returns>Copies, ordered by namespace and name.</returns>
    public IReadOnlyList<T> List<T>(string? @namespace = null, string? labelSelector = null, string? fieldSelector = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        [.. Store.List(TypeOf<T>(), @namespace, LabelSelector.Parse(labelSelector), FieldSelector.Parse(fieldSelector)).Items.Select(FromJson<T>)];

    /// <summary>
    /// Deletes an object: pods gracefully (their grace period, unless given), objects with finalizers when they are
    /// cleared; dependents as <paramref name="propagation"/> says.
    /// </summary>
    /// <typeparam name="T">The model type.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="namespace">The namespace.</param>
    /// <param name="gracePeriodSeconds">For pods: the grace period; 0 deletes at once.</param>
    /// <param name="propagation">What happens to dependents. Default background.</param>
    public void Delete<T>(string name, string? @namespace = "default", long? gracePeriodSeconds = null, DeletionPropagation propagation = DeletionPropagation.Background)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        Store.Delete(TypeOf<T>(), @namespace, name, gracePeriodSeconds, propagation switch
        {
            DeletionPropagation.Foreground => "foregroundDeletion",
            DeletionPropagation.Orphan => "orphan",
            _ => null,
        });

    /// <summary>
    /// The warnings <see cref="Apply(string)"/> raised with <see cref="FakeClusterOptions.ApplyValidation"/> Warn, in
    /// the API server's words (<c>unknown field "spec.foo"</c>), oldest first.
    /// </summary>
    public IReadOnlyCollection<string> Warnings => _warnings;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _warnings = new();

    /// <summary>
    /// Creates or replaces every object of a multi-document YAML manifest (kinds with or without a model), in order,
    /// validated as the API server validates a write (<see cref="FakeClusterOptions.ApplyValidation"/>: unknown and
    /// duplicate fields refused by default). Objects without a namespace go to <c>default</c>.
    /// </summary>
    /// <param name="yaml">The manifests.</param>
    /// <returns>The stored objects.</returns>
    /// <exception cref="K8sNetFormatException">The YAML cannot be read, or a document names an unknown kind.</exception>
    /// <exception cref="KubernetesStatusException">The API server's rejection of an object.</exception>
    public IReadOnlyList<JsonObject> Apply(string yaml)
    {
        var result = new List<JsonObject>();
        foreach (var document in YamlManifest.Read(yaml))
        {
            var doc = document.Object;
            var apiVersion = Json.Str(doc["apiVersion"]);
            var kind = Json.Str(doc["kind"]);
            if (!Kinds.TryFind(apiVersion, kind, out var type))
            {
                throw new K8sNetFormatException($"{apiVersion}/{kind}", "manifest kind", "is not a kind FakeCluster serves");
            }

            // Strict by default, as kubectl apply asks the API server: a manifest that works here works against a cluster.
            K8sNet.Testing.ApiServer.FieldValidation.Check(Options.ApplyValidation.ToString(), type, doc, new K8sNet.Testing.ApiServer.BodyFindings([], document.DuplicateKeys, OfPatch: false), _warnings.Enqueue);

            var meta = ObjectStore.Metadata(doc);
            var name = Json.Str(meta["name"]);
            var existing = name is null ? null : Store.Get(type, Json.Str(meta["namespace"]), name);
            if (existing is null)
            {
                result.Add(Create(type, doc));
            }
            else
            {
                // Replace what the manifest says; keep what the server owns.
                meta["resourceVersion"] = Json.Str(existing["metadata"]?["resourceVersion"]);
                if (doc["status"] is null && existing["status"] is not null)
                {
                    doc["status"] = existing["status"]!.DeepClone();
                }

                result.Add(Update(type, doc));
            }
        }

        return result;
    }

    // The Service CIDRs parse, and the DNS Service's IP lies in one of them (what the API server would refuse later,
    // said at once and naming the option).
    private static void ValidateNetwork(FakeClusterOptions options)
    {
        if (options.ServiceCidrs.Count == 0)
        {
            throw new ArgumentException("FakeClusterOptions.ServiceCidrs is empty: give at least one, e.g. 10.96.0.0/12.");
        }

        var cidrs = new List<System.Net.IPNetwork>();
        foreach (var cidr in options.ServiceCidrs)
        {
            var slash = cidr.IndexOf('/', StringComparison.Ordinal);
            if (!System.Net.IPNetwork.TryParse(cidr, out var network)
                || !System.Net.IPAddress.TryParse(cidr.AsSpan(0, slash), out var written)
                || !written.Equals(network.BaseAddress)) // 10.96.0.1/12 has bits past its prefix: the API server refuses such a CIDR
            {
                throw new ArgumentException($"FakeClusterOptions.ServiceCidrs: '{cidr}' is not a CIDR with its network address (such as 10.96.0.0/12).");
            }

            cidrs.Add(network);
        }

        if (!System.Net.IPAddress.TryParse(options.ClusterDnsIP, out var dns) || !cidrs.Any(c => c.Contains(dns)))
        {
            throw new ArgumentException(
                $"FakeClusterOptions.ClusterDnsIP '{options.ClusterDnsIP}' is not an address in the Service CIDRs ({string.Join(", ", options.ServiceCidrs)}); " +
                "leave it unset for the tenth address of the first, as kubeadm chooses it.");
        }
    }

    /// <summary>Adds a node, Ready, in a zone, with the next pod CIDR.</summary>
    /// <param name="name">The node's name.</param>
    /// <param name="zone">Its zone (label <c>topology.kubernetes.io/zone</c>); none when <see langword="null"/>.</param>
    /// <returns>The node.</returns>
    public V1Node AddNode(string name, string? zone)
    {
        var index = Store.List(ResourceType.Node).Items.Count;
        var podCidr = _loopback?.PodCidr(index) ?? $"10.244.{index}.0/24";
        var address = _loopback?.NodeAddress(index) ?? $"172.18.0.{index + 2}";
        var labels = new JsonObject
        {
            [WellKnownLabels.Hostname] = name,
            [WellKnownLabels.OperatingSystem] = "linux",
            [WellKnownLabels.Region] = Options.Region,
        };
        if (zone is not null)
        {
            labels[WellKnownLabels.Zone] = zone;
        }

        var node = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels },
            ["spec"] = new JsonObject { ["podCIDR"] = podCidr, ["podCIDRs"] = new JsonArray(podCidr) },
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = address },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Ready",
                    ["status"] = "True",
                    ["reason"] = "KubeletReady",
                    ["message"] = "kubelet is posting ready status",
                    ["lastTransitionTime"] = ObjectStore.Timestamp(TimeProvider.GetUtcNow()),
                }),
                ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.32.0", ["operatingSystem"] = "linux", ["architecture"] = "amd64" },
            },
        };
        _pods.AddNodeRange(name, podCidr);
        return FromJson<V1Node>(Create(ResourceType.Node, node));
    }

    /// <summary>
    /// Loses a node: its kubelet stops posting status and acting (a crash or a network partition). After
    /// <see cref="FakeClusterOptions.NodeMonitorGracePeriod"/> the node turns <c>Ready=Unknown</c> and is tainted
    /// <c>node.kubernetes.io/unreachable</c>, its pods turn not Ready (their endpoints with them), and each pod is evicted
    /// when its toleration runs out (300 s by default); evicted pods stay Terminating until the node comes back or is deleted.
    /// </summary>
    /// <param name="name">The node.</param>
    /// <exception cref="KubernetesStatusException">No such node (404).</exception>
    public void LoseNode(string name)
    {
        _ = Store.Get(ResourceType.Node, null, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Node, name);
        _nodes.Lose(name);
    }

    /// <summary>Brings a lost node's kubelet back: the node is Ready again, untainted, and its pods report again.</summary>
    /// <param name="name">The node.</param>
    /// <exception cref="KubernetesStatusException">No such node (404).</exception>
    public void RestoreNode(string name)
    {
        _ = Store.Get(ResourceType.Node, null, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Node, name);
        _nodes.Restore(name);
    }

    internal bool IsKubeletDown(string node) => _nodes.IsKubeletDown(node);

    internal void ResyncPod(JsonObject pod) =>
        Controllers.Enqueue(() => _pods.Handle(new StoreEvent(StoreEventType.Modified, ResourceType.Pod, pod, pod, Store.ResourceVersion)));

    /// <summary>The loopback API server, once started (<see cref="StartApiServerAsync"/>).</summary>
    public FakeApiServer? ApiServer { get; private set; }

    /// <summary>
    /// Starts the cluster's Kubernetes API on 127.0.0.1 (a second call returns the running server). It stops with the
    /// cluster.
    /// </summary>
    /// <param name="port">The port; 0 (the default) picks a free one.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The server, answering requests.</returns>
    public async Task<FakeApiServer> StartApiServerAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        await _apiServerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ApiServer is { IsRunning: true } running)
            {
                return running;
            }

            var server = ApiServer ?? new FakeApiServer(this);
            await server.StartAsync(port == 0 && ApiServer is not null ? server.Port : port, cancellationToken).ConfigureAwait(false);
            ApiServer = server;
            return server;
        }
        finally
        {
            _apiServerGate.Release();
        }
    }

    /// <summary>
    /// A KubernetesClient for the cluster's API server (which must be started), with its token and trusting its CA when
    /// they are on.
    /// </summary>
    /// <returns>The client; dispose it when done.</returns>
    /// <exception cref="InvalidOperationException">The API server is not running.</exception>
    public IKubernetes CreateKubernetesClient()
    {
        var server = RunningApiServer();
        var config = new KubernetesClientConfiguration { Host = server.BaseAddress.ToString(), AccessToken = Options.ApiServerToken };
        if (server.CertificateAuthority is { } ca)
        {
            config.SslCaCerts = [System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.RawData)];
        }

        return new k8s.Kubernetes(config);
    }

    /// <summary>
    /// Writes a kubeconfig for the cluster's API server (context and cluster <c>k8snet-fake</c>, namespace
    /// <c>default</c>; with TLS the CA as <c>certificate-authority-data</c>, the token as the user's, a placeholder said to be one without),
    /// for kubectl (<c>--kubeconfig</c>) or <c>KubernetesClientConfiguration.BuildConfigFromConfigFile</c>. On Unix the
    /// file is readable by its owner only (0600, as kubectl writes its own), since it may hold the token.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <exception cref="InvalidOperationException">The API server is not running.</exception>
    public void WriteKubeconfig(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var running = RunningApiServer();
        var server = running.BaseAddress.ToString().TrimEnd('/');
        var authority = running.CertificateAuthority is { } ca
            ? $"\n    certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()))}"
            : string.Empty;
        // KubernetesClient reads a kubeconfig only when its user has a credential: without a token the file says that the
        // one it holds is a placeholder, not a sign that the server checks anything.
        var user = Options.ApiServerToken is { } token
            ? $"\n    token: {token}"
            : "\n    # This cluster checks no credentials: anyone who can reach it can read and write. The token below is a\n    # placeholder (KubernetesClient reads a kubeconfig only when its user has a credential).\n    token: unchecked";
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: k8snet-fake
              cluster:
                server: {server}{authority}
            users:
            - name: k8snet-fake
              user:{user}
            contexts:
            - name: k8snet-fake
              context:
                cluster: k8snet-fake
                user: k8snet-fake
                namespace: default
            current-context: k8snet-fake

            """;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new StreamWriter(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            file.Write(text);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an existing file keeps its mode otherwise
        }
    }

    private FakeApiServer RunningApiServer() =>
        ApiServer is { IsRunning: true } server ? server : throw new InvalidOperationException("The API server is not running: call StartApiServerAsync() first.");

    /// <summary>Whether a node exists and reports Ready.</summary>
    /// <param name="name">The node.</param>
    /// <returns><see langword="true"/> when Ready.</returns>
    public bool IsNodeReady(string name) =>
        (Store.PeekOne(ResourceType.Node, null, name)?["status"]?["conditions"] as JsonArray ?? [])
            .OfType<JsonObject>().Any(c => Json.Str(c["type"]) == "Ready" && Json.Str(c["status"]) == "True");

    /// <summary>
    /// Makes a pod's containers ready or not ready (a readiness probe starting to fail or succeed); the kubelet keeps it so
    /// until changed again.
    /// </summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="ready">The readiness to report.</param>
    public void SetPodReady(string name, string @namespace, bool ready)
    {
        var pod = Store.Get(ResourceType.Pod, @namespace, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, name);
        _pods.SetReadiness(Json.Uid(pod), ready);
        ResyncPod(pod);
    }

    /// <summary>
    /// Ends a pod's containers now with <paramref name="exitCode"/>, as a process that exits: a pod that runs to
    /// completion (restartPolicy OnFailure or Never) turns Succeeded on 0 and Failed otherwise — but with OnFailure a
    /// failed container is restarted in place — and a pod with restartPolicy Always has its containers restarted.
    /// Pods that run to completion end by themselves after <see cref="FakeClusterOptions.RunToCompletionTime"/>.
    /// </summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="exitCode">The containers' exit code.</param>
    /// <exception cref="KubernetesStatusException">404 when there is no such pod.</exception>
    public void ExitPod(string name, string @namespace = "default", int exitCode = 0)
    {
        var pod = Store.Get(ResourceType.Pod, @namespace, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, name);
        _pods.Exit(Json.Uid(pod), @namespace, name, exitCode);
    }

    /// <summary>Sets a condition in a pod's status (for readiness gates).</summary>
    /// <param name="name">The pod.</param>
    /// <param name="namespace">Its namespace.</param>
    /// <param name="conditionType">The condition, e.g. a readiness gate's <c>conditionType</c>.</param>
    /// <param name="status">Its status.</param>
    public void SetPodCondition(string name, string @namespace, string conditionType, bool status)
    {
        var pod = Store.Get(ResourceType.Pod, @namespace, name) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, name);
        var conditions = Json.Arr(Json.Obj(pod, "status"), "conditions");
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == conditionType);
        if (existing is null)
        {
            conditions.Add(new JsonObject { ["type"] = conditionType, ["status"] = status ? "True" : "False", ["lastTransitionTime"] = ObjectStore.Timestamp(TimeProvider.GetUtcNow()) });
        }
        else
        {
            existing["status"] = status ? "True" : "False";
        }

        Store.Update(ResourceType.Pod, pod);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (ApiServer is { } server)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        if (DnsServer is { } dns)
        {
            await dns.DisposeAsync().ConfigureAwait(false);
        }

        IngressListener[] listeners;
        lock (_ingressGate)
        {
            listeners = [.. _ingressListeners, .. _gatewayListeners.Values];
            _ingressListeners.Clear();
            _gatewayListeners.Clear();
            _listenersClosed = true; // a Gateway exposed from now on is closed at once
        }

        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        _apiServerGate.Dispose();
        foreach (var s in _subscriptions)
        {
            s.Dispose();
        }

        await Controllers.DisposeAsync().ConfigureAwait(false);
        Events.Dispose();
        _cronJobs.Dispose();
        await Network.DisposeAsync().ConfigureAwait(false);
        _loopback?.Dispose();
        _nodes.Dispose();
    }

    internal static ResourceType TypeOf<T>() => ModelType<T>.Type.Value;

    // A model type's kind, read from its KubernetesEntity attribute once (reading an attribute builds it anew each time).
    private static class ModelType<T>
    {
        public static readonly Lazy<ResourceType> Type = new(FindType<T>);
    }

    private static ResourceType FindType<T>()
    {
        var attribute = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{typeof(T).Name} is not a Kubernetes model type.", nameof(T));
        var apiVersion = string.IsNullOrEmpty(attribute.Group) ? attribute.ApiVersion : $"{attribute.Group}/{attribute.ApiVersion}";
        return ResourceType.TryFind(apiVersion, attribute.Kind, out var type)
            ? type
            : throw new ArgumentException($"FakeCluster does not serve {apiVersion}/{attribute.Kind}.", nameof(T));
    }

    private static ResourceType TypeOf<T>(T obj)
        where T : IKubernetesObject =>
        !string.IsNullOrEmpty(obj.Kind) && ResourceType.TryFind(obj.ApiVersion, obj.Kind, out var type) ? type : TypeOf<T>();

    private static JsonObject ToJson<T>(T obj, ResourceType type)
    {
        var json = (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(obj))!;
        json["apiVersion"] = type.ApiVersion;
        json["kind"] = type.Kind;
        return json;
    }

    private static T FromJson<T>(JsonObject json) => KubernetesJson.Deserialize<T>(json);

    private void Bootstrap()
    {
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            Create(ResourceType.Namespace, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        for (var i = 0; i < Options.Nodes; i++)
        {
            AddNode($"node-{i + 1}", Options.Zones.Count == 0 ? null : Options.Zones[i % Options.Zones.Count]);
        }

        Create(ResourceType.Service, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["namespace"] = "default", ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" } },
            ["spec"] = new JsonObject
            {
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["targetPort"] = 6443 }),
            },
        });
        Create(ResourceType.Service, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kube-dns", ["namespace"] = "kube-system", ["labels"] = new JsonObject { ["k8s-app"] = "kube-dns" } },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["k8s-app"] = "kube-dns" },
                ["clusterIP"] = Options.ClusterDnsIP,
                ["ports"] = new JsonArray(
                    new JsonObject { ["name"] = "dns", ["port"] = 53, ["protocol"] = "UDP", ["targetPort"] = 53 },
                    new JsonObject { ["name"] = "dns-tcp", ["port"] = 53, ["protocol"] = "TCP", ["targetPort"] = 53 },
                    new JsonObject { ["name"] = "metrics", ["port"] = 9153, ["protocol"] = "TCP", ["targetPort"] = 9153 }),
            },
        });
    }
}
