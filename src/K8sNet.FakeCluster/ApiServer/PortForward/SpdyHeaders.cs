using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace K8sNet.Testing.ApiServer.PortForward;

/// <summary>
/// SPDY/3 name/value header blocks: a count, then length-prefixed names and values, compressed with zlib in one stream
/// per direction for the whole connection, the client's with the SPDY/3 dictionary. The client's blocks are inflated by
/// putting the dictionary in front as a stored deflate block (deflate's back-references then reach into it, as a preset
/// dictionary lets them) and inflating the connection's blocks so far; the server's are written as stored blocks, each
/// ended by an empty one (a sync flush), which Go's zlib reader needs to hand over a block's bytes.
/// </summary>
internal sealed class SpdyHeaders : IDisposable
{
    private static readonly Lazy<byte[]> Dictionary = new(() =>
    {
        using var stream = typeof(SpdyHeaders).Assembly.GetManifestResourceStream("K8sNet.Testing.ApiServer.PortForward.spdy3-dictionary.bin")
            ?? throw new InvalidOperationException("The SPDY/3 dictionary resource is missing from K8sNet.FakeCluster.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    private readonly MemoryStream _inbound = new();
    private int _inflated;
    private bool _sentHeader;

    public void Dispose() => _inbound.Dispose();

    /// <summary>Inflates the next block the client sent and reads its headers (names lower case).</summary>
    /// <exception cref="InvalidDataException">The block is not a SPDY header block.</exception>
    public Dictionary<string, string> Read(ReadOnlySpan<byte> block)
    {
        if (_inbound.Length == 0)
        {
            // The zlib header: CMF, FLG, and with FDICT the dictionary's adler32, before the raw deflate data.
            if (block.Length < 2 || (block[0] & 0x0f) != 8)
            {
                throw new InvalidDataException("spdy: the header block is not a zlib stream");
            }

            var skip = (block[1] & 0x20) != 0 ? 6 : 2;
            var dictionary = Dictionary.Value;
            _inbound.WriteByte(0); // a stored block, not final, holding the dictionary
            _inbound.WriteByte((byte)(dictionary.Length & 0xff));
            _inbound.WriteByte((byte)(dictionary.Length >> 8));
            _inbound.WriteByte((byte)(~dictionary.Length & 0xff));
            _inbound.WriteByte((byte)((~dictionary.Length >> 8) & 0xff));
            _inbound.Write(dictionary);
            _inflated = dictionary.Length;
            block = block[skip..];
        }

        _inbound.Write(block);
        using var inflater = new DeflateStream(new MemoryStream(_inbound.GetBuffer(), 0, (int)_inbound.Length, writable: false), CompressionMode.Decompress);
        using var output = new MemoryStream();
        try
        {
            inflater.CopyTo(output); // up to the last sync flush: the stream has no final block yet
        }
        catch (InvalidDataException) when (output.Length > _inflated)
        {
            // the end of the input inside the never-finished stream
        }

        var text = output.GetBuffer().AsSpan(_inflated, (int)output.Length - _inflated);
        _inflated = (int)output.Length;
        return Parse(text);
    }

    /// <summary>A header block for the server's next frame (names lower case).</summary>
    public byte[] Write(IReadOnlyDictionary<string, string> headers)
    {
        var raw = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(number, (uint)headers.Count);
        raw.Write(number);
        foreach (var (name, value) in headers)
        {
            foreach (var text in new[] { name.ToLowerInvariant(), value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteUInt32BigEndian(number, (uint)bytes.Length);
                raw.Write(number);
                raw.Write(bytes);
            }
        }

        var block = new MemoryStream();
        if (!_sentHeader)
        {
            block.Write([0x78, 0x01]); // zlib, no dictionary
            _sentHeader = true;
        }

        var length = (int)raw.Length;
        block.Write([0x00, (byte)(length & 0xff), (byte)(length >> 8), (byte)(~length & 0xff), (byte)((~length >> 8) & 0xff)]);
        block.Write(raw.GetBuffer().AsSpan(0, length));
        block.Write([0x00, 0x00, 0x00, 0xff, 0xff]); // the sync flush
        return block.ToArray();
    }

    private static Dictionary<string, string> Parse(ReadOnlySpan<byte> text)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (text.Length < 4)
        {
            throw new InvalidDataException("spdy: a header block shorter than its count");
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(text);
        var at = 4;
        string Next(ReadOnlySpan<byte> data)
        {
            if (at + 4 > data.Length)
            {
                throw new InvalidDataException("spdy: a header block cut short");
            }

            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            at += 4;
            if (length < 0 || at + length > data.Length)
            {
                throw new InvalidDataException("spdy: a header longer than its block");
            }

            var value = Encoding.UTF8.GetString(data.Slice(at, length));
            at += length;
            return value;
        }

        for (var i = 0u; i < count; i++)
        {
            var name = Next(text);
            headers[name.ToLowerInvariant()] = Next(text);
        }

        return headers;
    }
}
