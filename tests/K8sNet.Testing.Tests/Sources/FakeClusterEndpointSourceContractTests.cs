using System.Text.Json.Nodes;
using K8sNet.Contracts;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.Sources;

/// <summary>The endpoint source contract, over a FakeCluster written to through its API (Services and user slices).</summary>
public class FakeClusterEndpointSourceContractTests : EndpointSourceContractTests, IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.Nodes = 1);

    public Task InitializeAsync()
    {
        _cluster.Create(ResourceType.Namespace, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "contract" } });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    protected override Task<IEndpointSource> CreateSourceAsync() => Task.FromResult<IEndpointSource>(_cluster.EndpointSource);

    protected override Task ApplyServiceAsync(ServiceName service, ServiceSpecInfo spec)
    {
        // A Service without a selector: the test's slices are the only ones (the controller leaves them alone).
        var ports = new JsonArray([.. spec.Ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["targetPort"] = p.TargetPort.Number })]);
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = service.Name, ["namespace"] = service.Namespace },
            ["spec"] = new JsonObject { ["ports"] = ports },
        };
        if (_cluster.Store.Get(ResourceType.Service, service.Namespace, service.Name) is { } existing)
        {
            existing["spec"]!["ports"] = ports;
            _cluster.Update(ResourceType.Service, existing);
        }
        else
        {
            _cluster.Create(ResourceType.Service, obj);
        }

        return Task.CompletedTask;
    }

    protected override Task DeleteServiceAsync(ServiceName service)
    {
        _cluster.Store.Delete(ResourceType.Service, service.Namespace, service.Name);
        foreach (var slice in _cluster.Store.List(ResourceType.EndpointSlice, service.Namespace, LabelSelector.Parse($"kubernetes.io/service-name={service.Name}")).Items)
        {
            _cluster.Store.Delete(ResourceType.EndpointSlice, service.Namespace, slice["metadata"]!["name"]!.GetValue<string>());
        }

        return Task.CompletedTask;
    }

    protected override Task ApplySliceAsync(ServiceName service, EndpointSliceInfo slice)
    {
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = slice.Name,
                ["namespace"] = service.Namespace,
                ["labels"] = new JsonObject { ["kubernetes.io/service-name"] = service.Name },
            },
            ["addressType"] = slice.AddressType.ToString(),
            ["ports"] = new JsonArray([.. slice.Ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = p.Protocol.ToApiString() })]),
            ["endpoints"] = new JsonArray([.. slice.Endpoints.Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray([.. e.Addresses.Select(a => (JsonNode)JsonValue.Create(a))]),
                ["conditions"] = new JsonObject { ["ready"] = e.Conditions.Ready, ["serving"] = e.Conditions.Serving, ["terminating"] = e.Conditions.Terminating },
            })]),
        };
        if (_cluster.Store.Get(ResourceType.EndpointSlice, service.Namespace, slice.Name) is not null)
        {
            _cluster.Update(ResourceType.EndpointSlice, obj);
        }
        else
        {
            _cluster.Create(ResourceType.EndpointSlice, obj);
        }

        return Task.CompletedTask;
    }

    protected override Task DeleteSliceAsync(ServiceName service, string sliceName)
    {
        _cluster.Store.Delete(ResourceType.EndpointSlice, service.Namespace, sliceName);
        return Task.CompletedTask;
    }
}
