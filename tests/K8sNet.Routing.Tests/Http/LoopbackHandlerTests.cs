using System.Net;
using System.Net.Sockets;
using System.Text;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Http;

/// <summary>
/// The handler over real sockets on loopback addresses: one endpoint serves, another has nothing listening (the
/// connection is refused) or answers by closing the connection. Only 127.0.0.0/8 is used.
/// </summary>
public class LoopbackHandlerTests
{
    [Theory]
    [InlineData("GET")]
    [InlineData("POST")]
    public async Task RefusedEndpoint_IsRetriedOnTheServingOne(string method)
    {
        await using var server = await LoopbackServer.StartAsync(IPAddress.Parse("127.0.0.2"), closeWithoutAnswer: false);
        await using var f = new HandlerFixture(o => o.OutlierDetection.Enabled = false, transport: new SocketsHttpHandler());
        f.SetOrders(server.Port, "127.0.0.2", "127.0.0.3"); // nothing listens on 127.0.0.3: refused
        using var client = f.CreateClient();

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "http://orders.shop/hello") { Content = method == "POST" ? new StringContent("body") : null };
            using var response = await client.SendAsync(request);
            Assert.Equal("served by 127.0.0.2", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(10, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Contains("Host: orders.shop\r\n", r));
    }

    [Fact]
    public async Task ConnectionClosedAfterSending_RetriesGet_NotPost()
    {
        await using var good = await LoopbackServer.StartAsync(IPAddress.Parse("127.0.0.4"), closeWithoutAnswer: false);
        await using var bad = await LoopbackServer.StartAsync(IPAddress.Parse("127.0.0.5"), closeWithoutAnswer: true, port: good.Port);
        await using var f = new HandlerFixture(o =>
        {
            o.Policy = LoadBalancingPolicy.RoundRobin;
            o.OutlierDetection.Enabled = false;
        }, transport: new SocketsHttpHandler());
        f.SetOrders(good.Port, "127.0.0.4", "127.0.0.5");
        using var client = f.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("served by 127.0.0.4", await client.GetStringAsync("http://orders.shop/"));
        }

        var postFailures = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                using var response = await client.PostAsync("http://orders.shop/", new StringContent("x"));
            }
            catch (HttpRequestException)
            {
                postFailures++;
            }
        }

        Assert.Equal(2, postFailures);
        Assert.True(bad.Requests.Count >= 4, "the failing endpoint did receive requests");
    }

    private sealed class LoopbackServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly bool _closeWithoutAnswer;
        private readonly Task _loop;

        private LoopbackServer(TcpListener listener, bool closeWithoutAnswer)
        {
            _listener = listener;
            _closeWithoutAnswer = closeWithoutAnswer;
            _loop = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

        public static Task<LoopbackServer> StartAsync(IPAddress address, bool closeWithoutAnswer, int port = 0)
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            return Task.FromResult(new LoopbackServer(listener, closeWithoutAnswer));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _loop;
            }
            catch (Exception)
            {
                // stopping
            }

            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = Task.Run(() => ServeAsync(socket));
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[8192];
                var received = new StringBuilder();
                while (true)
                {
                    var head = received.ToString();
                    var end = head.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (end >= 0)
                    {
                        var length = 0;
                        foreach (var line in head[..end].Split("\r\n"))
                        {
                            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                            {
                                length = int.Parse(line["Content-Length:".Length..].Trim());
                            }
                        }

                        if (head.Length >= end + 4 + length)
                        {
                            break;
                        }
                    }

                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    received.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                Requests.Enqueue(received.ToString());
                if (_closeWithoutAnswer)
                {
                    return;
                }

                var local = ((IPEndPoint)socket.LocalEndPoint!).Address;
                var body = $"served by {local}";
                var response = $"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                await socket.SendAsync(Encoding.ASCII.GetBytes(response), SocketFlags.None);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
    }
}
