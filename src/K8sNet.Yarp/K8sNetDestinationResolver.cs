using System.Collections.Concurrent;
using System.Globalization;
using K8sNet.Dns;
using K8sNet.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace K8sNet.Yarp;

/// <summary>
/// YARP's destination resolver for Kubernetes Services: a destination whose address names a Service in an allowed
/// namespace (<c>http://orders.shop:8080</c>, <c>https://orders</c>, the FQDN) becomes one destination per endpoint of
/// that Service port that kube-proxy's rules make eligible (ready ones; serving-terminating ones only while none is
/// ready; topology hints; traffic policies), named <c>{destination}[{ip}:{port}]</c>, with the Service's name as its Host
/// and the pod's zone and node in its metadata. The change token fires when the Service changes, so YARP re-resolves at
/// once. Other destinations stay as they are.
/// </summary>
internal sealed partial class K8sNetDestinationResolver : IDestinationResolver, IDisposable
{
    private readonly ServiceRouterPool _pool;
    private readonly ServiceUriResolver _uris;
    private readonly K8sNetDestinationOptions _options;
    private readonly RoutingProfile _profile;
    private readonly ILogger _logger;

    // The subscriptions behind the last token given for each set of destinations (a YARP cluster's): replaced when YARP
    // resolves the same destinations again, so a router stays followed only while YARP still uses it.
    private readonly ConcurrentDictionary<string, Subscriptions> _followed = new(StringComparer.Ordinal);

    public K8sNetDestinationResolver(ServiceRouterPool pool, ClientContext context, IOptions<K8sNetDestinationOptions> options, ILoggerFactory loggerFactory)
    {
        _pool = pool;
        _options = options.Value;
        var uriOptions = new ServiceUriOptions();
        foreach (var ns in _options.AllowedNamespaces)
        {
            uriOptions.AllowedNamespaces.Add(ns);
        }

        _uris = new ServiceUriResolver(context, uriOptions);

        // YARP picks for itself and reports no outcomes: only the profile's endpoint rules are used.
        _profile = new RoutingProfile(
            "yarp",
            time => K8sNetLoadBalancers.Create(LoadBalancingPolicy.RoundRobin, time),
            new OutlierDetectionOptions { Enabled = false },
            _options.Endpoints)
        {
            PickedBy = "YARP",
        };
        _logger = loggerFactory.CreateLogger("K8sNet.Yarp");
    }

    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var result = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var changed = new CancellationTokenSource();
        var subscriptions = new Subscriptions(changed);
        try
        {
            foreach (var (name, destination) in destinations)
            {
                await ResolveAsync(name, destination, result, subscriptions, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            subscriptions.Dispose();
            throw;
        }

        var key = string.Join('\n', destinations.Keys.Order(StringComparer.Ordinal));
        if (subscriptions.IsEmpty)
        {
            subscriptions.Dispose();
            if (_followed.TryRemove(key, out var none))
            {
                none.Dispose();
            }

            return new ResolvedDestinationCollection(result, null);
        }

        _followed.AddOrUpdate(key, subscriptions, (_, previous) =>
        {
            previous.Dispose();
            return subscriptions;
        });
        return new ResolvedDestinationCollection(result, new CancellationChangeToken(changed.Token));
    }

    public void Dispose()
    {
        foreach (var s in _followed.Values)
        {
            s.Dispose();
        }

        _followed.Clear();
    }

    private async ValueTask ResolveAsync(string name, DestinationConfig destination, Dictionary<string, DestinationConfig> result, Subscriptions subscriptions, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(destination.Address, UriKind.Absolute, out var address)
            || !_uris.TryResolve(address, out var target, out _)
            || !target.HasCandidates)
        {
            result[name] = destination; // not a Service name: YARP uses it as it is
            return;
        }

        while (true)
        {
            var lookup = await _pool.FindAsync(target, _profile, _options.SyncTimeout, cancellationToken).ConfigureAwait(false);
            if (!subscriptions.TryFollow(lookup.Router))
            {
                continue; // let go a moment ago: follow it again
            }

            switch (lookup.Status)
            {
                case ServiceLookupStatus.NotSynced:
                    Log.NotSynced(_logger, name, destination.Address, lookup.Router.Service, _options.SyncTimeout);
                    result[name] = destination; // as written, until the Service's first state comes (the token fires)
                    return;
                case ServiceLookupStatus.NotFound:
                    Log.NotFound(_logger, name, destination.Address, lookup.Router.Service);
                    result[name] = destination;
                    return;
            }

            var service = lookup.Router.Service;
            var spec = lookup.State!.Spec!;
            if (spec.Type == ServiceType.ExternalName && !string.IsNullOrEmpty(spec.ExternalName))
            {
                result[name] = destination with { Address = new UriBuilder(address) { Host = spec.ExternalName.TrimEnd('.') }.Uri.ToString() };
                return;
            }

            if (!ServicePortSelector.TrySelect(service, spec.Ports, target.Port, out var port, out var scheme, out var error))
            {
                Log.UnknownPort(_logger, name, destination.Address, error.Message);
                result[name] = destination;
                return;
            }

            var set = lookup.Router.GetSet(port.Key);
            var host = _options.KeepHost ? destination.Host ?? address.Authority : destination.Host;
            foreach (var e in set.Eligible)
            {
                var builder = new UriBuilder(address) { Host = e.UriHost.Trim('[', ']'), Port = e.Port };
                if (scheme is not null && scheme != address.Scheme)
                {
                    builder.Scheme = scheme;
                }

                result[$"{name}[{e.Key}]"] = destination with
                {
                    Address = builder.Uri.ToString(),
                    Host = host,
                    Metadata = Metadata(destination.Metadata, service, e),
                };
            }

            Log.Resolved(_logger, name, destination.Address, service, port.Name.Length > 0 ? port.Name : port.Port.ToString(CultureInfo.InvariantCulture), set.Eligible.Length, set.Status);
            return;
        }
    }

