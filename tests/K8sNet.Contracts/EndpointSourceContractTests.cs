using System.Collections.Immutable;

namespace K8sNet.Contracts;

/// <summary>
/// The behaviour every <see cref="IEndpointSource"/> must have. A test class per implementation inherits it and says
/// how to create the source and how to change what it reads (the Kubernetes API, DNS, a FakeCluster, memory).
/// </summary>
public abstract class EndpointSourceContractTests
{
    /// <summary>How long to wait for a change to show.</summary>
    protected virtual TimeSpan Patience => TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the source shows a Service that has no endpoints as existing. DNS cannot: a headless Service without
    /// ready endpoints is NXDOMAIN, as a missing one is. Tests then give the Service an endpoint before expecting it.
    /// </summary>
    protected virtual bool ShowsServicesWithoutEndpoints => true;

    /// <summary>
    /// Whether the source reports a Service's own port numbers. DNS cannot for a headless Service: its SRV records
    /// carry the endpoints' ports, which the source reports instead.
    /// </summary>
    protected virtual bool ShowsServicePortNumbers => true;

    /// <summary>Creates the source under test (and whatever backs it).</summary>
    protected abstract Task<IEndpointSource> CreateSourceAsync();

    /// <summary>Creates or replaces a Service in the backend.</summary>
    protected abstract Task ApplyServiceAsync(ServiceName service, ServiceSpecInfo spec);

    /// <summary>Deletes a Service (and its slices) in the backend.</summary>
    protected abstract Task DeleteServiceAsync(ServiceName service);

    /// <summary>Creates or replaces a slice of a Service in the backend.</summary>
    protected abstract Task ApplySliceAsync(ServiceName service, EndpointSliceInfo slice);

    /// <summary>Deletes a slice of a Service in the backend.</summary>
    protected abstract Task DeleteSliceAsync(ServiceName service, string sliceName);

    /// <summary>A fresh Service name for a test (sources may share a backend across tests).</summary>
    protected virtual ServiceName NewService() => new("contract", "svc-" + Guid.NewGuid().ToString("N")[..12]);

    protected static ServiceSpecInfo Spec(params int[] ports) => new()
    {
        ClusterIPs = ["10.96.0.50"],
        Ports = [.. ports.Select(p => new ServicePortInfo($"p{p}", p, TargetPort.FromNumber(p + 1000)))],
    };

    protected static EndpointSliceInfo Slice(string name, int port, params string[] ips) => new(
        name,
        AddressType.IPv4,
        [new EndpointPort($"p{port}", port + 1000)],
        [.. ips.Select(ip => new Endpoint(ip, EndpointConditions.ReadyEndpoint))]);

    [Fact]
    public async Task GetAsync_UnknownService_IsSyncedAndAbsent()
    {
        var source = await CreateSourceAsync();

        var state = await source.GetAsync(NewService());

        Assert.True(state.IsSynced);
        Assert.False(state.Exists);
        Assert.Empty(state.Slices);
    }

    [Fact]
    public async Task GetAsync_ServiceWithSlices_ReturnsSpecAndSlices()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        await ApplyServiceAsync(svc, Spec(80));
        await ApplySliceAsync(svc, Slice("s1", 80, "10.244.0.1", "10.244.0.2"));

        var state = await EventuallyAsync(source, svc, s => s.Exists && Addresses(s).Length == 2);

        Assert.Equal(svc, state.Service);
        Assert.Equal(ShowsServicePortNumbers ? 80 : 1080, Assert.Single(state.Spec!.Ports).Port);
        Assert.Equal<string>(["10.244.0.1", "10.244.0.2"], Addresses(state).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WatchAsync_FirstStateIsTheCurrentOne()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        await ApplyServiceAsync(svc, Spec(80));
        await ShowAsync(svc);
        await EventuallyAsync(source, svc, s => s.Exists);
        using var cts = new CancellationTokenSource(Patience);

        await using var e = source.WatchAsync(svc, cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await e.MoveNextAsync());
        Assert.True(e.Current.Exists);
    }

    [Fact]
    public async Task WatchAsync_SeesSlicesAddedReplacedAndRemoved_WithGrowingVersions()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        await ApplyServiceAsync(svc, Spec(80));
        using var cts = new CancellationTokenSource(Patience);
        var seen = new List<ServiceState>();
        var watch = Task.Run(async () =>
        {
            await foreach (var state in source.WatchAsync(svc, cts.Token))
            {
                lock (seen)
                {
                    seen.Add(state);
                }
            }
        });

