using System.Globalization;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using K8sNet.Testing.ApiServer;
using K8sNet.Testing.ApiServer.Protobuf;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// For any object of a kind the API server serves, built field by field from the protobuf schema (every field may
/// appear, with values of its type, maps, lists, inlined structs and the types with a JSON form of their own), JSON →
/// protobuf → JSON is the identity up to the zero values Go's JSON encoder leaves out.
/// </summary>
public sealed class ProtobufProperties
{
    public static readonly IReadOnlyList<(string ApiVersion, string Kind)> ServedKinds =
        [.. ResourceType.All.Where(t => KubeProtobuf.Supports(t.ApiVersion, t.Kind)).Select(t => (t.ApiVersion, t.Kind))];

    [Fact]
    public void EveryBuiltInKindServed_HasAProtobufForm_AndCustomResourcesNone()
    {
        foreach (var type in ResourceType.All.Where(t => KindConversion.For(t) is null || KubeProtobuf.Supports(t.ApiVersion, t.Kind)))
        {
            Assert.True(KubeProtobuf.Supports(type.ApiVersion, type.Kind) != type.IsCustomResource, type.ToString());
            Assert.True(KubeProtobuf.Supports(type.ApiVersion, type.ListKind) != type.IsCustomResource, type.ListKind);
        }
    }

    [Property(MaxTest = 300)]
    public Property AnyObject_OfAServedKind_RoundTrips() =>
        Prop.ForAll(
            (from kind in Gen.Elements(ServedKinds.ToArray()) from seed in Gen.Choose(0, int.MaxValue) select (kind, seed)).ToArbitrary(),
            c =>
            {
                var obj = SchemaObjects.Of(c.kind.ApiVersion, c.kind.Kind, new Random(c.seed));
                var back = KubeProtobuf.DecodeObject(KubeProtobuf.EncodeObject(obj));
                var difference = ProtobufRoundTrip.Difference(obj, back, string.Empty);
                return (difference is null).Label($"{c.kind.Kind} (seed {c.seed}): {difference}");
            });

    [Fact]
    public void CustomResourceDefinitions_WithTheirRecursiveSchemas_RoundTrip()
    {
        // JSONSchemaProps in JSONSchemaProps, and the union types (a schema or a bool, a schema or a list, any JSON).
        for (var seed = 0; seed < 200; seed++)
        {
            var crd = SchemaObjects.Of("apiextensions.k8s.io/v1", "CustomResourceDefinition", new Random(seed));
            var back = KubeProtobuf.DecodeObject(KubeProtobuf.EncodeObject(crd));
            Assert.True(ProtobufRoundTrip.Difference(crd, back, string.Empty) is null, $"seed {seed}: {ProtobufRoundTrip.Difference(crd, back, string.Empty)}");
        }
    }

    [Fact]
    public void ListsOfGeneratedItems_RoundTrip()
    {
        var random = new Random(7);
        foreach (var (apiVersion, kind) in ServedKinds)
        {
            var items = Enumerable.Range(0, 3).Select(_ => SchemaObjects.Of(apiVersion, kind, random)).ToList();
            var metadata = new JsonObject { ["resourceVersion"] = "42", ["continue"] = "abc", ["remainingItemCount"] = 5 };
            var bytes = ProtoBytes.TryList(apiVersion, kind + "List", kind, metadata, items);
            Assert.NotNull(bytes);
            var list = KubeProtobuf.DecodeObject(bytes);
            Assert.Equal(kind + "List", list["kind"]!.GetValue<string>());
            Assert.Null(ProtobufRoundTrip.Difference(metadata, list["metadata"], "metadata"));
            var decoded = list["items"]!.AsArray();
            Assert.Equal(3, decoded.Count);
            for (var i = 0; i < 3; i++)
            {
                var item = items[i].DeepClone().AsObject();
                item.Remove("apiVersion"); // a list's items carry no TypeMeta on the wire
                item.Remove("kind");
                Assert.Null(ProtobufRoundTrip.Difference(item, decoded[i], $"{kind}[{i}]"));
            }
        }
    }
}

/// <summary>Random objects of a message, every field drawn from the protobuf schema with a value of its type.</summary>
internal static class SchemaObjects
{
    private const int MaxDepth = 7;

    public static JsonObject Of(string apiVersion, string kind, Random random)
    {
        var message = ProtoSchema.ForKind(apiVersion, kind)!;
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        Fill(obj, message, random, 0);
        return obj;
    }

    private static void Fill(JsonObject obj, ProtoMessage message, Random random, int depth)
    {
        foreach (var field in message.Fields)
        {
            if (field.Json == "-" || random.NextDouble() < 0.4)
            {
                continue;
            }

            if (field.Inline)
            {
                if (field.Kind == ProtoKind.Message && ProtoSchema.Find(field.Message!) is { } inner && depth < MaxDepth)
                {
                    Fill(obj, inner, random, depth + 1);
                }

                continue;
            }

            JsonNode? value = field.Kind == ProtoKind.Map ? Map(field, random, depth)
                : field.Repeated ? Array(field, random, depth)
                : Value(field.Kind, field.Message, random, depth);
            if (value is not null)
            {
                obj[field.Json] = value;
            }
        }
    }

