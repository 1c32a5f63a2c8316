using System.Net;
using System.Net.Http.Headers;
using System.Text;
using k8s;
using K8sNet.Testing.ApiServer.PortForward;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// pods/{name}/portforward (issue 23): the kubelet's WebSocket channel protocol that KubernetesClient speaks, carrying
/// real TCP to the pod's port on the loopback pod network; what a simulated network answers; SPDY header blocks as
/// kubectl's spdystream writes them (kubectl itself: KubectlTests).
/// </summary>
public sealed class PortForwardTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.NetworkMode = PodNetworkMode.Loopback);

    public async Task InitializeAsync()
    {
        _cluster.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: echo, namespace: default}
            spec: {containers: [{name: app, image: "gcr.io/k8s-staging-gateway-api/echo-basic:v1", ports: [{containerPort: 8080}]}]}
            """);
        await _cluster.WaitForIdleAsync();
        await _cluster.StartApiServerAsync();
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task KubernetesClient_ForwardsAPort_ToThePod()
    {
        using var client = _cluster.CreateKubernetesClient();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync("echo", "default", [8080], "v4.channel.k8s.io");
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        await using var stream = demuxer.GetStream((byte?)0, (byte?)0);

        var request = Encoding.ASCII.GetBytes("GET /through-the-api HTTP/1.1\r\nHost: echo\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(request);
        var answer = await ReadUntilAsync(stream, "\"path\":\"/through-the-api\"");

        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("pod/echo", "8080", null)] // kubectl 1.32's default: SPDY tunnelled through a WebSocket
    [InlineData("svc/echo", "80", "false")] // KUBECTL_PORT_FORWARD_WEBSOCKETS=false: a plain SPDY upgrade
    public async Task Kubectl_PortForwards_RealTcp(string target, string remote, string? websockets)
    {
        Skip.If(KubectlTests.Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); KubernetesClient forwards a port in KubernetesClient_ForwardsAPort_ToThePod.");
        _cluster.Apply("""
            apiVersion: v1
            kind: Service
            metadata: {name: echo, namespace: default}
            spec: {selector: {app: echo}, ports: [{port: 80, targetPort: 8080}]}
            """);
        var pod = _cluster.Store.Get(K8sNet.Testing.Store.ResourceType.Pod, "default", "echo")!;
        pod["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["app"] = "echo" };
        _cluster.Store.Update(K8sNet.Testing.Store.ResourceType.Pod, pod);
        await _cluster.WaitForIdleAsync();
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
        _cluster.WriteKubeconfig(kubeconfig);
        var start = new System.Diagnostics.ProcessStartInfo("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", Path.Combine(Path.GetTempPath(), $"k8snet-cache-{Guid.NewGuid():N}"), "port-forward", target, $":{remote}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (websockets is not null)
        {
            start.Environment["KUBECTL_PORT_FORWARD_WEBSOCKETS"] = websockets;
        }

        using var kubectl = System.Diagnostics.Process.Start(start)!;
        try
        {
            var line = await kubectl.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)); // Forwarding from 127.0.0.1:PORT -> 8080
            Assert.NotNull(line);
            var port = line[(line.IndexOf("127.0.0.1:", StringComparison.Ordinal) + 10)..line.IndexOf(" ->", StringComparison.Ordinal)];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            for (var i = 0; i < 3; i++) // a connection each: a stream pair each
            {
                var body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/hello-{i}"));
                Assert.Contains($"\"path\":\"/hello-{i}\"", body, StringComparison.Ordinal);
            }

            var upload = new byte[1_000_000];
            Random.Shared.NextBytes(upload);
            using var posted = await http.PostAsync(new Uri($"http://127.0.0.1:{port}/upload"), new ByteArrayContent(upload));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode); // a megabyte through the tunnel
        }
        finally
        {
            kubectl.Kill(entireProcessTree: true);
            await kubectl.WaitForExitAsync();
            File.Delete(kubeconfig);
        }
    }

    [Fact]
    public async Task ASimulatedNetwork_SaysOnTheErrorChannelWhyItCannot()
    {
        await using var simulated = new FakeCluster();
        simulated.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: default}
            spec: {containers: [{name: app, image: "app:1"}]}
            """);
        await simulated.WaitForIdleAsync();
        await simulated.StartApiServerAsync();
        using var client = simulated.CreateKubernetesClient();
        using var socket = await client.WebSocketNamespacedPodPortForwardAsync("p", "default", [8080], "v4.channel.k8s.io");
        using var demuxer = new StreamDemuxer(socket, StreamType.PortForward);
        demuxer.Start();
        await using var errors = demuxer.GetStream((byte?)1, (byte?)null);

        var text = await ReadUntilAsync(errors, "loopback");

        Assert.Contains("error forwarding port 8080 to pod default/p: port-forward reaches pods on the loopback pod network", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAnUpgrade_ItIsA400_AsUpstreamSays()
    {
        using var http = new HttpClient { BaseAddress = _cluster.ApiServer!.BaseAddress };

        using var response = await http.PostAsync("/api/v1/namespaces/default/pods/echo/portforward", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unable to upgrade: missing upgrade headers in request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void SpdyHeaderBlocks_AreReadWithTheDictionary_AndWrittenAsStoredBlocks()
    {
        // The bytes kubectl 1.32's first SYN_REPLY from a server that worked (stored blocks, each with a sync flush).
        using var headers = new SpdyHeaders();
        var reply = headers.Write(new Dictionary<string, string>());
        var nextReply = headers.Write(new Dictionary<string, string>());
        Assert.Equal("7801000400FBFF00000000000000FFFF", Convert.ToHexString(reply)); // 78 01, a stored block of the empty header block, then 00 00 00 FF FF
        Assert.Equal("000400FBFF00000000000000FFFF", Convert.ToHexString(nextReply));

        // Two SYN_STREAM frames kubectl 1.32.4 sent (captured): header blocks compressed with the SPDY/3 dictionary
        // (its id E3C6A7C2 after the zlib header), the second referring back into the first.
        using var reader = new SpdyHeaders();
        var first = Convert.FromHexString("800300010000003e0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff");
        var second = Convert.FromHexString("800300010000001a00000003000000000000826a26ac0ad57850499508000000ffff");
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "error", ["port"] = "8080", ["requestid"] = "0" }, reader.Read(first.AsSpan(18)));
        Assert.Equal(new Dictionary<string, string> { ["streamtype"] = "data", ["port"] = "8080", ["requestid"] = "0" }, reader.Read(second.AsSpan(18)));
    }

    private static async Task<string> ReadUntilAsync(Stream stream, string marker)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
