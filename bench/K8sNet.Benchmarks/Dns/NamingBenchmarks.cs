using BenchmarkDotNet.Attributes;
using K8sNet.Dns;

namespace K8sNet.Benchmarks.Dns;

/// <summary>The naming work on a cold path: validating a name, expanding a host, reading a URI.</summary>
public class NamingBenchmarks
{
    private ClientContext _context = null!;
    private ServiceUriResolver _resolver = null!;
    private Uri _short = null!;
    private Uri _qualified = null!;
    private Uri _external = null!;

    [GlobalSetup]
    public void Setup()
    {
        _context = ClientContext.Create("web");
        var options = new ServiceUriOptions();
        options.AllowedNamespaces.Add("shop");
        _resolver = new ServiceUriResolver(_context, options);
        _short = new Uri("http://orders/api");
        _qualified = new Uri("http://orders.shop:8080/api");
        _external = new Uri("https://api.example.com/v1");
    }

    [Benchmark(Baseline = true)]
    public bool IsDns1035Label() => KubernetesNames.IsDns1035Label("orders-service-v2");

    [Benchmark]
    public int ExpandShortName() => ResolverSearch.Expand("orders", _context.ResolvConf).Count;

    [Benchmark]
    public int ResolveShortUri() => _resolver.Resolve(_short).Candidates.Length;

    [Benchmark]
    public int ResolveQualifiedUri() => _resolver.Resolve(_qualified).Candidates.Length;

    [Benchmark]
    public int ResolveExternalUri() => _resolver.Resolve(_external).Candidates.Length;
}
