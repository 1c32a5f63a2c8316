using System.Buffers.Binary;
using System.Text;

namespace K8sNet.Testing.ApiServer.Protobuf;

/// <summary>A protobuf body that cannot be read: the API server answers it with a 400.</summary>
internal sealed class ProtoFormatException(string message) : Exception(message);

/// <summary>Writes protobuf fields into a growing buffer (proto2 as Go's generated marshallers write it: unpacked repeated scalars).</summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void Tag(int number, int wireType) => Varint(((ulong)(uint)number << 3) | (uint)wireType);

    public void Varint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void VarintField(int number, ulong value)
    {
        Tag(number, 0);
        Varint(value);
    }

    public void BytesField(int number, ReadOnlySpan<byte> bytes)
    {
        Tag(number, 2);
        Varint((ulong)bytes.Length);
        Raw(bytes);
    }

    public void StringField(int number, string value)
    {
        Tag(number, 2);
        var count = Encoding.UTF8.GetByteCount(value);
        Varint((ulong)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    public void Fixed64Field(int number, ulong value)
    {
        Tag(number, 1);
        Ensure(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void Fixed32Field(int number, uint value)
    {
        Tag(number, 5);
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}

/// <summary>Reads protobuf fields from a span, refusing what is malformed (truncated, over-long varints, groups).</summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool End => _position >= _data.Length;

    public (int Number, int WireType) Tag()
    {
        var tag = Varint();
        var number = (int)(tag >> 3);
        var wire = (int)(tag & 7);
        if (number <= 0 || tag >> 3 > int.MaxValue)
        {
            throw new ProtoFormatException($"protobuf: illegal field number {tag >> 3}");
        }

        return (number, wire);
    }

    public ulong Varint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtoFormatException("protobuf: unexpected end of data in a varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new ProtoFormatException("protobuf: varint overflows 64 bits");
    }

    public ReadOnlySpan<byte> LengthDelimited()
    {
        var length = Varint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtoFormatException("protobuf: a length-delimited field runs past the end of the data");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    public ulong Fixed64()
    {
        if (_data.Length - _position < 8)
        {
            throw new ProtoFormatException("protobuf: unexpected end of data in a fixed64");
        }

        var v = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return v;
    }

    public uint Fixed32()
    {
        if (_data.Length - _position < 4)
        {
            throw new ProtoFormatException("protobuf: unexpected end of data in a fixed32");
        }

        var v = BinaryPrimitives.ReadUInt32LittleEndian(_data[_position..]);
        _position += 4;
        return v;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: Varint(); break;
            case 1: Fixed64(); break;
            case 2: LengthDelimited(); break;
            case 5: Fixed32(); break;
            default: throw new ProtoFormatException($"protobuf: unsupported wire type {wireType}");
        }
    }
}
