using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using k8s;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

/// <summary>
/// After any sequence of pod, Service and node operations, each selector Service's managed slices hold exactly the
/// endpoints the rules call for — one per (pod IP, resolved port) of every matching, non-terminal pod with an IP —
/// none lost or duplicated, conditions and node as the pod says, each slice within the size limit.
/// </summary>
public class EndpointSliceProperties
{
    private const int MaxPerSlice = 3;

    public abstract record Op;

    public sealed record AddPod(string App, int PortVariant) : Op;

    public sealed record DeletePod(int Index, bool Graceful) : Op;

    public sealed record SetReady(int Index, bool Ready) : Op;

    public sealed record Relabel(int Index, string App) : Op;

    public sealed record AddService(int Index, string App, bool Named) : Op;

    public sealed record DeleteService(int Index) : Op;

    public sealed record LoseNode(int Node) : Op;

    public sealed record RestoreNode(int Node) : Op;

    public sealed record Advance(int Seconds) : Op;

    public sealed record Scenario(Op[] Ops)
    {
        public override string ToString() => string.Join("; ", Ops.Select(o => o.ToString()));
    }

    public static class Arbitraries
    {
        public static Arbitrary<Scenario> Scenarios()
        {
            var app = Gen.Elements("a", "b");
            var op = Gen.Frequency(
                (6, from a in app from v in Gen.Choose(0, 1) select (Op)new AddPod(a, v)),
                (2, from i in Gen.Choose(0, 40) from g in Gen.Elements(true, false) select (Op)new DeletePod(i, g)),
                (2, from i in Gen.Choose(0, 40) from r in Gen.Elements(true, false) select (Op)new SetReady(i, r)),
                (1, from i in Gen.Choose(0, 40) from a in app select (Op)new Relabel(i, a)),
                (2, from i in Gen.Choose(0, 2) from a in app from n in Gen.Elements(true, false) select (Op)new AddService(i, a, n)),
                (1, Gen.Choose(0, 2).Select(i => (Op)new DeleteService(i))),
                (1, Gen.Choose(1, 3).Select(n => (Op)new LoseNode(n))),
                (1, Gen.Choose(1, 3).Select(n => (Op)new RestoreNode(n))),
                (2, Gen.Elements(1, 10, 31, 60, 301).Select(s => (Op)new Advance(s))));
            return Arb.From(
                from n in Gen.Choose(1, 40)
                from ops in Gen.ArrayOf(op, n)
                select new Scenario(ops));
        }
    }

    [Property(Arbitrary = [typeof(Arbitraries)], MaxTest = 60)]
    public void Slices_HoldExactlyTheEndpointsTheRulesCallFor(Scenario scenario) =>
        Task.Run(() => RunAsync(scenario)).GetAwaiter().GetResult();

