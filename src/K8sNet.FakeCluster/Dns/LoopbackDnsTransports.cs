using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using ARSoft.Tools.Net.Dns;

namespace K8sNet.Testing.Dns;

/// <summary>
/// ARSoft.Tools.Net server transports on a socket this process binds (so port 0 works and the port is known), that
/// read each query before the server does: a packet that does not parse is answered FORMERR here (dropped when even
/// its 12-byte header is missing), which ARSoft's own transports would only report as an exception.
/// </summary>
internal static class LoopbackDnsTransports
{
    /// <summary>The FORMERR answer to an unreadable query: its ID and opcode, QR set, RCODE 1, no sections.</summary>
    public static byte[]? FormErr(ReadOnlySpan<byte> query)
    {
        if (query.Length < 12)
        {
            return null;
        }

        var response = new byte[12];
        response[0] = query[0];
        response[1] = query[1];
        response[2] = (byte)(0x80 | (query[2] & 0x78)); // QR, the query's opcode
        response[3] = 0x01; // FORMERR
        return response;
    }

    /// <summary>
    /// A response (QR set) is dropped unanswered, as CoreDNS's DNS library drops it: answering one could start a loop
    /// between two servers.
    /// </summary>
    public static bool IsResponse(ReadOnlySpan<byte> message) => message.Length >= 3 && (message[2] & 0x80) != 0;

    public static bool Parses(ArraySegment<byte> message)
    {
        try
        {
            var parsed = DnsMessage.Parse(message);
            return parsed.IsQuery && parsed.Questions.Count > 0;
        }
#pragma warning disable CA1031 // any parse failure of a hostile packet means FORMERR
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    public static byte[] WithLengthPrefix(ReadOnlySpan<byte> message)
    {
        var buffer = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)message.Length);
        message.CopyTo(buffer.AsSpan(2));
        return buffer;
    }
}

/// <summary>UDP on 127.0.0.1.</summary>
internal sealed class LoopbackUdpTransport(Socket socket) : IServerTransport
{
    public ushort DefaultAllowedResponseSize => 512;

    public bool SupportsMultipleResponses => false;

    public bool AllowTruncatedResponses => true;

    public ARSoft.Tools.Net.Dns.TransportProtocol TransportProtocol => ARSoft.Tools.Net.Dns.TransportProtocol.Udp;

    public IPEndPoint LocalEndPoint => (IPEndPoint)socket.LocalEndPoint!;

    public void Bind()
    {
        // Bound by the caller, so that the port is known before the server starts.
    }

    public void Close() => socket.Close();

    public void Dispose() => socket.Dispose();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        while (!token.IsCancellationRequested)
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(65535);
            SocketReceiveFromResult received;
            ArraySegment<byte> message;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), token).ConfigureAwait(false);
                message = new ArraySegment<byte>(buffer.AsSpan(0, received.ReceivedBytes).ToArray());
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return null;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            if (LoopbackDnsTransports.IsResponse(message))
            {
                continue;
            }

            if (!LoopbackDnsTransports.Parses(message))
            {
                if (LoopbackDnsTransports.FormErr(message) is { } formErr)
                {
                    try
                    {
                        await socket.SendToAsync(formErr, SocketFlags.None, remote, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
                    {
                    }
                }

                continue;
            }

            return new Connection(this, new DnsReceivedRawPackage(LoopbackDnsTransports.WithLengthPrefix(message), remote, LocalEndPoint), socket);
        }

        return null;
    }

    private sealed class Connection(LoopbackUdpTransport transport, DnsReceivedRawPackage package, Socket socket) : IServerConnection
    {
        public IServerTransport Transport => transport;

        public IPEndPoint RemoteEndPoint => package.RemoteEndpoint;

        public IPEndPoint LocalEndPoint => package.LocalEndpoint;

        public bool CanRead { get; private set; } = true;

        public Task<bool> InitializeAsync(CancellationToken token) => Task.FromResult(true);

        public Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token)
        {
            CanRead = false;
            return Task.FromResult<DnsReceivedRawPackage?>(package);
        }

        public async Task<bool> SendAsync(DnsRawPackage package, CancellationToken token = default)
        {
            try
            {
                var sent = await socket.SendToAsync(package.ToArraySegment(false), SocketFlags.None, RemoteEndPoint, token).ConfigureAwait(false);
                return sent == package.Length;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
        }
    }
}

/// <summary>TCP on 127.0.0.1: two-byte length-prefixed messages, several per connection.</summary>
internal sealed class LoopbackTcpTransport(Socket listener) : IServerTransport
{
    public ushort DefaultAllowedResponseSize => ushort.MaxValue;

    public bool SupportsMultipleResponses => true;

    public bool AllowTruncatedResponses => false;

    public ARSoft.Tools.Net.Dns.TransportProtocol TransportProtocol => ARSoft.Tools.Net.Dns.TransportProtocol.Tcp;

    public IPEndPoint LocalEndPoint => (IPEndPoint)listener.LocalEndPoint!;

    public void Bind()
    {
    }

    public void Close() => listener.Close();

    public void Dispose() => listener.Dispose();

    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        try
        {
            var socket = await listener.AcceptAsync(token).ConfigureAwait(false);
            return new Connection(this, socket);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            return null;
        }
    }

    private sealed class Connection(LoopbackTcpTransport transport, Socket socket) : IServerConnection
    {
        private readonly NetworkStream _stream = new(socket, ownsSocket: true);

        public IServerTransport Transport => transport;

        public IPEndPoint RemoteEndPoint => (IPEndPoint)socket.RemoteEndPoint!;

        public IPEndPoint LocalEndPoint => (IPEndPoint)socket.LocalEndPoint!;

        public bool CanRead { get; private set; } = true;

        public Task<bool> InitializeAsync(CancellationToken token) => Task.FromResult(true);

        public async Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token)
        {
            try
            {
                while (true)
                {
                    var prefix = new byte[2];
                    await _stream.ReadExactlyAsync(prefix, token).ConfigureAwait(false);
                    var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
                    var message = new byte[length];
                    await _stream.ReadExactlyAsync(message, token).ConfigureAwait(false);
                    if (LoopbackDnsTransports.IsResponse(message))
                    {
                        continue;
                    }

                    if (LoopbackDnsTransports.Parses(message))
                    {
                        return new DnsReceivedRawPackage(LoopbackDnsTransports.WithLengthPrefix(message), RemoteEndPoint, LocalEndPoint);
                    }

                    if (LoopbackDnsTransports.FormErr(message) is not { } formErr)
                    {
                        CanRead = false;
                        return null;
                    }

                    await _stream.WriteAsync(LoopbackDnsTransports.WithLengthPrefix(formErr), token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or EndOfStreamException)
            {
                CanRead = false;
                return null;
            }
        }

        public async Task<bool> SendAsync(DnsRawPackage package, CancellationToken token = default)
        {
            try
            {
                await _stream.WriteAsync(package.ToArraySegment(true), token).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                CanRead = false;
                return false;
            }
        }

        public void Dispose() => _stream.Dispose();
    }
}
