using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using K8sNet.Kubernetes;

namespace K8sNet.Testing.Sources;

/// <summary>
/// Stored Services and EndpointSlices in the routing model, through the one mapping K8sNet has
/// (<see cref="KubernetesModel"/>, what the production source uses): the stored JSON is read as KubernetesClient's
/// model, then mapped. Each stored object is converted once: an update stores a new object, so an entry keyed by the
/// object is never stale and goes with it (the endpoint source, cluster DNS and kube-proxy read the same objects).
/// </summary>
internal static class StoredModels
{
    private static readonly ConditionalWeakTable<JsonObject, ServiceSpecInfo> Specs = new();
    private static readonly ConditionalWeakTable<JsonObject, EndpointSliceInfo> Slices = new();

    public static ServiceSpecInfo Spec(JsonObject service) =>
        Specs.GetValue(service, static s => KubernetesModel.ToSpec(KubernetesJson.Deserialize<V1Service>(s)));

    public static EndpointSliceInfo Slice(JsonObject slice) =>
        Slices.GetValue(slice, static s => KubernetesModel.ToSlice(KubernetesJson.Deserialize<V1EndpointSlice>(s)));
}
