using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using K8sNet.Testing;

namespace K8sNet.Benchmarks.Harness;

/// <summary>
/// Store write → KubernetesClient watch callback, one event at a time (closed loop: the next write follows the last
/// event's arrival), over the fake API server on loopback. BenchmarkDotNet reports no per-event percentiles, so this
/// harness times each event with <see cref="Stopwatch"/> and prints the distribution.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/K8sNet.Benchmarks -- watch-latency [events] [warm-up]</c> (defaults 10,000
/// and 1,000). The write is <see cref="FakeCluster.Update{T}"/> of a ConfigMap (no controller reacts to it), the
/// watch is KubernetesClient's <c>WatchListNamespacedConfigMapAsync</c>; an event is matched to its write by
/// resourceVersion.
/// </remarks>
internal static class WatchLatencyHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var warmUp = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;

        await using var cluster = new FakeCluster();
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        cluster.Create(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "probe", NamespaceProperty = "default" }, Data = new Dictionary<string, string> { ["n"] = "0" } });
        await cluster.WaitForIdleAsync();

        var arrivals = new BlockingCollection<(string Version, long At)>();
        using var stop = new CancellationTokenSource();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, map) in client.CoreV1.WatchListNamespacedConfigMapAsync("default", allowWatchBookmarks: true, resourceVersion: "0", cancellationToken: stop.Token))
                {
                    var at = Stopwatch.GetTimestamp();
                    opened.TrySetResult();
                    if (type == WatchEventType.Modified)
                    {
                        arrivals.Add((map.ResourceVersion(), at));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var samples = new double[events];
        for (var i = -warmUp; i < events; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var written = cluster.Update(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = "probe", NamespaceProperty = "default" },
                Data = new Dictionary<string, string> { ["n"] = i.ToString(CultureInfo.InvariantCulture) },
            });
            (string Version, long At) arrival;
            do
            {
                if (!arrivals.TryTake(out arrival, TimeSpan.FromSeconds(10)))
                {
                    Console.Error.WriteLine($"event {i} did not arrive within 10 s");
                    return 1;
                }
            }
            while (arrival.Version != written.ResourceVersion());

            if (i >= 0)
            {
                samples[i] = Stopwatch.GetElapsedTime(start, arrival.At).TotalMilliseconds;
            }
        }

        await stop.CancelAsync();
        await watch;
        Print($"store write -> KubernetesClient watch event, {events:N0} events after {warmUp:N0} warm-up (ms)", samples);
        return 0;
    }

    internal static void Print(string title, double[] samples)
    {
        Array.Sort(samples);
        double P(double q) => samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(q * samples.Length) - 1)];
        Console.WriteLine(title);
        Console.WriteLine("| min | p50 | p90 | p99 | p99.9 | max | mean |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {samples[0]:F3} | {P(0.50):F3} | {P(0.90):F3} | {P(0.99):F3} | {P(0.999):F3} | {samples[^1]:F3} | {samples.Average():F3} |"));
    }
}
