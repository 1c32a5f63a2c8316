using BenchmarkDotNet.Attributes;
using K8sNet.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.Model;

namespace K8sNet.Benchmarks.Routing;

/// <summary>
/// Pick + Complete for each K8sNet policy at 10, 100 and 1,000 endpoints, beside YARP 2.3.0's same-named policies in the
/// same run. YARP's policies have no completion call: its ForwarderMiddleware increments the chosen destination's
/// concurrency counter before forwarding and decrements it after, for every request. The <c>Yarp*</c> rows do the
/// same (through that internal counter, by compiled delegates); the <c>Yarp*PickOnly</c> rows are the policy call
/// alone. Every endpoint carries 1 to 3 requests in flight, so least-request scans cannot stop early.
/// </summary>
public class PolicyBenchmarks
{
    private EndpointSet _set = null!;
    private ILoadBalancer _roundRobin = null!;
    private ILoadBalancer _random = null!;
    private ILoadBalancer _p2c = null!;
    private ILoadBalancer _leastRequest = null!;
    private ILoadBalancer _peakEwma = null!;
    private ILoadBalancer _peakEwmaCountingClock = null!;
    private ILoadBalancer _maglev = null!;
    private ulong _key;
    private long _timestamp = TimeProvider.System.GetTimestamp();
    private ILoadBalancingPolicy _yarpRoundRobin = null!;
    private ILoadBalancingPolicy _yarpRandom = null!;
    private ILoadBalancingPolicy _yarpP2c = null!;
    private ILoadBalancingPolicy _yarpLeastRequests = null!;
    private HttpContext _httpContext = null!;
    private ClusterState _cluster = null!;
    private IReadOnlyList<DestinationState> _destinations = null!;
    private Action<DestinationState> _increment = null!;
    private Action<DestinationState> _decrement = null!;

    [Params(10, 100, 1000)]
    public int Endpoints { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _set = BenchData.Set(BenchData.Endpoints(Endpoints));
        for (var i = 0; i < _set.Eligible.Length; i++)
        {
            for (var k = 0; k <= i % 3; k++)
            {
                _set.Eligible[i].Stats.IncrementOutstanding();
            }
        }

        _roundRobin = new RoundRobinBalancer();
        _random = new RandomBalancer();
        _p2c = new PowerOfTwoChoicesBalancer();
        _leastRequest = new LeastRequestBalancer();
        _peakEwma = new PeakEwmaBalancer(TimeProvider.System);
        _peakEwmaCountingClock = new PeakEwmaBalancer(new CountingClock());
        _maglev = new MaglevBalancer();
        _key = StableHash.Hash("user-42");
        _maglev.Pick(_set, new PickContext(_key)); // build the table outside the measurement

        var yarp = new ServiceCollection().AddLogging().AddReverseProxy().Services.BuildServiceProvider();
        var policies = yarp.GetServices<ILoadBalancingPolicy>().ToDictionary(p => p.Name);
        _yarpRoundRobin = policies[LoadBalancingPolicies.RoundRobin];
        _yarpRandom = policies[LoadBalancingPolicies.Random];
        _yarpP2c = policies[LoadBalancingPolicies.PowerOfTwoChoices];
        _yarpLeastRequests = policies[LoadBalancingPolicies.LeastRequests];
        _httpContext = new DefaultHttpContext();
        _cluster = new ClusterState("orders");
        _destinations = [.. Enumerable.Range(0, Endpoints).Select(i => new DestinationState($"d{i}"))];
        (_increment, _decrement) = YarpCounter();
        for (var i = 0; i < _destinations.Count; i++)
        {
            for (var k = 0; k <= i % 3; k++)
            {
                _increment(_destinations[i]);
            }
        }
    }

    [Benchmark(Baseline = true)]
    public object? RoundRobin() => PickComplete(_roundRobin, default);

    [Benchmark]
    public object? YarpRoundRobin() => Yarp(_yarpRoundRobin);

