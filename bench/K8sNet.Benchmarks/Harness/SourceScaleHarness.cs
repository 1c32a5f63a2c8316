using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Kubernetes;
using K8sNet.Testing;
using K8sNet.Testing.Store;

namespace K8sNet.Benchmarks.Harness;

/// <summary>
/// What <see cref="KubernetesEndpointSource"/> holds and costs at scale, against FakeCluster's API server in the same
/// process: the managed memory it retains for one Service of 10,000 endpoints (100 slices of 100), and one process
/// following 1,000 Services (10 endpoints each) in each <see cref="WatchScope"/>: time until all are synced, open
/// watches, memory retained, and one change's time to reach its Service's watcher.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/K8sNet.Benchmarks -- source-scale</c></remarks>
internal static class SourceScaleHarness
{
    public static async Task<int> RunAsync()
    {
        await MemoryPerTenThousandEndpointsAsync();
        await FollowServicesAsync(WatchScope.Namespace);
        await FollowServicesAsync(WatchScope.Service);
        return 0;
    }

    private static async Task MemoryPerTenThousandEndpointsAsync()
    {
        await using var cluster = new FakeCluster(o => o.Nodes = 1);
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        cluster.Create(ResourceType.Service, Service("big"));
        for (var s = 0; s < 100; s++)
        {
            cluster.Create(ResourceType.EndpointSlice, Slice("big", s, 100));
        }

        // Warm the client's code paths on another Service, then measure the difference one synced Service makes.
        cluster.Create(ResourceType.Service, Service("warm"));
        cluster.Create(ResourceType.EndpointSlice, Slice("warm", 0, 10));
        var warm = new KubernetesEndpointSource(client);
        await warm.GetAsync(new ServiceName("default", "warm"));
        await warm.GetAsync(new ServiceName("default", "big")); // the server's cached bytes for the slices exist from here on
        await warm.DisposeAsync();

        // Held by the source: retained after it synced the Service, minus retained before (the server's caches for
        // the slices already exist; the list's transient objects are collected).
        await using var source = new KubernetesEndpointSource(client);
        await source.GetAsync(new ServiceName("default", "warm"));
        var before = Retained();
        var state = await source.GetAsync(new ServiceName("default", "big"));
        var after = Retained();
        var endpoints = state.Slices.Values.Sum(s => s.Endpoints.Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory held by the source for one Service of {endpoints:N0} endpoints ({state.Slices.Count} slices): {(after - before) / 1024.0 / 1024.0:F2} MiB ({(after - before) / (double)endpoints:F0} B per endpoint)"));
        GC.KeepAlive(state);
    }

    private static async Task FollowServicesAsync(WatchScope scope)
    {
        const int services = 1_000;
        await using var cluster = new FakeCluster(o => o.Nodes = 1);
        var server = await cluster.StartApiServerAsync();
        for (var i = 0; i < services; i++)
        {
            cluster.Create(ResourceType.Service, Service($"svc-{i}"));
            cluster.Create(ResourceType.EndpointSlice, Slice($"svc-{i}", 0, 10));
        }

        using var client = cluster.CreateKubernetesClient();
        var started = Stopwatch.GetTimestamp();
        var source = new KubernetesEndpointSource(client, new KubernetesEndpointSourceOptions { Scope = scope, SyncTimeout = TimeSpan.FromMinutes(5) });
        await Task.WhenAll(Enumerable.Range(0, services).Select(async i => await source.GetAsync(new ServiceName("default", $"svc-{i}"))));
        var synced = Stopwatch.GetElapsedTime(started);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (server.OpenWatches < source.Informers().Count() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        // One change, timed to its Service's watcher.
        var target = new ServiceName("default", "svc-500");
        using var stop = new CancellationTokenSource();
        var seen = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var s in source.WatchAsync(target, stop.Token))
                {
                    if (s.Slices.Values.Sum(x => x.Endpoints.Length) == 11)
                    {
                        seen.TrySetResult(Stopwatch.GetTimestamp());
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var write = Stopwatch.GetTimestamp();
        cluster.Update(ResourceType.EndpointSlice, Slice("svc-500", 0, 11));
        var at = await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await watcher;
        var informers = source.Informers().Count();
        var watches = server.OpenWatches;
        var with = Retained();
        await source.DisposeAsync();
        source = null;
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System); // the server's watch handlers finish
        var without = Retained();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{services:N0} Services, scope {scope}: synced in {synced.TotalMilliseconds:F0} ms; {informers:N0} informers, {watches:N0} open watches; " +
            $"{(with - without) / 1024.0 / 1024.0:F1} MiB held by the source, its connections and the server's watches; one change reached its watcher in {Stopwatch.GetElapsedTime(write, at).TotalMilliseconds:F2} ms"));
    }

    private static long Retained()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static JsonObject Service(string name) =>
        (JsonObject)JsonNode.Parse($$$"""{"metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}]}}""")!;

    private static JsonObject Slice(string service, int index, int endpoints)
    {
        var list = new JsonArray();
        for (var e = 0; e < endpoints; e++)
        {
            list.Add(new JsonObject
            {
                ["addresses"] = new JsonArray(JsonValue.Create($"10.{index % 200}.{e / 250}.{(e % 250) + 1}")),
                ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
                ["nodeName"] = "node-1",
                ["zone"] = "zone-a",
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = "default", ["name"] = $"{service}-{index}-{e}", ["uid"] = Guid.NewGuid().ToString() },
            });
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{service}-{index}",
                ["namespace"] = "default",
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service },
            },
            ["addressType"] = "IPv4",
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080, ["protocol"] = "TCP" }),
            ["endpoints"] = list,
        };
    }
}
