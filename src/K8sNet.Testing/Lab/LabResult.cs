using System.Collections.Immutable;
using System.Globalization;

namespace K8sNet.Testing.Lab;

/// <summary>
/// What one run of a scenario under one policy measured: every request (its start, latency, outcome, attempts) and
/// every attempt (when, to which endpoint), with exact percentiles, the share over a threshold, success, throughput
/// and each endpoint's share overall, in a window and over time.
/// </summary>
public sealed class LabResult
{
    private readonly long[] _starts;
    private readonly long[] _latencies;
    private readonly LabOutcome[] _outcomes;
    private readonly byte[] _attempts;
    private readonly short[] _lastEndpoint;
    private readonly long[] _attemptStarts;
    private readonly short[] _attemptEndpoints;
    private LatencyDistribution? _latency;

    internal LabResult(LabScenario scenario, string policy, int seed, ImmutableArray<string> endpoints, LabRun run)
    {
        Scenario = scenario;
        Policy = policy;
        Seed = seed;
        Endpoints = endpoints;
        _starts = run.Starts;
        _latencies = run.Latencies;
        _outcomes = run.Outcomes;
        _attempts = run.AttemptCounts;
        _lastEndpoint = run.LastEndpoints;
        _attemptStarts = run.AttemptStarts;
        _attemptEndpoints = run.AttemptEndpoints;
        Retries = run.Retries;
        Ejections = run.Ejections;
        OutstandingAtEnd = run.OutstandingAtEnd;
        Duration = TimeSpan.FromTicks(run.LastEnd);
        WallTime = run.WallTime;
        foreach (var o in _outcomes)
        {
            switch (o)
            {
                case LabOutcome.Success: Succeeded++; break;
                case LabOutcome.ServerError: ServerErrors++; break;
                case LabOutcome.TimedOut: TimedOut++; break;
                case LabOutcome.NoEndpoint: NotSent++; break;
                default: Failed++; break;
            }
        }
    }

    /// <summary>The scenario.</summary>
    public LabScenario Scenario { get; }

    /// <summary>The policy's name.</summary>
    public string Policy { get; }

    /// <summary>The seed: the same scenario, policy and seed give the same result.</summary>
    public int Seed { get; }

    /// <summary>The endpoints, in the order of the scenario (added ones last): the index of each is its index in <see cref="ShareOverTime"/>.</summary>
    public ImmutableArray<string> Endpoints { get; }

    /// <summary>Requests sent.</summary>
    public int Requests => _outcomes.Length;

    /// <summary>Requests answered successfully.</summary>
    public int Succeeded { get; }

    /// <summary>Requests answered with a server error.</summary>
    public int ServerErrors { get; }

    /// <summary>Requests that failed to connect or were reset on every attempt allowed.</summary>
    public int Failed { get; }

    /// <summary>Requests whose timeout expired.</summary>
    public int TimedOut { get; }

    /// <summary>Requests not sent: no endpoint was eligible.</summary>
    public int NotSent { get; }

    /// <summary>Attempts sent again to another endpoint by the retry rule.</summary>
    public int Retries { get; }

    /// <summary>Ejections by outlier detection.</summary>
    public int Ejections { get; }

    /// <summary>
    /// Requests still counted in flight by the policy's endpoint statistics once every request has ended: 0 unless a
    /// policy (a custom one, say) does not balance its increments with its completions.
    /// </summary>
    public int OutstandingAtEnd { get; }

    /// <summary>The simulated time from the start to the last request's end ("wall" time in a published experiment).</summary>
    public TimeSpan Duration { get; }

    /// <summary>How long the simulation took to run, in real time.</summary>
    public TimeSpan WallTime { get; }

    /// <summary>The share of requests answered successfully, from 0 to 1.</summary>
    public double SuccessRate => Requests == 0 ? 1 : Succeeded / (double)Requests;

    /// <summary>Successful requests per simulated second.</summary>
    public double Throughput => Duration <= TimeSpan.Zero ? 0 : Succeeded / Duration.TotalSeconds;

    /// <summary>The latency of every request (whatever its outcome), for exact percentiles.</summary>
    public LatencyDistribution Latency => _latency ??= new LatencyDistribution((long[])_latencies.Clone());

