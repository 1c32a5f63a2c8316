namespace K8sNet;

/// <summary>
/// The live load of one endpoint as this process sees it: requests in flight. Shared by every version of an
/// <see cref="EndpointSet"/> in which the endpoint appears, so it survives updates. Thread-safe.
/// </summary>
public sealed class EndpointLoad
{
    private int _outstanding;

    /// <summary>Requests sent to the endpoint that have not completed.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Records a request starting.</summary>
    /// <returns>The new number in flight.</returns>
    public int Increment() => Interlocked.Increment(ref _outstanding);

    /// <summary>Records a request completing.</summary>
    /// <returns>The new number in flight.</returns>
    public int Decrement() => Interlocked.Decrement(ref _outstanding);
}
