using System.Collections.Immutable;

namespace K8sNet.Testing.Lab;

/// <summary>
/// Named scenarios: the published experiments the lab reproduces, and everyday ones (a slow pod, a failing pod, a
/// scale event). Each is a plain <see cref="LabScenario"/>: change it with <c>with</c>.
/// </summary>
public static class LabScenarios
{
    private static readonly Lazy<ImmutableArray<TimeSpan>> LinkerdSamples = new(BuildLinkerd2016Latencies);

    /// <summary>The names <see cref="Named"/> takes.</summary>
    public static IReadOnlyList<string> Names { get; } = ["linkerd-2016", "tower-demo", "slow-pod", "failing-pod", "scale-up"];

    /// <summary>The scenario called <paramref name="name"/> (one of <see cref="Names"/>), with its defaults.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The scenario.</returns>
    /// <exception cref="ArgumentException">No scenario has that name.</exception>
    public static LabScenario Named(string name) => name switch
    {
        "linkerd-2016" => Linkerd2016(),
        "tower-demo" => TowerDemo(),
        "slow-pod" => SlowPod(),
        "failing-pod" => FailingPod(),
        "scale-up" => ScaleUp(),
        _ => throw new ArgumentException($"No lab scenario is called '{name}'; the scenarios are {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>
    /// Linkerd's "Beyond Round Robin: Load Balancing for Latency" (2016): 11 servers of unlimited concurrency replaying
    /// one recorded latency distribution (<see cref="Linkerd2016Latencies"/>), the 11th ten times slower for requests
    /// it starts between 15 s and 45 s; one open-loop client sending a request every millisecond for 60 s; no
    /// timeouts, no retries.
    /// </summary>
    /// <param name="timeScale">
    /// A factor on every time (latencies, the slow window, the run) with the rate divided by it: the same experiment
    /// faster (0.1: 16.75 ms median, a 6 s run at 10,000 requests/s), or with <paramref name="rateScale"/>, smaller.
    /// </param>
    /// <param name="rateScale">A factor on the request rate alone (0.1: a tenth of the requests, the same shape at lower load).</param>
    /// <returns>The scenario.</returns>
    public static LabScenario Linkerd2016(double timeScale = 1, double rateScale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeScale, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(rateScale, 0);
        var samples = timeScale == 1 ? LinkerdSamples.Value : [.. LinkerdSamples.Value.Select(s => s * timeScale)];
        var latency = LatencyModel.Replay(samples);
        var endpoints = Enumerable.Range(0, 11).Select(i => new LabEndpoint($"server-{i}", latency)).ToList();
        endpoints[10] = endpoints[10].With(LabEpisode.Slow(TimeSpan.FromSeconds(15 * timeScale), TimeSpan.FromSeconds(45 * timeScale), 10));
        return new LabScenario(
            timeScale == 1 && rateScale == 1 ? "linkerd-2016" : $"linkerd-2016 (time x{timeScale}, rate x{rateScale})",
            endpoints,
            LabLoad.OpenLoop(1000 * rateScale / timeScale, TimeSpan.FromSeconds(60 * timeScale)))
        {
            MaxRetries = 0,
        };
    }

    /// <summary>
    /// A latency recording with the statistics Linkerd's 2016 post gives for its servers: p50 167.5 ms, p99 192.3 ms,
    /// max 200 ms, standard deviation 5.4 ms. The post gives statistics, not samples, so these are built: 10,000 values
    /// of a piecewise-linear quantile function through (0, 162), (0.05, 165), (0.5, 167.5), (0.9, 169.2),
    /// (0.99, 192.3) and (1, 200) ms at evenly spaced quantiles — the knots at 0, 0.05 and 0.9 solved so the standard
    /// deviation comes to 5.4 ms with the given p50, p99 and max — in an order shuffled with a fixed seed (1,729).
    /// </summary>
    /// <returns>The samples.</returns>
    public static ImmutableArray<TimeSpan> Linkerd2016Latencies() => LinkerdSamples.Value;

    /// <summary>
    /// tower-balance's demo (2018): 10 endpoints, each request's latency uniform in [0, max) with max 1 ms for one
    /// endpoint, 10 ms for four, 100 ms for four and 1,000 ms for one; at most 50 requests in service per endpoint
    /// (more wait); a closed loop of 50 workers sending 50,000 requests; no retries. The demo's peak EWMA used a
    /// default RTT of 0.5 ms: compare with <c>LabPolicy.Of(LoadBalancingPolicy.PeakEwma, new PeakEwmaOptions { DefaultRtt = TimeSpan.FromMilliseconds(0.5) })</c>.
    /// </summary>
    /// <param name="requests">How many requests (50,000 in the demo).</param>
    /// <returns>The scenario.</returns>
    public static LabScenario TowerDemo(int requests = 50_000)
    {
        double[] maxMs = [1, 10, 10, 10, 10, 100, 100, 100, 100, 1000];
        var endpoints = maxMs.Select((max, i) => new LabEndpoint($"ep{i}-{max:0}ms", LatencyModel.Uniform(TimeSpan.Zero, TimeSpan.FromMilliseconds(max))) { ConcurrencyLimit = 50 });
        return new LabScenario(requests == 50_000 ? "tower-demo" : $"tower-demo ({requests:N0} requests)", endpoints, LabLoad.ClosedLoop(50, requests)) { MaxRetries = 0 };
    }

    /// <summary>
    /// One slow pod among ten: log-normal latency (median 2 ms, p99 8 ms), the last pod 45 ms slower from 10 s to 20 s,
    /// 400 requests per second for 30 s — the shape of the loopback measurement that asked for the lab.
    /// </summary>
    /// <returns>The scenario.</returns>
    public static LabScenario SlowPod()
    {
        var latency = LatencyModel.LogNormal(TimeSpan.FromMilliseconds(2), TimeSpan.FromMilliseconds(8));
        var endpoints = Enumerable.Range(0, 10).Select(i => new LabEndpoint($"pod-{i}", latency)).ToList();
        endpoints[9] = endpoints[9].With(LabEpisode.Delayed(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(45)));
        return new LabScenario("slow-pod", endpoints, LabLoad.OpenLoop(400, TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// One failing pod among ten: the last refuses every connection from 10 s to 40 s; 500 requests per second for
    /// 60 s with the shipped retries and outlier detection (a refusal is retried elsewhere; five in a row eject it).
    /// </summary>
    /// <returns>The scenario.</returns>
    public static LabScenario FailingPod()
    {
        var latency = LatencyModel.LogNormal(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20));
        var endpoints = Enumerable.Range(0, 10).Select(i => new LabEndpoint($"pod-{i}", latency)).ToList();
        endpoints[9] = endpoints[9].With(LabEpisode.Failing(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40), 1, EndpointOutcome.ConnectFailure, immediate: true));
        return new LabScenario("failing-pod", endpoints, LabLoad.OpenLoop(500, TimeSpan.FromSeconds(60)));
    }

    /// <summary>
    /// A scale-up under load: five pods serving 8 requests at once each (more wait), 60 ms log-normal latency, 500
    /// requests per second (over their capacity of about 670 per second only with the queue); five more pods at 20 s, two
    /// removed at 40 s; 60 s.
    /// </summary>
    /// <returns>The scenario.</returns>
    public static LabScenario ScaleUp()
    {
        var latency = LatencyModel.LogNormal(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150));
        LabEndpoint Pod(int i) => new($"pod-{i}", latency) { ConcurrencyLimit = 8 };
        return new LabScenario("scale-up", Enumerable.Range(0, 5).Select(Pod), LabLoad.OpenLoop(500, TimeSpan.FromSeconds(60)))
        {
            Changes = [.. Enumerable.Range(5, 5).Select(i => LabChange.Add(TimeSpan.FromSeconds(20), Pod(i))), LabChange.Remove(TimeSpan.FromSeconds(40), "pod-0"), LabChange.Remove(TimeSpan.FromSeconds(40), "pod-1")],
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
    }

    private static ImmutableArray<TimeSpan> BuildLinkerd2016Latencies()
    {
        (double U, double Ms)[] knots = [(0, 162), (0.05, 165), (0.5, 167.5), (0.9, 169.2), (0.99, 192.3), (1, 200)];
        const int n = 10_000;
        var samples = new TimeSpan[n];
        for (var i = 0; i < n; i++)
        {
            var u = i / (double)(n - 1);
            var k = 1;
            while (k < knots.Length - 1 && u > knots[k].U)
            {
                k++;
            }

            var (u0, y0) = knots[k - 1];
            var (u1, y1) = knots[k];
            samples[i] = TimeSpan.FromMilliseconds(Math.Round(y0 + ((y1 - y0) * (u - u0) / (u1 - u0)), 3));
        }

        new Random(1729).Shuffle(samples);
        return [.. samples];
    }
}
