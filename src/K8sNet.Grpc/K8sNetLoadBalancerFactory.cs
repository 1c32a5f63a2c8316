using System.Collections.Immutable;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using K8sNet.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using GrpcPickContext = Grpc.Net.Client.Balancer.PickContext;
using LoadBalancer = Grpc.Net.Client.Balancer.LoadBalancer;

namespace K8sNet.Grpc;

/// <summary>
/// Grpc.Net.Client's load-balancing policy <c>k8s</c>: a connection to every endpoint the resolver gives, and for each
/// call a pick among the connected ones with K8sNet's policy (<see cref="K8sNetGrpcOptions.Policy"/>, P2C by default),
/// skipping endpoints ejected by outlier detection. With <see cref="K8sNetGrpcHandler"/> in the channel's handler chain
/// (<c>AddGrpcBalancing</c> puts it there) a call counts as outstanding until its response stream ends — gRPC's own
/// call tracker ends it at the response headers, which would undercount long streams — and its outcome (the
/// <c>grpc-status</c> trailer: Unavailable, Internal, Unknown and DataLoss count as server errors) feeds outlier
/// detection and PeakEwma.
/// </summary>
public sealed class K8sNetLoadBalancerFactory : LoadBalancerFactory
{
    /// <summary>The policy's name in a service config, <c>k8s</c>.</summary>
    public const string PolicyName = "k8s";

    private readonly K8sNetGrpcOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; the system's when <see langword="null"/>.</param>
    public K8sNetLoadBalancerFactory(K8sNetGrpcOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new K8sNetGrpcOptions();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override string Name => PolicyName;

    /// <inheritdoc />
    public override LoadBalancer Create(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Balancer(options.Controller, options.LoggerFactory ?? NullLoggerFactory.Instance, _options, _time);
    }

    private sealed class Balancer : SubchannelsLoadBalancer
    {
        private readonly K8sNetGrpcOptions _options;
        private readonly TimeProvider _time;
        private readonly Dictionary<(IPAddress, int), ServiceEndpoint> _adhoc = [];
        private EndpointSet? _set;
        private ServiceRouter? _router;
        private ILoadBalancer? _adhocPolicy;

        public Balancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, K8sNetGrpcOptions options, TimeProvider time)
            : base(controller, loggerFactory)
        {
            _options = options;
            _time = time;
        }

        public override void UpdateChannelState(ChannelState state)
        {
            ArgumentNullException.ThrowIfNull(state);
            // The resolver puts the router and set on each address (the state's own attributes do not reach here).
            var first = state.Addresses is { Count: > 0 } addresses ? addresses[0].Attributes : null;
            _set = first is not null && first.TryGetValue(K8sNetBalancerAttributes.Set, out var set) ? set : null;
            _router = first is not null && first.TryGetValue(K8sNetBalancerAttributes.Router, out var router) ? router : null;
            base.UpdateChannelState(state);
        }

        protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
        {
            var byEndpoint = new Dictionary<(IPAddress, int), Subchannel>();
            foreach (var s in readySubchannels)
            {
                if (s.CurrentAddress is { } a && IPAddress.TryParse(a.EndPoint.Host, out var ip))
                {
                    byEndpoint[(ip, a.EndPoint.Port)] = s;
                }
            }

            if (_router is null || _set is null)
            {
                // Addresses from another resolver (static, DNS): no Service to follow, so the policy alone picks among
                // endpoints made up from them (kept, so that their statistics last); no outlier detection.
                _adhocPolicy ??= K8sNetLoadBalancers.Create(_options.Policy, _time, _options.PeakEwma, _options.ConsistentHash);
                return new AdhocPicker(this, AdhocSet(byEndpoint.Keys), byEndpoint);
            }

            var ready = _set.Eligible.Where(e => byEndpoint.ContainsKey((e.Address, e.Port))).ToImmutableArray();
            var readySet = new EndpointSet(_set.Service, _set.Port, _set.Version, _set.All, ready, _set.Status);
            return new Picker(this, _router, _set, readySet, byEndpoint);
        }

        // Addresses from another resolver (static, DNS): endpoints made up from them, kept so their statistics last.
        private EndpointSet AdhocSet(IEnumerable<(IPAddress Ip, int Port)> addresses)
        {
            var endpoints = ImmutableArray.CreateBuilder<ServiceEndpoint>();
            foreach (var key in addresses)
            {
                if (!_adhoc.TryGetValue(key, out var e))
                {
                    _adhoc[key] = e = new ServiceEndpoint(key.Ip, key.Port, new Endpoint(key.Ip.ToString(), EndpointConditions.ReadyEndpoint));
                }

                endpoints.Add(e);
            }

            var all = endpoints.ToImmutable();
            return new EndpointSet(default, default, 0, all, all, EndpointSetStatus.Ready);
        }

        internal string? HashKey(HttpRequestMessage? request) =>
            _options.HashKeyMetadata is { } name && request is not null && request.Headers.NonValidated.TryGetValues(name, out var values)
                ? values.ToString()
                : null;

        internal ILoadBalancer AdhocPolicy => _adhocPolicy!;
    }

    // Picks through the Service's router: its policy and outlier detection, shared with every channel to the Service.
    private sealed class Picker(Balancer owner, ServiceRouter router, EndpointSet set, EndpointSet ready, Dictionary<(IPAddress, int), Subchannel> subchannels) : SubchannelPicker
    {
        public override PickResult Pick(GrpcPickContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var hash = owner.HashKey(context.Request);
            RoutedLease lease;
            Subchannel? subchannel;
            if (hash is not null && ready.Eligible.Length < set.Eligible.Length && (lease = router.Pick(set, hash)).Endpoint is { } keyed)
            {
                // A key's endpoint comes from every endpoint, not only the connected ones, so that keys stay put while
                // connections come and go; when its endpoint is not connected, the key goes to a connected one.
                if (subchannels.TryGetValue((keyed.Address, keyed.Port), out subchannel))
                {
                    return Picked(context, new GrpcCallLease(lease), subchannel);
                }

                lease.Cancel();
            }

            lease = router.Pick(ready, hash, scope: set);
            if (lease.Endpoint is not { } endpoint || !subchannels.TryGetValue((endpoint.Address, endpoint.Port), out subchannel))
            {
                lease.Cancel();
                return PickResult.ForFailure(new Status(StatusCode.Unavailable, $"No connected endpoint of {set.Service} to pick ({ready.Eligible.Length} of {set.Eligible.Length} connected)."));
            }

            return Picked(context, new GrpcCallLease(lease), subchannel);
        }
    }

    private sealed class AdhocPicker(Balancer owner, EndpointSet set, Dictionary<(IPAddress, int), Subchannel> subchannels) : SubchannelPicker
    {
        public override PickResult Pick(GrpcPickContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var hash = owner.HashKey(context.Request);
            var lease = owner.AdhocPolicy.Pick(set, new K8sNet.PickContext(hash is null ? null : K8sNetLoadBalancers.HashKey(hash)));
            if (lease.Endpoint is null || !subchannels.TryGetValue((lease.Endpoint.Address, lease.Endpoint.Port), out var subchannel))
            {
                return PickResult.ForFailure(new Status(StatusCode.Unavailable, $"No connected endpoint to pick ({subchannels.Count} connected)."));
            }

            return Picked(context, new GrpcCallLease(lease), subchannel);
        }
    }

    private static PickResult Picked(GrpcPickContext context, GrpcCallLease call, Subchannel subchannel)
    {
        context.Request?.Options.Set(GrpcCallLease.Key, call);
        return PickResult.ForSubchannel(subchannel, call);
    }
}
