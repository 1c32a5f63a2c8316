using FsCheck;
using FsCheck.Fluent;
using K8sNet.Routing;
using K8sNet.Testing.Lab;

namespace K8sNet.Testing.Generators;

/// <summary>
/// FsCheck generators of policy-lab scenarios: latency profiles, a slow or failing pod among several, scale events and
/// zone topologies, each sized so a run takes milliseconds (at most about 8,000 requests), for properties such as "for
/// any scenario with one slow pod, P2C's p99 is no worse than round robin's".
/// </summary>
public static class LabGen
{
    /// <summary>A latency profile: constant, uniform or log-normal, with a median from 1 to 50 ms.</summary>
    /// <returns>The generator.</returns>
    public static Gen<LatencyModel> Latency() =>
        from medianMs in Gen.Choose(1, 50)
        from kind in Gen.Choose(0, 2)
        from tail in Gen.Choose(2, 6)
        select kind switch
        {
            0 => LatencyModel.Constant(TimeSpan.FromMilliseconds(medianMs)),
            1 => LatencyModel.Uniform(TimeSpan.FromMilliseconds(medianMs / 2.0), TimeSpan.FromMilliseconds(medianMs * 1.5)),
            _ => LatencyModel.LogNormal(TimeSpan.FromMilliseconds(medianMs), TimeSpan.FromMilliseconds(medianMs * tail)),
        };

    /// <summary>
    /// Identical pods (3 to 12) sharing one latency profile, with one of them slower by a factor of 5 to 50 through the
    /// middle of the run; an open-loop client at a load of 1 to 4 requests in flight per pod (where a policy's choice
    /// matters); no failures.
    /// </summary>
    /// <returns>The generator.</returns>
    public static Gen<LabScenario> SlowPod() =>
        from pods in Gen.Choose(3, 12)
        from medianMs in Gen.Choose(2, 40)
        from kind in Gen.Choose(0, 2)
        from slow in Gen.Choose(0, 11)
        from factor in Gen.Choose(5, 50)
        from inFlight in Gen.Choose(1, 4)
        select Build(pods, medianMs, kind, slow % pods, inFlight, pod => pod.With(Window(LabEpisode.Slow, factor)), $"slow-pod x{factor}");

    /// <summary>
    /// Identical pods (3 to 12), one of which fails a share (20 to 100%) of its requests through the middle of the run,
    /// by refusing connections, resetting them, or answering 503; the shipped retries and outlier detection.
    /// </summary>
    /// <returns>The generator.</returns>
    public static Gen<LabScenario> FailingPod() =>
        from pods in Gen.Choose(3, 12)
        from medianMs in Gen.Choose(2, 40)
        from bad in Gen.Choose(0, 11)
        from percent in Gen.Choose(20, 100)
        from outcome in Gen.Elements(EndpointOutcome.ConnectFailure, EndpointOutcome.TransportFailure, EndpointOutcome.ServerError)
        from immediate in Gen.Elements(true, false)
        select Build(pods, medianMs, 2, bad % pods, 2,
            pod => pod.With(new LabEpisode(Third(1), Third(2), 1, new FailureModel(percent / 100.0, outcome, immediate))),
            $"failing-pod {percent}% {outcome}");

    /// <summary>Pods (2 to 8) joined by 1 to 6 more, or left by some, a third of the way through; pods serve 4 at once and queue more.</summary>
    /// <returns>The generator.</returns>
    public static Gen<LabScenario> ScaleEvent() =>
        from pods in Gen.Choose(2, 8)
        from change in Gen.Choose(-3, 6)
        from medianMs in Gen.Choose(5, 40)
        let delta = change == 0 ? 1 : Math.Max(change, 1 - pods)
        let latency = LatencyModel.LogNormal(TimeSpan.FromMilliseconds(medianMs), TimeSpan.FromMilliseconds(medianMs * 3))
        let rate = RateFor(Math.Min(pods, pods + delta), medianMs, 2)
        select new LabScenario(
            $"scale {pods}{(delta > 0 ? "+" : "")}{delta}",
            Enumerable.Range(0, pods).Select(i => Pod(i, latency) with { ConcurrencyLimit = 4 }),
            LabLoad.OpenLoop(rate, RunFor(rate)))
        {
            Changes = delta > 0
                ? [.. Enumerable.Range(pods, delta).Select(i => LabChange.Add(Third(1, rate), Pod(i, latency) with { ConcurrencyLimit = 4 }))]
                : [.. Enumerable.Range(pods + delta, -delta).Select(i => LabChange.Remove(Third(1, rate), $"pod-{i}"))],
        };