    private static async Task RunAsync(Scenario scenario)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var cluster = new FakeCluster(o =>
        {
            o.TimeProvider = time;
            o.MaxEndpointsPerSlice = MaxPerSlice;
        });
        var created = 0;
        foreach (var op in scenario.Ops)
        {
            var pods = cluster.List<V1Pod>("default").OrderBy(p => p.Name(), StringComparer.Ordinal).ToList();
            V1Pod? PodAt(int i) => pods.Count == 0 ? null : pods[i % pods.Count];
            try
            {
                switch (op)
                {
                    case AddPod add:
                        cluster.Create(new V1Pod
                        {
                            Metadata = new V1ObjectMeta { Name = $"p{created++}", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["app"] = add.App } },
                            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "x:1", Ports = [new V1ContainerPort { Name = "http", ContainerPort = add.PortVariant == 0 ? 8080 : 9090 }] }] },
                        });
                        break;
                    case DeletePod del when PodAt(del.Index) is { } p:
                        cluster.Delete<V1Pod>(p.Name(), gracePeriodSeconds: del.Graceful ? null : 0);
                        break;
                    case SetReady r when PodAt(r.Index) is { } p:
                        cluster.SetPodReady(p.Name(), "default", r.Ready);
                        break;
                    case Relabel r when PodAt(r.Index) is { } p:
                        p.Metadata.Labels["app"] = r.App;
                        cluster.Update(p);
                        break;
                    case AddService s when cluster.Get<V1Service>($"s{s.Index}") is null:
                        cluster.Create(new V1Service
                        {
                            Metadata = new V1ObjectMeta { Name = $"s{s.Index}", NamespaceProperty = "default" },
                            Spec = new V1ServiceSpec
                            {
                                Selector = new Dictionary<string, string> { ["app"] = s.App },
                                Ports = [new V1ServicePort { Name = "web", Port = 80, TargetPort = s.Named ? "http" : 7070 }],
                            },
                        });
                        break;
                    case DeleteService s when cluster.Get<V1Service>($"s{s.Index}") is not null:
                        cluster.Delete<V1Service>($"s{s.Index}");
                        break;
                    case LoseNode n:
                        cluster.LoseNode($"node-{n.Node}");
                        break;
                    case RestoreNode n:
                        cluster.RestoreNode($"node-{n.Node}");
                        break;
                    case Advance a:
                        for (var i = 0; i < a.Seconds; i += 10)
                        {
                            time.Advance(TimeSpan.FromSeconds(Math.Min(10, a.Seconds - i)));
                            await cluster.WaitForIdleAsync();
                        }

                        break;
                }
            }
            catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
            {
                // The pod went between listing and acting (its grace period ended): as with a real API server.
            }

            await cluster.WaitForIdleAsync();
            Check(cluster);
        }

        Assert.Empty(cluster.ControllerErrors);
    }

    private static string? Label(IMetadata<V1ObjectMeta> obj, string key) =>
        obj.Metadata.Labels is { } labels && labels.TryGetValue(key, out var v) ? v : null;

    private static void Check(FakeCluster cluster)
    {
        var pods = cluster.List<V1Pod>("default");
        var slices = cluster.List<V1EndpointSlice>("default");
        foreach (var service in cluster.List<V1Service>("default").Where(s => s.Spec.Selector is { Count: > 0 }))
        {
            var named = service.Spec.Ports[0].TargetPort.Value == "http";
            var expected = pods
                .Where(p => Label(p, "app") == service.Spec.Selector["app"])
                .Where(p => !string.IsNullOrEmpty(p.Status?.PodIP) && p.Status.Phase is not ("Succeeded" or "Failed"))
                .Select(p =>
                {
                    var podReady = p.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
                    var terminating = p.Metadata.DeletionTimestamp is not null;
                    var port = named ? p.Spec.Containers[0].Ports[0].ContainerPort : 7070;
                    return $"{p.Status.PodIP}:{port} ready={podReady && !terminating} serving={podReady} terminating={terminating} node={p.Spec.NodeName} pod={p.Name()}";
                })
                .Order(StringComparer.Ordinal)
                .ToList();

            var mine = slices.Where(s => Label(s, "kubernetes.io/service-name") == service.Name()).ToList();
            Assert.All(mine, s =>
            {
                Assert.True((s.Endpoints?.Count ?? 0) <= MaxPerSlice, $"{s.Name()} has {s.Endpoints?.Count} endpoints");
                Assert.Equal("endpointslice-controller.k8s.io", s.Labels()["endpointslice.kubernetes.io/managed-by"]);
                Assert.Equal(service.Uid(), Assert.Single(s.OwnerReferences()).Uid);
            });
            var actual = mine
                .SelectMany(s => (s.Endpoints ?? []).Select(e =>
                    $"{e.Addresses[0]}:{s.Ports?.FirstOrDefault()?.Port} ready={e.Conditions.Ready} serving={e.Conditions.Serving} terminating={e.Conditions.Terminating} node={e.NodeName} pod={e.TargetRef?.Name}"))
                .Order(StringComparer.Ordinal)
                .ToList();
            Assert.Equal(expected, actual);
        }

        // Slices of deleted Services are gone.
        var services = cluster.List<V1Service>("default").Select(s => s.Name()).ToHashSet();
        Assert.All(slices.Where(s => s.Labels()?.ContainsKey("kubernetes.io/service-name") == true),
            s => Assert.Contains(s.Labels()["kubernetes.io/service-name"], services));
    }
}
