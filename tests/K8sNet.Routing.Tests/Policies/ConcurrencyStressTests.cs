using System.Collections.Immutable;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Policies;

public class ConcurrencyStressTests
{
    public static TheoryData<LoadBalancingPolicy> AllPolicies => new(Enum.GetValues<LoadBalancingPolicy>());

    // Picks on many threads while the set is swapped: no exception, and once a swap is visible, no pick of an endpoint
    // the new set does not hold.
    [Theory, MemberData(nameof(AllPolicies))]
    public void Pick_WhileSetsSwap_NeverReturnsARemovedEndpoint(LoadBalancingPolicy policy)
    {
        var service = new ServiceName("default", "svc");
        var builder = new EndpointSetBuilder(service, ClientTopology.Unknown);
        var spec = new ServiceSpecInfo { ClusterIPs = ["10.96.0.1"], Ports = [new ServicePortInfo("http", 80)] };
        var key = new ServicePortKey("http", TransportProtocol.Tcp);
        var state = ServiceState.Initial(service).WithSpec(spec);
        EndpointSet current = builder.Update(state)[key];
        var balancer = PolicyTestSupport.Create(policy);
        var stop = new CancellationTokenSource();
        var violations = 0;
        var picks = 0;

        var pickers = Enumerable.Range(0, 3).Select(t => new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var set = Volatile.Read(ref current);
                var allowed = set.Eligible;
                if (!balancer.TryPick(set, new PickContext((ulong)Interlocked.Increment(ref picks)), out var lease))
                {
                    continue;
                }

                if (!allowed.Contains(lease.Endpoint))
                {
                    Interlocked.Increment(ref violations);
                }

                lease.Complete(EndpointOutcome.Success);
            }
        }) { IsBackground = true }).ToArray();
        foreach (var thread in pickers)
        {
            thread.Start();
        }

        for (var round = 0; round < 300; round++)
        {
            var ips = Enumerable.Range(round % 7, 5 + (round % 11)).Select(i => new Endpoint($"10.1.0.{i + 1}", EndpointConditions.ReadyEndpoint));
            state = state.WithSlice(new EndpointSliceInfo("s", AddressType.IPv4, [new EndpointPort("http", 8080)], [.. ips]));
            Volatile.Write(ref current, builder.Update(state)[key]);
            Thread.Yield();
        }

        stop.Cancel();
        foreach (var thread in pickers)
        {
            thread.Join();
        }

        Assert.Equal(0, violations);
        Assert.True(picks > 0);
        Assert.All(current.All, e => Assert.Equal(0, e.Stats.Outstanding));
    }
}
