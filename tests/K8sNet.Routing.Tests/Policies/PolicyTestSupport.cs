using System.Collections.Immutable;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Policies;

internal static class PolicyTestSupport
{
    public static readonly ServiceName Svc = new("default", "svc");

    public static EndpointSet Set(params ServiceEndpoint[] endpoints) =>
        new(Svc, new ServicePortKey("http", TransportProtocol.Tcp), 1, [.. endpoints], [.. endpoints], EndpointSetStatus.Ready);

    public static ServiceEndpoint[] MakeEndpoints(int n) =>
        [.. Enumerable.Range(1, n)
            .Select(i => new ServiceEndpoint(System.Net.IPAddress.Parse($"10.0.{i / 250}.{i % 250}"), 8080, new Endpoint($"10.0.{i / 250}.{i % 250}", EndpointConditions.ReadyEndpoint)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)];

    public static ILoadBalancer Create(LoadBalancingPolicy policy, TimeProvider? time = null, Random? random = null) => policy switch
    {
        LoadBalancingPolicy.RoundRobin => new RoundRobinBalancer(),
        LoadBalancingPolicy.Random => new RandomBalancer(random),
        LoadBalancingPolicy.LeastRequest => new LeastRequestBalancer(random),
        LoadBalancingPolicy.PeakEwma => new PeakEwmaBalancer(time ?? TimeProvider.System, random: random),
        LoadBalancingPolicy.ConsistentHash => new MaglevBalancer(random: random),
        _ => new PowerOfTwoChoicesBalancer(random),
    };

    public static ServiceEndpoint PickOne(this ILoadBalancer balancer, EndpointSet set, in PickContext context = default)
    {
        Assert.True(balancer.TryPick(set, context, out var lease));
        lease.Complete(EndpointOutcome.Success);
        return lease.Endpoint;
    }

    /// <summary>A random source that records the values it hands out.</summary>
    public sealed class RecordingRandom(int seed) : Random(seed)
    {
        public List<int> Drawn { get; } = [];

        public override int Next(int maxValue)
        {
            var v = base.Next(maxValue);
            Drawn.Add(v);
            return v;
        }
    }
}
