using System.Collections.Immutable;

namespace K8sNet.Routing;

/// <summary>Round robin: each eligible endpoint in turn, skipping ejected and already-tried ones.</summary>
internal sealed class RoundRobinBalancer : LoadBalancer
{
    private int _counter = -1;

    /// <inheritdoc />
    public override string Name => nameof(LoadBalancingPolicy.RoundRobin);

    /// <inheritdoc />
    protected override EndpointLease Pick(EndpointSet endpoints, ImmutableArray<ServiceEndpoint> eligible, in PickContext context)
    {
        var index = (int)((uint)Interlocked.Increment(ref _counter) % (uint)eligible.Length);
        var ep = eligible[index];
        return new EndpointLease(context.IsPreferred(ep) ? ep : Fallback(eligible, index, context), 0, null);
    }
}
