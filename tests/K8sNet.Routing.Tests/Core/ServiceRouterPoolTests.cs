using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Dns;
using K8sNet.Routing;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Routing.Tests.Core;

/// <summary>The Service-following core: routers shared per profile and Service, let go when idle, leases that inform all three.</summary>
public sealed class ServiceRouterPoolTests
{
    private static readonly ServiceName Orders = new("shop", "orders");
    private static readonly ServicePortKey Http = new("http", TransportProtocol.Tcp);

    [Fact]
    public async Task GetRouter_SameProfileAndService_SharesOneRouter_AnotherProfileGetsItsOwn()
    {
        await using var f = new PoolFixture();

        var a = f.Pool.GetRouter(Orders, f.Profile);
        var b = f.Pool.GetRouter(Orders, f.Profile);
        var other = f.Pool.GetRouter(Orders, new RoutingProfile("other", t => K8sNetLoadBalancers.Create(LoadBalancingPolicy.RoundRobin, t)));

        Assert.Same(a, b);
        Assert.NotSame(a, other);
        Assert.Equal(2, f.Pool.Count);
    }

    [Fact]
    public async Task IdleRouter_IsLetGoAfterItsIdleTimeout_ItsWatchStops_AndTheNextUseFollowsAgain()
    {
        await using var f = new PoolFixture();
        f.SetOrders("10.244.1.5");
        var router = f.Pool.GetRouter(Orders, f.Profile);
        await router.GetStateAsync(TimeSpan.FromSeconds(5));
        router.Pick(router.GetSet(Http)).Complete(EndpointOutcome.Success);
        await f.Source.WaitForWatchersAsync(1);

        f.Time.Advance(TimeSpan.FromSeconds(30)); // a check: it was used since the last
        Assert.True(router.IsActive);
        f.Time.Advance(TimeSpan.FromSeconds(30)); // unused since
        Assert.True(router.IsActive);
        f.Time.Advance(TimeSpan.FromSeconds(30)); // two checks in a row without use

        Assert.False(router.IsActive);
        Assert.Equal(0, f.Pool.Count);
        await f.Source.WaitForWatchersAsync(0);
        var again = f.Pool.GetRouter(Orders, f.Profile);
        Assert.NotSame(router, again);
        Assert.True((await again.GetStateAsync(TimeSpan.FromSeconds(5)))!.Exists);
    }

