using System.Net;

namespace K8sNet.Grpc;

/// <summary>
/// Keeps a gRPC call counted against its pod until its response stream ends (gRPC's own tracker stops at the response
/// headers), then reports how it ended: the <c>grpc-status</c> trailer (Unavailable, Internal, Unknown and DataLoss are
/// server errors), or a transport failure, or a cancellation. Place it in the channel's handler chain, inside gRPC's
/// balancer: <c>AddGrpcBalancing</c> does it for every client; for a channel built by hand,
/// <c>HttpHandler = new K8sNetGrpcHandler(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })</c>.
/// Requests that K8sNet's balancer did not pick pass through untouched.
/// </summary>
public sealed class K8sNetGrpcHandler : DelegatingHandler
{
    /// <summary>Creates the handler for an <c>IHttpClientFactory</c> pipeline (the factory sets its inner handler).</summary>
    public K8sNetGrpcHandler()
    {
    }

    /// <summary>Creates the handler.</summary>
    /// <param name="innerHandler">The handler that sends the requests.</param>
    public K8sNetGrpcHandler(HttpMessageHandler innerHandler)
        : base(innerHandler)
    {
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Options.TryGetValue(GrpcCallLease.Key, out var call))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        call.TrackedToEnd = true;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            call.Finish(GrpcCallLease.Outcome(ex));
            throw;
        }

        if (response.StatusCode != HttpStatusCode.OK || TrailersOnlyStatus(response) is not null)
        {
            // Not a gRPC stream (an HTTP error, mapped by gRPC to a status) or a trailers-only answer: it has ended.
            var status = response.StatusCode != HttpStatusCode.OK ? ((int)response.StatusCode >= 500 ? "14" : "0") : TrailersOnlyStatus(response);
            call.Finish(Classify(status), Code(status));
            return response;
        }

        response.Content = new TrackedContent(response.Content, response, call);
        return response;
    }

    private static string? TrailersOnlyStatus(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues("grpc-status", out var values) ? values.ToString() : null;

    private static int? Code(string? grpcStatus) =>
        int.TryParse(grpcStatus, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : null;

    private static EndpointOutcome Classify(string? grpcStatus) => grpcStatus switch
    {
        "2" or "13" or "14" or "15" => EndpointOutcome.ServerError, // Unknown, Internal, Unavailable, DataLoss
        _ => EndpointOutcome.Success,
    };

    /// <summary>The response's content, completing the call's lease when its stream ends or is disposed.</summary>
    private sealed class TrackedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly HttpResponseMessage _response;
        private readonly GrpcCallLease _call;

        public TrackedContent(HttpContent inner, HttpResponseMessage response, GrpcCallLease call)
        {
            _inner = inner;
            _response = response;
            _call = call;
            foreach (var (name, values) in inner.Headers)
            {
                Headers.TryAddWithoutValidation(name, values);
            }
        }

        public void Ended(bool reachedEnd)
        {
            if (!reachedEnd)
            {
                _call.Finish(EndpointOutcome.Canceled, 1);
                return;
            }

            var status = _response.TrailingHeaders.NonValidated.TryGetValues("grpc-status", out var v) ? v.ToString() : null;
            _call.Finish(Classify(status), Code(status));
        }

        protected override async Task<Stream> CreateContentReadStreamAsync() =>
            new TrackedStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), this);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new TrackedStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), this);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Ended(reachedEnd: false);
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class TrackedStream(Stream inner, TrackedContent owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Seen(inner.Read(buffer, offset, count), count);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Seen(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                owner.Ended(reachedEnd: false);
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        // A zero-byte read (asked with an empty buffer, to wait for data) is not the end.
        private int Seen(int read, int asked)
        {
            if (read == 0 && asked > 0)
            {
                owner.Ended(reachedEnd: true);
            }

            return read;
        }
    }
}