    private static JsonObject Map(ProtoField field, Random random, int depth)
    {
        var map = new JsonObject();
        for (var i = random.Next(4); i > 0; i--)
        {
            if (Value(field.ValueKind, field.ValueMessage, random, depth) is { } value)
            {
                map[Text(random)] = value;
            }
        }

        return map;
    }

    private static JsonArray Array(ProtoField field, Random random, int depth)
    {
        var array = new JsonArray();
        for (var i = random.Next(4); i > 0; i--)
        {
            if (Value(field.Kind, field.Message, random, depth) is { } value)
            {
                array.Add(value);
            }
        }

        return array;
    }

    private static JsonNode? Value(ProtoKind kind, string? messageName, Random random, int depth) => kind switch
    {
        ProtoKind.String => JsonValue.Create(Text(random)),
        ProtoKind.Bytes => JsonValue.Create(Convert.ToBase64String(Enumerable.Range(0, random.Next(6)).Select(_ => (byte)random.Next(256)).ToArray())),
        ProtoKind.Bool => JsonValue.Create(random.Next(2) == 1),
        ProtoKind.Int32 => JsonValue.Create(random.Next(3) == 0 ? 0 : random.Next(int.MinValue, int.MaxValue)),
        ProtoKind.Int64 => JsonValue.Create(random.Next(3) == 0 ? 0 : random.NextInt64(long.MinValue, long.MaxValue)),
        ProtoKind.UInt32 => JsonValue.Create((uint)random.NextInt64(0, uint.MaxValue)),
        ProtoKind.UInt64 => JsonValue.Create(random.NextInt64(0, long.MaxValue)),
        ProtoKind.Double or ProtoKind.Float => JsonValue.Create(random.Next(-1000, 1000) / 8.0),
        ProtoKind.Message => Message(messageName!, random, depth),
        _ => null,
    };

    private static JsonNode? Message(string name, Random random, int depth)
    {
        switch (name)
        {
            case "meta/v1.Time":
                return JsonValue.Create(Instant(random).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            case "meta/v1.MicroTime":
                return JsonValue.Create(Instant(random).AddTicks(random.Next(1_000_000) * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            case "meta/v1.Duration":
                return JsonValue.Create(GoDuration.Format(random.NextInt64(-1_000_000_000_000, 1_000_000_000_000)));
            case "intstr.IntOrString":
                return random.Next(2) == 0 ? JsonValue.Create(random.Next(0, 65536)) : JsonValue.Create(Text(random) + "%");
            case "resource.Quantity":
                return JsonValue.Create(random.Next(4) switch { 0 => "100m", 1 => "1Gi", 2 => random.Next(1, 64).ToString(CultureInfo.InvariantCulture), _ => "2.5" });
            case "runtime.RawExtension":
            case "meta/v1.FieldsV1":
                return new JsonObject { ["f:" + Text(random)] = new JsonObject(), ["n"] = random.Next(100) };
            case "apiextensions/v1.JSON":
                return random.Next(3) switch { 0 => JsonValue.Create(Text(random)), 1 => JsonValue.Create(random.Next(100)), _ => new JsonObject { ["k"] = Text(random) } };
            case "apiextensions/v1.CustomResourceSubresourceStatus":
                return new JsonObject();
            case "apiextensions/v1.JSONSchemaPropsOrBool":
                return random.Next(3) == 0 && depth < MaxDepth ? Message("apiextensions/v1.JSONSchemaProps", random, depth + 1) : JsonValue.Create(random.Next(2) == 0);
            case "apiextensions/v1.JSONSchemaPropsOrArray":
                return random.Next(2) == 0 || depth >= MaxDepth
                    ? Message("apiextensions/v1.JSONSchemaProps", random, depth + 1) ?? new JsonObject()
                    : new JsonArray(Message("apiextensions/v1.JSONSchemaProps", random, depth + 1) ?? new JsonObject());
            case "apiextensions/v1.JSONSchemaPropsOrStringArray":
                return random.Next(2) == 0 ? new JsonArray(Text(random), Text(random)) : Message("apiextensions/v1.JSONSchemaProps", random, depth + 1) ?? new JsonObject();
        }

        if (depth >= MaxDepth || ProtoSchema.Find(name) is not { } message)
        {
            return null;
        }

        var obj = new JsonObject();
        Fill(obj, message, random, depth + 1);
        return obj;
    }

    private static DateTimeOffset Instant(Random random) =>
        DateTimeOffset.UnixEpoch.AddSeconds(random.NextInt64(946_684_800, 1_893_456_000)); // 2000 to 2030

    private static string Text(Random random)
    {
        const string alphabet = "abcxyz019-._/:é世 ";
        return new string([.. Enumerable.Range(0, random.Next(1, 10)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
    }
}
