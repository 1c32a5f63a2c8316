using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s.Models;
using K8sNet.Kubernetes;
using K8sNet.Testing;
using static K8sNet.Kubernetes.Tests.ConvergenceTests;

namespace K8sNet.Kubernetes.Tests;

/// <summary>
/// Random fault schedules interleaved with random pod changes, against FakeCluster's API server and the real
/// KubernetesClient: in the end the source's state equals the cluster's slices; no published state is empty while the
/// Service had endpoints (it always keeps at least one pod here); relists stay within what the faults force (one per
/// informer for the first list, plus one per informer for each compaction).
/// </summary>
public class SourceProperties
{
    public abstract record Op;

    public sealed record AddPod : Op;

    public sealed record DeletePod(int Index) : Op;

    public sealed record SetReady(int Index, bool Ready) : Op;

    public sealed record DropWatches : Op;

    public sealed record Compact : Op;

    public sealed record Fail503(int Count) : Op;

    public sealed record Silence : Op;

    public sealed record Restart : Op;

    public sealed record Slow(int Milliseconds) : Op;

    public sealed record Pause(int Milliseconds) : Op;

    public sealed record Schedule(Op[] Ops)
    {
        public override string ToString() => string.Join("; ", Ops.Select(o => o.ToString()));
    }

    public static class Arbitraries
    {
        public static Arbitrary<Schedule> Schedules()
        {
            var op = Gen.Frequency(
                (4, Gen.Constant((Op)new AddPod())),
                (2, Gen.Choose(0, 9).Select(i => (Op)new DeletePod(i))),
                (2, from i in Gen.Choose(0, 9) from r in Gen.Elements(true, false) select (Op)new SetReady(i, r)),
                (2, Gen.Constant((Op)new DropWatches())),
                (1, Gen.Constant((Op)new Compact())),
                (1, Gen.Choose(1, 4).Select(c => (Op)new Fail503(c))),
                (1, Gen.Constant((Op)new Silence())),
                (1, Gen.Constant((Op)new Restart())),
                (1, Gen.Elements(0, 100).Select(ms => (Op)new Slow(ms))),
                (2, Gen.Elements(0, 20, 150).Select(ms => (Op)new Pause(ms))));
            return Arb.From(
                from n in Gen.Choose(1, 10)
                from ops in Gen.ArrayOf(op, n)
                select new Schedule(ops));
        }
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 12)]
    public void Source_ConvergesOnTheTruth_NeverEmpty_RelistsBoundedByCompactions(Schedule schedule) =>
        Task.Run(() => RunAsync(schedule)).GetAwaiter().GetResult();

    private static async Task RunAsync(Schedule schedule)
    {
        await using var cluster = new FakeCluster(o => o.Nodes = 2);
        var server = await cluster.StartApiServerAsync();
        server.BookmarkInterval = TimeSpan.FromMilliseconds(300);
        cluster.Create(Service("web"));
        var pods = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            pods.Add($"web-{i}");
            cluster.Create(Pod($"web-{i}"));
        }

        await cluster.WaitForIdleAsync();
        using var client = cluster.CreateKubernetesClient();
        await using var source = new KubernetesEndpointSource(client, Fast());
        var web = new ServiceName("default", "web");
        await ConvergedAsync(source, cluster, web);

        var published = new List<ServiceState>();
        using var stop = new CancellationTokenSource();
        var recorder = Task.Run(async () =>
        {
            try
            {
                await foreach (var state in source.WatchAsync(web, stop.Token))
                {
                    lock (published)
                    {
                        published.Add(state);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var compactions = 0;
        var next = 2;
        var faults = new List<IDisposable>();
        foreach (var op in schedule.Ops)
        {
            switch (op)
            {
                case AddPod:
                    pods.Add($"web-{next}");
                    cluster.Create(Pod($"web-{next++}"));
                    break;
                case DeletePod d when pods.Count > 1:
                    // The pods left must have IPs (endpoints) already: deleting the last pods with endpoints while the new
                    // ones wait for theirs would make the truth itself empty for a moment, and the source rightly say so.
                    await cluster.WaitForIdleAsync();
                    var victim = pods[d.Index % pods.Count];
                    pods.Remove(victim);
                    cluster.Delete<V1Pod>(victim, gracePeriodSeconds: 0);
                    break;
                case SetReady r:
                    cluster.SetPodReady(pods[r.Index % pods.Count], "default", r.Ready);
                    break;
                case DropWatches:
                    server.DropWatches();
                    break;
                case Compact:
                    compactions++;
                    server.ExpireResourceVersions();
                    break;
                case Fail503 f:
                    faults.Add(server.FailRequests(503, count: f.Count, retryAfter: TimeSpan.FromMilliseconds(100)));
                    server.DropWatches();
                    break;
                case Silence:
                    server.SilenceWatches();
                    break;
                case Restart:
                    await server.RestartAsync();
                    break;
                case Slow s:
                    server.Latency = TimeSpan.FromMilliseconds(s.Milliseconds);
                    break;
                case Pause p:
                    await Task.Delay(TimeSpan.FromMilliseconds(p.Milliseconds), TimeProvider.System);
                    break;
            }
        }

        server.Latency = TimeSpan.Zero;
        foreach (var fault in faults)
        {
            fault.Dispose();
        }

        var final = await ConvergedAsync(source, cluster, web);
        await stop.CancelAsync();
        await recorder;

        // Every check says what it saw, for a failure found by chance to be diagnosable.
        var status = string.Join("; ", source.GetSyncStatus());
        Assert.True(Truth(cluster).SequenceEqual(Addresses(final)), $"final state differs: truth [{string.Join(", ", Truth(cluster))}], source [{string.Join(", ", Addresses(final))}]; {status}");
        lock (published)
        {
            var empty = published.FindIndex(s => Addresses(s).Length == 0);
            Assert.True(empty < 0, $"state {empty} of {published.Count} published empty: {(empty >= 0 ? published[empty].ToString() : string.Empty)}; {status}");
        }

        var relists = source.GetSyncStatus().Single().Relists;
        Assert.True(relists <= 2 + (2 * compactions), $"{relists} relists for {compactions} compaction(s); {status}");
        Assert.True(server.UnhandledExceptions.Count == 0, "unhandled in the server: " + string.Join(" | ", server.UnhandledExceptions));
    }
}
