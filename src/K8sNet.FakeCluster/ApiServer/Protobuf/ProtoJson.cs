using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace K8sNet.Testing.ApiServer.Protobuf;

/// <summary>
/// Converts between an object's JSON (as the store keeps it) and its protobuf message, field by field from
/// <see cref="ProtoSchema"/>, the way upstream's generated marshallers and its JSON encoding agree: fields in number
/// order, map entries by key, unpacked repeated scalars; the types with a JSON form of their own converted as
/// apimachinery converts them (Time and MicroTime as RFC 3339, IntOrString as a number or a string, Quantity as its
/// string, Duration as Go's duration text, RawExtension and FieldsV1 as embedded JSON, bytes as base64). Decoding writes
/// what Go's JSON encoder would: a zero value of a field that is neither a pointer nor free of <c>omitempty</c> is left out.
/// </summary>
/// <remarks>
/// Recursion follows the schema's nesting (at most a few dozen levels for these kinds, none of them recursive), never the
/// caller's: a body cannot nest deeper than its message types do, and <see cref="MaxDepth"/> stops a malformed schema.
/// </remarks>
internal static class ProtoJson
{
    public const int MaxDepth = 512; // a CRD's schema nests JSONSchemaProps in JSONSchemaProps

    private static readonly JsonSerializerOptions Compact = new() { MaxDepth = 600, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // ------------------------------------------------------------------ encode

    /// <summary>Encodes <paramref name="obj"/> as the message <paramref name="message"/>.</summary>
    public static byte[] Encode(JsonObject obj, ProtoMessage message)
    {
        var writer = new ProtoWriter();
        EncodeMessage(writer, obj, message, 0, strict: true);
        return writer.ToArray();
    }

    private static void EncodeMessage(ProtoWriter w, JsonObject obj, ProtoMessage message, int depth, bool strict)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoFormatException($"protobuf: {message.Name} nests deeper than {MaxDepth}");
        }

        if (strict)
        {
            // Nothing is dropped on the way out: a field the table does not know (a newer API's) means no protobuf
            // form, and the caller answers in JSON instead.
            var known = Known(message);
            foreach (var (key, _) in obj)
            {
                if (!known.Contains(key) && !(depth == 0 && key is "apiVersion" or "kind"))
                {
                    throw new ProtoFormatException($"protobuf: {message.Name} has no field \"{key}\" in the transcribed schema");
                }
            }
        }

