using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using K8sNet.Routing;

namespace K8sNet.Testing.Lab;

/// <summary>
/// One run: the scenario's endpoints published through an <see cref="InMemoryEndpointSource"/>, followed by a real
/// <see cref="ServiceRouterPool"/> on the virtual clock with the policy under test, and requests driven through it as
/// events — each attempt picked by <see cref="ServiceRouter.Pick(EndpointSet, string?, IReadOnlyCollection{ServiceEndpoint}?, EndpointSet?)"/>,
/// completed on its <see cref="RoutedLease"/> (so the policy, outlier detection and metrics hear of it as in
/// production), and retried by <see cref="RetryRule"/>. Single-threaded apart from the router's watch, which the run
/// waits for at each endpoint change, so a seed repeats exactly.
/// </summary>
internal sealed class LabSimulation
{
    private static readonly ServiceName Service = new("lab", "backend");
    private static readonly ServicePortKey Port = new("http", TransportProtocol.Tcp);
    private static readonly ServiceSpecInfo Spec = new()
    {
        ClusterIPs = ["10.96.0.10"],
        Ports = [new ServicePortInfo("http", 80, TargetPort.FromNumber(8080))],
    };

    private readonly LabScenario _scenario;
    private readonly LabPolicy _policy;
    private readonly int _seed;
    private readonly IProgress<double>? _progress;
    private readonly VirtualClock _clock = new();
    private readonly InMemoryEndpointSource _source = new();
    private readonly List<Backend> _backends = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<ServiceEndpoint, int> _byEndpoint = new(ReferenceEqualityComparer.Instance);
    private readonly Random _arrivals;
    private readonly Random _keys;
    private readonly List<Request> _requests = [];
    private readonly List<long> _attemptStarts = [];
    private readonly List<short> _attemptEndpoints = [];
    private readonly string[] _keyNames;
    private ServiceRouter _router = null!;
    private EndpointSet _set = null!;
    private long _inFlight;
    private long _pendingArrivals;
    private int _retries;
    private int _ejections;
    private long _lastEnd;
    private long _expected;
    private double _reported;

    public LabSimulation(LabScenario scenario, LabPolicy policy, int seed, IProgress<double>? progress)
    {
        _scenario = scenario;
        _policy = policy;
        _seed = seed;
        _progress = progress;
        _arrivals = new Random(Stream(seed, 2));
        _keys = new Random(Stream(seed, 3));
        _keyNames = [.. Enumerable.Range(0, scenario.HashKeys).Select(k => "key-" + k.ToString(CultureInfo.InvariantCulture))];
    }

    public LabRun Run()
    {
        var wall = Stopwatch.StartNew();
        var policyRandom = new Random(Stream(_seed, 1));
        var topology = new ClientTopology(_scenario.ClientNode, _scenario.ClientZone);
        using var pool = new ServiceRouterPool([_source], topology, _clock);
        var profile = new RoutingProfile("lab:" + _policy.Name, time => _policy.Create(time, policyRandom), _scenario.OutlierDetection, _scenario.EndpointOptions)
        {
            IdleTimeout = TimeSpan.FromDays(3650), // a run never goes idle; its gaps are not a client's
        };

        foreach (var e in _scenario.Endpoints)
        {
            AddBackend(e);
        }

        var version = Publish();
        _router = pool.GetRouter(Service, profile);
        WaitApplied(version);
        ScheduleLoad();
        for (var i = 0; i < _scenario.Changes.Length; i++)
        {
            _pendingArrivals++;
            _clock.Schedule(VirtualClock.Origin + _scenario.Changes[i].At.Ticks, new LabEvent(LabEventKind.Change, null, i));
        }

        while (_inFlight > 0 || _pendingArrivals > 0)
        {
            if (!_clock.TryNext(out var e))
            {
                break;
            }

            switch (e.Kind)
            {
                case LabEventKind.Arrival:
                    _pendingArrivals--;
                    OnArrival(e.Value);
                    break;
                case LabEventKind.WorkerSends:
                    _pendingArrivals--;
                    OnWorker((int)e.Value);
                    break;
                case LabEventKind.AttemptEnds:
                    OnAttemptEnds((Attempt)e.Target!);
                    break;
                case LabEventKind.Timeout:
                    OnTimeout((Request)e.Target!);
                    break;
                case LabEventKind.Change:
                    _pendingArrivals--;
                    OnChange(_scenario.Changes[(int)e.Value]);
                    break;
                case LabEventKind.Timer:
                    VirtualClock.FireTimer(e);
                    break;
            }
        }

        _progress?.Report(1);
        var outstanding = 0;
        foreach (var b in _backends)
        {
            outstanding += b.Stats?.Outstanding ?? 0;
        }

        return Record(wall.Elapsed, outstanding);
    }

