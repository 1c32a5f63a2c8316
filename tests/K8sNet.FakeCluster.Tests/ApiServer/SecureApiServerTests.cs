using k8s;
using k8s.Autorest;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// The API server with TLS (a CA generated for the cluster) and a bearer token: KubernetesClient and kubectl (skipped,
/// saying so, where it is absent) trust the CA from the kubeconfig and send the token; no token or a wrong one gets 401.
/// </summary>
public sealed class SecureApiServerTests : IAsyncLifetime
{
    private const string Token = "s3cr3t-token";
    private readonly FakeCluster _cluster = new(o =>
    {
        o.ApiServerTls = true;
        o.ApiServerToken = Token;
    });

    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
    private readonly string _cacheDir = Path.Combine(Path.GetTempPath(), $"k8snet-kubectl-cache-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        await _cluster.StartApiServerAsync();
        _cluster.WriteKubeconfig(_kubeconfig);
    }

    public async Task DisposeAsync()
    {
        File.Delete(_kubeconfig);
        if (Directory.Exists(_cacheDir))
        {
            Directory.Delete(_cacheDir, recursive: true);
        }

        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    // kube-apiserver reads the scheme in any case (issue 22: "bearer" got 401).
    [Theory]
    [InlineData("Bearer " + Token, true)]
    [InlineData("bearer " + Token, true)]
    [InlineData("BEARER " + Token, true)]
    [InlineData("Bearer " + Token + "x", false)]
    [InlineData("Bearer " + "s3cr3t-toke", false)]
    [InlineData("Basic " + Token, false)]
    [InlineData("Bearer", false)]
    public async Task Authorization_SchemeInAnyCase_TokenExact(string authorization, bool allowed)
    {
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { BaseAddress = _cluster.ApiServer!.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await http.SendAsync(request);

        Assert.Equal(allowed ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task KubernetesClient_OverHttpsWithTheToken_Works()
    {
        using var client = _cluster.CreateKubernetesClient();

        var namespaces = await client.CoreV1.ListNamespaceAsync();

        Assert.Equal("https", _cluster.ApiServer!.BaseAddress.Scheme);
        Assert.Contains(namespaces.Items, n => n.Metadata.Name == "kube-system");
    }

    [Fact]
    public async Task Kubeconfig_CarriesTheCaAndTheToken()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig);
        using var client = new k8s.Kubernetes(config);

        var version = await client.Version.GetCodeAsync();

        Assert.Equal(Token, config.AccessToken);
        Assert.Equal(_cluster.ApiServer!.CertificateAuthority!.Thumbprint, Assert.Single(config.SslCaCerts).Thumbprint);
        Assert.False(string.IsNullOrEmpty(version.GitVersion));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task NoOrWrongToken_Gets401Unauthorized(string? token)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig);
        config.AccessToken = token;
        using var client = new k8s.Kubernetes(config);

        var e = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.ListNamespaceAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, e.Response.StatusCode);
        Assert.Contains("\"reason\":\"Unauthorized\"", e.Response.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UntrustedCa_IsRefusedByTheClient()
    {
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _cluster.ApiServer!.BaseAddress.ToString(), AccessToken = Token });

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.CoreV1.ListNamespaceAsync());
    }

    [SkippableFact]
    public async Task Kubectl_TrustsTheCa_AndIsRefusedWithAWrongToken()
    {
        Skip.If(KubectlTests.Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); TLS and tokens are tested through KubernetesClient above.");

        var (code, output) = await KubectlTests.RunKubectlAsync(_kubeconfig, _cacheDir, "get", "namespaces");
        Assert.True(code == 0, output);
        Assert.Contains("kube-system", output, StringComparison.Ordinal);

        File.WriteAllText(_kubeconfig, File.ReadAllText(_kubeconfig).Replace(Token, "wrong-token", StringComparison.Ordinal));
        var (refused, message) = await KubectlTests.RunKubectlAsync(_kubeconfig, _cacheDir + "-2", "get", "pods");
        Assert.NotEqual(0, refused);
        Assert.True(message.Contains("You must be logged in to the server", StringComparison.Ordinal), message); // kubectl's words for a 401
    }
}
