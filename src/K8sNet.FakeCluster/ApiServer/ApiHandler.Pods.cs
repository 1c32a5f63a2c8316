using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing.Network;
using K8sNet.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// A pod's streaming subresources: <c>log</c> (what its containers wrote — echo pods log each request they answered,
/// Serve handlers write with PodRequest.Log — with the kubelet's options and errors), <c>portforward</c> (real TCP to
/// the pod's loopback address), and <c>exec</c> and <c>attach</c>, which a fake cluster's simulated containers cannot
/// offer and refuse with a Status that says why (kubectl prints it: <c>Error from server (BadRequest): ...</c>).
/// </summary>
internal sealed partial class ApiHandler
{
    private const string NoProcess = "the fake cluster's containers are simulated: there is no process";

    private async Task PodStreamAsync(HttpContext context, ApiRoute route)
    {
        var pod = cluster.Store.Get(ResourceType.Pod, route.Namespace, route.Name!) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, route.Name!);
        switch (route.Subresource)
        {
            case "exec" or "attach":
                throw KubernetesStatusException.BadRequest($"{route.Subresource} is not supported by the K8sNet fake API server: {NoProcess} to run a command in or attach to");
            case "portforward":
                await PortForwardAsync(context, pod).ConfigureAwait(false);
                return;
        }

        if (context.Request.Method != "GET")
        {
            throw MethodNotAllowed();
        }

