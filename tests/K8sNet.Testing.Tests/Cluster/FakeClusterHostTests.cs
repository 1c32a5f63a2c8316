using k8s;
using K8sNet.Dns;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.Cluster;

/// <summary>The standalone fake cluster's command (what samples/K8sNet.FakeCluster.Server runs).</summary>
public class FakeClusterHostTests
{
    [Fact]
    public async Task Demo_ServesTheApiAndDns_WritesTheKubeconfig_StopsWhenCancelled()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var started = new TaskCompletionSource<FakeCluster>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = FakeClusterHost.RunAsync(["--port", "0", "--dns-port", "0", "--kubeconfig", kubeconfig, "--demo", "--nodes", "2", "--zones", "a,b"], output, stop.Token, c => started.SetResult(c));
        try
        {
            var cluster = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            Assert.Equal(3, (await client.AppsV1.ReadNamespacedDeploymentAsync("orders", "shop")).Spec.Replicas);
            Assert.Equal(["a", "b"], (await client.CoreV1.ListNodeAsync()).Items.Select(n => n.Metadata.Labels["topology.kubernetes.io/zone"]));
            Assert.NotNull(cluster.DnsServer);
            Assert.Equal(TimeSpan.FromSeconds(1), cluster.Options.PodShutdownTime); // kubectl delete returns in a second
            Assert.Equal(DnsResponseCode.NoError, cluster.Dns.Answer("orders.shop.svc.cluster.local", DnsRecordType.A).ResponseCode);
            Assert.Contains("API server   http://127.0.0.1:", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("cluster DNS  127.0.0.1:", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            File.Delete(kubeconfig);
        }

        Assert.EndsWith("stopped" + Environment.NewLine, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngressPort_ServesTheDemoIngress_WithRealHttp_ToEchoPods()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var started = new TaskCompletionSource<FakeCluster>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = FakeClusterHost.RunAsync(["--port", "0", "--kubeconfig", kubeconfig, "--demo", "--ingress-port", "0"], output, stop.Token, c => started.SetResult(c));
        try
        {
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var line = output.ToString().Split(Environment.NewLine).Single(l => l.StartsWith("ingress      http://127.0.0.1:", StringComparison.Ordinal));
            var baseAddress = new Uri(line["ingress      ".Length..].Split(' ')[0]);
            using var http = new HttpClient { BaseAddress = baseAddress };

            async Task<(System.Net.HttpStatusCode Code, string Body)> GetAsync(string host, string path)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Host = host;
                using var response = await http.SendAsync(request);
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            }

            var orders = await GetAsync("shop.example", "/orders/42?x=1");
            Assert.Equal(System.Net.HttpStatusCode.OK, orders.Code);
            var echo = System.Text.Json.Nodes.JsonNode.Parse(orders.Body)!;
            Assert.StartsWith("orders-", (string?)echo["pod"], StringComparison.Ordinal);
            Assert.Equal("/orders/42?x=1", (string?)echo["path"]);
            Assert.Equal("shop.example", (string?)echo["host"]);

            var web = System.Text.Json.Nodes.JsonNode.Parse((await GetAsync("shop.example", "/")).Body)!;
            Assert.StartsWith("web-", (string?)web["pod"], StringComparison.Ordinal);

            var (missing, body) = await GetAsync("elsewhere.example", "/");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing);
            Assert.Contains("404 Not Found", body, StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task Tls_AndToken_ServeHttps_AndTheKubeconfigCarriesBoth()
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var started = new TaskCompletionSource<FakeCluster>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = FakeClusterHost.RunAsync(["--port", "0", "--kubeconfig", kubeconfig, "--tls", "--token", "t0ken", "--pod-shutdown", "-1"], output, stop.Token, c => started.SetResult(c));
        try
        {
            var cluster = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Null(cluster.Options.PodShutdownTime); // -1: containers ignore SIGTERM
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            Assert.NotEmpty((await client.CoreV1.ListNodeAsync()).Items);
            Assert.Contains("API server   https://127.0.0.1:", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("(bearer token required)", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            File.Delete(kubeconfig);
        }
    }

    [Theory]
    [InlineData("--port abc", "--port 'abc' is not a port (0-65535)")]
    [InlineData("--nodes 0", "--nodes '0' is not a node count (1-1000)")]
    [InlineData("--token", "--token needs a value")]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("--ingress-port 70000", "--ingress-port '70000' is not a port (0-65535)")]
    [InlineData("--pod-shutdown soon", "--pod-shutdown needs seconds from 0 to 86400, or -1 (got 'soon')")]
    [InlineData("--kubeconfig", "--kubeconfig needs a value")]
    public async Task BadCommandLines_Exit2_NamingTheOption(string args, string message)
    {
        using var output = new StringWriter();
        Assert.Equal(2, await FakeClusterHost.RunAsync(args.Split(' '), output, CancellationToken.None));
        Assert.Contains(message, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--dns-port N", output.ToString(), StringComparison.Ordinal); // the usage follows
    }
}