        // Each step waits until the watcher has seen it: a reader that falls behind may skip states (newest wins).
        await SeenAsync(seen, s => s.Exists || !ShowsServicesWithoutEndpoints);
        await ApplySliceAsync(svc, Slice("s1", 80, "10.244.0.1"));
        await SeenAsync(seen, s => Addresses(s).Contains("10.244.0.1"));
        await ApplySliceAsync(svc, Slice("s1", 80, "10.244.0.9"));
        await SeenAsync(seen, s => Addresses(s).Contains("10.244.0.9") && !Addresses(s).Contains("10.244.0.1"));
        await DeleteSliceAsync(svc, "s1");
        await SeenAsync(seen, s => (ShowsServicesWithoutEndpoints ? s.Exists && s.Slices.Count == 0 : Addresses(s).Length == 0) && s.Version > 1);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watch);

        lock (seen)
        {
            for (var i = 1; i < seen.Count; i++)
            {
                Assert.True(seen[i].Version > seen[i - 1].Version, "versions must grow");
            }
        }
    }

    [Fact]
    public async Task WatchAsync_SlowReader_SeesTheNewestState()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        await ApplyServiceAsync(svc, Spec(80));
        await ShowAsync(svc);
        await EventuallyAsync(source, svc, s => s.Exists);
        using var cts = new CancellationTokenSource(Patience);
        await using var e = source.WatchAsync(svc, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await e.MoveNextAsync());

        for (var i = 1; i <= 20; i++)
        {
            await ApplySliceAsync(svc, Slice("s1", 80, $"10.244.1.{i}"));
        }

        ServiceState last;
        do
        {
            Assert.True(await e.MoveNextAsync());
            last = e.Current;
        }
        while (!Addresses(last).Contains("10.244.1.20"));

        Assert.Equal<string>(["10.244.1.20"], Addresses(last));
    }

    [Fact]
    public async Task WatchAsync_TwoWatchers_BothSeeAChange()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        await ApplyServiceAsync(svc, Spec(80));
        using var cts = new CancellationTokenSource(Patience);

        var a = WaitForAsync(source, svc, s => Addresses(s).Contains("10.244.2.1"), cts.Token);
        var b = WaitForAsync(source, svc, s => Addresses(s).Contains("10.244.2.1"), cts.Token);
        await ApplySliceAsync(svc, Slice("s1", 80, "10.244.2.1"));

        await Task.WhenAll(a, b).WaitAsync(Patience);
    }

    [Fact]
    public async Task WatchAsync_ServiceDeleted_EndsAbsent()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        await ApplyServiceAsync(svc, Spec(80));
        await ApplySliceAsync(svc, Slice("s1", 80, "10.244.3.1"));
        await EventuallyAsync(source, svc, s => s.Exists && Addresses(s).Length == 1);

        await DeleteServiceAsync(svc);

        var state = await EventuallyAsync(source, svc, s => !s.Exists);
        Assert.False(state.Exists);
    }

    [Fact]
    public async Task WatchAsync_Cancelled_Ends()
    {
        var source = await CreateSourceAsync();
        var svc = NewService();
        using var cts = new CancellationTokenSource();
        var enumerator = source.WatchAsync(svc, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await enumerator.MoveNextAsync());

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await enumerator.MoveNextAsync());
        await enumerator.DisposeAsync();
    }

    // Where a Service without endpoints does not show, gives it one so that it does.
    private async Task ShowAsync(ServiceName svc)
    {
        if (!ShowsServicesWithoutEndpoints)
        {
            await ApplySliceAsync(svc, Slice("s1", 80, "10.244.9.9"));
        }
    }

    private async Task SeenAsync(List<ServiceState> seen, Func<ServiceState, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        while (true)
        {
            lock (seen)
            {
                if (seen.Count > 0 && condition(seen[^1]))
                {
                    return;
                }
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, "the watcher did not see the change in time");
            await Task.Delay(10);
        }
    }

    protected static ImmutableArray<string> Addresses(ServiceState state) =>
        [.. state.Slices.Values.SelectMany(s => s.Endpoints).Select(e => e.Address)];

    protected async Task<ServiceState> EventuallyAsync(IEndpointSource source, ServiceName svc, Func<ServiceState, bool> condition)
    {
        using var cts = new CancellationTokenSource(Patience);
        return await WaitForAsync(source, svc, condition, cts.Token);
    }

    private static async Task<ServiceState> WaitForAsync(IEndpointSource source, ServiceName svc, Func<ServiceState, bool> condition, CancellationToken cancellationToken)
    {
        await foreach (var state in source.WatchAsync(svc, cancellationToken))
        {
            if (condition(state))
            {
                return state;
            }
        }

        throw new InvalidOperationException("The watch ended before the condition held.");
    }
}
