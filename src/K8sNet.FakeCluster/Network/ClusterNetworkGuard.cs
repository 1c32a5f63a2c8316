using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Network;

/// <summary>
/// Keeps an app's HttpClient on this machine while a <see cref="FakeCluster"/> stands in for its cluster: a request to
/// the cluster's addresses (pod CIDRs, Service CIDRs, node addresses, the load-balancer pool) or to a name its DNS
/// answers goes over the cluster's network (in memory in the simulated mode, loopback sockets in the loopback mode); a
/// request to a loopback address or <c>localhost</c> goes on to the client's own handler (a test's own servers); any
/// other fails at once, saying where it was going and why it was stopped. So a pod IP such as 10.244.1.5 is never dialled
/// on the real network, where a stranger's server might answer.
/// </summary>
internal sealed class ClusterNetworkGuard(FakeCluster cluster, string clientName) : DelegatingHandler
{
    private readonly Lazy<HttpMessageInvoker> _network = new(() => new HttpMessageInvoker(cluster.CreateHttpMessageHandler()));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return base.SendAsync(request, cancellationToken); // the inner handler says what is wrong with it
        }

        var host = uri.IdnHost.Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            if (IPAddress.IsLoopback(address))
            {
                return base.SendAsync(request, cancellationToken);
            }

            if (Owns(address))
            {
                return _network.Value.SendAsync(request, cancellationToken);
            }

            return Stopped(request, $"{address} is not an address of the fake cluster (its pod and Service CIDRs, nodes and load-balancer pool) nor loopback");
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return base.SendAsync(request, cancellationToken);
        }

        if (Resolves(host))
        {
            return _network.Value.SendAsync(request, cancellationToken);
        }

        return Stopped(request, $"the fake cluster's DNS does not answer '{host}' (a Service name K8sNet did not route to pods passes through as it is; the cluster's own names are FQDNs such as orders.shop.svc.{cluster.Options.ClusterDomain})");
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _network.IsValueCreated)
        {
            _network.Value.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<HttpResponseMessage> Stopped(HttpRequestMessage request, string why) =>
        Task.FromException<HttpResponseMessage>(new HttpRequestException(
            HttpRequestError.ConnectionError,
            $"FakeCluster stopped {request.Method} {request.RequestUri} from HttpClient '{clientName}': {why}. With UseFakeCluster() a client's requests " +
            "stay on this machine: they reach the fake cluster's pods and Services, or loopback. To reach another server in a test, listen on loopback."));

    private bool Owns(IPAddress address)
    {
        var options = cluster.Options;
        if (options.ServiceCidrs.Any(c => In(c, address)) || In(options.LoadBalancerPool, address))
        {
            return true;
        }

        foreach (var node in cluster.Store.List(ResourceType.Node).Items)
        {
            if (node["spec"]?["podCIDRs"] is JsonArray cidrs && cidrs.Any(c => c?.GetValue<string>() is { } cidr && In(cidr, address))
                || node["spec"]?["podCIDR"]?.GetValue<string>() is { } single && In(single, address))
            {
                return true;
            }

            if (node["status"]?["addresses"] is JsonArray addresses
                && addresses.Any(a => a?["address"]?.GetValue<string>() is { } text && IPAddress.TryParse(text, out var ip) && ip.Equals(address)))
            {
                return true;
            }
        }

        return false;
    }

    private bool Resolves(string host)
    {
        var name = host.EndsWith('.') ? host : host + ".";
        return cluster.Dns.Answer(name, K8sNet.Dns.DnsRecordType.A).Answer.Length > 0
            || cluster.Dns.Answer(name, K8sNet.Dns.DnsRecordType.AAAA).Answer.Length > 0;
    }

    private static bool In(string cidr, IPAddress address) =>
        IPNetwork.TryParse(cidr, out var network) && network.Contains(address);
}
