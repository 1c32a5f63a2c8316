using K8sNet.Contracts;
using K8sNet.Kubernetes;

namespace K8sNet.Kubernetes.Tests;

/// <summary>The endpoint source contract for the Kubernetes source, over FakeCluster's API server and the real KubernetesClient.</summary>
public class KubernetesEndpointSourceContractTests : FakeClusterBackedContractTests
{
    private KubernetesEndpointSource? _source;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Cluster.StartApiServerAsync();
        _source = new KubernetesEndpointSource(Cluster.CreateKubernetesClient());
    }

    public override async Task DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        Assert.Empty(Cluster.ApiServer!.UnhandledExceptions);
        await base.DisposeAsync();
    }

    protected override Task<IEndpointSource> CreateSourceAsync() => Task.FromResult<IEndpointSource>(_source!);
}

/// <summary>The same contract with one namespace-wide list/watch per kind.</summary>
public class KubernetesEndpointSourceNamespaceScopeContractTests : FakeClusterBackedContractTests
{
    private KubernetesEndpointSource? _source;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Cluster.StartApiServerAsync();
        _source = new KubernetesEndpointSource(Cluster.CreateKubernetesClient(), new KubernetesEndpointSourceOptions { Scope = WatchScope.Namespace });
    }

    public override async Task DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        Assert.Empty(Cluster.ApiServer!.UnhandledExceptions);
        await base.DisposeAsync();
    }

    protected override Task<IEndpointSource> CreateSourceAsync() => Task.FromResult<IEndpointSource>(_source!);
}
