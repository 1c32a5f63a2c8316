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
/// the FQDN, a headless Service) follows the Service through the registered <see cref="IEndpointSource"/> (Kubernetes,
/// DNS or a FakeCluster) and gives the channel, on every change, the port's endpoints that kube-proxy's rules make
/// eligible for this client (ready ones, or serving-terminating ones while none is ready; topology hints; traffic
/// policies), each with its conditions, node and zone as attributes, and the Service's name as the authority. Its
/// results name K8sNet's balancer (<see cref="K8sNetLoadBalancerFactory"/>) as the channel's policy; retries come from
/// the channel's own service config (<see cref="K8sNetGrpcOptions.CreateServiceConfig"/>), which gRPC reads only there.
/// </summary>
/// <remarks>
/// A Service that does not exist (yet) fails calls with <c>Unavailable</c> naming it, as does a port without eligible
/// endpoints; an unknown port fails them with <c>InvalidArgument</c> listing the Service's ports; a namespace that is not
/// allowed fails them with <c>PermissionDenied</c>. Calls with wait-for-ready wait instead of failing on
/// <c>Unavailable</c>.
/// </remarks>
public sealed partial class K8sNetResolverFactory : ResolverFactory
{
    private readonly IEndpointSource _source;
    private readonly ServiceUriResolver _uris;
    private readonly ClientTopology _topology;
    private readonly K8sNetGrpcOptions _options;

    /// <summary>Creates the factory.</summary>
    /// <param name="source">Where Services and their endpoints come from.</param>
    /// <param name="context">The client's namespace, cluster domain, node and zone.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public K8sNetResolverFactory(IEndpointSource source, ClientContext context, K8sNetGrpcOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(context);
        _source = source;
        _options = options ?? new K8sNetGrpcOptions();
        var uriOptions = new ServiceUriOptions();
        foreach (var ns in _options.AllowedNamespaces)
        {
            uriOptions.AllowedNamespaces.Add(ns);
        }

        _uris = new ServiceUriResolver(context, uriOptions);
        _topology = context.Topology;
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
        private Task? _loop;

        public override void Start(Action<ResolverResult> listener)
        {
            ArgumentNullException.ThrowIfNull(listener);
            _loop = Task.Run(() => RunAsync(listener, _stop.Token));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _stop.Cancel();
                _stop.Dispose();
            }

            base.Dispose(disposing);
        }

        private async Task RunAsync(Action<ResolverResult> listener, CancellationToken cancellationToken)
        {
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

                var service = await ChooseAsync(target, cancellationToken).ConfigureAwait(false);
                var config = factory._options.CreateServiceConfig();
                var builder = new EndpointSetBuilder(service, factory._topology, factory._options.Endpoints);
                await foreach (var state in factory._source.WatchAsync(service, cancellationToken).ConfigureAwait(false))
                {
                    listener(Result(service, target, builder, state, config, factory._uris.Context.ClusterDomain));
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

        // The first candidate (in the client's search order) that exists, else the first.
        private async Task<ServiceName> ChooseAsync(ServiceUriTarget target, CancellationToken cancellationToken)
        {
            if (target.Candidates.Length > 1)
            {
                foreach (var candidate in target.Candidates)
                {
                    if ((await factory._source.GetAsync(candidate, cancellationToken).ConfigureAwait(false)).Exists)
                    {
                        return candidate;
                    }
                }
            }

            return target.Candidates[0];
        }

        private static ResolverResult Result(ServiceName service, ServiceUriTarget target, EndpointSetBuilder builder, ServiceState state, ServiceConfig config, string clusterDomain)
        {
            if (state.Spec is not { } spec)
            {
                return ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"Service '{service}' does not exist."));
            }

            if (!ServicePortSelector.TrySelect(service, spec.Ports, target.Port, out var port, out _, out var portError))
            {
                return ResolverResult.ForFailure(new Status(StatusCode.InvalidArgument, portError.Message));
            }

            var sets = builder.Update(state);
            if (!sets.TryGetValue(port.Key, out var set) || set.Eligible.IsEmpty)
            {
                return ResolverResult.ForFailure(new Status(StatusCode.Unavailable,
                    $"Service '{service}' port {(port.Name.Length > 0 ? port.Name : port.Port)} has no endpoint this client may use ({set?.Status.ToString() ?? "no endpoints"})."));
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

            var result = ResolverResult.ForResult(addresses, config, serviceConfigStatus: null);
            result.Attributes.Set(K8sNetBalancerAttributes.Set, set);
            return result;
        }
    }
}
