using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace K8sNet.Testing.ApiServer.Protobuf;

/// <summary>
/// <c>application/vnd.kubernetes.protobuf</c> as kube-apiserver speaks it: an object is the four bytes <c>k8s\0</c> then a
/// <c>runtime.Unknown</c> (typeMeta 1 {apiVersion 1, kind 2}, raw 2 = the object's message, contentEncoding 3,
/// contentType 4); a watch stream is frames of a four-byte big-endian length and a <c>metav1.WatchEvent</c> (type 1,
/// object 2 = a RawExtension whose raw is the object as above). Custom resources have no protobuf form.
/// </summary>
internal static class KubeProtobuf
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>Whether <paramref name="data"/> starts with the <c>k8s\0</c> prefix.</summary>
    public static bool IsEnvelope(ReadOnlySpan<byte> data) => data.StartsWith(Magic);

    /// <summary>Whether objects of this apiVersion and kind have a protobuf form here.</summary>
    public static bool Supports(string? apiVersion, string? kind) =>
        apiVersion is not null && kind is not null && ProtoSchema.ForKind(apiVersion, kind) is not null;

    /// <summary>The object (its <c>apiVersion</c> and <c>kind</c> say which message) in the envelope.</summary>
    /// <exception cref="ProtoFormatException">The kind has no protobuf form, or a field cannot be encoded.</exception>
    public static byte[] EncodeObject(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? string.Empty;
        var kind = obj["kind"]?.GetValue<string>() ?? string.Empty;
        var message = ProtoSchema.ForKind(apiVersion, kind) ?? throw new ProtoFormatException($"protobuf: {apiVersion}, Kind={kind} has no protobuf form");
        return Envelope(apiVersion, kind, ProtoJson.Encode(obj, message));
    }

    /// <summary>A message in the envelope: the prefix, then a runtime.Unknown naming its apiVersion and kind.</summary>
    public static byte[] Envelope(string apiVersion, string kind, ReadOnlySpan<byte> raw)
    {
        var typeMeta = new ProtoWriter();
        typeMeta.StringField(1, apiVersion);
        typeMeta.StringField(2, kind);
        var unknown = new ProtoWriter();
        unknown.Raw(Magic);
        unknown.BytesField(1, typeMeta.Written);
        unknown.BytesField(2, raw);
        unknown.StringField(3, string.Empty);
        unknown.StringField(4, string.Empty);
        return unknown.ToArray();
    }

    /// <summary>Reads an enveloped object: its JSON, with <c>apiVersion</c> and <c>kind</c> from the envelope.</summary>
    /// <exception cref="ProtoFormatException">The body is not an enveloped object of a kind with a protobuf form.</exception>
    public static JsonObject DecodeObject(ReadOnlySpan<byte> data)
    {
        if (!IsEnvelope(data))
        {
            throw new ProtoFormatException("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        }

        string apiVersion = string.Empty, kind = string.Empty;
        var raw = ReadOnlySpan<byte>.Empty;
        var contentEncoding = string.Empty;
        var reader = new ProtoReader(data[Magic.Length..]);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            switch (number)
            {
                case 1 when wire == 2:
                    var tm = new ProtoReader(reader.LengthDelimited());
                    while (!tm.End)
                    {
                        var (n, w) = tm.Tag();
                        if (n is 1 or 2 && w == 2)
                        {
                            var s = Encoding.UTF8.GetString(tm.LengthDelimited());
                            if (n == 1)
                            {
                                apiVersion = s;
                            }
                            else
                            {
                                kind = s;
                            }
                        }
                        else
                        {
                            tm.Skip(w);
                        }
                    }

                    break;
                case 2 when wire == 2:
                    raw = reader.LengthDelimited();
                    break;
                case 3 when wire == 2:
                    contentEncoding = Encoding.UTF8.GetString(reader.LengthDelimited());
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (contentEncoding.Length > 0)
        {
            throw new ProtoFormatException($"protobuf: content encoding \"{contentEncoding}\" is not supported");
        }

        var message = ProtoSchema.ForKind(apiVersion, kind)
            ?? throw new ProtoFormatException($"no kind \"{kind}\" is registered for version \"{apiVersion}\" in the protobuf serializer");
        var obj = ProtoJson.Decode(raw, message);
        var result = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        foreach (var (key, value) in obj.ToList())
        {
            obj.Remove(key);
            result[key] = value;
        }

        return result;
    }

    /// <summary>One watch frame: the length, then a WatchEvent holding the enveloped object.</summary>
    public static byte[] WatchFrame(string type, byte[] envelopedObject)
    {
        var rawExtension = new ProtoWriter();
        rawExtension.BytesField(1, envelopedObject);
        var evt = new ProtoWriter();
        evt.StringField(1, type);
        evt.BytesField(2, rawExtension.Written);
        var frame = new byte[4 + evt.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)evt.Length);
        evt.Written.CopyTo(frame.AsSpan(4));
        return frame;
    }
}
