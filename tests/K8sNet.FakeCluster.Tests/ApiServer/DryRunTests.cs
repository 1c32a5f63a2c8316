using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// <c>dryRun=All</c> on every write verb: the answer is what the write would produce, and nothing is stored, no watch
/// hears of it and nothing the write would allocate stays taken (issue 22: a dry-run delete deleted, a dry-run scale
/// scaled, a dry-run create stored).
/// </summary>
public sealed class DryRunTests : ShopApiTests
{
    public static TheoryData<string, string, string, string?, HttpStatusCode> Writes => new()
    {
        { "create", "POST", Deployments, """{"metadata":{"name":"new"},"spec":{"selector":{"matchLabels":{"app":"new"}},"template":{"metadata":{"labels":{"app":"new"}},"spec":{"containers":[{"name":"a","image":"a"}]}}}}""", HttpStatusCode.Created },
        { "update", "PUT", Deployments + "/orders", null, HttpStatusCode.OK },
        { "merge patch", "PATCH", Deployments + "/orders", """{"spec":{"replicas":7}}""", HttpStatusCode.OK },
        { "apply", "PATCH", Deployments + "/orders?fieldManager=t&force=true", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"orders"},"spec":{"replicas":7}}""", HttpStatusCode.OK },
        { "scale", "PATCH", Deployments + "/orders/scale", """{"spec":{"replicas":7}}""", HttpStatusCode.OK },
        { "status", "PUT", Deployments + "/orders/status", null, HttpStatusCode.OK },
        { "delete", "DELETE", Deployments + "/orders", null, HttpStatusCode.OK },
        { "deletecollection", "DELETE", Deployments, null, HttpStatusCode.OK },
        { "create namespace", "POST", "/api/v1/namespaces", """{"metadata":{"name":"dry"}}""", HttpStatusCode.Created },
        { "create Service", "POST", "/api/v1/namespaces/shop/services", """{"metadata":{"name":"svc"},"spec":{"type":"NodePort","ports":[{"port":80}]}}""", HttpStatusCode.Created },
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task DryRunAll_AnswersAsTheWrite_AndChangesNothing(string name, string method, string path, string? body, HttpStatusCode expected)
    {
        if (body is null && method == "PUT")
        {
            var current = Cluster.Store.Get(ResourceType.Deployment, "shop", "orders")!;
            current["spec"]!["replicas"] = 7;
            Json(current, "status")["replicas"] = 7;
            body = current.ToJsonString();
        }

        var version = Cluster.Store.ResourceVersion;
        var events = new List<string>();
        using var watch = Cluster.Store.Subscribe(e => events.Add($"{e.Type} {e.Resource.Kind}"));
        var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';

        var (code, answer) = await SendAsync(method, $"{path}{separator}dryRun=All", body, name == "apply" ? "application/apply-patch+yaml" : method == "PATCH" ? "application/merge-patch+json" : "application/json");

        Assert.True(code == expected, $"{name}: {code} {answer}");
        Assert.Equal(version, Cluster.Store.ResourceVersion);
        Assert.Empty(events);
        Assert.Equal(2, Cluster.Get<V1Deployment>("orders", "shop")!.Spec.Replicas);
        Assert.Null(Cluster.Store.Get(ResourceType.Deployment, "shop", "new"));
        Assert.Null(Cluster.Store.Get(ResourceType.Namespace, null, "dry"));
        if (name is "merge patch" or "apply")
        {
            Assert.Equal(7, (int?)answer["spec"]!["replicas"]);
        }

        if (name == "create Service")
        {
            // What it would allocate is free again: a real create may take it.
            var wouldBe = (int?)answer["spec"]!["ports"]![0]!["nodePort"];
            var (createdCode, created) = await SendAsync("POST", "/api/v1/namespaces/shop/services", $$$"""{"metadata":{"name":"svc"},"spec":{"type":"NodePort","ports":[{"port":80,"nodePort":{{{wouldBe}}}}]}}""", "application/json");
            Assert.True(createdCode == HttpStatusCode.Created, created.ToJsonString());
        }
    }

    [Fact]
    public async Task DryRunCreate_HasNoResourceVersion_ButItsDefaultsAndUid()
    {
        var (_, answer) = await SendAsync("POST", "/api/v1/namespaces/shop/services?dryRun=All", """{"metadata":{"name":"svc"},"spec":{"ports":[{"port":80}]}}""", "application/json");

        Assert.Null(answer["metadata"]!["resourceVersion"]);
        Assert.False(string.IsNullOrEmpty((string?)answer["metadata"]!["uid"]));
        Assert.Equal("ClusterIP", (string?)answer["spec"]!["type"]);
        Assert.StartsWith("10.96.", (string?)answer["spec"]!["clusterIP"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", Deployments, "CreateOptions")]
    [InlineData("DELETE", Deployments + "/orders", "DeleteOptions")]
    [InlineData("PATCH", Deployments + "/orders", "PatchOptions")]
    public async Task DryRun_OtherValues_AreRefused(string method, string path, string options)
    {
        var (code, status) = await SendAsync(method, $"{path}?dryRun=Bogus", method == "DELETE" ? null : """{"metadata":{"name":"x"}}""", method == "PATCH" ? "application/merge-patch+json" : "application/json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal($"{options}.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{{\"Bogus\"}}: supported values: \"All\"", (string?)status["message"]);
        Assert.NotNull(Cluster.Get<V1Deployment>("orders", "shop"));
    }

    // The reproduction, with kubectl.
    [SkippableFact]
    public async Task Kubectl_DryRunServer_DeleteScaleApply_ChangeNothing()
    {
        Skip.If(KubectlTests.Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same requests are made over HTTP in DryRunAll_AnswersAsTheWrite_AndChangesNothing.");
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        var cache = Path.Combine(Path.GetTempPath(), $"k8snet-kubectl-cache-{Guid.NewGuid():N}");
        Cluster.WriteKubeconfig(kubeconfig);
        try
        {
            var (deleteCode, deleted) = await KubectlTests.RunKubectlAsync(kubeconfig, cache, "delete", "deploy", "orders", "-n", "shop", "--dry-run=server");
            var (scaleCode, scaled) = await KubectlTests.RunKubectlAsync(kubeconfig, cache, "scale", "deploy", "orders", "-n", "shop", "--replicas=7", "--dry-run=server");
            var manifest = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.yaml");
            await File.WriteAllTextAsync(manifest, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {a: b}\n");
            var (createCode, created) = await KubectlTests.RunKubectlAsync(kubeconfig, cache, "apply", "-f", manifest, "--dry-run=server");
            File.Delete(manifest);

            Assert.True(deleteCode == 0, deleted);
            Assert.Contains("deployment.apps \"orders\" deleted (server dry run)", deleted, StringComparison.Ordinal);
            Assert.True(scaleCode == 0, scaled);
            Assert.Contains("(server dry run)", scaled, StringComparison.Ordinal);
            Assert.True(createCode == 0, created);
            Assert.Equal(2, Cluster.Get<V1Deployment>("orders", "shop")!.Spec.Replicas);
            Assert.Null(Cluster.Get<V1ConfigMap>("c", "shop"));
        }
        finally
        {
            File.Delete(kubeconfig);
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }

    private static JsonObject Json(JsonObject parent, string key) => parent[key] as JsonObject ?? (JsonObject)(parent[key] = new JsonObject());
}
