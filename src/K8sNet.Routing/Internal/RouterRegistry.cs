using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>
/// The routers of every (client, Service) pair, shared by all handler instances the HttpClient factory creates, so
/// watches and balancer state outlive handler rotation. Disposed with the container.
/// </summary>
internal sealed class RouterRegistry : IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<(string Client, ServiceName Service), Lazy<ServiceRouter>> _routers = new();
    private readonly ConcurrentDictionary<string, ClientRouting> _clients = new(StringComparer.Ordinal);
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<K8sNetRoutingOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly Lazy<IEndpointSource> _source;

    public RouterRegistry(IServiceProvider services, IOptionsMonitor<K8sNetRoutingOptions> options, TimeProvider time)
    {
        _services = services;
        _options = options;
        _time = time;
        _loggers = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        _source = new Lazy<IEndpointSource>(ResolveSource);
        Metrics = new RoutingMetrics(services.GetService<IMeterFactory>(), () => _routers.Values.Where(l => l.IsValueCreated).Select(l => l.Value));
    }

    public RoutingMetrics Metrics { get; }

    public ClientRouting GetClient(string name) =>
        _clients.GetOrAdd(name, n => new ClientRouting(n, _options.Get(n), _services.GetRequiredService<K8sNet.Dns.ClientContext>()));

    public ServiceRouter Get(string client, ServiceName service) =>
        _routers.GetOrAdd((client, service), key => new Lazy<ServiceRouter>(() => new ServiceRouter(
            key.Service,
            _source.Value,
            _services.GetRequiredService<ClientTopology>(),
            _options.Get(key.Client),
            _time,
            _loggers.CreateLogger("K8sNet.Routing.ServiceRouter"),
            Metrics))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var router in _routers.Values.Where(l => l.IsValueCreated))
        {
            await router.Value.DisposeAsync().ConfigureAwait(false);
        }

        _routers.Clear();
        Metrics.Dispose();
    }

    public void Dispose()
    {
        foreach (var router in _routers.Values.Where(l => l.IsValueCreated))
        {
            router.Value.Dispose();
        }

        _routers.Clear();
        Metrics.Dispose();
    }

    private IEndpointSource ResolveSource()
    {
        var sources = _services.GetServices<IEndpointSource>().ToList();
        return sources.Count switch
        {
            1 => sources[0],
            0 => throw new InvalidOperationException(
                "K8sNet service discovery needs an endpoint source: call services.AddK8sNet().AddKubernetesEndpoints(), "
                + ".UseFakeCluster(cluster) or .AddInMemoryEndpoints(source)."),
            _ => throw new InvalidOperationException(
                $"K8sNet service discovery found {sources.Count} endpoint sources ({string.Join(", ", sources.Select(s => s.GetType().Name))}); register exactly one."),
        };
    }
}
