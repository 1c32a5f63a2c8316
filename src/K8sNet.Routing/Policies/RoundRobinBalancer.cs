namespace K8sNet.Routing;

/// <summary>Round robin: each eligible endpoint in turn, skipping ejected and already-tried ones.</summary>
public sealed class RoundRobinBalancer : ILoadBalancer
{
    private int _counter = -1;

    /// <inheritdoc />
    public string Name => nameof(LoadBalancingPolicy.RoundRobin);

    /// <inheritdoc />
    public bool TryPick(EndpointSet endpoints, in PickContext context, out EndpointLease lease)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var eligible = endpoints.Eligible;
        var n = eligible.Length;
        if (n == 0)
        {
            lease = default;
            return false;
        }

        var index = (int)((uint)Interlocked.Increment(ref _counter) % (uint)n);
        var ep = eligible[index];
        if (!context.IsPreferred(ep))
        {
            ep = PolicyPicking.Scan(eligible, index, context);
        }

        lease = new EndpointLease(ep, 0, null);
        return true;
    }
}