    [Fact]
    public async Task RouterInUse_IsKept()
    {
        await using var f = new PoolFixture();
        f.SetOrders("10.244.1.5");
        var router = f.Pool.GetRouter(Orders, f.Profile);
        await router.GetStateAsync(TimeSpan.FromSeconds(5));

        for (var i = 0; i < 10; i++)
        {
            router.Pick(router.GetSet(Http)).Complete(EndpointOutcome.Success);
            f.Time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.True(router.IsActive);
        Assert.Same(router, f.Pool.GetRouter(Orders, f.Profile));
    }

    [Fact]
    public async Task SubscribedRouter_IsNeverLetGo_AndHearsEachChange_UntilUnsubscribed()
    {
        await using var f = new PoolFixture();
        f.SetOrders("10.244.1.5");
        var router = f.Pool.GetRouter(Orders, f.Profile);
        await router.GetStateAsync(TimeSpan.FromSeconds(5));
        var heard = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(router.TrySubscribe(r => { if (r.GetSet(Http).Count == 2) heard.TrySetResult(2); }, out var subscription));

        f.Time.Advance(TimeSpan.FromMinutes(10));
        f.SetOrders("10.244.1.5", "10.244.1.6");

        Assert.Equal(2, await heard.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(router.IsActive);
        subscription.Dispose();
        f.Time.Advance(TimeSpan.FromSeconds(30));
        f.Time.Advance(TimeSpan.FromSeconds(30));
        f.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(router.IsActive);
        Assert.False(router.TrySubscribe(_ => { }, out _));
    }

    [Fact]
    public async Task FindAsync_FindsWhatExists_AndFollowsWhatDoesNot()
    {
        await using var f = new PoolFixture();
        f.Source.Set(new ServiceName("shop", "orders"), Spec(), Slice("10.244.1.5"));
        var uris = new ServiceUriResolver(ClientContext.Create("web"), new ServiceUriOptions { AllowedNamespaces = { "shop" } });

        var found = await f.Pool.FindAsync(uris.Resolve(new Uri("http://orders.shop/")), f.Profile, TimeSpan.FromSeconds(5));
        var missing = await f.Pool.FindAsync(uris.Resolve(new Uri("http://nope.shop/")), f.Profile, TimeSpan.FromSeconds(5));

        Assert.Equal(ServiceLookupStatus.Found, found.Status);
        Assert.Equal(Orders, found.Router.Service);
        Assert.Equal(ServiceLookupStatus.NotFound, missing.Status);
        Assert.Equal(new ServiceName("shop", "nope"), missing.Router.Service); // followed: it may appear
    }

    [Fact]
    public async Task OneCompletion_InformsThePolicy_OutlierDetection_AndTheMetrics()
    {
        await using var f = new PoolFixture(o => o.ConsecutiveFailures = 3);
        using var collector = new MetricCollector<long>(f.Meters, "K8sNet.Routing", "k8snet.routing.requests");
        f.SetOrders("10.244.1.5", "10.244.1.6");
        var router = f.Pool.GetRouter(Orders, f.Profile);
        await router.GetStateAsync(TimeSpan.FromSeconds(5));
        var set = router.GetSet(Http);
        var bad = set.Eligible[0];

        for (var i = 0; i < 3; i++)
        {
            var lease = router.Pick(new EndpointSet(set.Service, set.Port, set.Version, set.All, [bad], set.Status), scope: set);
            Assert.Same(bad, lease.Endpoint);
            Assert.Equal(1, bad.Stats.Outstanding);
            lease.Complete(EndpointOutcome.ConnectFailure);
            Assert.Equal(0, bad.Stats.Outstanding); // the policy heard
        }

        Assert.True(bad.Stats.IsEjected); // outlier detection heard
        Assert.Equal(3, collector.GetMeasurementSnapshot().Count(m => (string?)m.Tags["error.type"] == "connect_failure")); // the metrics heard
    }

    [Fact]
    public async Task Cancel_GivesThePickBack_WithoutAnOutcome()
    {
        await using var f = new PoolFixture(o => o.ConsecutiveFailures = 1);
        using var collector = new MetricCollector<long>(f.Meters, "K8sNet.Routing", "k8snet.routing.requests");
        f.SetOrders("10.244.1.5");
        var router = f.Pool.GetRouter(Orders, f.Profile);
        await router.GetStateAsync(TimeSpan.FromSeconds(5));

        var lease = router.Pick(router.GetSet(Http));
        lease.Cancel();

        Assert.Equal(0, lease.Endpoint!.Stats.Outstanding);
        Assert.False(lease.Endpoint.Stats.IsEjected);
        Assert.Empty(collector.GetMeasurementSnapshot());
    }

    /// <summary>However many names are asked for, only those used within the last idle timeout and a half are followed.</summary>
    [Property(MaxTest = 40)]
    public Property ManyDistinctNames_MemoryStaysBounded() =>
        Prop.ForAll(
            Arb.From(Gen.ListOf(Gen.Choose(0, 2_000)).Select(l => l.ToArray())),
            names =>
            {
                using var f = new PoolFixture();
                var lastUse = new Dictionary<int, TimeSpan>();
                var now = TimeSpan.Zero;
                foreach (var n in names)
                {
                    var router = f.Pool.GetRouter(new ServiceName("shop", $"s{n}"), f.Profile);

                    // The router's watch applies its first state on a pool thread, and FakeTimeProvider runs due timers on
                    // whichever thread reads the clock: wait for it, so every idle check runs inside Advance below.
                    Assert.NotNull(router.GetStateAsync(Timeout.InfiniteTimeSpan).AsTask().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult());
                    router.Pick(EndpointSet.Empty(default, default, 0, EndpointSetStatus.NoEndpoints));
                    lastUse[n] = now;
                    f.Time.Advance(TimeSpan.FromSeconds(7));
                    now += TimeSpan.FromSeconds(7);
                    var recent = lastUse.Count(kv => now - kv.Value < TimeSpan.FromSeconds(90 + 7));
                    if (f.Pool.Count > recent)
                    {
                        return false;
                    }
                }

                return true;
            });

    private static ServiceSpecInfo Spec() => new() { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))] };

    private static EndpointSliceInfo Slice(params string[] ips) =>
        new("orders-a", AddressType.IPv4, [new EndpointPort("http", 8080)], [.. ips.Select(ip => new Endpoint(ip, EndpointConditions.ReadyEndpoint))]);

    [Fact]
    public async Task CaptureDiagnostics_CountsEachEndpointsPicks_AllTimeAndRecent()
    {
        await using var f = new PoolFixture();
        var started = f.Time.GetUtcNow();
        f.SetOrders("10.244.1.5", "10.244.1.6");
        var router = f.Pool.GetRouter(Orders, f.Profile);
        await router.GetStateAsync(TimeSpan.FromSeconds(5));
        var set = router.GetSet(Http);
        var first = set.Eligible[0];
        void PickFirst(int n)
        {
            for (var i = 0; i < n; i++)
            {
                router.Pick(set, excluded: [set.Eligible[1]]).Complete(EndpointOutcome.Success); // the other endpoint is avoided
            }
        }

        PickFirst(10);
        var one = f.Pool.CaptureDiagnostics();
        PickFirst(5);
        f.Time.Advance(TimeSpan.FromSeconds(61));
        var two = f.Pool.CaptureDiagnostics();

        // The first snapshot counts from when routing started; the next, a minute later, from the first.
        Assert.Equal(started, one.RecentSince);
        var port = Assert.Single(Assert.Single(one.Services).Ports);
        Assert.Equal((10, 10), (port.Picks, port.RecentPicks));
        Assert.Equal(one.TakenAt, two.RecentSince);
        port = Assert.Single(Assert.Single(two.Services).Ports);
        Assert.Equal((15, 5), (port.Picks, port.RecentPicks));
        var e = Assert.Single(port.Endpoints, e => e.Address == first.Address.ToString());
        Assert.Equal((15, 1.0, 5, 1.0), (e.Picks, e.Share, e.RecentPicks, e.RecentShare));
        Assert.Equal("test", Assert.Single(two.Services).Client);
        Assert.Null(Assert.Single(two.Services).PickedBy);
        Assert.Contains("policy PowerOfTwoChoices", two.ToText(), StringComparison.Ordinal);
    }

    private sealed class PoolFixture : IAsyncDisposable, IDisposable
    {
        public PoolFixture(Action<OutlierDetectionOptions>? outliers = null)
        {
            var detection = new OutlierDetectionOptions();
            outliers?.Invoke(detection);
            Profile = new RoutingProfile("test", t => K8sNetLoadBalancers.Create(LoadBalancingPolicy.PowerOfTwoChoices, t), detection) { IdleTimeout = TimeSpan.FromMinutes(1) };
            Pool = new ServiceRouterPool([Source], ClientTopology.Unknown, Time, meterFactory: Meters);
        }

        public CountingSource Source { get; } = new();

        public FakeTimeProvider Time { get; } = new();

        public TestMeterFactory Meters { get; } = new();

        public RoutingProfile Profile { get; }

        public ServiceRouterPool Pool { get; }

        public void SetOrders(params string[] ips) => Source.Set(Orders, Spec(), Slice(ips));

        public async ValueTask DisposeAsync()
        {
            await Pool.DisposeAsync();
            Meters.Dispose();
        }

        public void Dispose()
        {
            Pool.Dispose();
            Meters.Dispose();
        }
    }

    /// <summary>An in-memory source that counts its open watches.</summary>
    private sealed class CountingSource : IEndpointSource
    {
        private readonly InMemoryEndpointSource _inner = new();
        private int _watchers;

        public void Set(ServiceName service, ServiceSpecInfo spec, params EndpointSliceInfo[] slices) => _inner.Set(service, spec, slices);

        public ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default) => _inner.GetAsync(service, cancellationToken);

        public async IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _watchers);
            try
            {
                await foreach (var state in _inner.WatchAsync(service, cancellationToken))
                {
                    yield return state;
                }
            }
            finally
            {
                Interlocked.Decrement(ref _watchers);
            }
        }

        public async Task WaitForWatchersAsync(int count)
        {
            for (var i = 0; i < 500 && Volatile.Read(ref _watchers) != count; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal(count, Volatile.Read(ref _watchers));
        }
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, this);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            lock (_meters)
            {
                foreach (var m in _meters)
                {
                    m.Dispose();
                }

                _meters.Clear();
            }
        }
    }
}
