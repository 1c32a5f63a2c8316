using Grpc.Core;
using K8sNet.Routing;
using K8sNet.Samples.Grpc;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.Telemetry.Tests;

/// <summary>A gRPC pod that fails: its calls, its ejection and its state are all visible.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class GrpcTelemetryTests : IAsyncLifetime
{
    private const string Manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: greeter}
        spec:
          selector: {app: greeter}
          ports: [{name: grpc, port: 50051, targetPort: grpc}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: greeter}
        spec:
          replicas: 3
          selector: {matchLabels: {app: greeter}}
          template:
            metadata: {labels: {app: greeter}}
            spec:
              containers: [{name: greeter, image: example/greeter:1, ports: [{name: grpc, containerPort: 50051}]}]
        """;

    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Manifest);
        _cluster.ServeApp("app=greeter", b => b.Services.AddGrpc(), app => app.MapGrpcService<FailingGreeter>(), 50051);
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AFailingPod_IsEjected_AndTheEjectionIsInTheMetricsTheSpansAndTheDiagnostics()
    {
        using var telemetry = new Telemetry();
        var bad = _cluster.List<k8s.Models.V1Pod>("default", "app=greeter")[0].Status.PodIP;
        FailingGreeter.Failing = bad;
        var services = new ServiceCollection();
        services.AddK8sNet().UseFakeCluster(_cluster).AddClientContext(o =>
        {
            o.Namespace = "default";
            o.ReadFile = _ => null;
            o.GetEnvironmentVariable = _ => null;
        }).AddGrpcBalancing();
        services.AddGrpcClient<Greeter.GreeterClient>(o => o.Address = new Uri("k8s:///greeter:grpc"));
        await using var app = services.BuildServiceProvider();
        var client = app.GetRequiredService<Greeter.GreeterClient>();

        var failed = 0;
        for (var i = 0; i < 60; i++)
        {
            try
            {
                await client.SayHelloAsync(new HelloRequest { Name = "k8s" });
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Internal)
            {
                failed++;
            }
        }

        var series = telemetry.Collect();
        Assert.True(failed is >= 1 and <= 10, $"{failed} failed calls (a few, then none: the pod is ejected)\n{app.GetRequiredService<ServiceRouterPool>().CaptureDiagnostics().ToText()}\n{string.Join("\n", series.Where(s => s.Metric.StartsWith("k8snet", StringComparison.Ordinal)).Select(s => s.Key))}");
        Assert.Contains(series, s => s.Metric == "k8snet.routing.ejections" && (string?)s.Tags["k8snet.client"] == "grpc" && (string?)s.Tags["k8snet.service.name"] == "greeter");
        Assert.Contains(series, s => s.Metric == "k8snet.grpc.calls" && Convert.ToInt32(s.Tags["rpc.grpc.status_code"], System.Globalization.CultureInfo.InvariantCulture) == 13 && (string?)s.Tags["k8snet.service.name"] == "greeter");
        Assert.Contains(series, s => s.Metric == "k8snet.routing.endpoints" && (string?)s.Tags["k8snet.endpoint.state"] == "ejected" && (string?)s.Tags["k8snet.client"] == "grpc");
        var all = telemetry.Finished();
        var spans = all.Where(s => s.OperationName == "K8sNet.Routing.Attempt").ToList();
        Assert.Contains(spans, s => (string?)s.GetTagItem("network.peer.address") == bad && (string?)s.GetTagItem("error.type") == "server_error" && (string?)s.GetTagItem("k8snet.client") == "grpc");
        Assert.All(spans, s => Assert.Equal("grpc", s.GetTagItem("k8snet.service.port")));

        // The logical call is gRPC's own span (ActivitySource Grpc.Net.Client): each attempt K8sNet picked sits beneath it.
        var calls = all.Where(s => s.OperationName == "Grpc.Net.Client.GrpcOut").ToDictionary(s => s.SpanId);
        Assert.All(spans, s => Assert.True(calls.ContainsKey(s.ParentSpanId), "an attempt outside a gRPC call's span"));
        Assert.Contains(calls.Values, c => Equals(c.GetTagItem("grpc.status_code"), "13"));

        var diagnostics = app.GetRequiredService<ServiceRouterPool>().CaptureDiagnostics();
        var greeter = Assert.Single(diagnostics.Services, s => s.Name == "greeter");
        Assert.Equal("grpc", greeter.Client);
        var endpoint = Assert.Single(Assert.Single(greeter.Ports).Endpoints, e => e.Address == bad);
        Assert.True(endpoint.Ejected);
        Assert.NotNull(endpoint.EjectedFor);
        Assert.Contains("ejected(", diagnostics.ToText(), StringComparison.Ordinal);
    }

    /// <summary>Answers, except on the pod whose IP is <see cref="Failing"/>, which fails every call with Internal.</summary>
    public sealed class FailingGreeter : Greeter.GreeterBase
    {
        private static volatile string? _failing;

        public static string? Failing { get => _failing; set => _failing = value; }

        public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
        {
            var ip = context.GetHttpContext().Connection.LocalIpAddress?.ToString();
            return ip == _failing
                ? throw new RpcException(new Status(StatusCode.Internal, "this pod is broken"))
                : Task.FromResult(new HelloReply { Message = "Hello " + request.Name, PodIp = ip ?? "?" });
        }
    }
}
