using k8s;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Strategic merge patch through KubernetesClient, on the cases the Kubernetes documentation walks through
/// ("Update API Objects in Place Using kubectl patch": containers merge by name, tolerations are replaced,
/// $retainKeys) and the directives kubectl sends.
/// </summary>
public sealed class StrategicMergePatchTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new();
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        await _cluster.StartApiServerAsync();
        _client = _cluster.CreateKubernetesClient();
        _cluster.Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: patch-demo, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: nginx}}
              template:
                metadata: {labels: {app: nginx}}
                spec:
                  containers:
                  - {name: patch-demo-ctr, image: nginx, ports: [{containerPort: 80}, {containerPort: 8080}], env: [{name: A, value: "1"}]}
                  tolerations:
                  - {effect: NoSchedule, key: dedicated, value: test-team}
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
            """);
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    private Task<V1Deployment> PatchAsync(string patch) =>
        _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "patch-demo", "default");

    [Fact]
    public async Task Containers_MergeByName_ElementsUpdateInPlace_DeleteDirective()
    {
        var added = await PatchAsync("""{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}}""");
        Assert.Equal(["patch-demo-ctr", "patch-demo-ctr-2"], added.Spec.Template.Spec.Containers.Select(c => c.Name));

        var updated = await PatchAsync("""{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx:1.27","ports":[{"containerPort":9090}],"env":[{"name":"B","value":"2"}]}]}}}}""");
        var main = updated.Spec.Template.Spec.Containers.Single(c => c.Name == "patch-demo-ctr");
        Assert.Equal("nginx:1.27", main.Image);
        Assert.Equal([80, 8080, 9090], main.Ports.Select(p => p.ContainerPort)); // merged by containerPort
        Assert.Equal(["A", "B"], main.Env.Select(e => e.Name)); // merged by name

        var deleted = await PatchAsync("""{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","$patch":"delete"}]}}}}""");
        Assert.Equal(["patch-demo-ctr"], deleted.Spec.Template.Spec.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task Tolerations_AreReplaced_RetainKeys_ReplaceDirective_SetElementOrder()
    {
        var tolerations = await PatchAsync("""{"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}""");
        Assert.Equal(["disktype"], tolerations.Spec.Template.Spec.Tolerations.Select(t => t.Key)); // no merge key: replaced

        var retained = await PatchAsync("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""");
        Assert.Equal("Recreate", retained.Spec.Strategy.Type);
        Assert.Null(retained.Spec.Strategy.RollingUpdate);

        await PatchAsync("""{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b"},{"name":"c","image":"c"}]}}}}""");
        var ordered = await PatchAsync("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"patch-demo-ctr"},{"name":"b"}],"containers":[{"name":"b","image":"b:2"}]}}}}""");
        Assert.Equal(["c", "patch-demo-ctr", "b"], ordered.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal("b:2", ordered.Spec.Template.Spec.Containers.Single(c => c.Name == "b").Image);

        var replaced = await PatchAsync("""{"spec":{"template":{"spec":{"containers":[{"name":"only","image":"x"},{"$patch":"replace"}]}}}}""");
        Assert.Equal(["only"], replaced.Spec.Template.Spec.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task ServicePortsMergeByPort_FinalizersUnion_DeleteFromPrimitiveList()
    {
        _cluster.Create(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Finalizers = ["example.com/a"] },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
        });
        var patched = await _client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""
            {"metadata":{"finalizers":["example.com/b"]},"spec":{"ports":[{"name":"https","port":443,"targetPort":8443},{"port":80,"targetPort":9090}]}}
            """, V1Patch.PatchType.StrategicMergePatch), "web", "default");
        Assert.Equal([("http", 80, "9090"), ("https", 443, "8443")], patched.Spec.Ports.Select(p => (p.Name, p.Port, p.TargetPort.Value)));
        Assert.Equal(["example.com/a", "example.com/b"], patched.Metadata.Finalizers);

        var removed = await _client.CoreV1.PatchNamespacedServiceAsync(new V1Patch("""{"$deleteFromPrimitiveList/finalizers":["example.com/a"],"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/a"]}}""", V1Patch.PatchType.StrategicMergePatch), "web", "default");
        Assert.Equal(["example.com/b"], removed.Metadata.Finalizers);
    }
}
