using System.Net;
using K8sNet.Dns;
using K8sNet.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Extensions.ServiceDiscovery;

namespace K8sNet.ServiceDiscovery;

/// <summary>
/// One name's endpoints for Microsoft.Extensions.ServiceDiscovery: the first candidate Service that exists (search
/// order), its port chosen as K8sNet's handler chooses it, and that port's eligible endpoints under kube-proxy's rules
/// (ready ones; serving-terminating ones only while none is ready; topology hints; traffic policies) as IP endpoints. Its
/// change token fires when the Service changes, so M.E.SD re-reads at once rather than polling.
/// </summary>
internal sealed partial class K8sNetServiceEndpointProvider(
    ServiceRouterPool pool, RoutingProfile profile, ServiceUriTarget target, K8sNetServiceEndpointOptions options, string? hostName, ILogger logger)
    : IServiceEndpointProvider
{
    private readonly Lock _gate = new();
    private IDisposable? _subscription;
    private bool _disposed;
    private HostNameFeature? _hostName;

    public async ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Endpoints.Count != 0)
        {
            return; // an earlier provider (configuration) answered: M.E.SD's convention, first that finds wins
        }

        while (true)
        {
            var lookup = await pool.FindAsync(target, profile, options.SyncTimeout, cancellationToken).ConfigureAwait(false);
            if (lookup.Status == ServiceLookupStatus.NotSynced)
            {
                throw new K8sNetRoutingException(lookup.Router.Service, RoutingFailureReason.NotSynced,
                    $"The endpoint source has not synced Service '{lookup.Router.Service}' within {options.SyncTimeout.TotalSeconds:0.###} s, so K8sNet cannot tell whether it exists or where its pods are.");
            }

            var changed = new CancellationTokenSource();
            if (!lookup.Router.TrySubscribe(_ => changed.Cancel(), out var subscription))
            {
                changed.Dispose();
                continue; // let go a moment ago: follow it again
            }

            Replace(subscription);
            endpoints.AddChangeToken(new CancellationChangeToken(changed.Token));
            if (lookup.Status == ServiceLookupStatus.Found && lookup.State?.Spec is { } spec)
            {
                Add(endpoints, lookup.Router, spec);
            }
            else
            {
                Log.NotFound(logger, target.Host, lookup.Router.Service);
            }

            return;
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _subscription?.Dispose();
            _subscription = null;
        }

        return ValueTask.CompletedTask;
    }

    private void Add(IServiceEndpointBuilder endpoints, ServiceRouter router, ServiceSpecInfo spec)
    {
        var service = router.Service;
        if (spec.Type == ServiceType.ExternalName && !string.IsNullOrEmpty(spec.ExternalName))
        {
            endpoints.Endpoints.Add(Microsoft.Extensions.ServiceDiscovery.ServiceEndpoint.Create(
                new DnsEndPoint(spec.ExternalName.TrimEnd('.'), target.Port.Number), Features(null)));
            return;
        }

        if (!ServicePortSelector.TrySelect(service, spec.Ports, target.Port, out var port, out _, out var error))
        {
            throw new K8sNetRoutingException(service, RoutingFailureReason.UnknownPort, error.Message, error);
        }

        var set = router.GetSet(port.Key);
        foreach (var e in set.Eligible)
        {
            endpoints.Endpoints.Add(Microsoft.Extensions.ServiceDiscovery.ServiceEndpoint.Create(
                new IPEndPoint(e.Address, e.Port), Features(new K8sNetEndpointFeature(service, port, e))));
        }

        Log.Resolved(logger, target.Host, service, port.Name.Length > 0 ? port.Name : port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), set.Eligible.Length, set.Status);
    }

    private EndpointFeatures Features(K8sNetEndpointFeature? endpoint) =>
        new(hostName is null ? null : _hostName ??= new HostNameFeature(hostName), endpoint);

    private void Replace(IDisposable subscription)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                subscription.Dispose();
                return;
            }

            _subscription?.Dispose();
            _subscription = subscription;
        }
    }

    private sealed class HostNameFeature(string value) : IHostNameFeature
    {
        public string HostName { get; } = value;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8001, Level = LogLevel.Debug, Message = "'{Host}' resolved to Service {Service} port {Port}: {Count} endpoint(s) ({Status}).")]
        public static partial void Resolved(ILogger logger, string host, ServiceName service, string port, int count, EndpointSetStatus status);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Debug, Message = "'{Host}' names no existing Service (first candidate {Service}); left to the next provider, and followed in case it appears.")]
        public static partial void NotFound(ILogger logger, string host, ServiceName service);
    }
}
