using System.Collections.Immutable;
using System.Net;

namespace K8sNet.Benchmarks.Routing;

internal static class BenchData
{
    public static readonly ServiceName Service = new("shop", "orders");

    public static ServiceEndpoint[] Endpoints(int n) =>
        [.. Enumerable.Range(0, n)
            .Select(i => new ServiceEndpoint(IPAddress.Parse($"10.{i / 62500}.{i / 250 % 250}.{i % 250 + 1}"), 8080, new Endpoint($"10.{i / 62500}.{i / 250 % 250}.{i % 250 + 1}", EndpointConditions.ReadyEndpoint)))
            .OrderBy(e => e.Key, StringComparer.Ordinal)];

    public static EndpointSet Set(ServiceEndpoint[] endpoints) =>
        new(Service, new ServicePortKey("http", TransportProtocol.Tcp), 1, ImmutableArray.Create(endpoints), ImmutableArray.Create(endpoints), EndpointSetStatus.Ready);
}
