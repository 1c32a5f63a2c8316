using K8sNet.Contracts;

namespace K8sNet.Testing.Tests.Sources;

/// <summary>The endpoint source contract for FakeCluster's own source.</summary>
public class FakeClusterEndpointSourceContractTests : FakeClusterBackedContractTests
{
    protected override Task<IEndpointSource> CreateSourceAsync() => Task.FromResult<IEndpointSource>(Cluster.EndpointSource);
}
