using BenchmarkDotNet.Attributes;
using K8sNet.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace K8sNet.Benchmarks.Routing;

/// <summary>
/// Pick + Complete for each K8sNet policy at 10, 100 and 1,000 endpoints, beside YARP 2.3.0's same-named policies in the
/// same run. YARP's policies have no completion call (its forwarder updates the concurrency counter itself, through an
/// internal setter), so the YARP rows are Pick only: the comparison favours YARP.
/// </summary>
public class PolicyBenchmarks
{
    private EndpointSet _set = null!;
    private ILoadBalancer _roundRobin = null!;
    private ILoadBalancer _random = null!;
    private ILoadBalancer _p2c = null!;
    private ILoadBalancer _leastRequest = null!;
    private ILoadBalancer _peakEwma = null!;
    private ILoadBalancer _maglev = null!;
    private ulong _key;
    private ILoadBalancingPolicy _yarpRoundRobin = null!;
    private ILoadBalancingPolicy _yarpRandom = null!;
    private ILoadBalancingPolicy _yarpP2c = null!;
    private ILoadBalancingPolicy _yarpLeastRequests = null!;
    private HttpContext _httpContext = null!;
    private ClusterState _cluster = null!;
    private IReadOnlyList<DestinationState> _destinations = null!;

    [Params(10, 100, 1000)]
    public int Endpoints { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _set = BenchData.Set(BenchData.Endpoints(Endpoints));
        _roundRobin = new RoundRobinBalancer();
        _random = new RandomBalancer();
        _p2c = new PowerOfTwoChoicesBalancer();
        _leastRequest = new LeastRequestBalancer();
        _peakEwma = new PeakEwmaBalancer(TimeProvider.System);
        _maglev = new MaglevBalancer();
        _key = StableHash.Hash("user-42");
        _maglev.TryPick(_set, new PickContext(_key), out _); // build the table outside the measurement

        var yarp = new ServiceCollection().AddLogging().AddReverseProxy().Services.BuildServiceProvider();
        var policies = yarp.GetServices<ILoadBalancingPolicy>().ToDictionary(p => p.Name);
        _yarpRoundRobin = policies[LoadBalancingPolicies.RoundRobin];
        _yarpRandom = policies[LoadBalancingPolicies.Random];
        _yarpP2c = policies[LoadBalancingPolicies.PowerOfTwoChoices];
        _yarpLeastRequests = policies[LoadBalancingPolicies.LeastRequests];
        _httpContext = new DefaultHttpContext();
        _cluster = new ClusterState("orders");
        _destinations = [.. Enumerable.Range(0, Endpoints).Select(i => new DestinationState($"d{i}"))];
    }

    [Benchmark(Baseline = true)]
    public object? RoundRobin() => PickComplete(_roundRobin, default);

    [Benchmark]
    public object? YarpRoundRobin() => _yarpRoundRobin.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? Random() => PickComplete(_random, default);

    [Benchmark]
    public object? YarpRandom() => _yarpRandom.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? PowerOfTwoChoices() => PickComplete(_p2c, default);

    [Benchmark]
    public object? YarpPowerOfTwoChoices() => _yarpP2c.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? LeastRequest() => PickComplete(_leastRequest, default);

    [Benchmark]
    public object? YarpLeastRequests() => _yarpLeastRequests.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? PeakEwma() => PickComplete(_peakEwma, default);

    [Benchmark]
    public object? ConsistentHash() => PickComplete(_maglev, new PickContext(_key));

    private ServiceEndpoint PickComplete(ILoadBalancer balancer, in PickContext context)
    {
        balancer.TryPick(_set, context, out var lease);
        lease.Complete(EndpointOutcome.Success);
        return lease.Endpoint;
    }
}
