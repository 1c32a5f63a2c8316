using System.Collections.Concurrent;
using K8sNet.Dns;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>
/// The routing of every named HttpClient with <c>AddK8sNetServiceDiscovery()</c>, shared by all the handler instances
/// the HttpClient factory creates (so the host cache outlives handler rotation).
/// </summary>
internal sealed class HttpClientRoutings(IOptionsMonitor<K8sNetRoutingOptions> options, ClientContext context)
{
    private readonly ConcurrentDictionary<string, ClientRouting> _clients = new(StringComparer.Ordinal);

    public ClientRouting Get(string name) => _clients.GetOrAdd(name, n => new ClientRouting(n, options.Get(n), context));
}
