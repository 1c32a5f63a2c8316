using System.Net;
using K8sNet.Routing;

namespace K8sNet.Routing.Tests.Http;

/// <summary>
/// A pod that dies after the response headers (issue 22: 2 of 134,013 GETs failed with ready pods left, "Error while
/// copying content to a stream"): by default the failure is the caller's, as Envoy's is once a response started; with
/// <see cref="K8sNetRoutingOptions.MaxBufferedResponseBytes"/> a small body is read inside the handler and the request
/// retried on another pod.
/// </summary>
public sealed class ResponseBufferingTests
{
    [Fact]
    public async Task Default_ABodyCutShort_FailsInTheCallersRead()
    {
        await using var f = Fixture(bufferBytes: 0);
        using var client = f.CreateClient();

        var failures = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                await client.GetStringAsync("http://orders.shop/");
            }
            catch (HttpRequestException)
            {
                failures++;
            }
        }

        Assert.Equal(2, failures); // round robin: every other GET lands on the dying pod
    }

    [Fact]
    public async Task Buffered_ABodyCutShort_IsRetriedOnAnotherPod()
    {
        await using var f = Fixture(bufferBytes: 64 * 1024);
        using var client = f.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("whole body from 10.244.1.6", await client.GetStringAsync("http://orders.shop/"));
        }

        Assert.Contains(f.Transport.Sent, s => s.Uri.Host == "10.244.1.5"); // it was tried, and failed inside the handler
    }

    [Fact]
    public async Task Buffered_PostIsNotBuffered_NorRetried()
    {
        await using var f = Fixture(bufferBytes: 64 * 1024);
        using var client = f.CreateClient();

        var failures = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                using var response = await client.PostAsync("http://orders.shop/", new StringContent("x"));
                await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException)
            {
                failures++;
            }
        }

        Assert.Equal(2, failures);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Buffered_ABodyOverTheLimit_IsHandedOverWhole(bool knownLength)
    {
        await using var f = Fixture(bufferBytes: 1024);
        var body = new string('x', 100_000);
        foreach (var ip in new[] { "10.244.1.5", "10.244.1.6" })
        {
            f.Transport.Behaviour[ip] = _ => new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = knownLength ? new StringContent(body) : new StreamContent(new ChunkedStream(System.Text.Encoding.UTF8.GetBytes(body), cutAfter: null)),
            };
        }

        using var client = f.CreateClient();

        Assert.Equal(body, await client.GetStringAsync("http://orders.shop/"));
    }

    private static HandlerFixture Fixture(int bufferBytes)
    {
        var f = new HandlerFixture(o =>
        {
            o.Policy = LoadBalancingPolicy.RoundRobin;
            o.OutlierDetection.Enabled = false;
            o.MaxBufferedResponseBytes = bufferBytes;
        });
        f.SetOrders("10.244.1.5", "10.244.1.6");
        f.Transport.Behaviour["10.244.1.5"] = _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new ChunkedStream("whole body from 10.244.1.5"u8.ToArray(), cutAfter: 5)),
        };
        f.Transport.Behaviour["10.244.1.6"] = _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new ChunkedStream("whole body from 10.244.1.6"u8.ToArray(), cutAfter: null)),
        };
        return f;
    }

    // A body of unknown length read a few bytes at a time, cut with a connection reset after some bytes when asked.
    private sealed class ChunkedStream(byte[] body, int? cutAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (cutAfter is { } cut && _position >= cut)
            {
                throw new IOException("Unable to read data from the transport connection: Connection reset by peer.");
            }

            var n = Math.Min(Math.Min(count, 4096), body.Length - _position);
            Array.Copy(body, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
