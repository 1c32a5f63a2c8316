using K8sNet.Contracts;

namespace K8sNet.Routing.Tests.Sources;

public class InMemoryEndpointSourceContractTests : EndpointSourceContractTests
{
    private readonly InMemoryEndpointSource _source = new();

    protected override Task<IEndpointSource> CreateSourceAsync() => Task.FromResult<IEndpointSource>(_source);

    protected override Task ApplyServiceAsync(ServiceName service, ServiceSpecInfo spec)
    {
        _source.SetService(service, spec);
        return Task.CompletedTask;
    }

    protected override Task DeleteServiceAsync(ServiceName service)
    {
        _source.RemoveService(service);
        return Task.CompletedTask;
    }

    protected override Task ApplySliceAsync(ServiceName service, EndpointSliceInfo slice)
    {
        _source.SetSlice(service, slice);
        return Task.CompletedTask;
    }

    protected override Task DeleteSliceAsync(ServiceName service, string sliceName)
    {
        _source.RemoveSlice(service, sliceName);
        return Task.CompletedTask;
    }
}
