using System.Net;
using K8sNet.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace K8sNet.Routing.Tests.Http;

public class K8sNetServiceDiscoveryHandlerTests
{
    [Fact]
    public async Task Send_ServiceHost_GoesToAPod_WithTheHostHeaderKept()
    {
        await using var f = new HandlerFixture();
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://orders.shop/api/items?id=7");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (uri, host, _) = Assert.Single(f.Transport.Sent);
        Assert.Equal("http://10.244.1.5:8080/api/items?id=7", uri.ToString());
        Assert.Equal("orders.shop", host);
        Assert.Equal(new Uri("http://orders.shop/api/items?id=7"), request.RequestUri);
    }

    [Fact]
    public async Task Send_ExplicitServicePort_ChoosesThatPort()
    {
        await using var f = new HandlerFixture();
        f.Source.Set(HandlerFixture.Orders,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80), new ServicePortInfo("metrics", 9100)] },
            new EndpointSliceInfo("a", AddressType.IPv4, [new EndpointPort("http", 8080), new EndpointPort("metrics", 9102)], [new Endpoint("10.244.1.5", EndpointConditions.ReadyEndpoint)]));
        using var client = f.CreateClient();

        await client.GetAsync("http://orders.shop:9100/metrics");

        Assert.Equal("http://10.244.1.5:9102/metrics", Assert.Single(f.Transport.Sent).Uri.ToString());
    }

    [Theory]
    [InlineData("http://example.com/x")]
    [InlineData("http://10.0.0.1:8080/x")]
    [InlineData("http://cart/x")] // no Service "cart" in "web": not ours
    [InlineData("http://orders.kube-system/x")] // namespace not allowed
    public async Task Send_OtherHosts_PassThroughUntouched(string url)
    {
        await using var f = new HandlerFixture();
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();

        await client.GetAsync(url);

        var (uri, host, _) = Assert.Single(f.Transport.Sent);
        Assert.Equal(new Uri(url), uri);
        Assert.Null(host);
    }

    [Fact]
    public async Task Send_NoEndpoints_ThrowsAnHttpRequestExceptionNamingServiceAndReason()
    {
        await using var f = new HandlerFixture();
        f.SetOrders();
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<K8sNetRoutingException>(() => client.GetAsync("http://orders.shop/"));

        Assert.IsAssignableFrom<HttpRequestException>(ex);
        Assert.Equal(RoutingFailureReason.NoEndpoints, ex.Reason);
        Assert.Equal(HandlerFixture.Orders, ex.Service);
        Assert.Contains("Service 'shop/orders' port http", ex.Message);
        Assert.Empty(f.Transport.Sent);
    }

    [Fact]
    public async Task Send_UnknownPort_ListsTheServicesPorts()
    {
        await using var f = new HandlerFixture();
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<K8sNetRoutingException>(() => client.GetAsync("http://orders.shop:8080/"));

        Assert.Equal(RoutingFailureReason.UnknownPort, ex.Reason);
        Assert.Contains("http (80/TCP), metrics (9100/TCP)", ex.Message);
    }

    [Fact]
    public async Task Send_LocalPolicyAndNoLocalEndpoint_IsNoEligibleEndpoints()
    {
        await using var f = new HandlerFixture(node: "node-a");
        f.Source.Set(HandlerFixture.Orders,
            new ServiceSpecInfo { ClusterIPs = ["10.96.0.20"], Ports = [new ServicePortInfo("http", 80)], InternalTrafficPolicy = TrafficPolicy.Local },
            new EndpointSliceInfo("a", AddressType.IPv4, [new EndpointPort("http", 8080)], [new Endpoint("10.244.1.5", EndpointConditions.ReadyEndpoint) { NodeName = "node-b" }]));
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<K8sNetRoutingException>(() => client.GetAsync("http://orders.shop/"));

        Assert.Equal(RoutingFailureReason.NoEligibleEndpoints, ex.Reason);
    }

    [Fact]
    public async Task Send_NotSynced_FailsAfterTheSyncTimeoutSayingSo()
    {
        await using var f = new HandlerFixture(o => o.SyncTimeout = TimeSpan.FromMilliseconds(200), services: s =>
        {
            s.RemoveAll<IEndpointSource>();
            s.AddSingleton<IEndpointSource, NeverSyncingSource>();
        });
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<K8sNetRoutingException>(() => client.GetAsync("http://orders.shop/"));

        Assert.Equal(RoutingFailureReason.NotSynced, ex.Reason);
        Assert.Contains("has not synced Service 'shop/orders'", ex.Message);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task Send_ConnectFailure_IsRetriedOnAnotherEndpoint_ForAnyMethod(string method)
    {
        await using var f = new HandlerFixture(o => o.Policy = LoadBalancingPolicy.RoundRobin);
        f.SetOrders("10.244.1.5", "10.244.1.6");
        f.Transport.Behaviour["10.244.1.5"] = FakeTransport.Refuse;
        using var client = f.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "http://orders.shop/") { Content = method == "POST" ? new StringContent("x") : null };
            using var response = await client.SendAsync(request);
            Assert.Equal("10.244.1.6", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Send_FailureAfterSending_RetriesGetButNotPost()
    {
        await using var f = new HandlerFixture(o =>
        {
            o.Policy = LoadBalancingPolicy.RoundRobin;
            o.OutlierDetection.Enabled = false;
        });
        f.SetOrders("10.244.1.5", "10.244.1.6");
        f.Transport.Behaviour["10.244.1.5"] = FakeTransport.Reset;
        using var client = f.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("10.244.1.6", await client.GetStringAsync("http://orders.shop/"));
        }

        var failures = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                await client.PostAsync("http://orders.shop/", new StringContent("x"));
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded)
            {
                failures++;
            }
        }

        Assert.Equal(2, failures); // round robin sends every other POST to the failing endpoint, and POST is not retried
    }

    [Fact]
    public async Task Send_EveryEndpointRefuses_GivesUpAfterMaxRetries()
    {
        await using var f = new HandlerFixture(o =>
        {
            o.MaxRetries = 2;
            o.OutlierDetection.Enabled = false;
        });
        f.SetOrders("10.244.1.5", "10.244.1.6", "10.244.1.7", "10.244.1.8");
        foreach (var ip in new[] { "10.244.1.5", "10.244.1.6", "10.244.1.7", "10.244.1.8" })
        {
            f.Transport.Behaviour[ip] = FakeTransport.Refuse;
        }

        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("http://orders.shop/"));

        Assert.Equal(HttpRequestError.ConnectionError, ex.HttpRequestError);
        Assert.Equal(3, f.Transport.Sent.Count);
        Assert.Equal(3, f.Transport.Sent.Select(s => s.Uri.Host).Distinct().Count());
    }

    [Fact]
    public async Task Send_ServerErrors_EjectTheEndpoint()
    {
        await using var f = new HandlerFixture(o =>
        {
            o.Policy = LoadBalancingPolicy.RoundRobin;
            o.OutlierDetection.ConsecutiveFailures = 3;
            o.OutlierDetection.MaxEjectionPercent = 50;
        });
        f.SetOrders("10.244.1.5", "10.244.1.6");
        f.Transport.Behaviour["10.244.1.5"] = _ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        using var client = f.CreateClient();

        for (var i = 0; i < 6; i++)
        {
            await client.GetAsync("http://orders.shop/");
        }

        var before = f.Transport.Sent.Count;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("http://orders.shop/")).StatusCode);
        }

        Assert.All(f.Transport.Sent.Skip(before), s => Assert.Equal("10.244.1.6", s.Uri.Host));
    }

    [Fact]
    public async Task Send_HashKeyHeader_SendsTheSameKeyToTheSameEndpoint()
    {
        await using var f = new HandlerFixture(o =>
        {
            o.Policy = LoadBalancingPolicy.ConsistentHash;
            o.HashKeyHeader = "x-user";
        });
        f.SetOrders([.. Enumerable.Range(1, 10).Select(i => $"10.244.1.{i}")]);
        using var client = f.CreateClient();

        for (var user = 0; user < 20; user++)
        {
            var hosts = new HashSet<string>();
            for (var i = 0; i < 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "http://orders.shop/");
                request.Headers.Add("x-user", $"user-{user}");
                hosts.Add(await (await client.SendAsync(request)).Content.ReadAsStringAsync());
            }

            Assert.Single(hosts);
        }
    }

    [Fact]
    public async Task Send_ExternalNameService_GoesToTheExternalName()
    {
        await using var f = new HandlerFixture();
        f.Source.SetService(HandlerFixture.Orders, new ServiceSpecInfo { Type = ServiceType.ExternalName, ExternalName = "orders.example.com" });
        using var client = f.CreateClient();

        await client.GetAsync("http://orders.shop/x");

        Assert.Equal("http://orders.example.com/x", Assert.Single(f.Transport.Sent).Uri.ToString());
    }

    [Fact]
    public async Task Send_EndpointsChange_NewRequestsFollow()
    {
        await using var f = new HandlerFixture();
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();
        Assert.Equal("10.244.1.5", await client.GetStringAsync("http://orders.shop/"));

        f.SetOrders("10.244.2.9");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        string host;
        do
        {
            host = await client.GetStringAsync("http://orders.shop/");
        }
        while (host != "10.244.2.9" && DateTime.UtcNow < deadline);

        Assert.Equal("10.244.2.9", host);
    }

    [Fact]
    public async Task Metrics_CountRequestsByOutcome()
    {
        await using var f = new HandlerFixture(services: s => s.AddMetrics());
        f.SetOrders("10.244.1.5");
        f.Transport.Behaviour["10.244.1.5"] = _ => new HttpResponseMessage(HttpStatusCode.InternalServerError);
        using var collector = new MetricCollector<long>(f.Provider.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "K8sNet.Routing", "k8snet.routing.requests");
        using var client = f.CreateClient();

        await client.GetAsync("http://orders.shop/");
        await client.GetAsync("http://orders.shop/");

        var measurements = collector.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.All(measurements, m =>
        {
            Assert.Equal("shop", m.Tags["k8s.namespace.name"]);
            Assert.Equal("orders", m.Tags["k8snet.service.name"]);
            Assert.Equal("server_error", m.Tags["error.type"]);
        });
    }

    [Fact]
    public async Task PolicyFactory_ACustomPolicyOnLoadBalancer_PicksEveryRequest()
    {
        await using var f = new HandlerFixture(o => o.PolicyFactory = _ => new LastEndpointPolicy());
        f.SetOrders("10.244.1.5", "10.244.1.6", "10.244.1.7");
        using var client = f.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("10.244.1.7", await client.GetStringAsync("http://orders.shop/"));
        }

        // Refused there: the retry is picked by the same policy, which falls back past the endpoint already tried.
        f.Transport.Behaviour["10.244.1.7"] = FakeTransport.Refuse;
        Assert.NotEqual("10.244.1.7", await client.GetStringAsync("http://orders.shop/"));
    }

    [Fact]
    public async Task IdleService_IsLetGo_AndTheNextRequestFollowsItAgain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var f = new HandlerFixture(o => o.IdleTimeout = TimeSpan.FromMinutes(2), services: s => s.AddSingleton<TimeProvider>(time));
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();
        var pool = f.Provider.GetRequiredService<ServiceRouterPool>();

        Assert.Equal("10.244.1.5", await client.GetStringAsync("http://orders.shop/"));
        Assert.Equal(1, pool.Count);
        for (var i = 0; i < 3; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(0, pool.Count);
        f.SetOrders("10.244.1.6");
        Assert.Equal("10.244.1.6", await client.GetStringAsync("http://orders.shop/"));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public async Task AddServiceDiscovery_OnTheSameClient_K8sNetRunsFirst_ThePodAddressPassesThroughIt()
    {
        await using var f = new HandlerFixture(services: s =>
        {
            s.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            s.AddServiceDiscovery();
            s.AddHttpClient("test").AddServiceDiscovery(); // added after K8sNet's handler: still runs after it
        });
        f.SetOrders("10.244.1.5");
        using var client = f.CreateClient();

        Assert.Equal("10.244.1.5", await client.GetStringAsync("http://orders.shop/"));
        Assert.Equal(("10.244.1.5", "orders.shop"), (f.Transport.Sent.Last().Uri.Host, f.Transport.Sent.Last().Host));
    }

    [Fact]
    public async Task NoEndpointSource_FailsSayingWhatToRegister()
    {
        await using var f = new HandlerFixture(services: s => s.RemoveAll<IEndpointSource>());
        using var client = f.CreateClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("http://orders.shop/"));

        Assert.Contains("needs an endpoint source", ex.Message);
    }

    private sealed class NeverSyncingSource : IEndpointSource
    {
        public ValueTask<ServiceState> GetAsync(ServiceName service, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(ServiceState.Initial(service));

        public async IAsyncEnumerable<ServiceState> WatchAsync(ServiceName service, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }
    }

    /// <summary>A custom policy on K8sNet's base: the last eligible endpoint, or the base's fallback when it is ejected or tried.</summary>
    private sealed class LastEndpointPolicy : LoadBalancer
    {
        public override string Name => "LastEndpoint";

        protected override EndpointLease Pick(EndpointSet endpoints, System.Collections.Immutable.ImmutableArray<ServiceEndpoint> eligible, in PickContext context)
        {
            var last = eligible.Length - 1;
            var endpoint = context.IsPreferred(eligible[last]) ? eligible[last] : Fallback(eligible, 0, context);
            return new EndpointLease(endpoint, 0, null);
        }
    }
}
