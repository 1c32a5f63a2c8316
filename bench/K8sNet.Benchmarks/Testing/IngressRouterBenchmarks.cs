using BenchmarkDotNet.Attributes;
using k8s.Models;
using K8sNet.Gateway;

namespace K8sNet.Benchmarks.Testing;

/// <summary>
/// Ingress route matching in K8sNet.Testing's <see cref="IngressRouter"/>: one host with 10, 100 and 1,000 Prefix paths
/// (one per Service), a request that matches a path in the middle of the precedence order, one that matches none (404),
/// and building the table.
/// </summary>
public class IngressRouterBenchmarks
{
    private V1Ingress[] _ingresses = null!;
    private IngressRouter _router = null!;
    private string _hit = null!;

    [Params(10, 100, 1000)]
    public int Paths { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ingresses = [.. Enumerable.Range(0, Paths).Select(i => new V1Ingress
        {
            Metadata = new V1ObjectMeta { Name = $"app-{i}", NamespaceProperty = "shop" },
            Spec = new V1IngressSpec
            {
                Rules =
                [
                    new V1IngressRule
                    {
                        Host = "shop.example.com",
                        Http = new V1HTTPIngressRuleValue
                        {
                            Paths = [new V1HTTPIngressPath { Path = $"/app-{i}", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = $"app-{i}", Port = new V1ServiceBackendPort { Number = 80 } } } }],
                        },
                    },
                ],
            },
        })];
        _router = IngressRouter.Build(_ingresses);
        _hit = $"/app-{Paths / 2}/items/42?full=true";
    }

    [Benchmark(Baseline = true)]
    public IngressDecision Match() => _router.Route("shop.example.com:443", _hit);

    [Benchmark]
    public IngressDecision NoMatch() => _router.Route("shop.example.com", "/nothing/here");

    [Benchmark]
    public IngressRouter Build() => IngressRouter.Build(_ingresses);
}
