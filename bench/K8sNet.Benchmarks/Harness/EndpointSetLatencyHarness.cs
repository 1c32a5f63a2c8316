using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Kubernetes;
using K8sNet.Routing;
using K8sNet.Testing;
using K8sNet.Testing.Store;

namespace K8sNet.Benchmarks.Harness;

/// <summary>
/// DESIGN.md's budget "watch event → new EndpointSet via fake API server + KubernetesClient, p99 ≤ 5 ms": a store
/// write of one EndpointSlice (100 endpoints; one endpoint's readiness flips each time) → the fake API server's watch →
/// KubernetesClient → <see cref="KubernetesEndpointSource"/> → <see cref="EndpointSetBuilder"/>, one event at a time
/// (closed loop), timed with <see cref="Stopwatch"/>.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/K8sNet.Benchmarks -- endpointset-latency [events] [warm-up]</c> (defaults 10,000 and 1,000).</remarks>
internal static class EndpointSetLatencyHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var warmUp = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;

        await using var cluster = new FakeCluster(o => o.Nodes = 1);
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        cluster.Create(ResourceType.Service, (JsonObject)JsonNode.Parse("""{"metadata":{"name":"probe","namespace":"default"},"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}]}}""")!);
        cluster.Create(ResourceType.EndpointSlice, Slice(0));
        await using var source = new KubernetesEndpointSource(client);
        var service = new ServiceName("default", "probe");
        var builder = new EndpointSetBuilder(service, ClientTopology.Unknown);

        var built = new System.Collections.Concurrent.BlockingCollection<(string? Version, long At)>();
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var state in source.WatchAsync(service, stop.Token))
                {
                    builder.Update(state);
                    built.Add((state.Slices.GetValueOrDefault("probe-1")?.ResourceVersion, Stopwatch.GetTimestamp()));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var samples = new double[events];
        (int G0, int G1, int G2, TimeSpan Pause, long Allocated) gc = default;
        for (var i = -warmUp; i < events; i++)
        {
            if (i == 0)
            {
                gc = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(), GC.GetTotalAllocatedBytes());
            }

            // The write as FakeCluster's EndpointSlice controller makes it: the store takes the new object itself.
            var slice = Slice(i + warmUp + 1);
            var start = Stopwatch.GetTimestamp();
            var written = cluster.Store.UpdateOwned(ResourceType.EndpointSlice, slice);
            var version = written["metadata"]!["resourceVersion"]!.GetValue<string>();
            (string? Version, long At) arrival;
            do
            {
                if (!built.TryTake(out arrival, TimeSpan.FromSeconds(10)))
                {
                    Console.Error.WriteLine($"event {i} did not reach the EndpointSet within 10 s");
                    return 1;
                }
            }
            while (arrival.Version != version);

            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(start, arrival.At).TotalMilliseconds;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GC over the measured events: gen0 {GC.CollectionCount(0) - gc.G0}, gen1 {GC.CollectionCount(1) - gc.G1}, gen2 {GC.CollectionCount(2) - gc.G2}, pause {(GC.GetTotalPauseDuration() - gc.Pause).TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes() - gc.Allocated) / (double)events / 1024:F0} KiB per event"));
        await stop.CancelAsync();
        await consumer;
        WatchLatencyHarness.Print($"store write -> KubernetesClient watch -> KubernetesEndpointSource -> EndpointSet (100 endpoints), {events:N0} events after {warmUp:N0} warm-up (ms)", samples);
        return 0;
    }

    private static JsonObject Slice(int step)
    {
        var endpoints = new JsonArray();
        for (var e = 0; e < 100; e++)
        {
            var ready = e != step % 100 || step % 200 < 100;
            endpoints.Add(new JsonObject
            {
                ["addresses"] = new JsonArray(JsonValue.Create($"10.244.0.{e + 2}")),
                ["conditions"] = new JsonObject { ["ready"] = ready, ["serving"] = ready, ["terminating"] = false },
            });
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "probe-1",
                ["namespace"] = "default",
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = "probe" },
                ["annotations"] = new JsonObject { ["step"] = step.ToString(CultureInfo.InvariantCulture) },
            },
            ["addressType"] = "IPv4",
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = 8080, ["protocol"] = "TCP" }),
            ["endpoints"] = endpoints,
        };
    }
}
