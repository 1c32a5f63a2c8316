using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Dns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Dns.Tests.Srv;

/// <summary>
/// <see cref="DnsEndpointSource"/> against a FakeCluster's DNS server on loopback, with real controllers: pods that come
/// and go behind a headless Service, Services with a cluster IP and ExternalName, TTLs with their floor and ceiling,
/// failures (the last good state kept, an NXDOMAIN not kept past its bound), registration.
/// </summary>
public sealed class DnsEndpointSourceTests : IAsyncLifetime
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: default}
        spec:
          clusterIP: None
          selector: {app: db}
          ports:
            - {name: http, port: 80, targetPort: web}
            - {name: metrics, port: 9090, targetPort: 9090}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: default}
        spec:
          selector: {app: db}
          ports:
            - {name: http, port: 80, targetPort: web}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext, namespace: default}
        spec: {type: ExternalName, externalName: api.example.com}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: db, namespace: default}
        spec:
          replicas: 3
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers:
                - name: db
                  image: db:1
                  ports: [{name: web, containerPort: 8080}]
        """;

    private static readonly ServiceName Db = new("default", "db");
    private FakeCluster _cluster = null!;
    private FakeDnsServer _server = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster(o => o.DnsTtl = 1);
        _cluster.Apply(Manifest);
        await _cluster.WaitForIdleAsync();
        _server = _cluster.StartDnsServer();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    // Released each time a refresh loop starts waiting on the fake clock (DnsEndpointSource.RefreshParked).
    private static SemaphoreSlim Parking(DnsEndpointSource source)
    {
        var parked = new SemaphoreSlim(0);
        source.RefreshParked += _ => parked.Release();
        return parked;
    }

    private DnsEndpointOptions Options(Action<DnsEndpointOptions>? configure = null)
    {
        var o = new DnsEndpointOptions { Servers = { _server.EndPoint }, MinTtl = TimeSpan.FromMilliseconds(50), MaxFailureTtl = TimeSpan.FromMilliseconds(200) };
        o.PortNames.Add("metrics");
        configure?.Invoke(o);
        return o;
    }

    private List<string> PodIps() => [.. _cluster.List<V1Pod>("default", "app=db").Where(p => p.Status?.PodIP is not null).Select(p => p.Status.PodIP).Order(StringComparer.Ordinal)];

    private static List<string> Addresses(ServiceState s) => [.. s.Slices.Values.SelectMany(x => x.Endpoints).Select(e => e.Address).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task GetAsync_HeadlessService_GivesReadyPodsWithNamedPodPorts()
    {
        await using var source = new DnsEndpointSource(Options());

        var state = await source.GetAsync(Db);

        Assert.True(state.Exists);
        Assert.Equal(3, PodIps().Count);
        Assert.Equal(PodIps(), Addresses(state));
        Assert.Equal([ServiceSpecInfo.ClusterIPNone], state.Spec!.ClusterIPs.ToArray());
        var slice = Assert.Single(state.Slices.Values);
        Assert.Equal(AddressType.IPv4, slice.AddressType);
        Assert.Equal([("http", 8080), ("metrics", 9090)], slice.Ports.Select(p => (p.Name, p.Port!.Value)).ToArray());
        Assert.Equal([("http", 8080), ("metrics", 9090)], state.Spec.Ports.Select(p => (p.Name, p.Port)).ToArray());
        Assert.All(slice.Endpoints, e => Assert.True(e.Conditions.Ready));
    }

    [Fact]
    public async Task Telemetry_QueriesByTypeAndCode_TtlsKept_AndALookupSpanNamingTheService()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();
        var spans = new ConcurrentQueue<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == DnsTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(activities);
        await using var source = new DnsEndpointSource(Options(), meterFactory: meters);

        await source.GetAsync(Db);
        await source.GetAsync(new ServiceName("default", "nope"));

        Assert.Contains(measurements, m => m.Name == "k8snet.dns.queries" && (string?)m.Tags["k8snet.dns.record_type"] == "SRV" && (string?)m.Tags["k8snet.dns.rcode"] == "NoError");
        Assert.Contains(measurements, m => m.Name == "k8snet.dns.queries" && (string?)m.Tags["k8snet.dns.rcode"] == "NotExistentDomain");
        Assert.Contains(measurements, m => m.Name == "k8snet.dns.ttl" && (string?)m.Tags["k8snet.dns.result"] == "found" && m.Value == 1); // the cluster's TTL of 1 s, above the floor
        Assert.Contains(measurements, m => m.Name == "k8snet.dns.ttl" && (string?)m.Tags["k8snet.dns.result"] == "absent");
        Assert.All(measurements, m => Assert.DoesNotContain(m.Tags.Values, v => v is string text && (text.Contains("db", StringComparison.Ordinal) || text.Contains("10.", StringComparison.Ordinal))));
        Assert.Contains(spans, a => a.OperationName == "K8sNet.Dns.Lookup" && (string?)a.GetTagItem("k8snet.service.name") == "db" && (string?)a.GetTagItem("k8snet.dns.result") == "found");
        Assert.Contains(spans, a => a.OperationName == "K8sNet.Dns.Lookup" && (string?)a.GetTagItem("k8snet.service.name") == "nope" && (string?)a.GetTagItem("k8snet.dns.result") == "absent");
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            result[t.Key] = t.Value;
        }

        return result;
    }

    [Fact]
    public async Task GetAsync_PortNameNotAsked_KnowsThePortByNumberOnly()
    {
        await using var source = new DnsEndpointSource(Options(o => o.PortNames.Clear()));

        var state = await source.GetAsync(Db);

        Assert.Equal([(null, 8080), (null, 9090)], Assert.Single(state.Slices.Values).Ports.Select(p => (p.Name, p.Port!.Value)).ToArray());
    }

    [Fact]
    public async Task WatchAsync_PodsComeAndGo_FollowsThem()
    {
        await using var source = new DnsEndpointSource(Options());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var watch = source.WatchAsync(Db, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(3, Addresses(watch.Current).Count);

        _cluster.Apply(Manifest.Replace("replicas: 3", "replicas: 5", StringComparison.Ordinal));
        await _cluster.WaitForIdleAsync();
        var five = await NextAsync(watch, s => Addresses(s).Count == 5);
        Assert.Equal(PodIps(), Addresses(five));

        var victim = _cluster.List<V1Pod>("default", "app=db")[0];
        _cluster.Delete<V1Pod>(victim.Name(), gracePeriodSeconds: 0);
        await _cluster.WaitForIdleAsync();
        var replaced = await NextAsync(watch, s => !Addresses(s).Contains(victim.Status.PodIP) && Addresses(s).Count == 5);
        Assert.Equal(PodIps(), Addresses(replaced));

        _cluster.SetPodReady(_cluster.List<V1Pod>("default", "app=db")[0].Name(), "default", ready: false);
        await _cluster.WaitForIdleAsync();
        await NextAsync(watch, s => Addresses(s).Count == 4); // DNS shows ready endpoints only
    }

    [Fact]
    public async Task GetAsync_ServiceWithClusterIP_GivesTheClusterIPAtTheServicePort()
    {
        await using var source = new DnsEndpointSource(Options());

        var state = await source.GetAsync(new ServiceName("default", "web"));

        var ip = _cluster.Get<V1Service>("web")!.Spec.ClusterIP;
        Assert.Equal([ip], state.Spec!.ClusterIPs.ToArray());
        Assert.Equal(("http", 80), (Assert.Single(state.Spec.Ports).Name, state.Spec.Ports[0].Port));
        var endpoint = Assert.Single(Assert.Single(state.Slices.Values).Endpoints);
        Assert.Equal(ip, endpoint.Address);
        Assert.Equal(80, Assert.Single(state.Slices.Values).Ports.Single().Port);
    }

    [Fact]
    public async Task GetAsync_ExternalName_GivesTheTargetAndNoEndpoints()
    {
        await using var source = new DnsEndpointSource(Options());

        var state = await source.GetAsync(new ServiceName("default", "ext"));

        Assert.Equal(ServiceType.ExternalName, state.Spec!.Type);
        Assert.Equal("api.example.com", state.Spec.ExternalName);
        Assert.Empty(state.Slices);
    }

    [Fact]
    public async Task GetAsync_UnknownServiceOrNamespace_IsAbsent()
    {
        await using var source = new DnsEndpointSource(Options());

        Assert.False((await source.GetAsync(new ServiceName("default", "nope"))).Exists);
        Assert.False((await source.GetAsync(new ServiceName("nowhere", "db"))).Exists);
    }

    [Fact]
    public async Task WatchAsync_TtlBelowTheCeiling_QueriesAgainOnlyWhenItRunsOut()
    {
        await using var cluster = new FakeCluster(o => o.DnsTtl = 60);
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        var server = cluster.StartDnsServer();
        var time = new FakeTimeProvider();
        await using var source = new DnsEndpointSource(new DnsEndpointOptions { Servers = { server.EndPoint }, MaxTtl = TimeSpan.FromSeconds(10) }, time);
        var parked = Parking(source);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var watch = source.WatchAsync(Db, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.True(await parked.WaitAsync(TimeSpan.FromSeconds(20))); // the refresh loop waits on its TTL: the clock may move
        var perRound = server.Queries; // SRV, A, AAAA and a SRV per port name
        Assert.True(perRound >= 3, $"one round asks at least 3 queries, saw {perRound}");

        time.Advance(TimeSpan.FromSeconds(9.9));
        await Task.Delay(300);
        Assert.Equal(perRound, server.Queries); // TTL 60 s capped at 10 s: not yet

        time.Advance(TimeSpan.FromSeconds(0.2));
        await EventuallyAsync(() => server.Queries >= 2 * perRound);
    }

    [Fact]
    public async Task WatchAsync_TtlZero_WaitsTheFloor()
    {
        await using var cluster = new FakeCluster(o => o.DnsTtl = 0);
        cluster.Apply(Manifest);
        await cluster.WaitForIdleAsync();
        var server = cluster.StartDnsServer();
        var time = new FakeTimeProvider();
        await using var source = new DnsEndpointSource(new DnsEndpointOptions { Servers = { server.EndPoint }, MinTtl = TimeSpan.FromSeconds(3) }, time);
        var parked = Parking(source);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var watch = source.WatchAsync(Db, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        var perRound = server.Queries;

        Assert.True(await parked.WaitAsync(TimeSpan.FromSeconds(20)));
        time.Advance(TimeSpan.FromSeconds(2.9));
        await Task.Delay(300);
        Assert.Equal(perRound, server.Queries);

        time.Advance(TimeSpan.FromSeconds(0.2));
        await EventuallyAsync(() => server.Queries >= 2 * perRound);
    }

    [Fact]
    public async Task WatchAsync_NxDomain_IsNotKeptPastMaxFailureTtl()
    {
        // A headless Service whose only pod is unready is NXDOMAIN (SOA negative TTL 5 s); the bound is 1 s.
        _cluster.Apply(Manifest.Replace("replicas: 3", "replicas: 1", StringComparison.Ordinal));
        await _cluster.WaitForIdleAsync();
        var pod = _cluster.List<V1Pod>("default", "app=db").Single(p => p.Metadata.DeletionTimestamp is null);
        _cluster.SetPodReady(pod.Name(), "default", ready: false);
        await _cluster.WaitForIdleAsync();
        var time = new FakeTimeProvider();
        await using var source = new DnsEndpointSource(Options(o => o.MaxFailureTtl = TimeSpan.FromSeconds(1)), time);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var watch = source.WatchAsync(Db, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        Assert.False(watch.Current.Exists);

        _cluster.SetPodReady(pod.Name(), "default", ready: true);
        await _cluster.WaitForIdleAsync();
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(200);
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([pod.Status.PodIP], Addresses(watch.Current));
    }

    [Fact]
    public async Task WatchAsync_ServerDown_KeepsTheLastStateAndRecovers()
    {
        await using var source = new DnsEndpointSource(Options());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var watch = source.WatchAsync(Db, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await watch.MoveNextAsync());
        var before = watch.Current;
        var port = _server.EndPoint.Port;

        await _server.DisposeAsync();
        var next = watch.MoveNextAsync().AsTask();
        await Task.Delay(1500); // several failed rounds

        Assert.False(next.IsCompleted, "a failure must not publish a state");
        Assert.Same(before, await source.GetAsync(Db));
        _cluster.Apply(Manifest.Replace("replicas: 3", "replicas: 4", StringComparison.Ordinal));
        await _cluster.WaitForIdleAsync();
        _cluster.StartDnsServer(port);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)));
        await NextAsync(watch, s => Addresses(s).Count == 4, first: true);
    }

    [Fact]
    public async Task GetAsync_NoServerAnswers_ThrowsSayingWhatWasAsked()
    {
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never read: queries time out
        var endpoint = (IPEndPoint)closed.LocalEndPoint!;
        await using var source = new DnsEndpointSource(new DnsEndpointOptions
        {
            Servers = { endpoint },
            QueryTimeout = TimeSpan.FromMilliseconds(100),
            QueryRetries = 0,
            SyncTimeout = TimeSpan.FromMilliseconds(600),
        });

        var e = await Assert.ThrowsAnyAsync<EndpointSourceException>(async () => await source.GetAsync(Db));

        Assert.Equal(Db, e.Service);
        Assert.Contains("db.default.svc.cluster.local.", e.Message, StringComparison.Ordinal);
        Assert.Contains(endpoint.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckHealth_HealthyWhenAnswered_UnhealthyWhenAServiceWasNeverAnswered()
    {
        await using var answered = new DnsEndpointSource(Options());
        await answered.GetAsync(Db);
        using var closed = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never read: queries time out
        await using var silent = new DnsEndpointSource(new DnsEndpointOptions
        {
            Servers = { (IPEndPoint)closed.LocalEndPoint! },
            QueryTimeout = TimeSpan.FromMilliseconds(100),
            QueryRetries = 0,
            SyncTimeout = TimeSpan.FromMilliseconds(600),
        });
        await Assert.ThrowsAnyAsync<EndpointSourceException>(async () => await silent.GetAsync(Db));

        var healthy = answered.CheckHealth();
        var unhealthy = silent.CheckHealth();

        Assert.Equal((EndpointSourceHealthStatus.Healthy, "1 Service(s) answered", "answered"), (healthy.Status, healthy.Description, healthy.Data["default/db"]));
        Assert.Equal(EndpointSourceHealthStatus.Unhealthy, unhealthy.Status);
        Assert.StartsWith("1 of 1 Service(s) never answered: default/db: ", unhealthy.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_AreRejectedNamingTheField()
    {
        var ttl = Assert.Throws<ArgumentOutOfRangeException>(() => new DnsEndpointSource(new DnsEndpointOptions { MinTtl = TimeSpan.FromSeconds(5), MaxTtl = TimeSpan.FromSeconds(1) }));
        Assert.Contains("DnsEndpointOptions.MaxTtl", ttl.Message, StringComparison.Ordinal);

        var options = new DnsEndpointOptions();
        options.PortNames.Add("Not_A_Port");
        var name = Assert.Throws<KubernetesNameException>(() => new DnsEndpointSource(options));
        Assert.Contains("DnsEndpointOptions.PortNames", name.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDnsEndpoints_RegistersTheSource_WithTheClientContextsDomain()
    {
        var services = new ServiceCollection();
        services.AddK8sNet()
            .AddClientContext(o => o.ClusterDomain = "cluster.local")
            .AddDnsEndpoints(o => o.Servers.Add(_server.EndPoint));
        await using var provider = services.BuildServiceProvider();

        var source = provider.GetRequiredService<IEndpointSource>();

        Assert.IsType<DnsEndpointSource>(source);
        Assert.Same(source, provider.GetRequiredService<DnsEndpointSource>());
        Assert.Equal(3, Addresses(await source.GetAsync(Db)).Count);
    }

    private static async Task<ServiceState> NextAsync(IAsyncEnumerator<ServiceState> watch, Func<ServiceState, bool> condition, bool first = false)
    {
        if (first && condition(watch.Current))
        {
            return watch.Current;
        }

        while (await watch.MoveNextAsync())
        {
            if (condition(watch.Current))
            {
                return watch.Current;
            }
        }

        throw new InvalidOperationException("The watch ended.");
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25);
        }

        Assert.True(condition());
    }
}
