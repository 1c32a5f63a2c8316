using BenchmarkDotNet.Attributes;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;

namespace K8sNet.Benchmarks.Testing;

/// <summary>
/// HTTPRoute matching in K8sNet.Testing's <see cref="GatewayRouter"/>: one Gateway listener, N rules in routes of 16
/// rules each (the API's maximum), every rule a PathPrefix <c>/app-{i}</c>, every other one also needing a header; a
/// request for the middle rule (with a port in Host, a query and a header), one that matches nothing (404), one that
/// must scan N rules sharing the path <c>/</c> that differ only by a header value (the worst case of the index), and
/// building the table. Filters are excluded, as the budget says.
/// </summary>
public class GatewayRouterBenchmarks
{
    private object[] _objects = null!;
    private object[] _sameSpecificity = null!;
    private GatewayRouter _router = null!;
    private GatewayRouter _scanRouter = null!;
    private GatewayRequest _hit = null!;
    private GatewayRequest _miss = null!;
    private GatewayRequest _scan = null!;
    private Random _random = null!;

    [Params(10, 100, 1000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var gateway = new V1Gateway
        {
            Metadata = new V1ObjectMeta { Name = "gw", NamespaceProperty = "infra" },
            Spec = new V1GatewaySpec { GatewayClassName = "k8snet", Listeners = [new V1Listener { Name = "http", Port = 80, Protocol = "HTTP" }] },
        };
        _objects = [gateway, .. Routes(i => new V1HTTPRouteMatch
        {
            Path = new V1HTTPPathMatch { Type = "PathPrefix", Value = $"/app-{i}" },
            Headers = i % 2 == 0 ? null : [new V1HTTPHeaderMatch { Name = "x-tenant", Value = "blue" }],
        })];
        _sameSpecificity = [gateway, .. Routes(i => new V1HTTPRouteMatch { Headers = [new V1HTTPHeaderMatch { Name = "x-tenant", Value = $"t{i}" }] })];
        _router = GatewayRouter.Build(_objects);
        _scanRouter = GatewayRouter.Build(_sameSpecificity);
        var middle = Rules / 2 | 1;
        _hit = new GatewayRequest("GET", "shop.example.com:80", $"/app-{middle}/items/42?full=true", [new("Accept", "*/*"), new("X-Tenant", "blue")]);
        _miss = new GatewayRequest("GET", "shop.example.com", "/nothing/here");
        _scan = new GatewayRequest("GET", "shop.example.com", "/items", [new("Accept", "*/*"), new("X-Tenant", $"t{middle}")]);
        _random = new Random(1);
        if (_router.Route(_hit, _random).ServiceName != $"app-{middle}" || _scanRouter.Route(_scan, _random).ServiceName != $"app-{middle}" || _router.Route(_miss, _random).StatusCode != 404)
        {
            throw new InvalidOperationException("The benchmark's routes do not decide as expected.");
        }
    }

    [Benchmark(Baseline = true)]
    public GatewayDecision Match() => _router.Route(_hit, _random);

    [Benchmark]
    public GatewayDecision NoMatch() => _router.Route(_miss, _random);

    [Benchmark]
    public GatewayDecision HeaderScan() => _scanRouter.Route(_scan, _random);

    [Benchmark]
    public GatewayRouter Build() => GatewayRouter.Build(_objects);

    private IEnumerable<V1HTTPRoute> Routes(Func<int, V1HTTPRouteMatch> match) =>
        Enumerable.Range(0, Rules).Chunk(16).Select((chunk, r) => new V1HTTPRoute
        {
            Metadata = new V1ObjectMeta { Name = $"route-{r}", NamespaceProperty = "infra" },
            Spec = new V1HTTPRouteSpec
            {
                ParentRefs = [new K8sNet.Gateway.GatewayApi.V1ParentReference { Name = "gw" }],
                Rules = [.. chunk.Select(i => new V1HTTPRouteRule
                {
                    Matches = [match(i)],
                    BackendRefs = [new V1HTTPBackendRef { Name = $"app-{i}", Port = 8080 }],
                })],
            },
        });
}
