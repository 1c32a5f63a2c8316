using System.Diagnostics;
using k8s;
using k8s.Models;
using K8sNet.Kubernetes;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using static K8sNet.Kubernetes.Tests.ConvergenceTests;

namespace K8sNet.Kubernetes.Tests;

/// <summary>Before the first sync, refusals, options, namespace-wide watches and registration.</summary>
public sealed class SyncAndErrorTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.Nodes = 2);
    private FakeApiServer _server = null!;

    public async Task InitializeAsync() => _server = await _cluster.StartApiServerAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(_server.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task Forbidden_IsATypedErrorAtOnce_NamingThePermission_AndTheHealthCheckIsUnhealthy()
    {
        using var _ = _server.FailRequests(403);
        await using var source = new KubernetesEndpointSource(_cluster.CreateKubernetesClient(), Fast());
        var started = Stopwatch.GetTimestamp();

        var ex = await Assert.ThrowsAsync<KubernetesEndpointSourceException>(async () => await source.GetAsync(new ServiceName("shop", "orders")));

        Assert.Equal(KubernetesSourceError.Forbidden, ex.Error);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(4), "a refusal does not wait for the sync timeout");
        Assert.Matches("cannot list (endpointslices.discovery.k8s.io|services) for 'orders' in namespace 'shop'", ex.Message);
        Assert.Contains("is forbidden: User \"system:serviceaccount:default:default\" cannot list resource", ex.Message);
        Assert.Contains("Grant get, list and watch", ex.Message);
        Assert.Equal(new ServiceName("shop", "orders"), ex.Service);

        var health = await new KubernetesEndpointSourceHealthCheck(source).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("shop/orders", health.Data.Keys);
    }

    [Fact]
    public async Task ServerDownBeforeTheFirstSync_NotSyncedAfterTheTimeout_SayingWhy()
    {
        using var client = _cluster.CreateKubernetesClient();
        await _server.StopAsync();
        var options = Fast();
        options.SyncTimeout = TimeSpan.FromSeconds(3); // room for a cold client's first (refused) request on a busy machine
        await using var source = new KubernetesEndpointSource(client, options);

        var ex = await Assert.ThrowsAsync<KubernetesEndpointSourceException>(async () => await source.GetAsync(new ServiceName("default", "web")));

        Assert.Equal(KubernetesSourceError.NotSynced, ex.Error);
        Assert.Contains("has not synced within 3 s (KubernetesEndpointSourceOptions.SyncTimeout)", ex.Message);
        Assert.Contains("HttpRequestException", ex.Message); // connection refused, said as such

        // The server comes up: the same source syncs without being asked again.
        _cluster.Create(Service("web"));
        _cluster.Create(Pod("web-0"));
        await _cluster.StartApiServerAsync();
        Assert.Single(Addresses(await ConvergedAsync(source, _cluster, new ServiceName("default", "web"))));
    }

    [Fact]
    public async Task HungList_IsAbandonedAfterTheRequestTimeout_AndRetried()
    {
        _cluster.Create(Service("web"));
        _cluster.Create(Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        _server.Latency = TimeSpan.FromSeconds(30); // every request hangs
        var options = Fast();
        options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        options.SyncTimeout = TimeSpan.FromSeconds(2);
        await using var source = new KubernetesEndpointSource(_cluster.CreateKubernetesClient(), options);
        var web = new ServiceName("default", "web");

        // The first call starts the list/watches; once a list has been abandoned (the source's own status says so, so a
        // loaded machine cannot outrun the sync timeout), a caller is told why.
        var starting = source.GetAsync(web).AsTask();
        await WaitUntilAsync(() => source.GetSyncStatus().Any(s => s.LastError is not null));
        await Assert.ThrowsAsync<KubernetesEndpointSourceException>(() => starting);
        var ex = await Assert.ThrowsAsync<KubernetesEndpointSourceException>(async () => await source.GetAsync(web));
        Assert.Equal(KubernetesSourceError.NotSynced, ex.Error);
        Assert.Contains("the list took longer than 0.3 s (KubernetesEndpointSourceOptions.RequestTimeout)", ex.Message);

        _server.Latency = TimeSpan.Zero;
        Assert.Single(Addresses(await ConvergedAsync(source, _cluster, web)));
    }

    [Fact]
    public async Task NamespaceNotAllowed_FailsWithoutAnApiCall()
    {
        var options = Fast();
        options.AllowedNamespaces.Add("shop");
        await using var source = new KubernetesEndpointSource(_cluster.CreateKubernetesClient(), options);

        var ex = await Assert.ThrowsAsync<KubernetesEndpointSourceException>(async () => await source.GetAsync(new ServiceName("default", "web")));

        Assert.Equal(KubernetesSourceError.NamespaceNotAllowed, ex.Error);
        Assert.Contains("namespace 'default' is not in KubernetesEndpointSourceOptions.AllowedNamespaces (shop)", ex.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void BadOptions_AreRejectedNamingTheOption()
    {
        using var client = _cluster.CreateKubernetesClient();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new KubernetesEndpointSource(client, new KubernetesEndpointSourceOptions { MaxWatchTimeout = TimeSpan.FromMinutes(1) }));
        Assert.Contains("MaxWatchTimeout must not be below MinWatchTimeout", ex.Message);
        var options = new KubernetesEndpointSourceOptions();
        options.AllowedNamespaces.Add("Shop");
        Assert.Throws<KubernetesNameException>(() => new KubernetesEndpointSource(client, options));
    }

    [Fact]
    public async Task PerServiceScope_SharesOneListWatchPerServiceAcrossCallers()
    {
        _cluster.Create(Service("web"));
        _cluster.Create(Pod("web-0"));
        await using var source = new KubernetesEndpointSource(_cluster.CreateKubernetesClient(), Fast());
        var web = new ServiceName("default", "web");

        await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => await source.GetAsync(web)));

        Assert.Equal(2, source.Informers().Count()); // one for the slices, one for the Service
        Assert.Equal(1, _server.Requests.Count(r => r.IsList && r.Path.EndsWith("/endpointslices", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NamespaceScope_OneWatchPerKind_ASliceMovingBetweenServicesMovesInTheStates()
    {
        _cluster.Create(Service("web"));
        _cluster.Create(Service("api"));
        var manual = Service("manual");
        manual.Spec.Selector = null;
        _cluster.Create(manual);
        _cluster.Create(Pod("web-0"));
        _cluster.Create(Pod("api-0", "api"));
        await _cluster.WaitForIdleAsync();
        var options = Fast();
        options.Scope = WatchScope.Namespace;
        await using var source = new KubernetesEndpointSource(_cluster.CreateKubernetesClient(), options);

        Assert.Single(Addresses(await ConvergedAsync(source, _cluster, new ServiceName("default", "web"))));
        Assert.Single(Addresses(await ConvergedAsync(source, _cluster, new ServiceName("default", "api"))));
        Assert.Equal(2, source.Informers().Count());

        // A user-managed slice labelled for "manual", then relabelled to "web".
        var slice = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta { Name = "manual-1", NamespaceProperty = "default", Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "manual" } },
            AddressType = "IPv4",
            Ports = [new Discoveryv1EndpointPort { Name = "http", Port = 9090, Protocol = "TCP" }],
            Endpoints = [new V1Endpoint { Addresses = ["192.0.2.10"], Conditions = new V1EndpointConditions { Ready = true } }],
        };
        _cluster.Create(slice);
        var manualState = await ConvergedAsync(source, _cluster, new ServiceName("default", "manual"));
        Assert.Equal(["192.0.2.10"], Addresses(manualState));

        var moved = _cluster.Get<V1EndpointSlice>("manual-1")!;
        moved.Metadata.Labels["kubernetes.io/service-name"] = "web";
        _cluster.Update(moved);

        Assert.Equal(2, Addresses(await ConvergedAsync(source, _cluster, new ServiceName("default", "web"))).Length);
        Assert.Empty(Addresses(await ConvergedAsync(source, _cluster, new ServiceName("default", "manual"))));
    }

    [Fact]
    public async Task AddKubernetesEndpoints_RegistersTheSourceAndItsHealthCheck_UsingTheContainersClient()
    {
        _cluster.Create(Service("web"));
        _cluster.Create(Pod("web-0"));
        await _cluster.WaitForIdleAsync();
        var services = new ServiceCollection();
        services.AddSingleton(_ => _cluster.CreateKubernetesClient());
        services.AddK8sNet().AddKubernetesEndpoints(o => o.SyncTimeout = TimeSpan.FromSeconds(5));
        await using var provider = services.BuildServiceProvider();

        var source = Assert.Single(provider.GetServices<IEndpointSource>());
        Assert.IsType<KubernetesEndpointSource>(source);
        Assert.Single(Addresses(await source.GetAsync(new ServiceName("default", "web"))));
        var health = await provider.GetRequiredService<KubernetesEndpointSourceHealthCheck>().CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [Fact]
    public async Task KubeconfigFromTheOptions_IsUsed()
    {
        var path = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        _cluster.WriteKubeconfig(path);
        try
        {
            _cluster.Create(Service("web"));
            _cluster.Create(Pod("web-0"));
            await _cluster.WaitForIdleAsync();
            using var client = KubernetesClientFactory.Create(new KubernetesEndpointSourceOptions { KubeconfigPath = path });
            await using var source = new KubernetesEndpointSource(client, Fast());

            Assert.Single(Addresses(await source.GetAsync(new ServiceName("default", "web"))));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CurrentNamespace_TrimsTheServiceAccountFile()
    {
        var dir = Directory.CreateTempSubdirectory("k8snet-sa-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "namespace"), "shop\n");
            Assert.Equal("shop", KubernetesClientFactory.CurrentNamespace(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

/// <summary>The RBAC manifest shipped in the package's docs.</summary>
public class RbacManifestTests
{
    [Fact]
    public void RbacYaml_GrantsOnlyReadsOfServicesAndEndpointSlices()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "K8sNet.Kubernetes", "docs", "rbac.yaml");
        var objects = k8s.KubernetesYaml.LoadAllFromString(File.ReadAllText(path));

        var rules = objects.OfType<V1Role>().SelectMany(r => r.Rules).Concat(objects.OfType<V1ClusterRole>().SelectMany(r => r.Rules)).ToList();
        Assert.Equal(4, rules.Count);
        Assert.All(rules, r => Assert.Equal(["get", "list", "watch"], r.Verbs));
        Assert.Equal(
            ["/services", "discovery.k8s.io/endpointslices"],
            rules.Select(r => $"{r.ApiGroups.Single()}/{r.Resources.Single()}").Distinct().Order(StringComparer.Ordinal));
        Assert.Single(objects.OfType<V1RoleBinding>());
        Assert.Single(objects.OfType<V1ClusterRoleBinding>());
    }
}

/// <summary>A disposed source lets go of everything: nothing (timers, continuations, meters) keeps it alive.</summary>
public class DisposalTests
{
    [Fact]
    public async Task DisposedSource_IsCollected()
    {
        await using var cluster = new FakeCluster(o => o.Nodes = 1);
        await cluster.StartApiServerAsync();
        cluster.Create(ConvergenceTests.Service("web"));
        cluster.Create(ConvergenceTests.Pod("web-0"));
        await cluster.WaitForIdleAsync();
        using var client = cluster.CreateKubernetesClient();

        var weak = await SyncAndDisposeAsync(client);
        for (var i = 0; i < 10 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        Assert.False(weak.IsAlive, "the disposed source is still reachable");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> SyncAndDisposeAsync(k8s.IKubernetes client)
    {
        var source = new KubernetesEndpointSource(client, ConvergenceTests.Fast());
        await source.GetAsync(new ServiceName("default", "web"));
        await source.DisposeAsync();
        return new WeakReference(source);
    }
}
