using System.ComponentModel.DataAnnotations;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using K8sNet.Routing;
using Microsoft.Extensions.Options;

namespace K8sNet.Grpc;

/// <summary>How K8sNet balances the calls of gRPC channels whose address is <c>k8s:///service.namespace:port</c>.</summary>
/// <remarks>Defaults: PowerOfTwoChoices, outlier detection on, the client's own namespace allowed, no TLS, 10 s to sync.</remarks>
public sealed class K8sNetGrpcOptions
{
    /// <summary>The policy that picks a pod for each call. Default <see cref="LoadBalancingPolicy.PowerOfTwoChoices"/>.</summary>
    public LoadBalancingPolicy Policy { get; set; } = LoadBalancingPolicy.PowerOfTwoChoices;

    /// <summary>PeakEwma's options.</summary>
    [ValidateObjectMembers]
    public PeakEwmaOptions PeakEwma { get; } = new();

    /// <summary>ConsistentHash's options.</summary>
    [ValidateObjectMembers]
    public ConsistentHashOptions ConsistentHash { get; } = new();

    /// <summary>The call metadata entry (an HTTP/2 header, lower case) whose value is the ConsistentHash key, e.g. <c>x-user-id</c>.</summary>
    public string? HashKeyMetadata { get; set; }

    /// <summary>Passive outlier detection: pods that fail calls in a row are ejected for a while.</summary>
    [ValidateObjectMembers]
    public OutlierDetectionOptions OutlierDetection { get; } = new();

    /// <summary>Which endpoints a channel uses (address family, zone-aware routing).</summary>
    [ValidateObjectMembers]
    public EndpointSetOptions Endpoints { get; } = new();

    /// <summary>Namespaces <c>k8s:///</c> addresses may name besides the client's own; empty allows only its own.</summary>
    [NamespaceList]
    public ISet<string> AllowedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// How many times in all a call is tried when it fails with <c>Unavailable</c> — what a pod that has just gone
    /// away (refused or reset connections) gives — each try picked afresh; 1 turns retries off. Default 5 (gRPC's cap),
    /// backing off from 50 ms up to 0.5 s. This is gRPC's own retry policy, in the service config
    /// <see cref="CreateServiceConfig"/> builds (<c>AddGrpcBalancing</c> gives it to <c>k8s:///</c> clients without one
    /// of their own). <c>Unavailable</c> is the status gRPC calls safe to retry, but a call may have reached a server
    /// before its connection broke: set 1 where calls must never run twice and are not idempotent.
    /// </summary>
    [Range(1, 5)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Whether channels to <c>k8s:///</c> addresses use TLS (<c>ChannelCredentials.SecureSsl</c>) when they set no
    /// credentials of their own; default <see langword="false"/> (insecure, h2c: in-cluster traffic is usually plain or
    /// encrypted by a mesh). The authority sent stays the Service's name.
    /// </summary>
    public bool UseTls { get; set; }

    /// <summary>The routing profile of <c>k8s:///</c> channels: routers shared by every channel to a Service.</summary>
    internal RoutingProfile CreateProfile() =>
        new("grpc", time => K8sNetLoadBalancers.Create(Policy, time, PeakEwma, ConsistentHash), OutlierDetection, Endpoints);

    /// <summary>
    /// The service config for a channel to a <c>k8s:///</c> address: K8sNet's balancer (<c>k8s</c>) and, unless
    /// <see cref="MaxAttempts"/> is 1, the retry of <c>Unavailable</c> calls (backoff from 50 ms to 0.5 s), each try
    /// picked afresh. For a channel built by hand: <c>new GrpcChannelOptions { ServiceConfig = options.CreateServiceConfig() }</c>.
    /// </summary>
    /// <returns>A new service config.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxAttempts"/> is below 1.</exception>
    public ServiceConfig CreateServiceConfig()
    {
        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "K8sNetGrpcOptions.MaxAttempts must be at least 1 (1: no retries).");
        }

        var config = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig(K8sNetLoadBalancerFactory.PolicyName) } };
        if (MaxAttempts > 1)
        {
            config.MethodConfigs.Add(new MethodConfig
            {
                Names = { MethodName.Default },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = MaxAttempts,
                    InitialBackoff = TimeSpan.FromMilliseconds(50),
                    MaxBackoff = TimeSpan.FromMilliseconds(500),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            });
        }

        return config;
    }
}
