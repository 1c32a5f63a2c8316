using System.Diagnostics;
using System.Net;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;
using K8sNet.Testing.Tests.Cluster;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.ApiServer;

public sealed class WatchAndFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private FakeCluster _cluster = null!;
    private FakeApiServer _server = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster(o => o.TimeProvider = _time);
        _server = await _cluster.StartApiServerAsync();
        _client = _cluster.CreateKubernetesClient();
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_server.UnhandledExceptions);
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    /// <summary>A running watch: its events, the errors passed to onError, and whether it ended.</summary>
    private sealed class PodWatch
    {
        public Channel<(WatchEventType Type, V1Pod Pod)> Events { get; } = Channel.CreateUnbounded<(WatchEventType, V1Pod)>();

        public List<Exception> Errors { get; } = [];

        public Task Completion { get; set; } = Task.CompletedTask;

        public async Task<(WatchEventType Type, V1Pod Pod)> NextAsync()
        {
            using var cts = new CancellationTokenSource(Wait);
            try
            {
                return await Events.Reader.ReadAsync(cts.Token);
            }
            catch (ChannelClosedException)
            {
                lock (Errors)
                {
                    throw new InvalidOperationException("The watch ended; errors: " + string.Join("; ", Errors));
                }
            }
        }

        public async Task<(WatchEventType Type, V1Pod Pod)> NextNonBookmarkAsync()
        {
            while (true)
            {
                var e = await NextAsync();
                if (e.Type != WatchEventType.Bookmark)
                {
                    return e;
                }
            }
        }

        public async Task EndsAsync() => await Completion.WaitAsync(Wait);
    }

    private PodWatch StartWatch(string? resourceVersion = null, bool bookmarks = true, string? labelSelector = null, int? timeoutSeconds = null,
        bool? sendInitialEvents = null, string? resourceVersionMatch = null)
    {
        var watch = new PodWatch();
        watch.Completion = Task.Run(async () =>
        {
            try
            {
                var events = _client.CoreV1.WatchListNamespacedPodAsync("default", allowWatchBookmarks: bookmarks, labelSelector: labelSelector,
                    resourceVersion: resourceVersion, resourceVersionMatch: resourceVersionMatch, sendInitialEvents: sendInitialEvents,
                    timeoutSeconds: timeoutSeconds, onError: ex => { lock (watch.Errors) { watch.Errors.Add(ex); } });
                await foreach (var (type, pod) in events)
                {
                    watch.Events.Writer.TryWrite((type, pod));
                }
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException)
            {
                lock (watch.Errors)
                {
                    watch.Errors.Add(ex);
                }
            }
            finally
            {
                watch.Events.Writer.TryComplete();
            }
        });
        return watch;
    }

    [Fact]
    public async Task Watch_BookmarkAtOnce_ThenAddedModifiedDeleted()
    {
        await _cluster.WaitForIdleAsync();
        var version = _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var watch = StartWatch(resourceVersion: version);
        var bookmark = await watch.NextAsync();
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(version, bookmark.Pod.ResourceVersion());

        _cluster.Create(FakeClusterTests.Pod("web-0", node: "node-1"));
        var added = await watch.NextNonBookmarkAsync();
        Assert.Equal((WatchEventType.Added, "web-0"), (added.Type, added.Pod.Name()));
        var modified = await watch.NextNonBookmarkAsync();
        Assert.Equal(WatchEventType.Modified, modified.Type); // the kubelet: IP, Running, Ready

        await _cluster.WaitForIdleAsync();
        _cluster.Delete<V1Pod>("web-0", gracePeriodSeconds: 0);
        (WatchEventType Type, V1Pod Pod) e;
        do
        {
            e = await watch.NextNonBookmarkAsync();
        }
        while (e.Type == WatchEventType.Modified);

        Assert.Equal((WatchEventType.Deleted, "web-0"), (e.Type, e.Pod.Name()));
        Assert.Empty(watch.Errors);
    }

    [Fact]
    public async Task Watch_WithoutAVersion_StartsWithTheState_FromAVersion_OnlyLaterChanges()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        _cluster.Create(FakeClusterTests.Pod("web-1"));
        await _cluster.WaitForIdleAsync();
        var list = await _client.CoreV1.ListNamespacedPodAsync("default");

        var fromState = StartWatch(bookmarks: false);
        var names = new[] { (await fromState.NextAsync()).Pod.Name(), (await fromState.NextAsync()).Pod.Name() };
        Assert.Equal(["web-0", "web-1"], names.Order());

        var fromList = StartWatch(resourceVersion: list.ResourceVersion(), bookmarks: true);
        Assert.Equal(WatchEventType.Bookmark, (await fromList.NextAsync()).Type);
        _cluster.Create(FakeClusterTests.Pod("web-2"));
        var next = await fromList.NextNonBookmarkAsync();
        Assert.Equal((WatchEventType.Added, "web-2"), (next.Type, next.Pod.Name()));
    }

    [Fact]
    public async Task Watch_ResumeFromACompactedVersion_GetsAnErrorEventWith410Expired()
    {
        var old = _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        _server.ExpireResourceVersions();

        var watch = StartWatch(resourceVersion: old);
        await watch.EndsAsync();
        var error = Assert.IsType<KubernetesException>(Assert.Single(watch.Errors));
        Assert.Equal((410, "Expired"), (error.Status.Code, error.Status.Reason));
        Assert.StartsWith("too old resource version: " + old, error.Status.Message);

        var token = (await _client.CoreV1.ListNamespaceAsync(limit: 1)).Continue();
        _server.ExpireResourceVersions();
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespaceAsync(limit: 1, continueParameter: token));
        Assert.Equal(HttpStatusCode.Gone, gone.Response.StatusCode);
    }

    [Fact]
    public async Task ExactList_AtAnEarlierVersion_ShowsThatState()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        var then = (await _client.CoreV1.ListNamespacedPodAsync("default")).ResourceVersion();
        _cluster.Delete<V1Pod>("web-0", gracePeriodSeconds: 0);
        _cluster.Create(FakeClusterTests.Pod("web-1"));
        await _cluster.WaitForIdleAsync();

        var past = await _client.CoreV1.ListNamespacedPodAsync("default", limit: 10, resourceVersion: then, resourceVersionMatch: "Exact");
        Assert.Equal(["web-0"], past.Items.Select(p => p.Name()));
        Assert.Equal(then, past.ResourceVersion());
        Assert.Equal(["web-1"], (await _client.CoreV1.ListNamespacedPodAsync("default")).Items.Select(p => p.Name()));
    }

    [Fact]
    public async Task Watch_LabelSelector_RelabelGivesDeletedThenAddedBack()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        var watch = StartWatch(resourceVersion: _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), labelSelector: "app=web");
        await watch.NextAsync(); // bookmark

        var pod = _cluster.Get<V1Pod>("web-0")!;
        pod.Metadata.Labels["app"] = "other";
        pod = _cluster.Update(pod);
        Assert.Equal(WatchEventType.Deleted, (await watch.NextNonBookmarkAsync()).Type);
        pod.Metadata.Labels["app"] = "web";
        _cluster.Update(pod);
        Assert.Equal(WatchEventType.Added, (await watch.NextNonBookmarkAsync()).Type);
    }

    [Fact]
    public async Task Watch_SendInitialEvents_EndsTheStateWithAnAnnotatedBookmark()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        var watch = StartWatch(resourceVersion: "0", sendInitialEvents: true, resourceVersionMatch: "NotOlderThan");
        var first = await watch.NextAsync();
        Assert.Equal((WatchEventType.Added, "web-0"), (first.Type, first.Pod.Name()));
        var bookmark = await watch.NextAsync();
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal("true", bookmark.Pod.Annotations()["k8s.io/initial-events-end"]);

        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespacedPodWithHttpMessagesAsync("default", watch: true, sendInitialEvents: true));
        Assert.Equal((HttpStatusCode)422, invalid.Response.StatusCode);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsOnTheClustersClock_AndBookmarksFollowIt()
    {
        var watch = StartWatch(resourceVersion: _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), timeoutSeconds: 300);
        await watch.NextAsync(); // the first bookmark
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(WatchEventType.Bookmark, (await watch.NextAsync()).Type);
        Assert.False(watch.Completion.IsCompleted);
        _time.Advance(TimeSpan.FromMinutes(4));
        await watch.EndsAsync();
        Assert.Empty(watch.Errors);
    }

    [Fact]
    public async Task DropWatches_EndsEveryOpenWatch()
    {
        var a = StartWatch(resourceVersion: "1");
        var b = StartWatch(resourceVersion: "1");
        await a.NextAsync();
        await b.NextAsync();
        _server.DropWatches();
        await a.EndsAsync();
        await b.EndsAsync();

        var c = StartWatch(resourceVersion: _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(WatchEventType.Bookmark, (await c.NextAsync()).Type);
    }

    [Fact]
    public async Task SilenceWatches_OpenWatchesDeliverNothingMore_NewOnesWork()
    {
        var silent = StartWatch(resourceVersion: _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await silent.NextAsync();
        _server.SilenceWatches();
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();

        var fresh = StartWatch(bookmarks: false);
        Assert.Equal("web-0", (await fresh.NextAsync()).Pod.Name());
        Assert.False(silent.Events.Reader.TryRead(out _));
        Assert.False(silent.Completion.IsCompleted);
    }

    [Fact]
    public async Task FailRequests_429WithRetryAfter_500ForACount_503ForAWhileOnTheClustersClock()
    {
        using (_server.FailRequests(429, retryAfter: TimeSpan.FromSeconds(3)))
        {
            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespaceAsync());
            Assert.Equal((HttpStatusCode)429, ex.Response.StatusCode);
            Assert.Equal("3", ex.Response.Headers["Retry-After"].Single());
            Assert.Contains("TooManyRequests", ex.Response.Content, StringComparison.Ordinal);
        }

        Assert.NotEmpty((await _client.CoreV1.ListNamespaceAsync()).Items);

        _server.FailRequests(500, count: 2);
        for (var i = 0; i < 2; i++)
        {
            var ex = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespaceAsync());
            Assert.Equal(HttpStatusCode.InternalServerError, ex.Response.StatusCode);
        }

        Assert.NotEmpty((await _client.CoreV1.ListNamespaceAsync()).Items);

        _server.FailRequests(503, duration: TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ListNamespaceAsync())).Response.StatusCode);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotEmpty((await _client.CoreV1.ListNamespaceAsync()).Items);
        Assert.Contains(_server.Requests, r => r.StatusCode == 503 && r.IsList);
    }

    [Fact]
    public async Task Latency_DelaysEachRequest()
    {
        _server.Latency = TimeSpan.FromMilliseconds(300);
        var sw = Stopwatch.StartNew();
        await _client.CoreV1.ListNamespaceAsync();
        Assert.True(sw.Elapsed >= TimeSpan.FromMilliseconds(250), $"took {sw.Elapsed}");
        _server.Latency = TimeSpan.Zero;
    }

    [Fact]
    public async Task Restart_SamePortSameState_OpenWatchesEnd()
    {
        _cluster.Create(FakeClusterTests.Service("web"));
        var port = _server.Port;
        var watch = StartWatch(resourceVersion: _cluster.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await watch.NextAsync();

        await _server.StopAsync();
        await watch.EndsAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.CoreV1.ListNamespaceAsync());

        await _server.RestartAsync();
        Assert.Equal(port, _server.Port);
        Assert.Equal("web", (await _client.CoreV1.ReadNamespacedServiceAsync("web", "default")).Name());
    }

    [Fact]
    public async Task Kubeconfig_ConfiguresAClient()
    {
        var path = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        try
        {
            _cluster.WriteKubeconfig(path);
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            Assert.Equal("default", config.Namespace);
            using var client = new k8s.Kubernetes(config);
            Assert.Contains((await client.CoreV1.ListNamespaceAsync()).Items, n => n.Name() == "kube-system");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
