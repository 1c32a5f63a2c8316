using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace K8sNet.Benchmarks.Routing;

/// <summary>
/// One request through an in-memory terminal handler: bare; through K8sNet's handler (in-memory endpoint source, P2C);
/// through Microsoft.Extensions.ServiceDiscovery's <c>AddServiceDiscovery()</c> with the same endpoints from configuration.
/// The request object is created per operation in every row, so the differences are the handlers' own cost.
/// </summary>
public class HandlerBenchmarks
{
    private static readonly Uri ServiceUri = new("http://orders.shop/api/items");
    private static readonly Uri SdUri = new("http://orders/api/items");
    private HttpMessageInvoker _bare = null!;
    private HttpMessageInvoker _k8sNet = null!;
    private HttpMessageInvoker _serviceDiscovery = null!;
    private ServiceProvider _provider = null!;
    private OpenTelemetry.Trace.TracerProvider? _tracing;
    private OpenTelemetry.Metrics.MeterProvider? _metering;

    [GlobalSetup]
    public async Task Setup()
    {
        var source = new InMemoryEndpointSource();
        source.Set(
            BenchData.Service,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80)] },
            new EndpointSliceInfo("a", AddressType.IPv4, [new EndpointPort("http", 8080)],
                [new Endpoint("10.244.1.5", EndpointConditions.ReadyEndpoint), new Endpoint("10.244.1.6", EndpointConditions.ReadyEndpoint)]));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:orders:http:0"] = "10.244.1.5:8080",
            ["services:orders:http:1"] = "10.244.1.6:8080",
        }).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddK8sNet().AddInMemoryEndpoints(source).AddClientContext(o =>
        {
            o.Namespace = "web";
            o.ReadFile = _ => null;
        });
        services.AddHttpClient("k8snet").RemoveAllLoggers().AddK8sNetServiceDiscovery(o => o.AllowedNamespaces.Add("shop"));
        services.AddServiceDiscovery();
        services.AddHttpClient("sd").RemoveAllLoggers().AddServiceDiscovery();
        _provider = services.BuildServiceProvider();
        var factory = _provider.GetRequiredService<IHttpMessageHandlerFactory>();

        _bare = new HttpMessageInvoker(new Terminal());
        _k8sNet = new HttpMessageInvoker(Wrap(factory.CreateHandler("k8snet")));
        _serviceDiscovery = new HttpMessageInvoker(Wrap(factory.CreateHandler("sd")));

        // Warm both resolvers (first sync, first resolution) outside the measurement.
        for (var i = 0; i < 10; i++)
        {
            (await K8sNet()).Dispose();
            (await ServiceDiscovery()).Dispose();
        }
    }

    /// <summary>
    /// The OpenTelemetry SDK listening (the <c>K8sNetWithOpenTelemetry</c> row only; each row runs in its own process):
    /// K8sNet's ActivitySources and meters, every span sampled and handed to a batch export processor, every instrument
    /// read by a metric reader, both exporting to nowhere, so the cost is the request path's.
    /// </summary>
    [GlobalSetup(Target = nameof(K8sNetWithOpenTelemetry))]
    public async Task SetupWithOpenTelemetry()
    {
        _tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource("K8sNet.*")
            .SetSampler(new OpenTelemetry.Trace.AlwaysOnSampler())
            .AddProcessor(new OpenTelemetry.BatchActivityExportProcessor(new NoExport<System.Diagnostics.Activity>()))
            .Build();
        _metering = OpenTelemetry.Sdk.CreateMeterProviderBuilder()
            .AddMeter("K8sNet.*")
            .AddReader(new OpenTelemetry.Metrics.PeriodicExportingMetricReader(new NoExport<OpenTelemetry.Metrics.Metric>(), 60_000))
            .Build();
        await Setup();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _tracing?.Dispose();
        _metering?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> Bare() => _bare.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> K8sNet() => _k8sNet.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);

    /// <summary>K8sNet's handler with the OpenTelemetry SDK listening to its spans and metrics (see <see cref="SetupWithOpenTelemetry"/>).</summary>
    [Benchmark]
    public Task<HttpResponseMessage> K8sNetWithOpenTelemetry() => _k8sNet.SendAsync(new HttpRequestMessage(HttpMethod.Get, ServiceUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> ServiceDiscovery() => _serviceDiscovery.SendAsync(new HttpRequestMessage(HttpMethod.Get, SdUri), CancellationToken.None);

    // The factory's chain ends in its primary handler; replace that with the in-memory terminal.
    internal static HttpMessageHandler Wrap(HttpMessageHandler chain)
    {
        var handler = chain;
        while (handler is DelegatingHandler d && d.InnerHandler is DelegatingHandler inner)
        {
            handler = inner;
        }

        if (handler is DelegatingHandler last)
        {
            last.InnerHandler = new Terminal();
        }

        return chain;
    }

    private sealed class NoExport<T> : OpenTelemetry.BaseExporter<T>
        where T : class
    {
        public override OpenTelemetry.ExportResult Export(in OpenTelemetry.Batch<T> batch) => OpenTelemetry.ExportResult.Success;
    }

    private sealed class Terminal : HttpMessageHandler
    {
        private static readonly HttpResponseMessage Ok = new(HttpStatusCode.OK);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Ok);
    }
}