    private static Dictionary<string, string> Metadata(IReadOnlyDictionary<string, string>? original, ServiceName service, ServiceEndpoint endpoint)
    {
        var metadata = original is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(original, StringComparer.Ordinal);
        metadata[K8sNetDestinationMetadata.Service] = service.ToString();
        metadata[K8sNetDestinationMetadata.Ready] = endpoint.IsReady ? "true" : "false";
        if (endpoint.Source.TargetRef is { } pod)
        {
            metadata[K8sNetDestinationMetadata.Pod] = $"{pod.Namespace ?? service.Namespace}/{pod.Name}";
        }

        if (endpoint.NodeName is { } node)
        {
            metadata[K8sNetDestinationMetadata.Node] = node;
        }

        if (endpoint.Zone is { } zone)
        {
            metadata[K8sNetDestinationMetadata.Zone] = zone;
        }

        return metadata;
    }

    /// <summary>The routers one resolution follows: any change of one fires its token once.</summary>
    private sealed class Subscriptions(CancellationTokenSource changed) : IDisposable
    {
        private readonly List<IDisposable> _subscriptions = [];
        private readonly HashSet<ServiceRouter> _routers = [];

        public bool IsEmpty => _routers.Count == 0;

        public bool TryFollow(ServiceRouter router)
        {
            if (_routers.Contains(router))
            {
                return true;
            }

            if (!router.TrySubscribe(_ => Fire(), out var subscription))
            {
                return false;
            }

            _routers.Add(router);
            _subscriptions.Add(subscription);
            return true;
        }

        public void Dispose()
        {
            foreach (var s in _subscriptions)
            {
                s.Dispose();
            }

            _subscriptions.Clear();
        }

        private void Fire()
        {
            try
            {
                changed.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Destination {Destination} ({Address}): Service {Service} port {Port}, {Count} endpoint(s) ({Status}).")]
        public static partial void Resolved(ILogger logger, string destination, string address, ServiceName service, string port, int count, EndpointSetStatus status);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Destination {Destination} ({Address}): the endpoint source has not synced Service {Service} within {Timeout}; the address is used as written until it has.")]
        public static partial void NotSynced(ILogger logger, string destination, string address, ServiceName service, TimeSpan timeout);

        [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Destination {Destination} ({Address}) names no existing Service (first candidate {Service}); the address is used as written, and the Service followed in case it appears.")]
        public static partial void NotFound(ILogger logger, string destination, string address, ServiceName service);

        [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "Destination {Destination} ({Address}): {Error} The address is used as written.")]
        public static partial void UnknownPort(ILogger logger, string destination, string address, string error);
    }
}