    /// <summary>
    /// Pods spread over two or three zones, the client in one of them, with zone-aware routing on or off; pods in the
    /// client's zone are faster (as a zone hop costs time).
    /// </summary>
    /// <returns>The generator.</returns>
    public static Gen<LabScenario> Zones() =>
        from pods in Gen.Choose(6, 12)
        from zones in Gen.Choose(2, 3)
        from zoneAware in Gen.Elements(true, false)
        from hopMs in Gen.Choose(1, 5)
        let rate = RateFor(pods, 5, 1)
        select new LabScenario(
            $"zones {zones} aware={zoneAware}",
            Enumerable.Range(0, pods).Select(i => Pod(i, LatencyModel.Constant(TimeSpan.FromMilliseconds(i % zones == 0 ? 5 : 5 + hopMs))) with { Zone = $"zone-{i % zones}" }),
            LabLoad.OpenLoop(rate, RunFor(rate)))
        {
            ClientZone = "zone-0",
            EndpointOptions = ZoneAware(zoneAware),
        };

    /// <summary>Any of the scenarios above.</summary>
    /// <returns>The generator.</returns>
    public static Gen<LabScenario> Scenario() => Gen.OneOf(SlowPod(), FailingPod(), ScaleEvent(), Zones());

    /// <summary>K8sNet's policies as lab policies.</summary>
    /// <returns>The generator.</returns>
    public static Gen<LabPolicy> Policy() => Gen.Elements(LabPolicy.All.ToArray());

    private static EndpointSetOptions ZoneAware(bool enabled)
    {
        var options = new EndpointSetOptions();
        options.ZoneAware.Enabled = enabled;
        options.ZoneAware.MinimumEndpoints = 2;
        return options;
    }

    private static LabScenario Build(int pods, int medianMs, int kind, int special, int inFlight, Func<LabEndpoint, LabEndpoint> change, string name)
    {
        var latency = kind switch
        {
            0 => LatencyModel.Constant(TimeSpan.FromMilliseconds(medianMs)),
            1 => LatencyModel.Uniform(TimeSpan.FromMilliseconds(medianMs / 2.0), TimeSpan.FromMilliseconds(medianMs * 1.5)),
            _ => LatencyModel.LogNormal(TimeSpan.FromMilliseconds(medianMs), TimeSpan.FromMilliseconds(medianMs * 3)),
        };
        var rate = RateFor(pods, medianMs, inFlight);
        var endpoints = Enumerable.Range(0, pods).Select(i => i == special ? change(Pod(i, latency) with { }) : Pod(i, latency)).ToList();
        // The episode windows were built for the default run length: rebuild them for this rate's.
        var run = RunFor(rate);
        endpoints[special] = endpoints[special] with { Episodes = [.. endpoints[special].Episodes.Select(e => e with { Start = run / 3, End = run * 2 / 3 })] };
        return new LabScenario($"{name} among {pods}, {medianMs} ms", endpoints, LabLoad.OpenLoop(rate, run));
    }

    private static LabEpisode Window(Func<TimeSpan, TimeSpan, double, LabEpisode> make, double factor) => make(Third(1), Third(2), factor);

    private static LabEndpoint Pod(int i, LatencyModel latency) => new($"pod-{i}", latency);

    // The rate that keeps about inFlight requests at each pod: pods × inFlight / latency.
    private static double RateFor(int pods, int medianMs, int inFlight) => pods * inFlight * 1000.0 / medianMs;

    // At most about 8,000 requests, at most 20 s.
    private static TimeSpan RunFor(double rate) => TimeSpan.FromSeconds(Math.Min(20, 8_000 / rate));

    private static TimeSpan Third(int k, double rate = 0) => RunFor(rate > 0 ? rate : 400) * k / 3;
}