    [Benchmark]
    public object? YarpRoundRobinPickOnly() => _yarpRoundRobin.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? Random() => PickComplete(_random, default);

    [Benchmark]
    public object? YarpRandom() => Yarp(_yarpRandom);

    [Benchmark]
    public object? YarpRandomPickOnly() => _yarpRandom.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? PowerOfTwoChoices() => PickComplete(_p2c, default);

    [Benchmark]
    public object? YarpPowerOfTwoChoices() => Yarp(_yarpP2c);

    [Benchmark]
    public object? YarpPowerOfTwoChoicesPickOnly() => _yarpP2c.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? LeastRequest() => PickComplete(_leastRequest, default);

    [Benchmark]
    public object? YarpLeastRequests() => Yarp(_yarpLeastRequests);

    [Benchmark]
    public object? YarpLeastRequestsPickOnly() => _yarpLeastRequests.PickDestination(_httpContext, _cluster, _destinations);

    [Benchmark]
    public object? PeakEwma() => PickComplete(_peakEwma, default);

    /// <summary>The same policy with a clock that costs next to nothing (each read is 1 µs later): the policy's own work.</summary>
    [Benchmark]
    public object? PeakEwmaCountingClock() => PickComplete(_peakEwmaCountingClock, default);

    /// <summary>
    /// The policy's own work as K8sNet's router runs it (issue 20): the attempt's start and end timestamps are read once
    /// by the caller and handed in (<see cref="PickContext.Timestamp"/>, <see cref="EndpointLease.Complete(EndpointOutcome, long)"/>),
    /// so the policy reads no clock. Each request here is 1 µs after the last and takes 0.5 µs.
    /// </summary>
    [Benchmark]
    public object? PeakEwmaSharedTimestamp()
    {
        var start = _timestamp += 1_000;
        var lease = _peakEwma.Pick(_set, new PickContext(null, null, false, start));
        lease.Complete(EndpointOutcome.Success, start + 500);
        return lease.Endpoint;
    }

    /// <summary>One read of the system clock, which PeakEwma does twice per request (pick and completion).</summary>
    [Benchmark]
    public long ClockRead() => TimeProvider.System.GetTimestamp();

    [Benchmark]
    public object? ConsistentHash() => PickComplete(_maglev, new PickContext(_key));

    // What YARP's ForwarderMiddleware does around every forwarded request.
    private DestinationState? Yarp(ILoadBalancingPolicy policy)
    {
        var d = policy.PickDestination(_httpContext, _cluster, _destinations);
        if (d is not null)
        {
            _increment(d);
            _decrement(d);
        }

        return d;
    }

    private static (Action<DestinationState> Increment, Action<DestinationState> Decrement) YarpCounter()
    {
        var property = typeof(DestinationState).GetProperty("ConcurrencyCounter", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("YARP's DestinationState.ConcurrencyCounter was not found; the benchmark needs updating.");
        var d = System.Linq.Expressions.Expression.Parameter(typeof(DestinationState));
        var counter = System.Linq.Expressions.Expression.Property(d, property);
        Action<DestinationState> Compile(string method) => System.Linq.Expressions.Expression.Lambda<Action<DestinationState>>(
            System.Linq.Expressions.Expression.Call(counter, property.PropertyType.GetMethod(method)!), d).Compile();
        return (Compile("Increment"), Compile("Decrement"));
    }

    private ServiceEndpoint PickComplete(ILoadBalancer balancer, in PickContext context)
    {
        var lease = balancer.Pick(_set, context);
        lease.Complete(EndpointOutcome.Success);
        return lease.Endpoint;
    }

    // A clock whose reads cost a field increment; each read is 1 µs after the previous.
    private sealed class CountingClock : TimeProvider
    {
        private long _now = 1_000_000_000;

        public override long TimestampFrequency => 1_000_000_000;

        public override long GetTimestamp() => _now += 1_000;
    }
}
