using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;

namespace K8sNet.Testing.ApiServer.PortForward;

/// <summary>
/// The kubelet's WebSocket port-forward protocol (<c>v4.channel.k8s.io</c>, what KubernetesClient's
/// <c>WebSocketNamespacedPodPortForwardAsync</c> speaks): the ports come from the <c>ports</c> query; port i has data
/// channel 2i and error channel 2i+1, each opened with the port as two little-endian bytes; every message is a channel
/// byte and its payload. Each port gets one connection to the pod for the session.
/// </summary>
internal static class ChannelPortForward
{
    public static async Task RunAsync(WebSocket socket, IReadOnlyList<int> ports, Func<int, CancellationToken, Task<Stream>> connect, string podName, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sending = new SemaphoreSlim(1, 1);
        async Task SendAsync(int channel, ReadOnlyMemory<byte> payload)
        {
            var message = new byte[payload.Length + 1];
            message[0] = (byte)channel;
            payload.Span.CopyTo(message.AsSpan(1));
            await sending.WaitAsync(stop.Token).ConfigureAwait(false);
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                sending.Release();
            }
        }

        var pods = new Stream?[ports.Count];
        var readers = new List<Task>();
        try
        {
            for (var i = 0; i < ports.Count; i++)
            {
                var portBytes = new byte[2];
                BinaryPrimitives.WriteUInt16LittleEndian(portBytes, (ushort)ports[i]);
                await SendAsync(2 * i, portBytes).ConfigureAwait(false);
                await SendAsync((2 * i) + 1, portBytes).ConfigureAwait(false);
                try
                {
                    pods[i] = await connect(ports[i], stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
                {
                    await SendAsync((2 * i) + 1, Encoding.UTF8.GetBytes($"error forwarding port {ports[i]} to pod {podName}: {ex.Message}")).ConfigureAwait(false);
                    continue;
                }

                var index = i;
                readers.Add(Task.Run(async () =>
                {
                    var buffer = new byte[32 * 1024];
                    try
                    {
                        int read;
                        while ((read = await pods[index]!.ReadAsync(buffer, stop.Token).ConfigureAwait(false)) > 0)
                        {
                            await SendAsync(2 * index, buffer.AsMemory(0, read)).ConfigureAwait(false);
                        }
                    }
                    catch (Exception ex) when (ex is IOException or OperationCanceledException or WebSocketException or System.Net.Sockets.SocketException)
                    {
                    }
                }, stop.Token));
            }

            var receive = new byte[64 * 1024];
            using var message = new MemoryStream();
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(receive, stop.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(receive, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = message.GetBuffer().AsMemory(0, (int)message.Length);
                message.SetLength(0);
                if (bytes.Length > 1 && bytes.Span[0] % 2 == 0 && bytes.Span[0] / 2 < pods.Length && pods[bytes.Span[0] / 2] is { } pod)
                {
                    await pod.WriteAsync(bytes[1..], stop.Token).ConfigureAwait(false);
                    await pod.FlushAsync(stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or WebSocketException or System.Net.Sockets.SocketException)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var pod in pods)
            {
                if (pod is not null)
                {
                    await pod.DisposeAsync().ConfigureAwait(false);
                }
            }

            try
            {
                await Task.WhenAll(readers).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
