using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace K8sNet.Routing;

/// <summary>The K8sNet.Routing meter: requests by outcome, retries, ejections, endpoints by state.</summary>
internal sealed class RoutingMetrics : IDisposable
{
    public const string MeterName = "K8sNet.Routing";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _passThroughs;
    private readonly bool _ownsMeter;

    public RoutingMetrics(IMeterFactory? meterFactory, Func<IEnumerable<ServiceRouter>> routers)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("k8snet.routing.requests", "{request}", "Requests routed to a Service's endpoints, by outcome.");
        _retries = _meter.CreateCounter<long>("k8snet.routing.retries", "{retry}", "Requests retried on another endpoint.");
        _ejections = _meter.CreateCounter<long>("k8snet.routing.ejections", "{ejection}", "Endpoints ejected by outlier detection.");
        _passThroughs = _meter.CreateCounter<long>("k8snet.routing.passthrough", "{request}", "Requests to hosts shaped like Service names that were not routed to pods, by reason.");
        _meter.CreateObservableGauge("k8snet.routing.endpoints", () => Observe(routers()), "{endpoint}", "Endpoints per Service port, by state (eligible, ejected, all).");
    }

    public void Request(ServiceName service, string outcome)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, new TagList { { "k8snet.service", service.ToString() }, { "k8snet.outcome", outcome } });
        }
    }

    public void Request(ServiceName service, EndpointOutcome outcome)
    {
        if (_requests.Enabled)
        {
            Request(service, OutcomeName(outcome));
        }
    }

    public void Retry(ServiceName service)
    {
        if (_retries.Enabled)
        {
            _retries.Add(1, new KeyValuePair<string, object?>("k8snet.service", service.ToString()));
        }
    }

    public void PassThrough(PassThroughReason reason)
    {
        if (_passThroughs.Enabled)
        {
            _passThroughs.Add(1, new KeyValuePair<string, object?>("k8snet.reason", reason == PassThroughReason.NamespaceNotAllowed ? "namespace_not_allowed" : "service_not_found"));
        }
    }

    public void Ejection(ServiceName service)
    {
        if (_ejections.Enabled)
        {
            _ejections.Add(1, new KeyValuePair<string, object?>("k8snet.service", service.ToString()));
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private static string OutcomeName(EndpointOutcome outcome) => outcome switch
    {
        EndpointOutcome.Success => "success",
        EndpointOutcome.ServerError => "server_error",
        EndpointOutcome.ConnectFailure => "connect_failure",
        EndpointOutcome.TransportFailure => "transport_failure",
        _ => "canceled",
    };

    private static IEnumerable<Measurement<int>> Observe(IEnumerable<ServiceRouter> routers)
    {
        foreach (var router in routers)
        {
            foreach (var set in router.Sets.Values)
            {
                var ejected = 0;
                foreach (var ep in set.Eligible)
                {
                    ejected += ep.Stats.IsEjected ? 1 : 0;
                }

                var service = set.Service.ToString();
                var port = set.Port.ToString();
                yield return new Measurement<int>(set.Eligible.Length - ejected, new("k8snet.service", service), new("k8snet.port", port), new("k8snet.state", "eligible"));
                yield return new Measurement<int>(ejected, new("k8snet.service", service), new("k8snet.port", port), new("k8snet.state", "ejected"));
                yield return new Measurement<int>(set.All.Length, new("k8snet.service", service), new("k8snet.port", port), new("k8snet.state", "all"));
            }
        }
    }
}