    /// <summary>The latency at <paramref name="quantile"/> (0.99 for p99), by nearest rank over every request.</summary>
    /// <param name="quantile">From 0 to 1.</param>
    /// <returns>The latency.</returns>
    public TimeSpan Percentile(double quantile) => Latency.Percentile(quantile);

    /// <summary>The share of requests slower than <paramref name="threshold"/>, from 0 to 1.</summary>
    /// <param name="threshold">The threshold.</param>
    /// <returns>The share.</returns>
    public double FractionOver(TimeSpan threshold) => Latency.FractionOver(threshold);

    /// <summary>The share of all attempts sent to <paramref name="endpoint"/>, from 0 to 1.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <returns>The share.</returns>
    public double Share(string endpoint) => Share(endpoint, TimeSpan.Zero, TimeSpan.MaxValue);

    /// <summary>The share of the attempts sent from <paramref name="from"/> until <paramref name="to"/> that went to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="from">The window's start.</param>
    /// <param name="to">Its end (exclusive).</param>
    /// <returns>The share, from 0 to 1 (0 when nothing was sent in the window).</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not one of the scenario's.</exception>
    public double Share(string endpoint, TimeSpan from, TimeSpan to)
    {
        var (hits, total) = CountIn(IndexOf(endpoint), from, to);
        return total == 0 ? 0 : hits / (double)total;
    }

    /// <summary>Attempts sent to <paramref name="endpoint"/> from <paramref name="from"/> until <paramref name="to"/>.</summary>
    /// <param name="endpoint">The endpoint's name.</param>
    /// <param name="from">The window's start.</param>
    /// <param name="to">Its end (exclusive).</param>
    /// <returns>The count.</returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not one of the scenario's.</exception>
    public int AttemptsTo(string endpoint, TimeSpan from, TimeSpan to) => CountIn(IndexOf(endpoint), from, to).Hits;

    /// <summary>Each endpoint's attempts over time, in buckets of <paramref name="bucket"/>.</summary>
    /// <param name="bucket">The bucket width.</param>
    /// <returns>The series.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bucket"/> is not positive.</exception>
    public LabShareSeries ShareOverTime(TimeSpan bucket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(bucket, TimeSpan.Zero);
        var last = _attemptStarts.Length == 0 ? 0 : _attemptStarts[^1];
        var buckets = (int)Math.Min(1_000_000, (last / bucket.Ticks) + 1);
        var counts = new int[Endpoints.Length, buckets];
        var totals = new int[buckets];
        for (var i = 0; i < _attemptStarts.Length; i++)
        {
            var b = (int)Math.Min(buckets - 1, _attemptStarts[i] / bucket.Ticks);
            counts[_attemptEndpoints[i], b]++;
            totals[b]++;
        }

        return new LabShareSeries(bucket, Endpoints, counts, totals);
    }

    /// <summary>Every request, in the order sent.</summary>
    /// <returns>The records.</returns>
    public IEnumerable<LabRequestRecord> Records()
    {
        for (var i = 0; i < _outcomes.Length; i++)
        {
            var e = _lastEndpoint[i];
            yield return new LabRequestRecord(TimeSpan.FromTicks(_starts[i]), TimeSpan.FromTicks(_latencies[i]), _outcomes[i], _attempts[i], e < 0 ? null : Endpoints[e]);
        }
    }

    /// <summary>A line summing the run up.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Scenario.Name} / {Policy} (seed {Seed}): {Requests:N0} requests, {SuccessRate:P2} ok, {Latency}, {Duration.TotalSeconds:0.##} s simulated in {WallTime.TotalMilliseconds:0} ms");

    private int IndexOf(string endpoint)
    {
        var i = Endpoints.IndexOf(endpoint);
        return i >= 0 ? i : throw new ArgumentException($"'{endpoint}' is not an endpoint of lab scenario '{Scenario.Name}' (it has {string.Join(", ", Endpoints)}).", nameof(endpoint));
    }

    private (int Hits, int Total) CountIn(int endpoint, TimeSpan from, TimeSpan to)
    {
        int hits = 0, total = 0;
        var lo = LowerBound(_attemptStarts, from.Ticks);
        for (var i = lo; i < _attemptStarts.Length && _attemptStarts[i] < to.Ticks; i++)
        {
            total++;
            if (_attemptEndpoints[i] == endpoint)
            {
                hits++;
            }
        }

        return (hits, total);
    }

    private static int LowerBound(long[] sorted, long value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
