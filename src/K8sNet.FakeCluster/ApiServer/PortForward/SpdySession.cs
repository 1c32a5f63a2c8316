using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace K8sNet.Testing.ApiServer.PortForward;

/// <summary>
/// The server end of kubectl's port-forward connection: SPDY/3.1 frames (as moby/spdystream writes them) carrying the
/// portforward.k8s.io protocol — per forwarded connection an error stream and a data stream, paired by their
/// <c>requestID</c> and naming the pod <c>port</c>. Each pair is connected to the pod port and copied both ways; when
/// either side ends, both streams are finished (the error stream carrying the reason if the pod could not be reached),
/// as the kubelet's port forwarder does. Pings are answered; flow control is not used by the client.
/// </summary>
internal sealed class SpdySession(Stream transport, Func<int, CancellationToken, Task<Stream>> connect, string podName) : IAsyncDisposable
{
    private const int Fin = 0x01;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly SpdyHeaders _headers = new();
    private readonly ConcurrentDictionary<uint, Channel> _streams = new();
    private readonly ConcurrentDictionary<string, (Channel? Error, Channel? Data)> _pairs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _forwards = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var header = new byte[8];
        try
        {
            while (await ReadExactlyAsync(header, linked.Token).ConfigureAwait(false))
            {
                var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)) & 0xffffff);
                var flags = header[4];
                var payload = new byte[length];
                if (!await ReadExactlyAsync(payload, linked.Token).ConfigureAwait(false))
                {
                    break;
                }

                if ((header[0] & 0x80) == 0)
                {
                    var id = BinaryPrimitives.ReadUInt32BigEndian(header) & 0x7fffffff;
                    if (_streams.TryGetValue(id, out var stream))
                    {
                        await stream.ReceiveAsync(payload, (flags & Fin) != 0).ConfigureAwait(false);
                    }

                    continue;
                }

                var type = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2));
                switch (type)
                {
                    case 1: // SYN_STREAM
                        await OpenAsync(payload, (flags & Fin) != 0, linked.Token).ConfigureAwait(false);
                        break;
                    case 3: // RST_STREAM
                        if (_streams.TryGetValue(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff, out var reset))
                        {
                            reset.Reset();
                        }

                        break;
                    case 6: // PING: echoed
                        await WriteFrameAsync(Control(6, 0, payload), linked.Token).ConfigureAwait(false);
                        break;
                    case 7: // GOAWAY
                        return;
                    default: // SETTINGS, WINDOW_UPDATE, HEADERS: nothing port-forward needs
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidDataException or System.Net.WebSockets.WebSocketException)
        {
            // the client went away, or sent what is not SPDY: the session ends
        }
        finally
        {
            foreach (var stream in _streams.Values)
            {
                stream.Reset();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_forwards).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
        }

        _stop.Dispose();
        _write.Dispose();
        _headers.Dispose();
    }

    private async Task OpenAsync(byte[] payload, bool fin, CancellationToken cancellationToken)
    {
        var id = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff;
        Dictionary<string, string> headers;
        try
        {
            headers = _headers.Read(payload.AsSpan(10));
        }
        catch (InvalidDataException)
        {
            await ResetAsync(id, 1, cancellationToken).ConfigureAwait(false); // PROTOCOL_ERROR
            return;
        }

        var streamType = headers.GetValueOrDefault("streamtype");
        var portText = headers.GetValueOrDefault("port");
        if (streamType is not ("error" or "data") || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            await ResetAsync(id, 1, cancellationToken).ConfigureAwait(false); // the kubelet resets what it cannot use
            return;
        }

        var channel = new Channel(this, id);
        if (fin)
        {
            channel.RemoteClosed();
        }

        _streams[id] = channel;
        await WriteFrameAsync(Control(2, 0, [.. BigEndian(id), .. _headers.Write(new Dictionary<string, string>())]), cancellationToken).ConfigureAwait(false);

        // Pair by requestID (older clients: the error stream is the data stream's id + 2, as upstream falls back).
        var key = headers.GetValueOrDefault("requestid") ?? (streamType == "error" ? id : id + 2).ToString(CultureInfo.InvariantCulture);
        var pair = _pairs.AddOrUpdate(key, _ => streamType == "error" ? (channel, null) : (null, channel), (_, p) => streamType == "error" ? (channel, p.Data) : (p.Error, channel));
        if (pair.Error is { } error && pair.Data is { } data && _pairs.TryRemove(key, out _))
        {
            lock (_forwards)
            {
                _forwards.Add(ForwardAsync(error, data, port, _stop.Token));
            }
        }
    }

    private async Task ForwardAsync(Channel error, Channel data, int port, CancellationToken cancellationToken)
    {
        Stream pod;
        try
        {
            pod = await connect(port, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException)
        {
            await error.SendAsync(Encoding.UTF8.GetBytes($"error forwarding port {port} to pod {podName}: {ex.Message}"), fin: false, CancellationToken.None).ConfigureAwait(false);
            await data.SendAsync(ReadOnlyMemory<byte>.Empty, fin: true, CancellationToken.None).ConfigureAwait(false);
            await error.SendAsync(ReadOnlyMemory<byte>.Empty, fin: true, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        await using (pod.ConfigureAwait(false))
        {
            var toPod = Task.Run(async () =>
            {
                await foreach (var chunk in data.Incoming(cancellationToken).ConfigureAwait(false))
                {
                    await pod.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                    await pod.FlushAsync(cancellationToken).ConfigureAwait(false);
                }

                if (pod is System.Net.Sockets.NetworkStream network)
                {
                    network.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send); // the client's half-close
                }
            }, cancellationToken);
            var buffer = new byte[32 * 1024];
            try
            {
                int read;
                while ((read = await pod.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0 && !data.IsReset)
                {
                    await data.SendAsync(buffer.AsMemory(0, read), fin: false, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
            }

            await data.SendAsync(ReadOnlyMemory<byte>.Empty, fin: true, CancellationToken.None).ConfigureAwait(false);
            await error.SendAsync(ReadOnlyMemory<byte>.Empty, fin: true, CancellationToken.None).ConfigureAwait(false);
            try
            {
                await toPod.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private Task ResetAsync(uint id, uint status, CancellationToken cancellationToken) =>
        WriteFrameAsync(Control(3, 0, [.. BigEndian(id), .. BigEndian(status)]), cancellationToken);

    private async Task WriteFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await transport.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await transport.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _write.Release();
        }
    }

    private static byte[] Control(ushort type, byte flags, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        frame[0] = 0x80;
        frame[1] = 0x03;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)payload.Length);
        frame[4] = flags;
        payload.CopyTo(frame.AsSpan(8));
        return frame;
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await transport.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>One SPDY stream: what the client sent on it, and sending on it.</summary>
    private sealed class Channel(SpdySession session, uint id)
    {
        private readonly System.Threading.Channels.Channel<byte[]> _incoming = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();
        private int _finished;

        public bool IsReset { get; private set; }

        public async Task ReceiveAsync(byte[] payload, bool fin)
        {
            if (payload.Length > 0)
            {
                await _incoming.Writer.WriteAsync(payload).ConfigureAwait(false);
            }

            if (fin)
            {
                RemoteClosed();
            }
        }

        public void RemoteClosed() => _incoming.Writer.TryComplete();

        public void Reset()
        {
            IsReset = true;
            _incoming.Writer.TryComplete();
        }

        public IAsyncEnumerable<byte[]> Incoming(CancellationToken cancellationToken) => _incoming.Reader.ReadAllAsync(cancellationToken);

        public async Task SendAsync(ReadOnlyMemory<byte> data, bool fin, CancellationToken cancellationToken)
        {
            if (IsReset || Volatile.Read(ref _finished) == 1 || (fin && Interlocked.Exchange(ref _finished, 1) == 1))
            {
                return;
            }

            var frame = new byte[8 + data.Length];
            BinaryPrimitives.WriteUInt32BigEndian(frame, id & 0x7fffffff);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)data.Length);
            frame[4] = (byte)(fin ? Fin : 0);
            data.Span.CopyTo(frame.AsSpan(8));
            try
            {
                await session.WriteFrameAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or System.Net.WebSockets.WebSocketException)
            {
            }
        }
    }
}
