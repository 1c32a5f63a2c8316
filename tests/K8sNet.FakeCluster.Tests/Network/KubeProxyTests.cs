using System.Net;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Network;
using Microsoft.Extensions.Time.Testing;
using static K8sNet.Testing.Tests.Cluster.FakeClusterTests;

namespace K8sNet.Testing.Tests.Network;

/// <summary>
/// FakeCluster's kube-proxy over many connections: only eligible pods, ClientIP affinity until its timeout, Local
/// traffic policies keeping traffic on the node, node ports and load balancers, and the Services it does not proxy.
/// </summary>
public sealed class KubeProxyTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private FakeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster(o => o.TimeProvider = _time);
        // web-1 and web-2 on node-1, web-3 on node-2, nothing of web on node-3; client pods on each node.
        _cluster.Create(Pod("web-1", node: "node-1"));
        _cluster.Create(Pod("web-2", node: "node-1"));
        _cluster.Create(Pod("web-3", node: "node-2"));
        foreach (var n in new[] { 1, 2, 3 })
        {
            _cluster.Create(Pod($"client-{n}", labels: new() { ["app"] = "client" }, node: $"node-{n}"));
        }

        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private V1Service CreateService(string name, Action<V1ServiceSpec>? configure = null)
    {
        var svc = Service(name);
        configure?.Invoke(svc.Spec);
        _cluster.Create(svc);
        return _cluster.Get<V1Service>(name)!;
    }

    private async Task SettleAsync() => await _cluster.WaitForIdleAsync();

    private static IPEndPoint At(string ip, int port) => new(IPAddress.Parse(ip), port);

    private string PodIP(string name) => _cluster.Get<V1Pod>(name)!.Status.PodIP;

    private string NodeIP(string name) => _cluster.Get<V1Node>(name, null)!.Status.Addresses.First(a => a.Type == "InternalIP").Address;

    private HashSet<string> Backends(Func<KubeProxyRoute> connect, int connections = 300)
    {
        var pods = new HashSet<string>();
        for (var i = 0; i < connections; i++)
        {
            var route = connect();
            Assert.Equal(KubeProxyOutcome.Backend, route.Outcome);
            Assert.Equal(PodIP(route.Pod!.Name), route.Backend.Address.ToString());
            Assert.Equal(8080, route.Backend.Port);
            pods.Add(route.Pod.Name);
        }

        return pods;
    }

    [Fact]
    public async Task ClusterIP_ManyConnections_ReachEveryReadyPodAndNoOther()
    {
        var svc = CreateService("web");
        _cluster.SetPodReady("web-3", "default", ready: false);
        await SettleAsync();

        var pods = Backends(() => _cluster.KubeProxy.RouteFromPod("client-3", "default", At(svc.Spec.ClusterIP, 80)));

        Assert.Equal(["web-1", "web-2"], pods.Order());
    }

    [Fact]
    public async Task ClusterIP_Spread_IsRoughlyUniform()
    {
        var svc = CreateService("web");
        await SettleAsync();
        var counts = new Dictionary<string, int>();

        for (var i = 0; i < 3000; i++)
        {
            var pod = _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80)).Pod!.Name;
            counts[pod] = counts.GetValueOrDefault(pod) + 1;
        }

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 850, 1150)); // 1000 each expected; 5 standard deviations is about 130
    }

    [Fact]
    public async Task SessionAffinity_HoldsUntilTheTimeoutAfterTheLastConnection()
    {
        var svc = CreateService("web", s => { s.SessionAffinity = "ClientIP"; s.SessionAffinityConfig = new V1SessionAffinityConfig { ClientIP = new V1ClientIPConfig { TimeoutSeconds = 60 } }; });
        await SettleAsync();
        var first = _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80));

        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(59)); // each connection renews the entry
            var again = _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80));
            Assert.True(again.Affinity);
            Assert.Equal(first.Pod, again.Pod);
        }

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.False(_cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80)).Affinity);
    }

    [Fact]
    public async Task SessionAffinity_DefaultTimeoutIs10800s_AndClientsAreKeyedByTheirIP()
    {
        var svc = CreateService("web", s => s.SessionAffinity = "ClientIP");
        await SettleAsync();
        var chosen = new[] { "client-1", "client-2", "client-3" }.ToDictionary(c => c, c => _cluster.KubeProxy.RouteFromPod(c, "default", At(svc.Spec.ClusterIP, 80)).Pod!.Name);

        _time.Advance(TimeSpan.FromSeconds(10799));

        foreach (var (client, pod) in chosen)
        {
            var route = _cluster.KubeProxy.RouteFromPod(client, "default", At(svc.Spec.ClusterIP, 80));
            Assert.True(route.Affinity);
            Assert.Equal(pod, route.Pod!.Name);
        }
    }

    [Fact]
    public async Task SessionAffinity_EndpointGone_ChoosesAnother()
    {
        var svc = CreateService("web", s => s.SessionAffinity = "ClientIP");
        await SettleAsync();
        var first = _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80)).Pod!.Name;

        _cluster.SetPodReady(first, "default", ready: false);
        await SettleAsync();
        var next = _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80));

        Assert.False(next.Affinity);
        Assert.NotEqual(first, next.Pod!.Name);
    }

    [Fact]
    public async Task InternalTrafficPolicyLocal_KeepsTrafficOnTheNode_DropsWhereNoneIs()
    {
        var svc = CreateService("web", s => s.InternalTrafficPolicy = "Local");
        await SettleAsync();

        Assert.Equal(["web-1", "web-2"], Backends(() => _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80))).Order());
        Assert.Equal(["web-3"], Backends(() => _cluster.KubeProxy.RouteFromPod("client-2", "default", At(svc.Spec.ClusterIP, 80))));
        Assert.Equal(KubeProxyOutcome.Dropped, _cluster.KubeProxy.RouteFromPod("client-3", "default", At(svc.Spec.ClusterIP, 80)).Outcome);
    }

    [Fact]
    public async Task NodePort_ExternalTrafficPolicyLocal_FromOutsideStaysOnTheNode_FromAPodIsShortCircuited()
    {
        var svc = CreateService("web", s => { s.Type = "NodePort"; s.ExternalTrafficPolicy = "Local"; });
        await SettleAsync();
        var nodePort = svc.Spec.Ports[0].NodePort!.Value;
        var outside = IPAddress.Parse("203.0.113.7");

        Assert.Equal(["web-3"], Backends(() => _cluster.KubeProxy.RouteFromOutside(outside, At(NodeIP("node-2"), nodePort))));
        var dropped = _cluster.KubeProxy.RouteFromOutside(outside, At(NodeIP("node-3"), nodePort));
        Assert.Equal((KubeProxyOutcome.Dropped, "node-3", true), (dropped.Outcome, dropped.Node, dropped.External));
        Assert.Equal(3, Backends(() => _cluster.KubeProxy.RouteFromPod("client-3", "default", At(NodeIP("node-3"), nodePort))).Count);
    }

    [Fact]
    public async Task NodePort_ClusterPolicy_AnyNodeReachesEveryPod()
    {
        var svc = CreateService("web", s => s.Type = "NodePort");
        await SettleAsync();
        var nodePort = svc.Spec.Ports[0].NodePort!.Value;

        Assert.Equal(3, Backends(() => _cluster.KubeProxy.RouteFromOutside(IPAddress.Parse("203.0.113.7"), At(NodeIP("node-3"), nodePort))).Count);
    }

    [Fact]
    public async Task LoadBalancer_Local_GoesToANodeWithALocalPod_AndStaysThere()
    {
        var svc = CreateService("web", s => { s.Type = "LoadBalancer"; s.ExternalTrafficPolicy = "Local"; });
        await SettleAsync();
        var lb = _cluster.Get<V1Service>("web")!.Status.LoadBalancer.Ingress[0].Ip;

        for (var i = 0; i < 200; i++)
        {
            var route = _cluster.KubeProxy.RouteFromOutside(IPAddress.Parse("203.0.113.9"), At(lb, 80));
            Assert.Equal(KubeProxyOutcome.Backend, route.Outcome);
            Assert.NotEqual("node-3", route.Node);
            Assert.Equal(route.Node, route.PodNode);
        }
    }

    [Fact]
    public async Task HeadlessAndExternalName_AreNotProxied_NoEndpointsIsRejected()
    {
        CreateService("headless", s => s.ClusterIP = "None");
        var empty = CreateService("empty", s => s.Selector = new Dictionary<string, string> { ["app"] = "nothing" });
        await SettleAsync();

        var direct = _cluster.KubeProxy.RouteFromPod("client-1", "default", At(PodIP("web-1"), 8080));
        Assert.Equal(KubeProxyOutcome.NotAService, direct.Outcome);
        Assert.Equal(At(PodIP("web-1"), 8080), direct.Backend);
        Assert.Equal(KubeProxyOutcome.Rejected, _cluster.KubeProxy.RouteFromPod("client-1", "default", At(empty.Spec.ClusterIP, 80)).Outcome);
        Assert.Equal(KubeProxyOutcome.NotAService, _cluster.KubeProxy.RouteFromPod("client-1", "default", At(empty.Spec.ClusterIP, 81)).Outcome);
    }

    [Fact]
    public async Task TerminatingPods_ServeOnlyWhenNothingIsReady()
    {
        var svc = CreateService("web");
        await SettleAsync();
        foreach (var p in new[] { "web-1", "web-2", "web-3" })
        {
            _cluster.Delete<V1Pod>(p, gracePeriodSeconds: 30); // terminating, still serving for 30 s
        }

        await SettleAsync();

        Assert.Equal(3, Backends(() => _cluster.KubeProxy.RouteFromPod("client-1", "default", At(svc.Spec.ClusterIP, 80))).Count);
    }
}
