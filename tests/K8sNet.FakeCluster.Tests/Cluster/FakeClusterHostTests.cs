using k8s;
using K8sNet.Dns;
using K8sNet.Samples.ClusterServer;
using K8sNet.Testing;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.Cluster;

/// <summary>The standalone fake cluster's command (what samples/K8sNet.FakeCluster.Server runs).</summary>
public class FakeClusterHostTests
{
    // Runs the standalone cluster (port 0, a temporary kubeconfig, then the arguments) until the body returns, stops it
    // and checks that it exits cleanly; returns what it printed.
    private static async Task<string> RunHostAsync(string[] args, Func<FakeCluster, string, StringWriter, Task> body)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var started = new TaskCompletionSource<FakeCluster>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = FakeClusterHost.RunAsync(["--port", "0", "--kubeconfig", kubeconfig, .. args], output, stop.Token, c => started.SetResult(c));
        try
        {
            await body(await started.Task.WaitAsync(TimeSpan.FromSeconds(30)), kubeconfig, output);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            File.Delete(kubeconfig);
        }

        return output.ToString();
    }

    [Fact]
    public async Task Demo_ServesTheApiAndDns_WritesTheKubeconfig_StopsWhenCancelled()
    {
        var printed = await RunHostAsync(["--dns-port", "0", "--demo", "--nodes", "2", "--zones", "a,b"], async (cluster, kubeconfig, output) =>
        {
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            Assert.Equal(3, (await client.AppsV1.ReadNamespacedDeploymentAsync("orders", "shop")).Spec.Replicas);
            Assert.Equal(["a", "b"], (await client.CoreV1.ListNodeAsync()).Items.Select(n => n.Metadata.Labels["topology.kubernetes.io/zone"]));
            Assert.NotNull(cluster.DnsServer);
            Assert.Equal(TimeSpan.FromSeconds(1), cluster.Options.PodShutdownTime); // kubectl delete returns in a second
            Assert.Equal(DnsResponseCode.NoError, cluster.Dns.Answer("orders.shop.svc.cluster.local", DnsRecordType.A).ResponseCode);
            Assert.Contains("API server   http://127.0.0.1:", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("cluster DNS  127.0.0.1:", output.ToString(), StringComparison.Ordinal);
        });

        Assert.EndsWith("stopped" + Environment.NewLine, printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceCidr_KubeDnsTakesItsTenthAddress_AndPodsNameIt()
    {
        await RunHostAsync(["--service-cidr", "10.0.0.0/16", "--demo"], async (cluster, kubeconfig, _) =>
        {
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            Assert.Equal("10.0.0.10", (await client.CoreV1.ReadNamespacedServiceAsync("kube-dns", "kube-system")).Spec.ClusterIP); // as kubeadm
            var pod = cluster.List<k8s.Models.V1Pod>("shop")[0];
            Assert.Equal("10.0.0.10", Assert.Single(cluster.ResolveFromPod("orders", pod.Metadata.Name, "shop").ResolvConf.Nameservers).ToString());
            Assert.StartsWith("10.0.", (await client.CoreV1.ReadNamespacedServiceAsync("orders", "shop")).Spec.ClusterIP, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Options_ClusterDnsIPOutsideTheServiceCidrs_IsRefusedNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FakeCluster(o =>
        {
            o.ServiceCidrs.Clear();
            o.ServiceCidrs.Add("10.0.0.0/16");
            o.ClusterDnsIP = "10.96.0.10";
        }));

        Assert.Equal("FakeClusterOptions.ClusterDnsIP '10.96.0.10' is not an address in the Service CIDRs (10.0.0.0/16); leave it unset for the tenth address of the first, as kubeadm chooses it.", ex.Message);
        Assert.Equal("fd00:10:96::a", TenthOf("fd00:10:96::/112")); // IPv6 first: its tenth address too
    }

    private static string TenthOf(string cidr)
    {
        var o = new FakeClusterOptions();
        o.ServiceCidrs.Clear();
        o.ServiceCidrs.Add(cidr);
        return o.ClusterDnsIP;
    }

    [Theory]
    [InlineData("10.0.0.1/16", "error: FakeClusterOptions.ServiceCidrs: '10.0.0.1/16' is not a CIDR with its network address (such as 10.96.0.0/12).")]
    [InlineData("banana", "error: FakeClusterOptions.ServiceCidrs: 'banana' is not a CIDR with its network address (such as 10.96.0.0/12).")]
    public async Task BadServiceCidr_IsOneLine_AndANonZeroExit(string cidr, string line)
    {
        using var output = new StringWriter();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // were it to start, it would stop (and fail below)
        var code = await FakeClusterHost.RunAsync(["--port", "0", "--service-cidr", cidr, "--kubeconfig", Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig")], output, stop.Token);

        Assert.Equal(1, code);
        Assert.Equal(line + Environment.NewLine, output.ToString()); // no stack trace
    }

    [Fact]
    public async Task IngressPort_ServesTheDemoIngress_WithRealHttp_ToEchoPods()
    {
        await RunHostAsync(["--demo", "--ingress-port", "0"], async (_, _, output) =>
        {
            var line = output.ToString().Split(Environment.NewLine).Single(l => l.StartsWith("ingress      http://127.0.0.1:", StringComparison.Ordinal));
            using var http = new HttpClient { BaseAddress = new Uri(line["ingress      ".Length..].Split(' ')[0]) };

            var orders = await GetAsync(http, "shop.example", "/orders/42?x=1");
            Assert.Equal(System.Net.HttpStatusCode.OK, orders.Code);
            var echo = System.Text.Json.Nodes.JsonNode.Parse(orders.Body)!;
            Assert.StartsWith("orders-", (string?)echo["pod"], StringComparison.Ordinal);
            Assert.Equal("/orders/42?x=1", (string?)echo["path"]);
            Assert.Equal("shop.example", (string?)echo["host"]);

            var web = System.Text.Json.Nodes.JsonNode.Parse((await GetAsync(http, "shop.example", "/")).Body)!;
            Assert.StartsWith("web-", (string?)web["pod"], StringComparison.Ordinal);

            var (missing, body) = await GetAsync(http, "elsewhere.example", "/");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing);
            Assert.Contains("404 Not Found", body, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task DemoGateway_IsExposedOnAPrintedPort_WithRealHttp_ToEchoPods()
    {
        await RunHostAsync(["--demo"], async (_, _, output) =>
        {
            using var http = new HttpClient { BaseAddress = await PrintedGatewayAsync(output, "shop/shop port 80") };

            var orders = await GetAsync(http, "gateway.shop.example", "/orders/7");
            var elsewhere = await GetAsync(http, "nothing.shop.example", "/");

            Assert.Equal(System.Net.HttpStatusCode.OK, orders.Code);
            Assert.StartsWith("orders-", (string?)System.Text.Json.Nodes.JsonNode.Parse(orders.Body)!["pod"], StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, elsewhere.Code);
        });
    }

    [SkippableFact]
    public async Task KubectlApply_OfAGatewayAndRoute_ThenCurl_ShowsWhereARequestLands()
    {
        Skip.If(ApiServer.KubectlTests.Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same Gateway is created through FakeCluster in DemoGateway_IsExposedOnAPrintedPort_WithRealHttp_ToEchoPods and GatewayJourneyTests.");
        var cache = Path.Combine(Path.GetTempPath(), $"k8snet-kubectl-cache-{Guid.NewGuid():N}");
        var manifest = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(manifest, """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: edge, namespace: shop}
            spec:
              gatewayClassName: k8snet
              listeners: [{name: web, port: 8080, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: edge, namespace: shop}
            spec:
              parentRefs: [{name: edge}]
              rules:
              - matches: [{headers: [{name: x-canary, value: "yes"}]}]
                backendRefs: [{name: orders, port: 80}]
              - backendRefs: [{name: web, port: 80}]
            """);
        try
        {
            await RunHostAsync(["--demo"], async (_, kubeconfig, output) =>
            {
                var (code, text) = await ApiServer.KubectlTests.RunKubectlAsync(kubeconfig, cache, "apply", "-f", manifest);
                Assert.True(code == 0, text);
                using var http = new HttpClient { BaseAddress = await PrintedGatewayAsync(output, "shop/edge port 8080") };
                using var canary = new HttpRequestMessage(HttpMethod.Get, "/checkout");
                canary.Headers.Add("x-canary", "yes");
                using var canaryResponse = await http.SendAsync(canary);
                var plain = await GetAsync(http, "anything.example", "/checkout");

                Assert.StartsWith("orders-", (string?)System.Text.Json.Nodes.JsonNode.Parse(await canaryResponse.Content.ReadAsStringAsync())!["pod"], StringComparison.Ordinal);
                Assert.StartsWith("web-", (string?)System.Text.Json.Nodes.JsonNode.Parse(plain.Body)!["pod"], StringComparison.Ordinal);
                var (getCode, routes) = await ApiServer.KubectlTests.RunKubectlAsync(kubeconfig, cache, "get", "httproute", "edge", "-n", "shop", "-o", "jsonpath={.status.parents[0].conditions[0].reason}");
                Assert.Equal((0, "Accepted"), (getCode, routes));
            });
        }
        finally
        {
            File.Delete(manifest);
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    // The loopback address the host printed for a Gateway port ("gateway      ns/name port N (...) at URL ...").
    private static async Task<Uri> PrintedGatewayAsync(StringWriter output, string gatewayAndPort)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            var line = output.ToString().Split(Environment.NewLine).FirstOrDefault(l => l.StartsWith("gateway      " + gatewayAndPort, StringComparison.Ordinal));
            if (line is not null)
            {
                return new Uri(line.Split(" at ")[1].Split(' ')[0]);
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"no line for Gateway {gatewayAndPort} in:\n{output}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }

    private static async Task<(System.Net.HttpStatusCode Code, string Body)> GetAsync(HttpClient http, string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tls_AndToken_ServeHttps_AndTheKubeconfigCarriesBoth()
    {
        await RunHostAsync(["--tls", "--token", "t0ken", "--pod-shutdown", "-1"], async (cluster, kubeconfig, output) =>
        {
            Assert.Null(cluster.Options.PodShutdownTime); // -1: containers ignore SIGTERM
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            Assert.NotEmpty((await client.CoreV1.ListNodeAsync()).Items);
            Assert.Contains("API server   https://127.0.0.1:", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("(bearer token from --token required)", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("warning: --token shows the token to anyone who can list processes", output.ToString(), StringComparison.Ordinal);
        });
    }

    // Issue 22: --tls alone let anyone write while the kubeconfig's dummy token read as if auth were on.
    [Fact]
    public async Task TlsAlone_GeneratesAToken_NoneGets401()
    {
        await RunHostAsync(["--tls"], async (cluster, kubeconfig, output) =>
        {
            Assert.False(string.IsNullOrEmpty(cluster.Options.ApiServerToken));
            Assert.Contains("(bearer token generated for the run, in the kubeconfig)", output.ToString(), StringComparison.Ordinal);
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
            Assert.Equal(cluster.Options.ApiServerToken, config.AccessToken);
            using var client = new k8s.Kubernetes(config);
            Assert.NotEmpty((await client.CoreV1.ListNodeAsync()).Items);
            using var anonymous = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = config.Host, SslCaCerts = config.SslCaCerts });
            var denied = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => anonymous.CoreV1.ListNodeAsync());
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, denied.Response.StatusCode);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kubeconfig)); // as kubectl writes it
            }
        });
    }

    [Fact]
    public async Task TokenFile_AndEnvironment_KeepTheTokenOutOfTheProcessList()
    {
        var file = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.token");
        await File.WriteAllTextAsync(file, "from-file\n");
        try
        {
            await RunHostAsync(["--token-file", file], (cluster, _, output) =>
            {
                Assert.Equal("from-file", cluster.Options.ApiServerToken);
                Assert.Contains("(bearer token from --token-file required)", output.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("warning", output.ToString(), StringComparison.Ordinal);
                return Task.CompletedTask;
            });
        }
        finally
        {
            File.Delete(file);
        }

        Environment.SetEnvironmentVariable("K8SNET_CLUSTER_TOKEN", "from-env");
        try
        {
            await RunHostAsync([], (cluster, _, output) =>
            {
                Assert.Equal("from-env", cluster.Options.ApiServerToken);
                Assert.Contains("(bearer token from K8SNET_CLUSTER_TOKEN required)", output.ToString(), StringComparison.Ordinal);
                return Task.CompletedTask;
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("K8SNET_CLUSTER_TOKEN", null);
        }
    }

    [Fact]
    public async Task TlsAnonymous_SaysLoudlyThatAnyoneMayWrite()
    {
        await RunHostAsync(["--tls", "--anonymous"], (cluster, kubeconfig, output) =>
        {
            Assert.Null(cluster.Options.ApiServerToken);
            Assert.Contains("(no authentication: anyone who can reach the port can read and write)", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("# This cluster checks no credentials", File.ReadAllText(kubeconfig), StringComparison.Ordinal); // the placeholder token says it is one
            return Task.CompletedTask;
        });
    }

    // Issue 23: with the simulated network an app using the kubeconfig's endpoints dialled 10.244.x.x, which nothing
    // answers; the loopback network, the standalone server's default, puts each pod on its own loopback address.
    [Fact]
    public async Task NetworkLoopback_IsTheDefault_AndPodsAnswerOnTheirOwnAddresses()
    {
        await RunHostAsync(["--demo"], async (cluster, kubeconfig, output) =>
        {
            Assert.Equal(PodNetworkMode.Loopback, cluster.Options.NetworkMode);
            Assert.Contains("pod network  loopback", output.ToString(), StringComparison.Ordinal);
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var slice = (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync("shop", labelSelector: "kubernetes.io/service-name=orders")).Items.Single();
            var address = slice.Endpoints[0].Addresses[0];
            Assert.StartsWith("127.", address, StringComparison.Ordinal);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var echo = await http.GetStringAsync($"http://{address}:{slice.Ports[0].Port}/hello"); // a plain socket, as any process would
            Assert.Contains("\"path\":\"/hello\"", echo, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task NetworkSimulated_SaysPodsAreReachableOnlyInProcess()
    {
        await RunHostAsync(["--network", "simulated"], (cluster, _, output) =>
        {
            Assert.Equal(PodNetworkMode.Simulated, cluster.Options.NetworkMode);
            Assert.Contains("pod network  simulated: pod IPs (10.244.x.x) are answered only in this process", output.ToString(), StringComparison.Ordinal);
            return Task.CompletedTask;
        });
    }

    [Theory]
    [InlineData("--network wifi", "--network 'wifi' is not a network mode (loopback or simulated)")]
    [InlineData("--port abc", "--port 'abc' is not a port (0-65535)")]
    [InlineData("--nodes 0", "--nodes '0' is not a node count (1-1000)")]
    [InlineData("--token", "--token needs a value")]
    [InlineData("--bogus", "unknown option '--bogus'")]
    [InlineData("--ingress-port 70000", "--ingress-port '70000' is not a port (0-65535)")]
    [InlineData("--pod-shutdown soon", "--pod-shutdown needs seconds from 0 to 86400, or -1 (got 'soon')")]
    [InlineData("--kubeconfig", "--kubeconfig needs a value")]
    [InlineData("--token-file /nonexistent/k8snet-token", "--token-file '/nonexistent/k8snet-token' cannot be read")]
    [InlineData("--anonymous --token t", "--anonymous and a token (--token) contradict each other")]
    public async Task BadCommandLines_Exit2_NamingTheOption(string args, string message)
    {
        using var output = new StringWriter();
        Assert.Equal(2, await FakeClusterHost.RunAsync(args.Split(' '), output, CancellationToken.None));
        Assert.Contains(message, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--dns-port N", output.ToString(), StringComparison.Ordinal); // the usage follows
    }
}
