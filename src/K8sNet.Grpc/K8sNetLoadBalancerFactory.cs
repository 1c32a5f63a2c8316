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
        private readonly Dictionary<(IPAddress, int), ServiceEndpoint> _adhoc = [];
        private EndpointSet? _set;

        public Balancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, K8sNetGrpcOptions options, TimeProvider time)
            : base(controller, loggerFactory)
        {
            _options = options;
            Policy = K8sNetLoadBalancers.Create(options.Policy, time, options.PeakEwma, options.ConsistentHash);
            Detector = new OutlierDetector(options.OutlierDetection, time);
        }

        public ILoadBalancer Policy { get; }

        public OutlierDetector Detector { get; }

        public override void UpdateChannelState(ChannelState state)
        {
            ArgumentNullException.ThrowIfNull(state);
            _set = state.Attributes.TryGetValue(K8sNetBalancerAttributes.Set, out var set) ? set : null;
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

            var set = _set ?? AdhocSet(byEndpoint.Keys);
            var ready = set.Eligible.Where(e => byEndpoint.ContainsKey((e.Address, e.Port))).ToImmutableArray();
            var readySet = new EndpointSet(set.Service, set.Port, set.Version, set.All, ready, set.Status);
            return new Picker(this, set, readySet, byEndpoint);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Detector.Dispose();
            }

            base.Dispose(disposing);
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

        internal ulong? HashKey(HttpRequestMessage? request) =>
            _options.HashKeyMetadata is { } name && request is not null && request.Headers.NonValidated.TryGetValues(name, out var values)
                ? StableHash.Hash(values.ToString())
                : null;
    }

    private sealed class Picker(Balancer owner, EndpointSet set, EndpointSet ready, Dictionary<(IPAddress, int), Subchannel> subchannels) : SubchannelPicker
    {
        public override PickResult Pick(GrpcPickContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            var hash = owner.HashKey(context.Request);
            var pick = new K8sNet.PickContext(hash, excluded: null, ignoreHealth: owner.Detector.IsPanic(set));
            EndpointLease lease;
            Subchannel? subchannel;
            if (hash is not null && ready.Eligible.Length < set.Eligible.Length && (lease = owner.Policy.Pick(set, pick)).Endpoint is not null)
            {
                // A key's endpoint comes from every endpoint, not only the connected ones, so that keys stay put while
                // connections come and go; when its endpoint is not connected, the key goes to a connected one.
                if (subchannels.TryGetValue((lease.Endpoint.Address, lease.Endpoint.Port), out subchannel))
                {
                    return Picked(context, lease, subchannel);
                }

                lease.Complete(EndpointOutcome.Canceled);
            }

            lease = owner.Policy.Pick(ready, pick);
            if (lease.Endpoint is null || !subchannels.TryGetValue((lease.Endpoint.Address, lease.Endpoint.Port), out subchannel))
            {
                return PickResult.ForFailure(new Status(StatusCode.Unavailable, $"No connected endpoint of {set.Service} to pick ({ready.Eligible.Length} of {set.Eligible.Length} connected)."));
            }

            return Picked(context, lease, subchannel);
        }

        private PickResult Picked(GrpcPickContext context, EndpointLease lease, Subchannel subchannel)
        {
            var call = new GrpcCallLease(lease, set, owner.Detector);
            context.Request?.Options.Set(GrpcCallLease.Key, call);
            return PickResult.ForSubchannel(subchannel, call);
        }
    }
}
