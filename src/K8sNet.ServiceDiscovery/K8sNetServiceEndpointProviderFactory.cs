using System.Diagnostics.CodeAnalysis;
using K8sNet.Dns;
using K8sNet.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace K8sNet.ServiceDiscovery;

/// <summary>
/// Microsoft.Extensions.ServiceDiscovery's provider factory for Kubernetes Service names: a name that names a Service
/// in an allowed namespace, read as this pod's resolver would (<c>http://orders</c>, <c>https+http://orders.shop</c>,
/// <c>http://_grpc.orders</c>, the FQDN), gets a provider over K8sNet's Service-following core; any other name is left to
/// the next provider.
/// </summary>
internal sealed partial class K8sNetServiceEndpointProviderFactory : IServiceEndpointProviderFactory
{
    private readonly ServiceRouterPool _pool;
    private readonly ServiceUriResolver _uris;
    private readonly K8sNetServiceEndpointOptions _options;
    private readonly RoutingProfile _profile;
    private readonly ILogger _logger;

    public K8sNetServiceEndpointProviderFactory(ServiceRouterPool pool, ClientContext context, IOptions<K8sNetServiceEndpointOptions> options, ILoggerFactory loggerFactory)
    {
        _pool = pool;
        _options = options.Value;
        var uriOptions = new ServiceUriOptions();
        foreach (var ns in _options.AllowedNamespaces)
        {
            uriOptions.AllowedNamespaces.Add(ns);
        }

        _uris = new ServiceUriResolver(context, uriOptions);

        // Microsoft.Extensions.ServiceDiscovery picks for itself (round robin) and reports no outcomes: the profile's
        // policy and outlier detection are never used, only its endpoint rules.
        _profile = new RoutingProfile(
            "servicediscovery",
            time => K8sNetLoadBalancers.Create(LoadBalancingPolicy.RoundRobin, time),
            new OutlierDetectionOptions { Enabled = false },
            _options.Endpoints)
        {
            PickedBy = "Microsoft.Extensions.ServiceDiscovery",
        };
        _logger = loggerFactory.CreateLogger("K8sNet.ServiceDiscovery");
    }

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(query);
        provider = null;
        var host = query.ServiceName;
        var candidates = _uris.Candidates(host);
        if (candidates.IsEmpty)
        {
            return false;
        }

        var explicitPort = ExplicitPort(query.ToString());
        var schemes = query.IncludedSchemes.Count == 0 ? ["http"] : query.IncludedSchemes.ToArray();
        var port = query.EndpointName is { } name ? ServicePortRequest.ForName(name)
            : explicitPort is { } n ? ServicePortRequest.ForNumber(n)
            : ServicePortRequest.ForSchemes(schemes);
        var target = new ServiceUriTarget(host, candidates, port, [.. schemes]);
        var hostName = explicitPort is { } p ? $"{host}:{p}" : host;
        provider = new K8sNetServiceEndpointProvider(_pool, _profile, target, _options, _options.KeepHostName ? hostName : null, _logger);
        return true;
    }

    // The query's port, when it was written with one ("http://orders.shop:8080"); M.E.SD's query does not carry it.
    private static int? ExplicitPort(string? original) =>
        original is not null && original.Contains("://", StringComparison.Ordinal)
        && Uri.TryCreate(original, UriKind.Absolute, out var uri) && !uri.IsDefaultPort && uri.Port > 0
            ? uri.Port
            : null;
}
