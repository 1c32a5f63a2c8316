using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using K8sNet.AspNetCore;
using K8sNet.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8sNet.Telemetry.Tests;

/// <summary><c>app.MapK8sNetDiagnostics()</c> shows where requests went: each pod's share is what the pods counted.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class DiagnosticsEndpointTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);
    private readonly ConcurrentDictionary<string, int> _counted = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        _cluster.Apply(Shop.Manifest(3));
        _cluster.Serve("app=web", (request, token) =>
        {
            _counted.AddOrUpdate(request.Pod.Name, 1, (_, n) => n + 1);
            return Shop.WhoAnswered(request, token);
        }, port: 8080, @namespace: "shop");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<WebApplication> StartAsync(bool routing = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (routing)
        {
            builder.Services.Client(_cluster);
        }

        var app = builder.Build();
        app.MapK8sNetDiagnostics();
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Json_ShowsEachPodsShare_AsThePodsCountedIt()
    {
        await using var app = await StartAsync();
        using var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("web");
        for (var i = 0; i < 300; i++)
        {
            await client.GetStringAsync("http://web.shop/");
        }

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var response = await http.GetAsync("/k8snet");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("FakeClusterEndpointSource", root.GetProperty("source").GetProperty("type").GetString());
        var web = Assert.Single(root.GetProperty("services").EnumerateArray(), s => s.GetProperty("name").GetString() == "web");
        Assert.Equal("shop", web.GetProperty("namespace").GetString());
        Assert.Equal("http:web", web.GetProperty("client").GetString());
        Assert.True(web.GetProperty("synced").GetBoolean());
        var port = Assert.Single(web.GetProperty("ports").EnumerateArray());
        Assert.Equal("http", port.GetProperty("port").GetString());
        Assert.Equal("Ready", port.GetProperty("status").GetString());
        Assert.Equal(300, port.GetProperty("picks").GetInt64());

        var endpoints = port.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(3, endpoints.Count);
        foreach (var e in endpoints)
        {
            var pod = e.GetProperty("pod").GetString()!;
            Assert.Equal(_counted[pod], e.GetProperty("picks").GetInt64());
            Assert.Equal(_counted[pod] / 300.0, e.GetProperty("share").GetDouble(), 9);
            Assert.True(e.GetProperty("ready").GetBoolean());
            Assert.True(e.GetProperty("eligible").GetBoolean());
            Assert.False(e.GetProperty("ejected").GetBoolean());
            Assert.Equal(0, e.GetProperty("inFlight").GetInt32());
        }
    }

    [Fact]
    public async Task Text_IsATablePerPort_ForATerminal()
    {
        await using var app = await StartAsync();
        using var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("web");
        for (var i = 0; i < 30; i++)
        {
            await client.GetStringAsync("http://web.shop/");
        }

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var text = await http.GetStringAsync("/k8snet/text");
        using var asked = new HttpRequestMessage(HttpMethod.Get, "/k8snet");
        asked.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        using var negotiated = await http.SendAsync(asked);

        Assert.Equal("text/plain", negotiated.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Service shop/web (client http:web", text, StringComparison.Ordinal);
        Assert.Contains("port http/TCP: Ready, 3 of 3 eligible, 30 picks", text, StringComparison.Ordinal);
        Assert.Contains("ADDRESS", text, StringComparison.Ordinal);
        foreach (var (pod, count) in _counted)
        {
            Assert.Matches($@"\n\s+\S+\s+8080\s+{pod}\s+\S+\s+\S+\s+ready\s+0\s+\S+\s+{count}\s", text);
        }

        Assert.StartsWith("K8sNet routing at ", await negotiated.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AHostNotRoutedToPods_IsListedWithItsReason()
    {
        await using var app = await StartAsync();
        using var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("web");
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetStringAsync("http://wbe.shop/")); // a typo: no such Service, passed to DNS

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var json = JsonDocument.Parse(await http.GetStringAsync("/k8snet"));
        var passed = Assert.Single(json.RootElement.GetProperty("passThroughs").EnumerateArray());
        Assert.Equal("wbe.shop", passed.GetProperty("host").GetString());
        Assert.Equal("ServiceNotFound", passed.GetProperty("reason").GetString());
        Assert.Contains("web", passed.GetProperty("message").GetString(), StringComparison.Ordinal); // the nearest name, as the log says
    }

    [Fact]
    public async Task WithoutK8sNetRouting_MappingFailsAtStart_SayingWhatToAdd()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(routing: false));
        Assert.StartsWith("MapK8sNetDiagnostics(): K8sNet's routing is not registered", ex.Message, StringComparison.Ordinal);
    }
}
