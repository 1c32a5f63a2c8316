using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sNet.Routing;

/// <summary>
/// The K8sNet.Routing meter. Attributes follow OpenTelemetry's semantic conventions where one exists
/// (<c>k8s.namespace.name</c>, <c>error.type</c>) and are <c>k8snet.*</c> where none does; no pod name or address is ever
/// an attribute, so the number of series follows the Services and clients, not the pods. The README lists every
/// instrument.
/// </summary>
internal sealed class RoutingMetrics : IDisposable
{
    public const string MeterName = "K8sNet.Routing";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _picks;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _passThroughs;
    private readonly bool _ownsMeter;

    public RoutingMetrics(IMeterFactory? meterFactory, Func<IEnumerable<ServiceRouter>> routers)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("k8snet.routing.requests", "{request}", "Requests and calls sent to a Service's endpoints (each attempt), by outcome; error.type is set on failures.");
        _duration = _meter.CreateHistogram<double>("k8snet.routing.attempt.duration", "s", "How long each attempt took, from the pick to its completion.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10] });
        _picks = _meter.CreateCounter<long>("k8snet.routing.picks", "{pick}", "Endpoints picked, by policy.");
        _retries = _meter.CreateCounter<long>("k8snet.routing.retries", "{retry}", "Requests retried on another endpoint.");
        _ejections = _meter.CreateCounter<long>("k8snet.routing.ejections", "{ejection}", "Endpoints ejected by outlier detection.");
        _passThroughs = _meter.CreateCounter<long>("k8snet.routing.passthrough", "{request}", "Requests to hosts shaped like Service names that were not routed to pods, by reason.");
        _meter.CreateObservableGauge("k8snet.routing.endpoints", () => Observe(routers()), "{endpoint}", "Endpoints per followed Service port, by state (eligible, ejected, all).");
    }

    /// <summary>Whether attempt durations are being recorded (then the router reads the clock for them).</summary>
    public bool DurationEnabled => _duration.Enabled;

    public void Request(ServiceRouter router, EndpointOutcome outcome, double? seconds)
    {
        if (_requests.Enabled || (seconds is not null && _duration.Enabled))
        {
            var tags = Tags(router);
            if (ErrorType(outcome) is { } error)
            {
                tags.Add("error.type", error);
            }

            _requests.Add(1, tags);
            if (seconds is { } s)
            {
                _duration.Record(s, tags);
            }
        }
    }

    /// <summary>A request that never reached an endpoint (not synced, no endpoint), with its reason as <c>error.type</c>.</summary>
    public void Failed(ServiceRouter router, string errorType)
    {
        if (_requests.Enabled)
        {
            var tags = Tags(router);
            tags.Add("error.type", errorType);
            _requests.Add(1, tags);
        }
    }

    public void Picked(ServiceRouter router)
    {
        if (_picks.Enabled)
        {
            var tags = Tags(router);
            tags.Add("k8snet.policy", router.PolicyName);
            _picks.Add(1, tags);
        }
    }

    public void Retry(ServiceRouter router)
    {
        if (_retries.Enabled)
        {
            _retries.Add(1, Tags(router));
        }
    }

    public void Ejection(ServiceRouter router)
    {
        if (_ejections.Enabled)
        {
            _ejections.Add(1, Tags(router));
        }
    }

    public void PassThrough(string client, PassThroughReason reason)
    {
        if (_passThroughs.Enabled)
        {
            _passThroughs.Add(1, new TagList
            {
                { "k8snet.client", client },
                { "k8snet.reason", reason == PassThroughReason.NamespaceNotAllowed ? "namespace_not_allowed" : "service_not_found" },
            });
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>The attributes every instrument shares: the Service and the client (its routing profile).</summary>
    private static TagList Tags(ServiceRouter router) => new()
    {
        { "k8s.namespace.name", router.Service.Namespace },
        { "k8snet.service.name", router.Service.Name },
        { "k8snet.client", router.Profile.Name },
    };

    /// <summary>OpenTelemetry's <c>error.type</c>: absent on success, a low-cardinality name of the failure otherwise.</summary>
    internal static string? ErrorType(EndpointOutcome outcome) => outcome switch
    {
        EndpointOutcome.Success => null,
        EndpointOutcome.ServerError => "server_error",
        EndpointOutcome.ConnectFailure => "connect_failure",
        EndpointOutcome.TransportFailure => "transport_failure",
        _ => "canceled",
    };

    private static IEnumerable<Measurement<int>> Observe(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            if (!router.IsActive)
            {
                continue;
            }

            foreach (var set in router.Sets.Values)
            {
                var ejected = 0;
                foreach (var ep in set.Eligible)
                {
                    ejected += ep.Stats.IsEjected ? 1 : 0;
                }

                var port = set.Port.ToString();
                yield return Measure(set.Eligible.Length - ejected, router, port, "eligible");
                yield return Measure(ejected, router, port, "ejected");
                yield return Measure(set.All.Length, router, port, "all");
            }
        }
    }

    private static Measurement<int> Measure(int value, ServiceRouter router, string port, string state) =>
        new(value, [
            new("k8s.namespace.name", router.Service.Namespace),
            new("k8snet.service.name", router.Service.Name),
            new("k8snet.client", router.Profile.Name),
            new("k8snet.service.port", port),
            new("k8snet.endpoint.state", state),
        ]);
}
