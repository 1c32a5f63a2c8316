using k8s.Models;
using K8sNet.Kubernetes;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace K8sNet.Kubernetes.Tests;

/// <summary>
/// The Kubernetes source over FakeCluster's API server and the real KubernetesClient: after each kind of fault it
/// converges on the cluster's truth, never publishing an empty Service on the way.
/// </summary>
public sealed class ConvergenceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly ServiceName Web = new("default", "web");

    private readonly FakeCluster _cluster = new(o => o.Nodes = 2);
    private FakeApiServer _server = null!;
    private KubernetesEndpointSource _source = null!;
    private readonly List<ServiceState> _published = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _recorder = Task.CompletedTask;
    private bool _emptyAllowed;

    internal static KubernetesEndpointSourceOptions Fast() => new()
    {
        IdleTimeout = TimeSpan.FromSeconds(1),
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(400),
        SyncTimeout = TimeSpan.FromSeconds(5),
        RequestTimeout = TimeSpan.FromSeconds(5), // a request lost on a loaded machine is retried within the tests' patience
    };

    public async Task InitializeAsync()
    {
        _server = await _cluster.StartApiServerAsync();
        _server.BookmarkInterval = TimeSpan.FromMilliseconds(300); // keeps healthy idle watches under the 1 s watchdog
        _cluster.Create(Service("web"));
        for (var i = 0; i < 3; i++)
        {
            _cluster.Create(Pod($"web-{i}"));
        }

        await _cluster.WaitForIdleAsync();
        _source = new KubernetesEndpointSource(_cluster.CreateKubernetesClient(), Fast());
        await ConvergedAsync();
        await WaitUntilAsync(() => _server.OpenWatches == 2); // the slices' and the Service's
        _recorder = Task.Run(async () =>
        {
            try
            {
                await foreach (var state in _source.WatchAsync(Web, _stop.Token))
                {
                    lock (_published)
                    {
                        _published.Add(state);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _recorder;
        lock (_published)
        {
            // Fail-static: the Service had endpoints throughout every test; no published state may lack them.
            if (!_emptyAllowed)
            {
                Assert.All(_published, s => Assert.NotEmpty(Addresses(s)));
            }
        }

        await _source.DisposeAsync();
        Assert.Empty(_server.UnhandledExceptions);
        await _cluster.DisposeAsync();
        _stop.Dispose();
    }

    internal static V1Service Service(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = name }, Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
    };

    internal static V1Pod Pod(string name, string app = "web") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = app } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "example/web:1.0" }] },
    };

    internal static string[] Addresses(ServiceState state) =>
        [.. state.Slices.Values.SelectMany(s => s.Endpoints).Select(e => e.Addresses[0]).Order(StringComparer.Ordinal)];

    internal static string[] Truth(FakeCluster cluster, string service = "web") =>
        [.. cluster.List<V1EndpointSlice>("default", $"kubernetes.io/service-name={service}").SelectMany(s => s.Endpoints ?? []).Select(e => e.Addresses[0]).Order(StringComparer.Ordinal)];

    /// <summary>Waits until the source's state for the Service equals the cluster's slices (and the Service exists).</summary>
    internal static async Task<ServiceState> ConvergedAsync(KubernetesEndpointSource source, FakeCluster cluster, ServiceName service, FakeApiServer? server = null)
    {
        await cluster.WaitForIdleAsync();
        using var cts = new CancellationTokenSource(Patience);
        ServiceState? last = null;
        try
        {
            await foreach (var state in source.WatchAsync(service, cts.Token))
            {
                last = state;
                if (state.Exists && Addresses(state).SequenceEqual(Truth(cluster, service.Name)))
                {
                    return state;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"did not converge: source has [{string.Join(", ", last is null ? [] : Addresses(last))}], cluster has [{string.Join(", ", Truth(cluster, service.Name))}]; status: {string.Join("; ", source.GetSyncStatus())}; the server's last requests: {(server is null ? "-" : string.Join(", ", server.Requests.TakeLast(12).Select(r => $"{r.ReceivedAt:HH:mm:ss.fff} {r.Method} {r.Path}?{r.Query} {r.StatusCode}")))}");
    }

    private Task<ServiceState> ConvergedAsync() => ConvergedAsync(_source, _cluster, Web, _server);

    private long Relists => _source.GetSyncStatus().Single(s => s.Service == Web).Relists;

    [Fact]
    public async Task FirstSync_ListsOncePerKind()
    {
        var state = await _source.GetAsync(Web);
        Assert.True(state.IsSynced);
        Assert.Equal(3, Addresses(state).Length);
        Assert.Equal(2, Relists); // the initial list of the slices and of the Service
    }

    [Fact]
    public async Task DroppedWatches_ResumeFromTheirVersion_WithoutARelist()
    {
        _server.DropWatches();
        _cluster.Create(Pod("web-3"));

        var state = await ConvergedAsync();

        Assert.Equal(4, Addresses(state).Length);
        Assert.Equal(2, Relists);
        await WaitUntilAsync(() => _source.GetSyncStatus().Single().WatchRestarts >= 2); // both watches came back
    }

    [Fact]
    public async Task ExpiredMidWatch_RelistsAndConverges()
    {
        _server.SilenceWatches();         // the source stops advancing its versions...
        _cluster.Create(Pod("web-3"));
        _cluster.Delete<V1Pod>("web-0", gracePeriodSeconds: 0);
        await _cluster.WaitForIdleAsync();
        _server.ExpireResourceVersions(); // ...compaction makes them too old...
        _server.DropWatches();            // ...so their resumption is answered 410 Expired

        var state = await ConvergedAsync();

        Assert.Equal(3, Addresses(state).Length);
        Assert.True(Relists > 2, $"relists: {Relists}");
    }

    [Fact]
    public async Task ServerDown_ServesTheLastState_ThenCatchesUpOnWhatChangedMeanwhile()
    {
        var before = Addresses(await _source.GetAsync(Web));
        await _server.StopAsync();
        _cluster.Create(Pod("web-3"));
        _cluster.Delete<V1Pod>("web-1", gracePeriodSeconds: 0);
        await _cluster.WaitForIdleAsync();

        // Fail-static while down, and said so.
        await WaitUntilAsync(() => !_source.GetSyncStatus().Single().Connected);
        Assert.Equal(before, Addresses(await _source.GetAsync(Web)));
        var health = await new KubernetesEndpointSourceHealthCheck(_source).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, health.Status);

        await _cluster.StartApiServerAsync();
        var state = await ConvergedAsync();

        Assert.Equal(3, Addresses(state).Length);
        await WaitUntilAsync(() => _source.GetSyncStatus().Single().Connected);
        Assert.Equal(HealthStatus.Healthy, (await new KubernetesEndpointSourceHealthCheck(_source).CheckHealthAsync(new HealthCheckContext())).Status);
    }

    [Fact]
    public async Task ServerErrorsForAWhile_BackOffAndConverge()
    {
        using (_server.FailRequests(503, count: 6))
        {
            _server.DropWatches();
            _cluster.Create(Pod("web-3"));
            await ConvergedAsync();
        }

        Assert.Contains(_server.Requests, r => r.StatusCode == 503);
    }

    [Fact]
    public async Task TooManyRequests_HonoursRetryAfter()
    {
        using (_server.FailRequests(429, count: 1, retryAfter: TimeSpan.FromSeconds(1)))
        {
            _server.DropWatches();
            _cluster.Create(Pod("web-3"));
            await ConvergedAsync();
        }

        // A request is logged when answered (a watch when it ends): end the open ones, then find the retry.
        ApiRequestRecord? refused = null, next = null;
        await WaitUntilAsync(() => _server.Requests.Any(r => r.StatusCode == 429));
        await WaitUntilAsync(() =>
        {
            var requests = _server.Requests;
            refused = requests.First(r => r.StatusCode == 429);
            next = requests.SkipWhile(r => !ReferenceEquals(r, refused)).Skip(1)
                .FirstOrDefault(r => r.Path == refused.Path && r.Query.Contains(HttpQuery(refused), StringComparison.Ordinal));
            if (next is null)
            {
                _server.DropWatches(); // the retry may still be an open watch: end it so it is logged
            }

            return next is not null;
        });
        Assert.True(next!.ReceivedAt - refused!.ReceivedAt >= TimeSpan.FromMilliseconds(950), $"retried after {(next.ReceivedAt - refused.ReceivedAt).TotalMilliseconds} ms");
    }

    private static string HttpQuery(ApiRequestRecord r) => r.Query.Contains("labelSelector", StringComparison.Ordinal) ? "labelSelector" : "fieldSelector";

    [Fact]
    public async Task SlowServer_Converges()
    {
        _server.Latency = TimeSpan.FromMilliseconds(300);
        _server.DropWatches();
        _cluster.Create(Pod("web-3"));

        Assert.Equal(4, Addresses(await ConvergedAsync()).Length);
    }

    [Fact]
    public async Task SilentWatch_IsReplacedByTheWatchdog()
    {
        _server.SilenceWatches(); // connected, but nothing more arrives: not even bookmarks
        _cluster.Create(Pod("web-3"));

        Assert.Equal(4, Addresses(await ConvergedAsync()).Length);
        Assert.Equal(2, Relists); // resumed from the last version, no relist
    }

    [Fact]
    public async Task ServiceDeleted_IsAbsent_RecreatedIsBack()
    {
        _cluster.Delete<V1Service>("web");
        await _cluster.WaitForIdleAsync();
        using (var cts = new CancellationTokenSource(Patience))
        {
            await foreach (var state in _source.WatchAsync(Web, cts.Token))
            {
                if (!state.Exists)
                {
                    break;
                }
            }
        }

        _cluster.Create(Service("web"));
        Assert.Equal(3, Addresses(await ConvergedAsync()).Length);
        _emptyAllowed = true; // the deletion legitimately emptied the Service
    }

    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met in time");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }
    }
}