    public ImmutableArray<string> EndpointNames => [.. _backends.Select(b => b.Spec.Name)];

    // Independent, repeatable random streams from one seed (SplitMix64's finaliser): endpoints keep their samples
    // whatever the policy does, so policies are compared on the same draws.
    internal static int Stream(int seed, int stream)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)stream) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>What <see cref="PolicyLab.KeysMoved"/> measures: each key picked once before and once after the change.</summary>
    internal static double KeysMoved(LabPolicy policy, int endpoints, int added, int keys, int seed)
    {
        var latency = LatencyModel.Constant(TimeSpan.FromMilliseconds(1));
        var before = Enumerable.Range(0, endpoints).Select(i => new LabEndpoint($"pod-{i}", latency)).ToList();
        var changes = added >= 0
            ? Enumerable.Range(endpoints, added).Select(i => LabChange.Add(TimeSpan.FromSeconds(1), new LabEndpoint($"pod-{i}", latency)))
            : Enumerable.Range(endpoints + added, -added).Select(i => LabChange.Remove(TimeSpan.FromSeconds(1), $"pod-{i}"));
        var scenario = new LabScenario("keys-moved", before, LabLoad.ClosedLoop(1, 1)) { Changes = [.. changes] };
        var simulation = new LabSimulation(scenario, policy, seed, null);
        var policyRandom = new Random(Stream(seed, 1));
        using var pool = new ServiceRouterPool([simulation._source], ClientTopology.Unknown, simulation._clock);
        var profile = new RoutingProfile("lab:" + policy.Name, time => policy.Create(time, policyRandom), new OutlierDetectionOptions { Enabled = false });
        foreach (var e in before)
        {
            simulation.AddBackend(e);
        }

        var version = simulation.Publish();
        simulation._router = pool.GetRouter(Service, profile);
        simulation.WaitApplied(version);
        var names = Enumerable.Range(0, keys).Select(k => "key-" + k.ToString(CultureInfo.InvariantCulture)).ToArray();
        var first = new string[keys];
        for (var k = 0; k < keys; k++)
        {
            first[k] = simulation.PickName(names[k]);
        }

        foreach (var c in scenario.Changes)
        {
            simulation.OnChange(c);
        }

        var moved = 0;
        for (var k = 0; k < keys; k++)
        {
            moved += simulation.PickName(names[k]) == first[k] ? 0 : 1;
        }

        return moved / (double)keys;
    }

    private string PickName(string key)
    {
        var lease = _router.Pick(_set, key);
        lease.Complete(EndpointOutcome.Success);
        return _backends[_byEndpoint[lease.Endpoint!]].Spec.Name;
    }

    private void ScheduleLoad()
    {
        var load = _scenario.Load;
        if (load.RequestsPerSecond is { } rate)
        {
            _expected = (long)Math.Ceiling(rate * load.Duration!.Value.TotalSeconds);
            _pendingArrivals++;
            _clock.Schedule(VirtualClock.Origin, new LabEvent(LabEventKind.Arrival, null, 0));
            return;
        }

        _expected = load.Requests ?? 0;
        for (var w = 0; w < load.Workers; w++)
        {
            _pendingArrivals++;
            _clock.Schedule(VirtualClock.Origin, new LabEvent(LabEventKind.WorkerSends, null, w));
        }
    }

    private void OnArrival(long index)
    {
        var load = _scenario.Load;
        var now = _clock.Elapsed;
        Send(worker: -1);

        // The next arrival: evenly spaced at the k-th multiple of the period (no drift), or an exponential gap.
        long next;
        if (load.Poisson)
        {
            next = now + (long)(-Math.Log(1 - _arrivals.NextDouble()) * TimeSpan.TicksPerSecond / load.RequestsPerSecond!.Value);
        }
        else
        {
            next = (long)Math.Round((index + 1) * TimeSpan.TicksPerSecond / load.RequestsPerSecond!.Value);
        }

        if (next < load.Duration!.Value.Ticks)
        {
            _pendingArrivals++;
            _clock.Schedule(VirtualClock.Origin + next, new LabEvent(LabEventKind.Arrival, null, index + 1));
        }
    }

    private void OnWorker(int worker)
    {
        var load = _scenario.Load;
        if ((load.Requests is { } n && _requests.Count >= n) || (load.Duration is { } d && _clock.Elapsed >= d.Ticks))
        {
            return;
        }

        Send(worker);
    }

    private void Send(int worker)
    {
        var request = new Request(_requests.Count, _clock.Elapsed, worker, _keyNames.Length == 0 ? null : _keyNames[_keys.Next(_keyNames.Length)]);
        _requests.Add(request);
        _inFlight++;
        ReportProgress();
        if (_scenario.RequestTimeout is { } timeout)
        {
            _clock.Schedule(_clock.GetTimestamp() + timeout.Ticks, new LabEvent(LabEventKind.Timeout, request, 0));
        }

        StartAttempt(request);
    }

    private void StartAttempt(Request request)
    {
        var lease = _router.Pick(_set, request.Key, request.Tried);
        if (lease.Endpoint is not { } endpoint)
        {
            Finish(request, LabOutcome.NoEndpoint);
            return;
        }

        var index = _byEndpoint[endpoint];
        var attempt = new Attempt(request, lease, index);
        request.Current = attempt;
        request.Attempts++;
        request.Endpoint = index;
        _attemptStarts.Add(_clock.Elapsed);
        _attemptEndpoints.Add((short)index);
        var backend = _backends[index];
        if (backend.Spec.ConcurrencyLimit is not { } limit || backend.InService < limit)
        {
            Serve(backend, attempt);
        }
        else if (backend.Spec.QueueLimit is { } queueLimit && backend.Queue.Count >= queueLimit)
        {
            attempt.Outcome = EndpointOutcome.ServerError; // 503 at once: the queue is full
            _clock.Schedule(_clock.GetTimestamp(), new LabEvent(LabEventKind.AttemptEnds, attempt, 0));
        }
        else
        {
            backend.Queue.Enqueue(attempt);
        }
    }

    private void Serve(Backend backend, Attempt attempt)
    {
        backend.InService++;
        attempt.Served = true;
        var now = _clock.Elapsed;
        var factor = 1.0;
        var extra = 0L;
        var failures = backend.Spec.Failures;
        foreach (var episode in backend.Spec.Episodes)
        {
            if (episode.Covers(now))
            {
                factor *= episode.LatencyFactor;
                extra += episode.ExtraLatency.Ticks;
                failures = episode.Failures ?? failures;
            }
        }

        // Both draws are always taken, so an endpoint's samples do not depend on which requests fail.
        var latency = (backend.Sample().Ticks * factor) + extra;
        var fails = backend.FailureDraw.NextDouble() < failures.Rate;
        attempt.Outcome = fails ? failures.Outcome : EndpointOutcome.Success;
        var end = fails && failures.Immediate ? 0 : (long)Math.Round(latency);
        _clock.Schedule(_clock.GetTimestamp() + end, new LabEvent(LabEventKind.AttemptEnds, attempt, 0));
    }

    private void OnAttemptEnds(Attempt attempt)
    {
        var backend = _backends[attempt.Endpoint];
        if (attempt.Served)
        {
            backend.InService--;
            while (backend.Queue.TryDequeue(out var next))
            {
                if (!next.Request.Done)
                {
                    Serve(backend, next);
                    break;
                }
            }
        }

        var request = attempt.Request;
        if (request.Done || request.Current != attempt)
        {
            return; // timed out: its lease was completed then
        }

        attempt.Lease.Complete(attempt.Outcome);
        var stats = attempt.Lease.Endpoint!.Stats;
        if (attempt.Outcome != EndpointOutcome.Success && stats.IsEjected && stats.EjectedUntilTimestamp != backend.EjectedUntil)
        {
            backend.EjectedUntil = stats.EjectedUntilTimestamp;
            _ejections++;
        }

        switch (attempt.Outcome)
        {
            case EndpointOutcome.Success:
                Finish(request, LabOutcome.Success);
                break;
            case EndpointOutcome.ServerError:
                Finish(request, LabOutcome.ServerError);
                break;
            default:
                var eligible = attempt.Lease.Set?.Eligible.Length ?? 0;
                if (RetryRule.MayRetry(attempt.Outcome, request.Attempts - 1, _scenario.MaxRetries, eligible, _scenario.IdempotentRequests, _scenario.RetryIdempotentAfterSend))
                {
                    (request.Tried ??= []).Add(attempt.Lease.Endpoint);
                    _retries++;
                    StartAttempt(request);
                }
                else
                {
                    Finish(request, LabOutcome.Failed);
                }

                break;
        }
    }

    private void OnTimeout(Request request)
    {
        if (request.Done)
        {
            return;
        }

        request.Current?.Lease.Complete(EndpointOutcome.Canceled); // the caller gave up: says nothing of the endpoint
        Finish(request, LabOutcome.TimedOut);
    }

    private void Finish(Request request, LabOutcome outcome)
    {
        request.Done = true;
        request.Outcome = outcome;
        request.End = _clock.Elapsed;
        _lastEnd = Math.Max(_lastEnd, request.End);
        _inFlight--;
        if (request.Worker >= 0)
        {
            _pendingArrivals++;
            _clock.Schedule(_clock.GetTimestamp() + _scenario.Load.Pacing.Ticks, new LabEvent(LabEventKind.WorkerSends, null, request.Worker));
        }
    }

    private void OnChange(LabChange change)
    {
        if (change.Added is { } added)
        {
            AddBackend(added);
        }
        else
        {
            var backend = _backends[_byName[change.Name]];
            if (change.Removes)
            {
                backend.Present = false;
            }
            else
            {
                backend.Ready = change.Ready!.Value;
            }
        }

        WaitApplied(Publish());
    }

    private void AddBackend(LabEndpoint spec)
    {
        var index = _backends.Count;
        var address = string.Create(CultureInfo.InvariantCulture, $"10.244.{index / 250}.{(index % 250) + 1}");
        _byName[spec.Name] = index;
        _backends.Add(new Backend(spec, address, spec.Latency.Start(new Random(Stream(_seed, 1000 + index))), new Random(Stream(_seed, 100_000 + index))));
    }

    private long Publish()
    {
        var endpoints = _backends.Where(b => b.Present).Select(b => new Endpoint(b.Address, b.Ready ? EndpointConditions.ReadyEndpoint : new EndpointConditions(false, false, false))
        {
            Zone = b.Spec.Zone,
            NodeName = b.Spec.Node,
            Hostname = b.Spec.Name,
        });
        var slice = new EndpointSliceInfo("backend-lab", AddressType.IPv4, [new EndpointPort("http", 8080)], [.. endpoints]);
        return _source.Set(Service, Spec, slice).Version;
    }

    // The router applies a state on its watch (another thread): the simulation stands still until it has.
    private void WaitApplied(long version)
    {
        var spin = new SpinWait();
        var deadline = Stopwatch.GetTimestamp() + (30 * Stopwatch.Frequency);
        while (_router.State is not { } state || state.Version < version)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"Policy lab: the routing core did not apply endpoint version {version} within 30 s.");
            }

            spin.SpinOnce(sleep1Threshold: 50);
        }

        _set = _router.GetSet(Port);
        _byEndpoint.Clear();
        foreach (var ep in _set.All)
        {
            for (var i = 0; i < _backends.Count; i++)
            {
                if (_backends[i].Address == ep.Source.Address)
                {
                    _byEndpoint[ep] = i;
                    _backends[i].Stats = ep.Stats;
                    break;
                }
            }
        }
    }

    private void ReportProgress()
    {
        if (_progress is null || _expected <= 0)
        {
            return;
        }

        var done = _requests.Count / (double)_expected;
        if (done - _reported >= 0.01)
        {
            _reported = done;
            _progress.Report(Math.Min(1, done));
        }
    }

    private LabRun Record(TimeSpan wall, int outstanding)
    {
        var n = _requests.Count;
        var starts = new long[n];
        var latencies = new long[n];
        var outcomes = new LabOutcome[n];
        var attempts = new byte[n];
        var last = new short[n];
        for (var i = 0; i < n; i++)
        {
            var r = _requests[i];
            starts[i] = r.Start;
            latencies[i] = r.End - r.Start;
            outcomes[i] = r.Outcome;
            attempts[i] = (byte)Math.Min(255, r.Attempts);
            last[i] = (short)r.Endpoint;
        }

        return new LabRun
        {
            Starts = starts,
            Latencies = latencies,
            Outcomes = outcomes,
            AttemptCounts = attempts,
            LastEndpoints = last,
            AttemptStarts = [.. _attemptStarts],
            AttemptEndpoints = [.. _attemptEndpoints],
            Retries = _retries,
            Ejections = _ejections,
            OutstandingAtEnd = outstanding,
            LastEnd = _lastEnd,
            WallTime = wall,
        };
    }

    private sealed class Backend(LabEndpoint spec, string address, Func<TimeSpan> sample, Random failureDraw)
    {
        public LabEndpoint Spec { get; } = spec;

        public string Address { get; } = address;

        public Func<TimeSpan> Sample { get; } = sample;

        public Random FailureDraw { get; } = failureDraw;

        public Queue<Attempt> Queue { get; } = new();

        public int InService { get; set; }

        public bool Present { get; set; } = true;

        public bool Ready { get; set; } = spec.Ready;

        public long EjectedUntil { get; set; }

        public EndpointStats? Stats { get; set; }
    }

    private sealed class Request(int id, long start, int worker, string? key)
    {
        public int Id { get; } = id;

        public long Start { get; } = start;

        public int Worker { get; } = worker;

        public string? Key { get; } = key;

        public long End { get; set; }

        public LabOutcome Outcome { get; set; }

        public int Attempts { get; set; }

        public int Endpoint { get; set; } = -1;

        public bool Done { get; set; }

        public Attempt? Current { get; set; }

        public List<ServiceEndpoint>? Tried { get; set; }
    }

    private sealed class Attempt(Request request, RoutedLease lease, int endpoint)
    {
        public Request Request { get; } = request;

        public RoutedLease Lease { get; } = lease;

        public int Endpoint { get; } = endpoint;

        public EndpointOutcome Outcome { get; set; }

        public bool Served { get; set; }
    }
}
