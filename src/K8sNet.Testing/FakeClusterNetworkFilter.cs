using K8sNet.Testing;
using Microsoft.Extensions.Http;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds <see cref="FakeCluster.CreateNetworkGuard"/> innermost to every HttpClient the app's factory builds whose
/// primary handler dials real sockets (an <see cref="HttpClientHandler"/> or <see cref="SocketsHttpHandler"/>, the
/// factory's default), so that no request of an app under test leaves the machine: K8sNet's pod addresses reach the
/// fake pods. A client on the cluster's network already (<c>UseFakeClusterNetwork</c>) or with a primary handler of the
/// test's own (a fake transport, which reaches no network) is left as it is.
/// </summary>
internal sealed class FakeClusterNetworkFilter(FakeCluster cluster, IEnumerable<FakeClusterNetworkClient> onNetwork) : IHttpMessageHandlerBuilderFilter
{
    private readonly HashSet<string> _onNetwork = [.. onNetwork.Select(c => c.Name)];

    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        var name = builder.Name ?? string.Empty;
        if (!_onNetwork.Contains(name) && builder.PrimaryHandler is HttpClientHandler or SocketsHttpHandler)
        {
            builder.AdditionalHandlers.Add(cluster.CreateNetworkGuard(name));
        }
    };
}

/// <summary>A client whose primary handler is the cluster's network already (<c>UseFakeClusterNetwork</c>).</summary>
/// <param name="Name">The client's name.</param>
internal sealed record FakeClusterNetworkClient(string Name);