        foreach (var field in message.Fields)
        {
            if (field.Inline && field.Kind == ProtoKind.Message)
            {
                EncodeNested(w, field.Number, obj, field.Message!, depth, strict: false); // its fields are this object's
                continue;
            }

            if (!obj.TryGetPropertyValue(field.Json, out var value))
            {
                continue;
            }

            if (value is null)
            {
                if (IsTime(field) && !field.Repeated)
                {
                    w.BytesField(field.Number, []); // the zero time, as Go writes a Time field (JSON null)
                }

                continue;
            }

            if (field.Kind == ProtoKind.Map)
            {
                if (value is not JsonObject map)
                {
                    throw Mismatch(message, field, "an object");
                }

                foreach (var (key, item) in map.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (item is null)
                    {
                        continue;
                    }

                    var entry = new ProtoWriter();
                    EncodeScalar(entry, 1, field.KeyKind, JsonValue.Create(key), message, field);
                    if (field.ValueKind == ProtoKind.Message)
                    {
                        EncodeNested(entry, 2, item, field.ValueMessage!, depth);
                    }
                    else
                    {
                        EncodeScalar(entry, 2, field.ValueKind, item, message, field);
                    }

                    w.BytesField(field.Number, entry.Written);
                }

                continue;
            }

            if (field.Repeated)
            {
                if (value is not JsonArray array)
                {
                    throw Mismatch(message, field, "an array");
                }

                foreach (var item in array)
                {
                    if (item is null)
                    {
                        continue;
                    }

                    if (field.Kind == ProtoKind.Message)
                    {
                        EncodeNested(w, field.Number, item, field.Message!, depth);
                    }
                    else
                    {
                        EncodeScalar(w, field.Number, field.Kind, item, message, field);
                    }
                }

                continue;
            }

            if (field.Kind == ProtoKind.Message)
            {
                EncodeNested(w, field.Number, value, field.Message!, depth);
            }
            else
            {
                EncodeScalar(w, field.Number, field.Kind, value, message, field);
            }
        }
    }

    private static void EncodeNested(ProtoWriter w, int number, JsonNode value, string messageName, int depth, bool strict = true)
    {
        var inner = new ProtoWriter();
        switch (messageName)
        {
            case "meta/v1.Time":
            case "meta/v1.MicroTime":
                if (value.GetValueKind() == JsonValueKind.String && DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                {
                    var ticks = t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
                    var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest);
                    if (rest < 0)
                    {
                        seconds--;
                        rest += TimeSpan.TicksPerSecond;
                    }

                    inner.VarintField(1, (ulong)seconds);
                    inner.VarintField(2, (ulong)(rest * 100));
                }

                break;
            case "meta/v1.Duration":
                inner.VarintField(1, (ulong)GoDuration.Parse(value.GetValue<string>()));
                break;
            case "intstr.IntOrString":
                if (value.GetValueKind() == JsonValueKind.Number)
                {
                    inner.VarintField(1, 0);
                    inner.VarintField(2, (ulong)Integer(value));
                    inner.StringField(3, string.Empty);
                }
                else
                {
                    inner.VarintField(1, 1);
                    inner.VarintField(2, 0);
                    inner.StringField(3, value.GetValue<string>());
                }

                break;
            case "resource.Quantity":
                inner.StringField(1, value.GetValueKind() == JsonValueKind.Number ? value.ToJsonString() : value.GetValue<string>());
                break;
            case "runtime.RawExtension":
            case "meta/v1.FieldsV1":
            case "apiextensions/v1.JSON":
                inner.BytesField(1, JsonSerializer.SerializeToUtf8Bytes(value, Compact));
                break;
            case "apiextensions/v1.CustomResourceSubresourceStatus":
                break; // an empty struct
            case "apiextensions/v1.JSONSchemaPropsOrArray":
                // a schema (1), or an array of schemas (2)
                if (value is JsonArray schemas)
                {
                    foreach (var schema in schemas.OfType<JsonNode>())
                    {
                        EncodeNested(inner, 2, schema, "apiextensions/v1.JSONSchemaProps", depth + 1);
                    }
                }
                else
                {
                    EncodeNested(inner, 1, value, "apiextensions/v1.JSONSchemaProps", depth + 1);
                }

                break;
            case "apiextensions/v1.JSONSchemaPropsOrBool":
                // allows (1, always written), and a schema (2) — which allows
                if (value is JsonObject)
                {
                    inner.VarintField(1, 1);
                    EncodeNested(inner, 2, value, "apiextensions/v1.JSONSchemaProps", depth + 1);
                }
                else
                {
                    inner.VarintField(1, value.GetValueKind() == JsonValueKind.True ? 1UL : 0UL);
                }

                break;
            case "apiextensions/v1.JSONSchemaPropsOrStringArray":
                // a schema (1), or property names (2)
                if (value is JsonArray names)
                {
                    foreach (var name in names)
                    {
                        inner.StringField(2, K8sNet.Testing.Store.Json.Str(name) ?? string.Empty);
                    }
                }
                else
                {
                    EncodeNested(inner, 1, value, "apiextensions/v1.JSONSchemaProps", depth + 1);
                }

                break;
            default:
                var message = ProtoSchema.Find(messageName) ?? throw new ProtoFormatException($"protobuf: no schema for {messageName}");
                if (value is not JsonObject obj)
                {
                    throw new ProtoFormatException($"protobuf: {messageName} must be a JSON object");
                }

                EncodeMessage(inner, obj, message, depth + 1, strict);
                break;
        }

        w.BytesField(number, inner.Written);
    }

    private static void EncodeScalar(ProtoWriter w, int number, ProtoKind kind, JsonNode value, ProtoMessage message, ProtoField field)
    {
        try
        {
            switch (kind)
            {
                case ProtoKind.String:
                    w.StringField(number, value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString());
                    break;
                case ProtoKind.Bytes:
                    w.BytesField(number, Convert.FromBase64String(value.GetValue<string>()));
                    break;
                case ProtoKind.Bool:
                    w.VarintField(number, value.GetValue<bool>() ? 1UL : 0UL);
                    break;
                case ProtoKind.Int32:
                case ProtoKind.Int64:
                    w.VarintField(number, (ulong)Integer(value));
                    break;
                case ProtoKind.UInt32:
                case ProtoKind.UInt64:
                    w.VarintField(number, (ulong)Integer(value));
                    break;
                case ProtoKind.Double:
                    w.Fixed64Field(number, BitConverter.DoubleToUInt64Bits(Number(value)));
                    break;
                case ProtoKind.Float:
                    w.Fixed32Field(number, BitConverter.SingleToUInt32Bits((float)Number(value)));
                    break;
                default:
                    throw Mismatch(message, field, kind.ToString());
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw Mismatch(message, field, kind.ToString().ToLowerInvariant());
        }
    }

    // A number as the JSON text says it (a node built in code may hold an int, a long or a double; parsed JSON an element).
    private static long Integer(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number
            ? long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : (long)Number(value)
            : long.Parse(value.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Number(JsonNode value) =>
        value.GetValueKind() == JsonValueKind.Number
            ? double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException("not a number");

    private static ProtoFormatException Mismatch(ProtoMessage message, ProtoField field, string expected) =>
        new($"protobuf: {message.Name}.{field.Json} must be {expected}");

    // ------------------------------------------------------------------ decode

    /// <summary>Decodes the message <paramref name="message"/> to JSON.</summary>
    public static JsonObject Decode(ReadOnlySpan<byte> data, ProtoMessage message) => DecodeMessage(data, message, 0);

    private static JsonObject DecodeMessage(ReadOnlySpan<byte> data, ProtoMessage message, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ProtoFormatException($"protobuf: {message.Name} nests deeper than {MaxDepth}");
        }

        var values = new Dictionary<ProtoField, JsonNode?>();
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (!message.ByNumber.TryGetValue(number, out var field))
            {
                reader.Skip(wire);
                continue;
            }

            if (field.Kind == ProtoKind.Map)
            {
                Expect(wire, 2, message, field);
                var (key, value) = DecodeEntry(reader.LengthDelimited(), field, message, depth);
                var map = values.TryGetValue(field, out var existing) && existing is JsonObject m ? m : (JsonObject)(values[field] = new JsonObject());
                map[key] = value;
                continue;
            }

            if (field.Repeated)
            {
                var array = values.TryGetValue(field, out var existing) && existing is JsonArray a ? a : (JsonArray)(values[field] = new JsonArray());
                if (field.Kind != ProtoKind.Message && field.Kind is not (ProtoKind.String or ProtoKind.Bytes) && wire == 2)
                {
                    var packed = new ProtoReader(reader.LengthDelimited()); // packed scalars, as proto3 writers send them
                    while (!packed.End)
                    {
                        array.Add(ReadScalar(ref packed, field.Kind, WireOf(field.Kind), message, field));
                    }
                }
                else
                {
                    array.Add(ReadValue(ref reader, wire, field.Kind, field.Message, message, field, depth));
                }

                continue;
            }

            values[field] = ReadValue(ref reader, wire, field.Kind, field.Message, message, field, depth);
        }

        var obj = new JsonObject();
        foreach (var field in message.Fields)
        {
            if (!values.TryGetValue(field, out var value))
            {
                continue;
            }

            if (value is null)
            {
                if (IsTime(field) && !field.Repeated)
                {
                    obj[field.Json] = null; // the zero time sent: Go's JSON encoder writes null
                }

                continue;
            }

            if (field.Inline && value is JsonObject inlined)
            {
                foreach (var (key, inner) in inlined.ToList())
                {
                    inlined.Remove(key);
                    obj[key] = inner;
                }

                continue;
            }

            if (!field.Pointer && field.OmitEmpty && IsZero(value))
            {
                continue; // Go's JSON encoder leaves out an omitempty field's zero value
            }

            obj[field.Json] = value;
        }

        return obj;
    }

    private static (string Key, JsonNode? Value) DecodeEntry(ReadOnlySpan<byte> data, ProtoField field, ProtoMessage message, int depth)
    {
        var reader = new ProtoReader(data);
        string key = string.Empty;
        JsonNode? value = field.ValueKind switch
        {
            ProtoKind.String or ProtoKind.Bytes => JsonValue.Create(string.Empty),
            ProtoKind.Message => field.ValueMessage == "resource.Quantity" ? JsonValue.Create("0") : new JsonObject(),
            ProtoKind.Bool => JsonValue.Create(false),
            _ => JsonValue.Create(0),
        };
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            switch (number)
            {
                case 1:
                    key = ReadValue(ref reader, wire, field.KeyKind, null, message, field, depth)?.ToString() ?? string.Empty;
                    break;
                case 2:
                    value = ReadValue(ref reader, wire, field.ValueKind, field.ValueMessage, message, field, depth);
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return (key, value);
    }

    private static JsonNode? ReadValue(ref ProtoReader reader, int wire, ProtoKind kind, string? messageName, ProtoMessage message, ProtoField field, int depth)
    {
        if (kind == ProtoKind.Message)
        {
            Expect(wire, 2, message, field);
            return DecodeNested(reader.LengthDelimited(), messageName!, depth);
        }

        Expect(wire, WireOf(kind), message, field);
        return ReadScalar(ref reader, kind, wire, message, field);
    }

    private static JsonValue? ReadScalar(ref ProtoReader reader, ProtoKind kind, int wire, ProtoMessage message, ProtoField field) => kind switch
    {
        ProtoKind.String => JsonValue.Create(Utf8(reader.LengthDelimited(), message, field)),
        ProtoKind.Bytes => JsonValue.Create(Convert.ToBase64String(reader.LengthDelimited())),
        ProtoKind.Bool => JsonValue.Create(reader.Varint() != 0),
        ProtoKind.Int32 => JsonValue.Create((int)reader.Varint()),
        ProtoKind.Int64 => JsonValue.Create((long)reader.Varint()),
        ProtoKind.UInt32 => JsonValue.Create((uint)reader.Varint()),
        ProtoKind.UInt64 => JsonValue.Create(reader.Varint()),
        ProtoKind.Double => JsonValue.Create(BitConverter.UInt64BitsToDouble(reader.Fixed64())),
        ProtoKind.Float => JsonValue.Create((double)BitConverter.UInt32BitsToSingle(reader.Fixed32())),
        _ => throw new ProtoFormatException($"protobuf: {message.Name}.{field.Json}: wire type {wire} is not a {kind}"),
    };

    private static JsonNode? DecodeNested(ReadOnlySpan<byte> data, string messageName, int depth)
    {
        switch (messageName)
        {
            case "meta/v1.Time":
            case "meta/v1.MicroTime":
            {
                long seconds = 0, nanos = 0;
                var reader = new ProtoReader(data);
                while (!reader.End)
                {
                    var (number, wire) = reader.Tag();
                    if (number == 1 && wire == 0)
                    {
                        seconds = (long)reader.Varint();
                    }
                    else if (number == 2 && wire == 0)
                    {
                        nanos = (int)reader.Varint();
                    }
                    else
                    {
                        reader.Skip(wire);
                    }
                }

                if (data.IsEmpty)
                {
                    return null; // the zero time: JSON null
                }

                var time = DateTimeOffset.UnixEpoch.AddSeconds(seconds).AddTicks(nanos / 100);
                return JsonValue.Create(messageName == "meta/v1.Time"
                    ? time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
                    : time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            }

            case "meta/v1.Duration":
            {
                long nanos = 0;
                var reader = new ProtoReader(data);
                while (!reader.End)
                {
                    var (number, wire) = reader.Tag();
                    if (number == 1 && wire == 0)
                    {
                        nanos = (long)reader.Varint();
                    }
                    else
                    {
                        reader.Skip(wire);
                    }
                }

                return JsonValue.Create(GoDuration.Format(nanos));
            }

            case "intstr.IntOrString":
            {
                long type = 0, intVal = 0;
                var strVal = string.Empty;
                var reader = new ProtoReader(data);
                while (!reader.End)
                {
                    var (number, wire) = reader.Tag();
                    switch (number)
                    {
                        case 1 when wire == 0: type = (long)reader.Varint(); break;
                        case 2 when wire == 0: intVal = (int)reader.Varint(); break;
                        case 3 when wire == 2: strVal = Encoding.UTF8.GetString(reader.LengthDelimited()); break;
                        default: reader.Skip(wire); break;
                    }
                }

                return type == 1 ? JsonValue.Create(strVal) : JsonValue.Create(intVal);
            }

            case "resource.Quantity":
            {
                var text = "0";
                var reader = new ProtoReader(data);
                while (!reader.End)
                {
                    var (number, wire) = reader.Tag();
                    if (number == 1 && wire == 2)
                    {
                        text = Encoding.UTF8.GetString(reader.LengthDelimited());
                    }
                    else
                    {
                        reader.Skip(wire);
                    }
                }

                return JsonValue.Create(text);
            }

            case "apiextensions/v1.CustomResourceSubresourceStatus":
                return new JsonObject();
            case "apiextensions/v1.JSONSchemaPropsOrArray":
            case "apiextensions/v1.JSONSchemaPropsOrBool":
            case "apiextensions/v1.JSONSchemaPropsOrStringArray":
            {
                JsonNode? schema = null;
                var many = new JsonArray();
                var allows = false;
                var reader = new ProtoReader(data);
                while (!reader.End)
                {
                    var (number, wire) = reader.Tag();
                    var orBool = messageName.EndsWith("OrBool", StringComparison.Ordinal);
                    if (orBool && number == 1 && wire == 0)
                    {
                        allows = reader.Varint() != 0;
                    }
                    else if (number == (orBool ? 2 : 1) && wire == 2)
                    {
                        schema = DecodeNested(reader.LengthDelimited(), "apiextensions/v1.JSONSchemaProps", depth + 1);
                    }
                    else if (!orBool && number == 2 && wire == 2)
                    {
                        var item = reader.LengthDelimited();
                        many.Add(messageName.EndsWith("OrArray", StringComparison.Ordinal)
                            ? DecodeNested(item, "apiextensions/v1.JSONSchemaProps", depth + 1)
                            : JsonValue.Create(Encoding.UTF8.GetString(item)));
                    }
                    else
                    {
                        reader.Skip(wire);
                    }
                }

                return many.Count > 0 ? many : schema ?? (messageName.EndsWith("OrBool", StringComparison.Ordinal) ? JsonValue.Create(allows) : null);
            }

            case "runtime.RawExtension":
            case "meta/v1.FieldsV1":
            case "apiextensions/v1.JSON":
            {
                var reader = new ProtoReader(data);
                JsonNode? embedded = null;
                while (!reader.End)
                {
                    var (number, wire) = reader.Tag();
                    if (number == 1 && wire == 2)
                    {
                        var raw = reader.LengthDelimited();
                        embedded = raw.IsEmpty ? null : KubeProtobuf.IsEnvelope(raw) ? KubeProtobuf.DecodeObject(raw) : JsonBody.Parse(Encoding.UTF8.GetString(raw), out _);
                    }
                    else
                    {
                        reader.Skip(wire);
                    }
                }

                return embedded;
            }

            default:
                var message = ProtoSchema.Find(messageName) ?? throw new ProtoFormatException($"protobuf: no schema for {messageName}");
                return DecodeMessage(data, message, depth + 1);
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, HashSet<string>> KnownNames = new(StringComparer.Ordinal);

    // The JSON names a message's object may carry: its fields', and those of the structs it inlines.
    private static HashSet<string> Known(ProtoMessage message) => KnownNames.GetOrAdd(message.Name, _ =>
    {
        var names = new HashSet<string>(message.ByJson.Keys, StringComparer.Ordinal);
        foreach (var inline in message.Fields.Where(f => f.Inline && f.Kind == ProtoKind.Message))
        {
            if (ProtoSchema.Find(inline.Message!) is { } inner)
            {
                names.UnionWith(Known(inner));
            }
        }

        return names;
    });

    private static bool IsTime(ProtoField field) => field.Message is "meta/v1.Time" or "meta/v1.MicroTime";

    private static bool IsZero(JsonNode value) => value switch
    {
        JsonObject o => false, // a struct is written whole by Go's JSON encoder, even empty
        JsonArray a => a.Count == 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>().Length == 0,
            JsonValueKind.False => true,
            JsonValueKind.Number => Number(v) == 0,
            _ => false,
        },
        _ => false,
    };

    private static int WireOf(ProtoKind kind) => kind switch
    {
        ProtoKind.String or ProtoKind.Bytes or ProtoKind.Message or ProtoKind.Map => 2,
        ProtoKind.Double => 1,
        ProtoKind.Float => 5,
        _ => 0,
    };

    private static void Expect(int wire, int expected, ProtoMessage message, ProtoField field)
    {
        if (wire != expected)
        {
            throw new ProtoFormatException($"protobuf: {message.Name}.{field.Json} arrived with wire type {wire}, not {expected}");
        }
    }

    private static string Utf8(ReadOnlySpan<byte> bytes, ProtoMessage message, ProtoField field)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new ProtoFormatException($"protobuf: {message.Name}.{field.Json} is not valid UTF-8");
        }
    }
}
