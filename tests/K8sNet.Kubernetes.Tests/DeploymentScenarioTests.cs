using k8s;
using k8s.Models;
using K8sNet.Kubernetes;
using K8sNet.Testing;
using Testcontainers.K3s;

namespace K8sNet.Kubernetes.Tests;

/// <summary>
/// One scenario written once against the Kubernetes API — a Deployment and its Service; scale up; delete a pod; roll a
/// new version — with the source converging on the API's slices after each step. It runs against FakeCluster's API
/// server, and against a real k3s through Testcontainers when a Docker engine is present.
/// </summary>
public class DeploymentScenarioTests
{
    private const string Namespace = "scenario";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FakeCluster()
    {
        await using var cluster = new FakeCluster();
        await cluster.StartApiServerAsync();
        using var client = cluster.CreateKubernetesClient();
        await RunAsync(client);
        Assert.Empty(cluster.ApiServer!.UnhandledExceptions);
    }

    [SkippableFact]
    public async Task K3s()
    {
        Skip.IfNot(DockerAvailable(out var why), $"No Docker engine ({why}): the k3s run of this scenario needs one — install Docker or set DOCKER_HOST. The same scenario ran against FakeCluster.");
        await using var k3s = new K3sBuilder("rancher/k3s:v1.32.5-k3s1").Build(); // the Kubernetes version the fake API server reports
        await k3s.StartAsync();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(await k3s.GetKubeconfigAsync()));
        using var client = new k8s.Kubernetes(await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(stream));
        await RunAsync(client);
    }

    private static bool DockerAvailable(out string why)
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host)
        {
            why = string.Empty;
            return !host.StartsWith("unix://", StringComparison.Ordinal) || File.Exists(host["unix://".Length..]) || Fail(out why, $"DOCKER_HOST {host} does not exist");
        }

        why = "no /var/run/docker.sock and no DOCKER_HOST";
        return File.Exists("/var/run/docker.sock") && Probe(out why);

        static bool Fail(out string why, string message)
        {
            why = message;
            return false;
        }

        static bool Probe(out string why)
        {
            try
            {
                using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                socket.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint("/var/run/docker.sock"));
                why = string.Empty;
                return true;
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                why = $"/var/run/docker.sock refuses connections: {ex.SocketErrorCode}";
                return false;
            }
        }
    }

    private static async Task RunAsync(IKubernetes client)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("registry.k8s.io/pause:3.9"), Namespace);
        await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "web" }, Ports = [new V1ServicePort { Name = "http", Port = 80, TargetPort = 8080 }] },
        }, Namespace);
        await using var source = new KubernetesEndpointSource(client, new KubernetesEndpointSourceOptions { SyncTimeout = TimeSpan.FromSeconds(30) });
        var web = new ServiceName(Namespace, "web");

        await ConvergeAsync(client, source, web, ready: 3);

        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "web", Namespace);
        await ConvergeAsync(client, source, web, ready: 5);

        var victim = (await client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=web")).Items.First();
        await client.CoreV1.DeleteNamespacedPodAsync(victim.Name(), Namespace);
        await ConvergeAsync(client, source, web, ready: 5, extra: async () =>
            (await client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: "app=web")).Items.Count(p => p.Metadata.DeletionTimestamp is null) == 5);

        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.k8s.io/pause:3.10"}]}}}}""", V1Patch.PatchType.MergePatch), "web", Namespace);
        await ConvergeAsync(client, source, web, ready: 5, extra: async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", Namespace);
            return d.Status?.UpdatedReplicas == 5 && d.Status.AvailableReplicas == 5 && d.Status.Replicas == 5 && d.Status.ObservedGeneration == d.Metadata.Generation;
        });
    }

    private static V1Deployment Deployment(string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web" },
        Spec = new V1DeploymentSpec
        {
            Replicas = 3,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }], TerminationGracePeriodSeconds = 1 },
            },
        },
    };

    /// <summary>Waits until the API's slices have <paramref name="ready"/> ready endpoints (and <paramref name="extra"/>) and the source shows exactly the API's endpoints.</summary>
    private static async Task ConvergeAsync(IKubernetes client, KubernetesEndpointSource source, ServiceName service, int ready, Func<Task<bool>>? extra = null)
    {
        var deadline = DateTimeOffset.UtcNow + Patience;
        string[] truth = [];
        string[] seen = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            var slices = (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(service.Namespace, labelSelector: $"kubernetes.io/service-name={service.Name}")).Items;
            var endpoints = slices.SelectMany(s => s.Endpoints ?? []).ToList();
            truth = [.. endpoints.Select(e => e.Addresses[0]).Order(StringComparer.Ordinal)];
            seen = [.. (await source.GetAsync(service)).Slices.Values.SelectMany(s => s.Endpoints).Select(e => e.Addresses[0]).Order(StringComparer.Ordinal)];
            if (endpoints.Count(e => e.Conditions?.Ready == true) == ready && truth.SequenceEqual(seen) && (extra is null || await extra()))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        throw new Xunit.Sdk.XunitException($"not converged on {ready} ready: API [{string.Join(", ", truth)}], source [{string.Join(", ", seen)}]");
    }
}
