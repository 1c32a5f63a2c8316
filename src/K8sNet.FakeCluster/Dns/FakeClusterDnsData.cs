using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Dns;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Sources;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Dns;

/// <summary>
/// The live cluster as cluster DNS sees it: namespaces, Services with their EndpointSlices (in the routing model) and
/// pod IPs, read from the store at each question, so answers follow every change at once (a real cluster's DNS lags
/// by its informers; this one does not).
/// </summary>
internal sealed class FakeClusterDnsData(FakeCluster cluster) : IClusterDnsData
{
    public bool IsSynced => true;

    public uint Serial => unchecked((uint)cluster.Store.ResourceVersion);

    public bool NamespaceExists(string @namespace) => cluster.Store.PeekOne(ResourceType.Namespace, null, @namespace) is not null;

    public ServiceState? GetService(ServiceName service)
    {
        var svc = cluster.Store.PeekOne(ResourceType.Service, service.Namespace, service.Name);
        return svc is null ? null : State(service, svc);
    }

    public IEnumerable<ServiceState> GetServices()
    {
        foreach (var svc in cluster.Store.Peek(ResourceType.Service, null))
        {
            yield return State(new ServiceName(Json.Namespace(svc), Json.Name(svc)), svc);
        }
    }

    public IEnumerable<DnsPod> GetPods(IPAddress address)
    {
        var text = address.ToString();
        foreach (var pod in cluster.Store.Peek(ResourceType.Pod, null))
        {
            var ips = (pod["status"]?["podIPs"] as JsonArray ?? []).Select(i => Json.Str(i?["ip"])).Append(Json.Str(pod["status"]?["podIP"]));
            if (ips.Any(ip => ip == text))
            {
                yield return new DnsPod(Json.Namespace(pod), Json.Name(pod), address);
            }
        }
    }

    private ServiceState State(ServiceName service, JsonObject svc)
    {
        var slices = cluster.Store.Peek(ResourceType.EndpointSlice, service.Namespace, LabelSelector.Parse($"{WellKnownLabels.ServiceName}={service.Name}"));
        return ServiceState.Initial(service).WithAll(StoredModels.Spec(svc), slices.Select(StoredModels.Slice));
    }
}
