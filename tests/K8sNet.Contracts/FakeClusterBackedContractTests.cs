using System.Text.Json.Nodes;
using K8sNet.Testing;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;

namespace K8sNet.Contracts;

/// <summary>
/// The endpoint source contract over a <see cref="FakeCluster"/> written to directly (Services without selectors, so
/// the test's slices are the only ones). A source that reads the cluster — its own source, or one through its API
/// server — says how it is created.
/// </summary>
public abstract class FakeClusterBackedContractTests : EndpointSourceContractTests, IAsyncLifetime
{
    protected FakeCluster Cluster { get; } = new(o => o.Nodes = 1);

    /// <summary>Whether the test's Services are headless (cluster IP <c>None</c>), for sources that see endpoints only so (DNS).</summary>
    protected virtual bool Headless => false;

    public virtual Task InitializeAsync()
    {
        Cluster.Create(ResourceType.Namespace, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "contract" } });
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await Cluster.DisposeAsync();

    protected override Task ApplyServiceAsync(ServiceName service, ServiceSpecInfo spec)
    {
        // A Service without a selector: the test's slices are the only ones (the controller leaves them alone).
        var ports = new JsonArray([.. spec.Ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["targetPort"] = p.TargetPort.Number })]);
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = service.Name, ["namespace"] = service.Namespace },
            ["spec"] = Headless ? new JsonObject { ["ports"] = ports, ["clusterIP"] = "None" } : new JsonObject { ["ports"] = ports },
        };
        if (Cluster.Store.Get(ResourceType.Service, service.Namespace, service.Name) is { } existing)
        {
            existing["spec"]!["ports"] = ports;
            Cluster.Update(ResourceType.Service, existing);
        }
        else
        {
            Cluster.Create(ResourceType.Service, obj);
        }

        return Task.CompletedTask;
    }

    protected override Task DeleteServiceAsync(ServiceName service)
    {
        Cluster.Store.Delete(ResourceType.Service, service.Namespace, service.Name);
        foreach (var slice in Cluster.Store.List(ResourceType.EndpointSlice, service.Namespace, LabelSelector.Parse($"kubernetes.io/service-name={service.Name}")).Items)
        {
            Cluster.Store.Delete(ResourceType.EndpointSlice, service.Namespace, slice["metadata"]!["name"]!.GetValue<string>());
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
        if (Cluster.Store.Get(ResourceType.EndpointSlice, service.Namespace, slice.Name) is not null)
        {
            Cluster.Update(ResourceType.EndpointSlice, obj);
        }
        else
        {
            Cluster.Create(ResourceType.EndpointSlice, obj);
        }

        return Task.CompletedTask;
    }

    protected override Task DeleteSliceAsync(ServiceName service, string sliceName)
    {
        Cluster.Store.Delete(ResourceType.EndpointSlice, service.Namespace, sliceName);
        return Task.CompletedTask;
    }
}
