using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using K8sNet.Routing;
using K8sNet.Testing.Lab;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace K8sNet.Testing.Tests.Lab;

/// <summary>Measures real latency: nothing else in this assembly runs beside it.</summary>
[CollectionDefinition(nameof(LabAgainstSocketsTests), DisableParallelization = true)]
public sealed class LabAgainstSocketsCollection;

/// <summary>
/// Why the lab can be trusted (issue 21): the Linkerd 2016 scenario scaled to a fifth of its times (pods of 33.5 ms
/// median, a 335 ms slow one from 3 s to 9 s, a 12 s run) at 500 requests/s, run for real — 11 FakeCluster pods
/// listening on loopback, each request through K8sNet's HTTP handler and a socket, three clients (round robin, P2C,
/// peak EWMA) at once — gives the same share of slow requests as the lab's simulation of the same scaled scenario.
/// </summary>
/// <remarks>
/// <para>
/// Tolerance, per policy: 1 percentage point on the share of requests over 200 ms (the scaled 1 s threshold). The
/// shares are proportions of 6,000 requests: binomial noise alone is 0.27 pp (one standard deviation) near 4.5% and
/// 0.13 pp near 1%; and real timing differs from simulated (Task.Delay wakes a millisecond or two late: the real p50 is
/// 36 ms against 33.5; a shared CI machine stalls a thread now and then), which moves requests across the window's edges
/// and changes which of two pods has fewer in flight. A 36 ms request cannot pass 200 ms without a stall of 160 ms, so
/// the threshold itself is robust. Measured on the 2-core machine, three runs: round robin 4.550% against 4.533%
/// simulated, P2C 0.967–0.983% against 1.000%, peak EWMA 0.050–0.083% against 0.067%.
/// </para>
/// <para>
/// Peak EWMA is the policy most sensitive to the machine: a process-wide stall's latency peak enters every pod's
/// average at once and stays there for the decay (10 s), narrowing the gap to the slow pod. With the warm-up run through
/// the measured clients, every pod's average started at 117 ms and the real share came out at 0.7–2.7%; hence the cold
/// clients, and hence no assertion that peak EWMA beats P2C on a loaded CI machine (the simulation shows it does).
/// </para>
/// </remarks>
[Collection(nameof(LabAgainstSocketsTests))]
public sealed class LabAgainstSocketsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const double TimeScale = 0.2;
    private const double RateScale = 0.1;
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(200);
    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Manifest);
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Linkerd2016Scaled_OnLoopbackPods_AgreesWithTheSimulation()
    {
        var scenario = LabScenarios.Linkerd2016(TimeScale, RateScale);
        var simulated = PolicyLab.Compare(scenario, [LabPolicy.RoundRobin, LabPolicy.PowerOfTwoChoices, LabPolicy.PeakEwma]);

        var measured = await RunOnSocketsAsync(scenario);

        output.WriteLine(simulated.ToTable(Threshold));
        foreach (var (policy, latencies) in measured)
        {
            var sim = simulated[policy].FractionOver(Threshold);
            var real = latencies.Count(l => l > Threshold) / (double)latencies.Count;
            var sorted = latencies.Order().ToList();
            output.WriteLine($"{policy}: simulated {sim:P3}, on sockets {real:P3} of {latencies.Count} requests; p50 {sorted[sorted.Count / 2].TotalMilliseconds:0.0} p90 {sorted[sorted.Count * 9 / 10].TotalMilliseconds:0.0} p99 {sorted[sorted.Count * 99 / 100].TotalMilliseconds:0.0} ms");
        }

        foreach (var (policy, latencies) in measured)
        {
            var sim = simulated[policy].FractionOver(Threshold);
            var real = latencies.Count(l => l > Threshold) / (double)latencies.Count;
            Assert.True(Math.Abs(sim - real) <= 0.01, $"{policy}: simulated {sim:P3} over {Threshold.TotalMilliseconds} ms, on sockets {real:P3}");
        }

        double Real(string p) => measured[p].Count(l => l > Threshold) / (double)measured[p].Count;
        Assert.True(Real("PowerOfTwoChoices") < Real("RoundRobin") && Real("PeakEwma") < Real("RoundRobin"), "the policies rank as in the simulation");
    }

    // The three policies at once, each its own client (their own balancer state), against the same pods: the pods'
    // latency does not depend on load, so sharing them changes nothing a policy sees.
    private async Task<Dictionary<string, List<TimeSpan>>> RunOnSocketsAsync(LabScenario scenario)
    {
        var pods = _cluster.List<k8s.Models.V1Pod>("lab", "app=server").Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(11, pods.Count);
        var samples = LabScenarios.Linkerd2016Latencies().Select(s => s * TimeScale).ToArray();
        var next = new ConcurrentDictionary<string, int>(pods.Select((p, i) => KeyValuePair.Create(p, i * 997 % samples.Length)));
        var slowPod = pods[^1];
        var window = scenario.Endpoints[^1].Episodes[0];
        var clock = Stopwatch.StartNew();
        var measuring = false;
        using var serving = _cluster.Serve("app=server", async (request, ct) =>
        {
            var i = next.AddOrUpdate(request.Pod.Name, 0, (_, k) => (k + 1) % samples.Length);
            var at = clock.Elapsed;
            var latency = samples[i] * (measuring && request.Pod.Name == slowPod && at >= window.Start && at < window.End ? window.LatencyFactor : 1);
            await Task.Delay(latency, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        }, port: 8080, @namespace: "lab");
        await _cluster.WaitForIdleAsync(); // the pods listening

        string[] policies = ["RoundRobin", "PowerOfTwoChoices", "PeakEwma"];
        var services = new ServiceCollection();
        services.AddK8sNet().UseFakeCluster(_cluster).AddClientContext(o =>
        {
            o.Namespace = "lab";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        foreach (var name in policies.SelectMany(p => new[] { p, "warm-up " + p }))
        {
            services.AddHttpClient(name).AddK8sNetServiceDiscovery(o =>
            {
                o.Policy = Enum.Parse<LoadBalancingPolicy>(name.Replace("warm-up ", "", StringComparison.Ordinal));
                o.MaxRetries = 0;
            });
        }

        await using var app = services.BuildServiceProvider();
        var factory = app.GetRequiredService<IHttpClientFactory>();
        var period = TimeSpan.FromSeconds(1 / scenario.Load.RequestsPerSecond!.Value);

        // Warm-up, a second of the same load through clients of their own, not measured: code jitted, the thread pool
        // grown (on a cold 2-core process the first second stalls every pod for up to 0.9 s). The measured clients start
        // cold, as the simulation's do: a stall's latency peak would otherwise sit in a peak-EWMA average for its decay
        // (seen: every pod's average at 117 ms, decaying, through the whole run, so the slow pod was only 3x worse).
        var warmUp = policies.ToDictionary(p => p, p => factory.CreateClient("warm-up " + p));
        await SendForAsync(warmUp, TimeSpan.FromSeconds(1), policies.ToDictionary(p => p, _ => new List<TimeSpan>()));
        var clients = policies.ToDictionary(p => p, factory.CreateClient);
        foreach (var c in clients.Values)
        {
            (await c.GetAsync("http://server/")).EnsureSuccessStatusCode(); // the Service followed before the clock starts
        }

        var results = policies.ToDictionary(p => p, _ => new List<TimeSpan>());
        measuring = true;
        await SendForAsync(clients, scenario.Load.Duration!.Value, results);
        return results;

        async Task SendForAsync(Dictionary<string, HttpClient> clients, TimeSpan duration, Dictionary<string, List<TimeSpan>> into)
        {
            var sends = new List<Task>();
            var count = (int)(duration / period);
            clock.Restart();
            for (var k = 0; k < count; k++)
            {
                var due = period * k;
                if (due - clock.Elapsed is { } wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                foreach (var p in policies)
                {
                    sends.Add(SendAsync(clients[p], into[p]));
                }
            }

            await Task.WhenAll(sends);
        }

        static async Task SendAsync(HttpClient client, List<TimeSpan> into)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync("http://server/");
            response.EnsureSuccessStatusCode();
            var latency = Stopwatch.GetElapsedTime(start);
            lock (into)
            {
                into.Add(latency);
            }
        }
    }

    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: lab}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: server, namespace: lab}
        spec:
          selector: {app: server}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: server, namespace: lab}
        spec:
          replicas: 11
          selector: {matchLabels: {app: server}}
          template:
            metadata: {labels: {app: server}}
            spec:
              terminationGracePeriodSeconds: 0
              containers: [{name: server, image: "server:1", ports: [{containerPort: 8080}]}]
        """;
}
