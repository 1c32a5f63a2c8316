using System.Buffers;

namespace K8sNet.Routing;

/// <summary>
/// Reads a response body into memory up to a limit (<see cref="K8sNetRoutingOptions.MaxBufferedResponseBytes"/>), so
/// that a connection that dies before the body's end fails here, where the request can still be retried. A body over
/// the limit is handed over streaming: the bytes read so far, then the rest.
/// </summary>
internal static class ResponseBuffer
{
    public static async Task ReadAsync(HttpResponseMessage response, int limit, CancellationToken cancellationToken)
    {
        var content = response.Content;
        if (content.Headers.ContentLength is { } length)
        {
            if (length <= limit)
            {
                await content.LoadIntoBufferAsync(limit, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (buffer.Length <= limit)
            {
                var read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    Replace(response, new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length));
                    await stream.DisposeAsync().ConfigureAwait(false);
                    return;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        buffer.Position = 0;
        Replace(response, new StreamContent(new PrefixedStream(buffer, stream)));
    }

    private static void Replace(HttpResponseMessage response, HttpContent replacement)
    {
        var original = response.Content;
        foreach (var header in original.Headers)
        {
            if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = replacement; // the original's stream is now the replacement's (or read to its end)
    }

    // The bytes already read, then the rest of the body.
    private sealed class PrefixedStream(MemoryStream prefix, Stream rest) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = prefix.Read(buffer);
            return read > 0 ? read : rest.Read(buffer);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = prefix.Read(buffer.Span);
            return read > 0 ? ValueTask.FromResult(read) : rest.ReadAsync(buffer, cancellationToken);
        }

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
                prefix.Dispose();
                rest.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