        await LogAsync(context, pod).ConfigureAwait(false);
    }

    // pods/{name}/portforward: kubectl 1.32 tunnels SPDY/3.1 through a WebSocket (GET, subprotocol
    // SPDY/3.1+portforward.k8s.io) and falls back to a plain SPDY upgrade (POST, Upgrade: SPDY/3.1); either way the
    // portforward.k8s.io streams reach the pod's port on its loopback address.
    private async Task PortForwardAsync(HttpContext context, JsonObject pod)
    {
        const string Protocol = "portforward.k8s.io";
        const string Tunnel = "SPDY/3.1+" + Protocol;
        var podName = $"{Json.Namespace(pod)}/{Json.Name(pod)}";
        var address = System.Net.IPAddress.TryParse(Json.Str(pod["status"]?["podIP"]), out var ip) ? ip : null;
        Func<int, CancellationToken, Task<Stream>> connect = async (port, ct) =>
        {
            if (cluster.Options.NetworkMode != PodNetworkMode.Loopback)
            {
                throw new InvalidOperationException("port-forward reaches pods on the loopback pod network, and this cluster's pods are simulated (FakeClusterOptions.NetworkMode = PodNetworkMode.Loopback; the standalone server's default)");
            }

            if (address is null)
            {
                throw new InvalidOperationException("the pod has no IP yet");
            }

            var client = new System.Net.Sockets.TcpClient(address.AddressFamily);
            try
            {
                await client.ConnectAsync(address, port, ct).ConfigureAwait(false);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            return client.GetStream();
        };

        var upgrade = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>();
        if (context.Request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase) && context.Request.Headers.SecWebSocketKey.ToString() is { Length: > 0 } key)
        {
            var offered = context.Request.Headers.SecWebSocketProtocol.SelectMany(p => (p ?? string.Empty).Split(',')).Select(p => p.Trim()).ToList();
            var channels = offered.FirstOrDefault(p => p is "v4.channel.k8s.io" or "channel.k8s.io");
            if (!offered.Contains(Tunnel, StringComparer.OrdinalIgnoreCase) && channels is null)
            {
                throw KubernetesStatusException.BadRequest("unable to upgrade: no tunneling spdy protocols provided");
            }

            var ports = new List<int>();
            if (channels is not null && !offered.Contains(Tunnel, StringComparer.OrdinalIgnoreCase))
            {
                // The kubelet's channel protocol (KubernetesClient): the ports are in the query.
                foreach (var text in context.Request.Query["ports"].SelectMany(p => (p ?? string.Empty).Split(',')).Where(p => p.Length > 0))
                {
                    ports.Add(int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                        ? port
                        : throw KubernetesStatusException.BadRequest($"unable to parse \"{text}\" as a port"));
                }

                if (ports.Count == 0)
                {
                    throw KubernetesStatusException.BadRequest("query parameter \"port\" is required");
                }
            }
            else
            {
                channels = null;
            }

            if (upgrade is not { IsUpgradableRequest: true })
            {
                throw KubernetesStatusException.BadRequest("unable to upgrade: the connection cannot be upgraded");
            }

            // RFC 6455's handshake by hand: .NET's WebSocket API refuses "SPDY/3.1+portforward.k8s.io" as a subprotocol
            // token ('/' is a separator), and kubectl requires it back.
            context.Response.Headers.Upgrade = "websocket";
#pragma warning disable CA5350 // RFC 6455 fixes SHA-1 for Sec-WebSocket-Accept: a handshake check, not security
            context.Response.Headers.SecWebSocketAccept = Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350
            context.Response.Headers.SecWebSocketProtocol = channels ?? Tunnel;
            var opened = await upgrade.UpgradeAsync().ConfigureAwait(false);
            await using (opened.ConfigureAwait(false))
            {
                using var socket = System.Net.WebSockets.WebSocket.CreateFromStream(opened, new System.Net.WebSockets.WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
                if (channels is not null)
                {
                    await PortForward.ChannelPortForward.RunAsync(socket, ports, connect, podName, context.RequestAborted).ConfigureAwait(false);
                    return;
                }

                var tunnel = System.Net.WebSockets.WebSocketStream.Create(socket, System.Net.WebSockets.WebSocketMessageType.Binary, ownsWebSocket: false);
                await using (tunnel.ConfigureAwait(false))
                {
                    var session = new PortForward.SpdySession(tunnel, connect, podName);
                    await using (session.ConfigureAwait(false))
                    {
                        await session.RunAsync(context.RequestAborted).ConfigureAwait(false);
                    }
                }
            }

            return;
        }

        if (!context.Request.Headers.Upgrade.ToString().Contains("SPDY/3.1", StringComparison.OrdinalIgnoreCase) || upgrade is not { IsUpgradableRequest: true })
        {
            throw KubernetesStatusException.BadRequest($"unable to upgrade: missing upgrade headers in request: {context.Request.Method} {context.Request.Path}");
        }

        var versions = context.Request.Headers["X-Stream-Protocol-Version"].SelectMany(v => (v ?? string.Empty).Split(',')).Select(v => v.Trim()).ToList();
        if (versions.Count == 0)
        {
            throw KubernetesStatusException.BadRequest("unable to upgrade: X-Stream-Protocol-Version is required");
        }

        if (!versions.Contains(Protocol, StringComparer.Ordinal))
        {
            context.Response.Headers["X-Accepted-Stream-Protocol-Versions"] = Protocol;
            throw new KubernetesStatusException(403, "Forbidden", $"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(" ", versions)}], server accepts [{Protocol}]");
        }

        context.Response.Headers["X-Stream-Protocol-Version"] = Protocol;
        context.Response.Headers.Upgrade = "SPDY/3.1";
        var raw = await upgrade.UpgradeAsync().ConfigureAwait(false);
        await using (raw.ConfigureAwait(false))
        {
            var spdy = new PortForward.SpdySession(raw, connect, podName);
            await using (spdy.ConfigureAwait(false))
            {
                await spdy.RunAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    // GET pods/{name}/log: the kubelet's container log, with PodLogOptions as the API server validates them and the
    // kubelet's answers for containers that cannot give one.
    private async Task LogAsync(HttpContext context, JsonObject pod)
    {
        var q = context.Request.Query;
        var name = Json.Name(pod);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => Json.Str(c?["name"]) ?? string.Empty).ToList();
        var container = (string?)q["container"];
        if (string.IsNullOrEmpty(container))
        {
            container = containers.Count switch
            {
                0 => throw KubernetesStatusException.BadRequest($"a container name must be specified for pod {name}"),
                1 => containers[0],
                _ => throw KubernetesStatusException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}]"),
            };
        }
        else if (!containers.Contains(container))
        {
            throw KubernetesStatusException.BadRequest($"container {container} is not valid for pod {name}");
        }

        long? Number(string field) => q[field] is { Count: > 0 } v
            ? long.TryParse(v.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw KubernetesStatusException.BadRequest($"invalid {field}: {v}")
            : null;
        var tail = Number("tailLines");
        var limit = Number("limitBytes");
        var sinceSeconds = Number("sinceSeconds");
        DateTimeOffset? sinceTime = q["sinceTime"] is { Count: > 0 } st
            ? DateTimeOffset.TryParse(st.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw KubernetesStatusException.BadRequest($"invalid sinceTime: {st}")
            : null;
        var problems = new List<string>();
        if (tail is < 0)
        {
            problems.Add($"tailLines: Invalid value: {tail}: must be greater than or equal to 0");
        }

        if (limit is < 1)
        {
            problems.Add($"limitBytes: Invalid value: {limit}: must be greater than 0");
        }

        if (sinceSeconds is not null && sinceTime is not null)
        {
            problems.Add("Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
        }
        else if (sinceSeconds is < 1)
        {
            problems.Add($"sinceSeconds: Invalid value: {sinceSeconds}: must be greater than 0");
        }

        if (problems.Count > 0)
        {
            var aggregate = problems.Count == 1 ? problems[0] : $"[{string.Join(", ", problems)}]";
            throw new KubernetesStatusException(422, "Invalid", $"PodLogOptions \"{name}\" is invalid: {aggregate}", "PodLogOptions", name, string.Empty);
        }

        var status = (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["name"]) == container);
        if (status is null || status["state"]?["waiting"] is not null)
        {
            var reason = Json.Str(status?["state"]?["waiting"]?["reason"]) ?? "ContainerCreating";
            throw KubernetesStatusException.BadRequest($"container {Json.Quote(container)} in pod {Json.Quote(name)} is waiting to start: {reason}");
        }

        var uid = Json.Uid(pod);
        var previous = IsTrue(q["previous"]);
        var (lines, before, more) = cluster.PodLogs.Read(uid, container);
        if (previous)
        {
            lines = before ?? throw KubernetesStatusException.BadRequest($"previous terminated container {Json.Quote(container)} in pod {Json.Quote(name)} not found");
        }

        var from = sinceTime ?? (sinceSeconds is { } s ? cluster.TimeProvider.GetUtcNow().AddSeconds(-s) : DateTimeOffset.MinValue);
        var shown = lines.Where(l => l.Time >= from).ToList();
        if (tail is { } keep && shown.Count > keep)
        {
            shown = shown[^(int)keep..];
        }

        var timestamps = IsTrue(q["timestamps"]);
        var follow = IsTrue(q["follow"]) && !previous;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        var budget = limit ?? long.MaxValue;
        async Task<bool> WriteAsync(IEnumerable<PodLogLine> batch)
        {
            foreach (var line in batch)
            {
                var text = timestamps ? $"{line.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture)} {line.Text}\n" : line.Text + "\n";
                var bytes = Encoding.UTF8.GetBytes(text);
                if (bytes.Length > budget)
                {
                    await context.Response.Body.WriteAsync(bytes.AsMemory(0, (int)budget), context.RequestAborted).ConfigureAwait(false);
                    return false;
                }

                budget -= bytes.Length;
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            }

            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            return true;
        }

        if (!await WriteAsync(shown).ConfigureAwait(false) || !follow)
        {
            return;
        }

        var seen = lines.Count;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            try
            {
                await more.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (cluster.Store.PeekOne(ResourceType.Pod, Json.Namespace(pod), name) is not { } live || Json.Uid(live) != uid)
            {
                return; // the pod is gone: the stream ends
            }

            (lines, _, more) = cluster.PodLogs.Read(uid, container, seen);
            seen += lines.Count;
            if (!await WriteAsync(lines).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
