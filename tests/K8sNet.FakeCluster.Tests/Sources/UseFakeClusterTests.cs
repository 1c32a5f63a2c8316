using System.Net;
using k8s.Models;
using K8sNet.Testing;
using Microsoft.Extensions.DependencyInjection;
using static K8sNet.Testing.Tests.Cluster.FakeClusterTests;

namespace K8sNet.Testing.Tests.Sources;

public class UseFakeClusterTests
{
    // Until no router offers the address any more (the endpoint source's change applied), bounded.
    private static async Task LeftAsync(K8sNet.Routing.ServiceRouterPool pool, string address)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (pool.Routers.Any(r => r.Sets.Values.Any(s => s.Eligible.Any(e => e.EndPoint.Address.ToString() == address))))
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    [Fact]
    public async Task AppWithServiceDiscovery_RoutesToTheClustersPods_AndFollowsThem()
    {
        await using var cluster = new FakeCluster();
        cluster.Create(Service("web", ports: new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }));
        cluster.Create(Pod("web-1"));
        cluster.Create(Pod("web-2"));
        await cluster.WaitForIdleAsync();
        var transport = new RecordingTransport();
        var services = new ServiceCollection();
        services.AddK8sNet().UseFakeCluster(cluster).AddClientContext(o =>
        {
            o.Namespace = "default";
            o.ReadFile = _ => null;
        });
        services.AddHttpClient("app").AddK8sNetServiceDiscovery().ConfigurePrimaryHttpMessageHandler(() => transport);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("app");
        var podIPs = cluster.List<V1Pod>("default").Select(p => p.Status.PodIP).ToHashSet();

        for (var i = 0; i < 20; i++)
        {
            await client.GetAsync("http://web/");
        }

        // A pod leaves: new requests stop going to it.
        var leaving = cluster.Get<V1Pod>("web-1")!.Status.PodIP;
        cluster.SetPodReady("web-1", "default", false);
        await cluster.WaitForIdleAsync();
        await LeftAsync(provider.GetRequiredService<K8sNet.Routing.ServiceRouterPool>(), leaving); // the router applied the change
        transport.Hosts.Clear();
        for (var i = 0; i < 20; i++)
        {
            await client.GetAsync("http://web/");
        }

        Assert.Subset(podIPs, transport.AllHosts.ToHashSet());
        Assert.Equal(2, transport.AllHosts.Distinct().Count());
        Assert.DoesNotContain(leaving, transport.Hosts);
    }

    private sealed class RecordingTransport : HttpMessageHandler
    {
        public List<string> Hosts { get; } = [];

        public List<string> AllHosts { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Hosts)
            {
                Hosts.Add(request.RequestUri!.Host);
                AllHosts.Add(request.RequestUri!.Host);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
