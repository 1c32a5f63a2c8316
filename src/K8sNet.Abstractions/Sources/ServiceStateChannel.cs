using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace K8sNet;

/// <summary>
/// The watcher side of an <see cref="IEndpointSource"/>: a channel that keeps only the newest state (a slow reader skips
/// to it), and the reading of it that yields states of growing version. For implementers of
/// <see cref="IEndpointSource.WatchAsync"/>.
/// </summary>
public static class ServiceStateChannel
{
    /// <summary>A channel for one watcher: one slot, the oldest state dropped for a newer one.</summary>
    /// <returns>The channel; writers <c>TryWrite</c> each new state to it.</returns>
    public static Channel<ServiceState> Create() => Channel.CreateBounded<ServiceState>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = false,
    });

    /// <summary>The states read from <paramref name="reader"/> whose version is above the last one yielded.</summary>
    /// <param name="reader">The watcher's channel.</param>
    /// <param name="afterVersion">The version of the state the watcher already has.</param>
    /// <param name="cancellationToken">Ends the reading.</param>
    /// <returns>The newer states, in order.</returns>
    public static async IAsyncEnumerable<ServiceState> ReadNewerAsync(ChannelReader<ServiceState> reader, long afterVersion, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var last = afterVersion;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var state))
            {
                if (state.Version > last)
                {
                    last = state.Version;
                    yield return state;
                }
            }
        }
    }
}
