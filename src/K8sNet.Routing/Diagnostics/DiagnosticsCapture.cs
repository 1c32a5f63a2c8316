using System.Globalization;

namespace K8sNet.Routing;

/// <summary>
/// Takes <see cref="K8sNetDiagnosticsSnapshot"/>s of a pool. "Recent" counts are taken against the older of two baselines
/// that move on at most once a minute, so that a view refreshed often shows the last one to two minutes.
/// </summary>
internal sealed class DiagnosticsCapture(ServiceRouterPool pool, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();

    // Before any snapshot: nothing counted, when routing started.
    private Baseline _older = new(time.GetUtcNow(), new Dictionary<EndpointStats, long>(ReferenceEqualityComparer.Instance));
    private Baseline? _newer;

    public K8sNetDiagnosticsSnapshot Capture()
    {
        var now = time.GetUtcNow();
        var counts = new Dictionary<EndpointStats, long>(ReferenceEqualityComparer.Instance);
        var routers = pool.Routers.OrderBy(r => r.Service.Namespace, StringComparer.Ordinal)
            .ThenBy(r => r.Service.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Profile.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var router in routers)
        {
            foreach (var set in router.Sets.Values)
            {
                foreach (var ep in set.All)
                {
                    counts[ep.Stats] = ep.Stats.Completed;
                }
            }
        }

        Baseline older;
        lock (_gate)
        {
            var current = new Baseline(now, counts);
            if (_newer is null)
            {
                _newer = current;
            }
            else if (now - _newer.At >= Window)
            {
                _older = _newer;
                _newer = current;
            }

            older = _older;
        }

        return new K8sNetDiagnosticsSnapshot
        {
            TakenAt = now,
            RecentSince = older.At,
            Source = Source(),
            Services = [.. routers.Select(r => Service(r, older))],
            PassThroughs = pool.PassThroughs,
        };
    }

    private EndpointSourceDiagnostics Source()
    {
        IEndpointSource source;
        try
        {
            source = pool.Source;
        }
        catch (InvalidOperationException ex)
        {
            return new EndpointSourceDiagnostics { Type = "(none)", Status = EndpointSourceHealthStatus.Unhealthy, Description = ex.Message, Data = new Dictionary<string, string>() };
        }

        var health = source is IEndpointSourceHealth h ? h.CheckHealth() : null;
        return new EndpointSourceDiagnostics
        {
            Type = source.GetType().Name,
            Status = health?.Status ?? EndpointSourceHealthStatus.Healthy,
            Description = health?.Description ?? "The source does not report its health.",
            Data = health?.Data.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture) ?? string.Empty, StringComparer.Ordinal)
                ?? new Dictionary<string, string>(StringComparer.Ordinal),
        };
    }

    private static ServiceDiagnostics Service(ServiceRouter router, Baseline older)
    {
        var state = router.State;
        var (lastChange, lastError) = router.Progress;
        return new ServiceDiagnostics
        {
            Namespace = router.Service.Namespace,
            Name = router.Service.Name,
            Client = router.Profile.Name,
            Policy = router.PolicyName,
            PickedBy = router.Profile.PickedBy,
            Synced = state?.IsSynced ?? false,
            Exists = state?.Exists ?? false,
            StateVersion = state?.Version ?? 0,
            LastChange = lastChange,
            LastError = lastError,
            Ports = [.. router.Sets.Values.OrderBy(s => s.Port.Name, StringComparer.Ordinal).Select(s => Port(router, s, older))],
        };
    }

    private static ServicePortDiagnostics Port(ServiceRouter router, EndpointSet set, Baseline older)
    {
        var eligible = new HashSet<ServiceEndpoint>(set.Eligible, ReferenceEqualityComparer.Instance);
        var rows = set.All.Select(ep => (Endpoint: ep, Picks: ep.Stats.Completed, Recent: ep.Stats.Completed - older.Count(ep.Stats))).ToList();
        var picks = rows.Sum(r => r.Picks);
        var recent = rows.Sum(r => r.Recent);
        var now = router.Time.GetTimestamp();
        var frequency = (double)router.Time.TimestampFrequency;
        return new ServicePortDiagnostics
        {
            Port = set.Port.Name,
            Protocol = set.Port.Protocol.ToString().ToUpperInvariant(),
            Status = set.Status,
            Panic = router.IsPanic(set.Port),
            Eligible = set.Eligible.Length,
            Picks = picks,
            RecentPicks = recent,
            Endpoints = [.. rows.Select(r =>
            {
                var ep = r.Endpoint;
                var stats = ep.Stats;
                var until = stats.EjectedUntilTimestamp;
                return new EndpointDiagnostics
                {
                    Address = ep.Address.ToString(),
                    Port = ep.Port,
                    Pod = ep.Source.TargetRef is { Kind: "Pod" } pod ? pod.Name : null,
                    Node = ep.NodeName,
                    Zone = ep.Zone,
                    Ready = ep.IsReady,
                    Serving = ep.IsServing,
                    Terminating = ep.IsTerminating,
                    Eligible = eligible.Contains(ep),
                    Ejected = stats.IsEjected,
                    EjectedFor = stats.IsEjected ? TimeSpan.FromSeconds(Math.Max(0, until - now) / frequency) : null,
                    InFlight = stats.Outstanding,
                    EwmaMilliseconds = stats.RttTimestamp == 0 ? null : stats.RttEwmaTicks * 1000 / frequency,
                    Picks = r.Picks,
                    Share = picks == 0 ? 0 : r.Picks / (double)picks,
                    RecentPicks = r.Recent,
                    RecentShare = recent == 0 ? 0 : r.Recent / (double)recent,
                };
            })],
        };
    }

    private sealed record Baseline(DateTimeOffset At, Dictionary<EndpointStats, long> Counts)
    {
        public long Count(EndpointStats stats) => Counts.GetValueOrDefault(stats);
    }
}
