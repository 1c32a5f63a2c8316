using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using K8sNet.Dns;
using K8sNet.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8sNet.Grpc;

/// <summary>
/// Grpc.Net.Client's resolver for the <c>k8s</c> scheme: <c>k8s:///orders.shop:grpc</c> (also <c>k8s:///orders:50051</c>,
/// the FQDN, a headless Service) follows the Service through K8sNet's Service-following core
/// (<see cref="ServiceRouterPool"/>, over the registered <see cref="IEndpointSource"/>: Kubernetes, DNS or a
/// FakeCluster) and gives the channel, on every change, the port's endpoints that kube-proxy's rules make eligible for
/// this client (ready ones, or serving-terminating ones while none is ready; topology hints; traffic policies), each
/// with its conditions, node and zone as attributes, and the Service's name as the authority. Its results name K8sNet's
/// balancer (<see cref="K8sNetLoadBalancerFactory"/>) as the channel's policy, which picks through the same core; retries
/// come from the channel's own service config (<see cref="K8sNetGrpcOptions.CreateServiceConfig"/>), which gRPC reads
/// only there.
/// </summary>
/// <remarks>
/// A Service that does not exist (yet) fails calls with <c>Unavailable</c> naming it, as does a port without eligible
/// endpoints; an unknown port fails them with <c>InvalidArgument</c> listing the Service's ports; a namespace that is not
/// allowed fails them with <c>PermissionDenied</c>. Calls with wait-for-ready wait instead of failing on
/// <c>Unavailable</c>. Channels to the same Service share its router: one policy and one outlier detector see all their
/// calls.
/// </remarks>
public sealed partial class K8sNetResolverFactory : ResolverFactory
{
    private readonly ServiceRouterPool _pool;
    private readonly ServiceUriResolver _uris;
    private readonly K8sNetGrpcOptions _options;
    private readonly RoutingProfile _profile;

    /// <summary>Creates the factory.</summary>
    /// <param name="pool">The Service-following core (<c>AddGrpcBalancing</c> registers it).</param>
    /// <param name="context">The client's namespace and cluster domain.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public K8sNetResolverFactory(ServiceRouterPool pool, ClientContext context, K8sNetGrpcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(context);
        _pool = pool;
        _options = options ?? new K8sNetGrpcOptions();
        _profile = _options.CreateProfile();
        var uriOptions = new ServiceUriOptions();
        foreach (var ns in _options.AllowedNamespaces)
        {
            uriOptions.AllowedNamespaces.Add(ns);
        }

        _uris = new ServiceUriResolver(context, uriOptions);
    }

    /// <summary>The scheme, <c>k8s</c>.</summary>
    public override string Name => ServiceUriResolver.K8sScheme;

    /// <inheritdoc />
    public override Resolver Create(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<K8sNetResolverFactory>();
        return new K8sNetResolver(this, options.Address, logger);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Resolving {Address} failed")]
        public static partial void ResolveFailed(ILogger logger, Uri address, Exception exception);
    }

    private sealed class K8sNetResolver(K8sNetResolverFactory factory, Uri address, ILogger logger) : Resolver
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _gate = new();
        private readonly ServiceConfig _config = factory._options.CreateServiceConfig();
        private Action<ResolverResult>? _listener;
        private ServiceUriTarget? _target;
        private IDisposable? _subscription;
        private long _published = -1;
        private bool _disposed;

        public override void Start(Action<ResolverResult> listener)
        {
            ArgumentNullException.ThrowIfNull(listener);
            _listener = listener;
            _ = Task.Run(() => RunAsync(_stop.Token));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lock (_gate)
                {
                    _disposed = true;
                    _subscription?.Dispose();
                }

                _stop.Cancel();
                _stop.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            var listener = _listener!;
            try
            {
                if (!factory._uris.TryResolve(address, out var target, out var error))
                {
                    listener(ResolverResult.ForFailure(new Status(StatusCode.InvalidArgument, error.Message)));
                    return;
                }

                if (!target.HasCandidates)
                {
                    listener(ResolverResult.ForFailure(new Status(StatusCode.PermissionDenied,
                        $"'{address}' names no Service this client may call (allowed namespaces: the client's own '{factory._uris.Context.Namespace}'{string.Concat(factory._options.AllowedNamespaces.Select(n => ", " + n))}).")));
                    return;
                }

                _target = target;
                while (true)
                {
                    // The first candidate (in the client's search order) that exists, else the first: followed until
                    // the channel goes (a subscribed router is never let go).
                    var lookup = await factory._pool.FindAsync(target, factory._profile, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                    if (lookup.Router.TrySubscribe(Publish, out var subscription))
                    {
                        lock (_gate)
                        {
                            if (_disposed)
                            {
                                subscription.Dispose();
                                return;
                            }

                            _subscription = subscription;
                        }

                        Publish(lookup.Router);
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
#pragma warning disable CA1031 // the channel must hear why, not the thread pool
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ResolveFailed(logger, address, ex);
                listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"Resolving '{address}' failed: {ex.Message}", ex)));
            }
        }

        // Runs on the router's watch after each change, and once when subscribed: the newest state wins.
        private void Publish(ServiceRouter router)
        {
            lock (_gate)
            {
                if (_disposed || router.State is not { } state || state.Version <= _published)
                {
                    return;
                }

                _published = state.Version;
                _listener!(Result(router, _target!, state, _config, factory._uris.Context.ClusterDomain));
            }
        }

        private static ResolverResult Result(ServiceRouter router, ServiceUriTarget target, ServiceState state, ServiceConfig config, string clusterDomain)
        {
            var service = router.Service;
            if (state.Spec is not { } spec)
            {
                return ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"Service '{service}' does not exist."));
            }

            if (!ServicePortSelector.TrySelect(service, spec.Ports, target.Port, out var port, out _, out var portError))
            {
                return ResolverResult.ForFailure(new Status(StatusCode.InvalidArgument, portError.Message));
            }

            var set = router.GetSet(port.Key);
            if (set.Eligible.IsEmpty)
            {
                return ResolverResult.ForFailure(new Status(StatusCode.Unavailable,
                    $"Service '{service}' port {(port.Name.Length > 0 ? port.Name : port.Port)} has no endpoint this client may use ({set.Status})."));
            }

            var authority = $"{DnsNames.ServiceFqdn(service, clusterDomain)}:{port.Port}";
            var addresses = new List<BalancerAddress>(set.Eligible.Length);
            foreach (var e in set.Eligible)
            {
                var a = new BalancerAddress(e.Address.ToString(), e.Port);
                a.Attributes.Set(K8sNetBalancerAttributes.Endpoint, e);
                a.Attributes.Set(K8sNetBalancerAttributes.HostOverride, authority);
                a.Attributes.Set(K8sNetBalancerAttributes.Ready, e.IsReady);
                a.Attributes.Set(K8sNetBalancerAttributes.Terminating, e.IsTerminating);

                // The channel hands its balancer the addresses' attributes, not the result's (grpc-dotnet's ChannelState
                // carries empty attributes): each address names the router and set, so the balancer finds the core.
                a.Attributes.Set(K8sNetBalancerAttributes.Set, set);
                a.Attributes.Set(K8sNetBalancerAttributes.Router, router);
                if (e.Zone is { } zone)
                {
                    a.Attributes.Set(K8sNetBalancerAttributes.Zone, zone);
                }

                if (e.NodeName is { } node)
                {
                    a.Attributes.Set(K8sNetBalancerAttributes.Node, node);
                }

                addresses.Add(a);
            }

            return ResolverResult.ForResult(addresses, config, serviceConfigStatus: null);
        }
    }
}
