using k8s.Models;
using K8sNet.Testing;

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
        Cluster.Create(new V1Namespace { Metadata = new V1ObjectMeta { Name = "contract" } });
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync() => await Cluster.DisposeAsync();

    protected override Task ApplyServiceAsync(ServiceName service, ServiceSpecInfo spec)
    {
        // A Service without a selector: the test's slices are the only ones (the controller leaves them alone).
        var ports = spec.Ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, TargetPort = p.TargetPort.Number }).ToList();
        if (Cluster.Get<V1Service>(service.Name, service.Namespace) is { } existing)
        {
            existing.Spec.Ports = ports;
            Cluster.Update(existing);
        }
        else
        {
            Cluster.Create(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = service.Name, NamespaceProperty = service.Namespace },
                Spec = new V1ServiceSpec { Ports = ports, ClusterIP = Headless ? "None" : null },
            });
        }

        return Task.CompletedTask;
    }

    protected override Task DeleteServiceAsync(ServiceName service)
    {
        Cluster.Delete<V1Service>(service.Name, service.Namespace);
        foreach (var slice in Cluster.List<V1EndpointSlice>(service.Namespace, $"{WellKnownLabels.ServiceName}={service.Name}"))
        {
            Cluster.Delete<V1EndpointSlice>(slice.Metadata.Name, service.Namespace);
        }

        return Task.CompletedTask;
    }

    protected override Task ApplySliceAsync(ServiceName service, EndpointSliceInfo slice)
    {
        var obj = new V1EndpointSlice
        {
            Metadata = new V1ObjectMeta
            {
                Name = slice.Name,
                NamespaceProperty = service.Namespace,
                Labels = new Dictionary<string, string> { [WellKnownLabels.ServiceName] = service.Name },
            },
            AddressType = slice.AddressType.ToString(),
            Ports = [.. slice.Ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.Port, Protocol = p.Protocol.ToApiString() })],
            Endpoints = [.. slice.Endpoints.Select(e => new V1Endpoint
            {
                Addresses = [.. e.Addresses],
                Conditions = new V1EndpointConditions { Ready = e.Conditions.Ready, Serving = e.Conditions.Serving, Terminating = e.Conditions.Terminating },
            })],
        };
        if (Cluster.Get<V1EndpointSlice>(slice.Name, service.Namespace) is { } existing)
        {
            obj.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            Cluster.Update(obj);
        }
        else
        {
            Cluster.Create(obj);
        }

        return Task.CompletedTask;
    }

    protected override Task DeleteSliceAsync(ServiceName service, string sliceName)
    {
        Cluster.Delete<V1EndpointSlice>(sliceName, service.Namespace);
        return Task.CompletedTask;
    }
}
