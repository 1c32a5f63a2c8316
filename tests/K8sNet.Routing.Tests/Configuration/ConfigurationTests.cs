using K8sNet.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing.Tests.Configuration;

/// <summary>Options bound from the K8sNet section of configuration, and validated when the host starts.</summary>
public sealed class ConfigurationTests
{
    private static IHost Host(Dictionary<string, string?> settings, Action<IServiceCollection>? more = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddK8sNet(builder.Configuration.GetSection("K8sNet")).AddInMemoryEndpoints(new InMemoryEndpointSource()).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        });
        builder.Services.AddHttpClient("orders").AddK8sNetServiceDiscovery(o => o.MaxRetries = 1);
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    [Fact]
    public void Settings_AreBound_SharedThenPerClient_ThenCode()
    {
        using var host = Host(new()
        {
            ["K8sNet:AllowedNamespaces:0"] = "shop",
            ["K8sNet:Routing:Policy"] = "PeakEwma",
            ["K8sNet:Routing:PeakEwma:Decay"] = "00:00:05",
            ["K8sNet:Routing:MaxRetries"] = "5",
            ["K8sNet:Clients:orders:HashKeyHeader"] = "x-user",
            ["K8sNet:Clients:orders:OutlierDetection:ConsecutiveFailures"] = "3",
            ["K8sNet:Clients:orders:AllowedNamespaces:0"] = "billing",
        });

        var options = host.Services.GetRequiredService<IOptionsMonitor<K8sNetRoutingOptions>>().Get("orders");

        Assert.Equal(LoadBalancingPolicy.PeakEwma, options.Policy);
        Assert.Equal(TimeSpan.FromSeconds(5), options.PeakEwma.Decay);
        Assert.Equal("x-user", options.HashKeyHeader);
        Assert.Equal(3, options.OutlierDetection.ConsecutiveFailures);
        Assert.Equal(1, options.MaxRetries); // code wins over configuration
        Assert.Equal(["billing", "shop"], options.AllowedNamespaces.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task BadValues_FailTheHostAtStart_NamingTheKeyTheValueAndTheRule()
    {
        using var host = Host(new()
        {
            ["K8sNet:Clients:orders:OutlierDetection:MaxEjectionPercent"] = "500",
            ["K8sNet:Routing:ConsistentHash:TableSize"] = "1000",
            ["K8sNet:AllowedNamespaces:0"] = "Shop",
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("K8sNetRoutingOptions 'orders': K8sNet:Clients:orders:OutlierDetection:MaxEjectionPercent = '500': must be between 0 and 100.", ex.Failures);
        Assert.Contains("K8sNetRoutingOptions 'orders': K8sNet:Routing:ConsistentHash:TableSize = '1000': must be a prime (Maglev's lookup table), e.g. 65537.", ex.Failures);
        Assert.Contains(ex.Failures, f => f.StartsWith("K8sNetRoutingOptions 'orders': K8sNet:AllowedNamespaces:0 = 'Shop': allowed namespace 'Shop' is not a DNS-1123 label: must be lower case", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadValues_SetInCode_FailTheHostAtStart_Too()
    {
        using var host = Host([], s => s.AddHttpClient("billing").AddK8sNetServiceDiscovery(o => o.OutlierDetection.MaxEjectionTime = TimeSpan.FromSeconds(1)));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["K8sNetRoutingOptions 'billing': OutlierDetection.MaxEjectionTime (set in code): must be at least BaseEjectionTime (00:00:30)."], ex.Failures);
    }

    [Fact]
    public void EveryPackage_BindsItsSection()
    {
        using var host = Host(new()
        {
            ["K8sNet:ClientContext:ClusterDomain"] = "corp.local",
            ["K8sNet:Kubernetes:ListPageSize"] = "50",
            ["K8sNet:Kubernetes:Scope"] = "Namespace",
            ["K8sNet:Dns:MaxTtl"] = "00:00:05",
            ["K8sNet:Dns:PortNames:0"] = "pg",
            ["K8sNet:Dns:Servers:0"] = "127.0.0.1:1053",
        }, s => s.AddK8sNet().AddDnsEndpoints().AddKubernetesEndpoints());

        var kubernetes = host.Services.GetRequiredService<IOptions<K8sNet.Kubernetes.KubernetesEndpointSourceOptions>>().Value;
        var dns = host.Services.GetRequiredService<IOptions<K8sNet.Dns.DnsEndpointOptions>>().Value;

        Assert.Equal("corp.local", host.Services.GetRequiredService<K8sNet.Dns.ClientContext>().ClusterDomain);
        Assert.Equal((50, K8sNet.Kubernetes.WatchScope.Namespace), (kubernetes.ListPageSize, kubernetes.Scope));
        Assert.Equal(TimeSpan.FromSeconds(5), dns.MaxTtl);
        Assert.Equal(["http", "https", "grpc", "pg"], dns.PortNames);
        Assert.Equal("127.0.0.1:1053", Assert.Single(dns.Servers).ToString());
    }

    [Theory]
    [InlineData("K8sNet:Kubernetes:ListPageSize", "0", "KubernetesEndpointSourceOptions: K8sNet:Kubernetes:ListPageSize = '0': must be between 1 and 10000.")]
    [InlineData("K8sNet:Dns:MinTtl", "00:01:00", "DnsEndpointOptions: MaxTtl (set in code): must not be below MinTtl (00:01:00).")]
    public async Task BadSourceSettings_FailTheHostAtStart(string key, string value, string failure)
    {
        using var host = Host(new() { [key] = value, ["K8sNet:Kubernetes:KubeconfigPath"] = "/nonexistent/kubeconfig" }, s => s.AddK8sNet().AddDnsEndpoints().AddKubernetesEndpoints());

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        var failures = (ex is AggregateException a ? a.InnerExceptions : [ex]).OfType<OptionsValidationException>().SelectMany(e => e.Failures);
        Assert.Contains(failure, failures);
    }
}
