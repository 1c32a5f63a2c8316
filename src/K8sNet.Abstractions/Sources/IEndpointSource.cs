namespace K8sNet;

/// <summary>
/// A source of Service and EndpointSlice data: the Kubernetes API, cluster DNS, a FakeCluster or memory.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="WatchAsync"/> yields the Service's states, newest wins: a slow reader may skip versions but always
/// sees the latest. The first state yielded is the current one.
/// </para>
/// <para>
/// Implementations never publish an empty set of endpoints because of a transient error: while a source cannot reach
/// its backend it keeps serving the last good state.
/// </para>
/// </remarks>
public interface IEndpointSource
{
    /// <summary>The current state of <paramref name="service"/>, waiting for the source's first sync if needed.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The current state; <see cref="ServiceState.Exists"/> tells whether the Service exists.</returns>
    /// <exception cref="EndpointSourceException">The source could not sync in the time it allows, saying why.</exception>
    ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default);

    /// <summary>The states of <paramref name="service"/> as they change, starting with the current one.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The states, newest wins.</returns>
    IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, CancellationToken cancellationToken = default);
}
