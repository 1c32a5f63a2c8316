using System.Collections.Frozen;
using System.Globalization;

namespace K8sNet.Testing.ApiServer.Protobuf;

/// <summary>What a value is on the protobuf wire.</summary>
internal enum ProtoKind
{
    String,
    Bytes,
    Bool,
    Int32,
    Int64,
    UInt32,
    UInt64,
    Double,
    Float,
    Message,
    Map,
}

/// <summary>
/// One field of a Kubernetes API type as its protobuf tag and its JSON tag define it. <see cref="Json"/> is empty for an
/// inlined struct (<c>json:",inline"</c>) that has a protobuf field of its own: its JSON fields sit in the parent's
/// object (a Volume's VolumeSource).
/// </summary>
internal sealed record ProtoField(
    string Json,
    int Number,
    bool Repeated,
    ProtoKind Kind,
    string? Message,
    ProtoKind KeyKind,
    ProtoKind ValueKind,
    string? ValueMessage,
    bool Pointer,
    bool OmitEmpty)
{
    /// <summary>Whether the field is an inlined struct (its JSON fields are the parent's).</summary>
    public bool Inline => Json.Length == 0;
}

/// <summary>A Kubernetes API type: its fields by number and by JSON name.</summary>
internal sealed class ProtoMessage(string name, IReadOnlyList<ProtoField> fields)
{
    public string Name { get; } = name;

    public FrozenDictionary<int, ProtoField> ByNumber { get; } = fields.ToFrozenDictionary(f => f.Number);

    public FrozenDictionary<string, ProtoField> ByJson { get; } = fields.Where(f => f.Json is not ("-" or "")).GroupBy(f => f.Json, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public IReadOnlyList<ProtoField> Fields { get; } = [.. fields.OrderBy(f => f.Number)];
}

/// <summary>
/// The protobuf wire contract of the built-in kinds the fake API server serves: every field's number, wire type and
/// JSON name, transcribed from the <c>protobuf</c> and <c>json</c> tags of k8s.io/api and k8s.io/apimachinery (the
/// commits are named in the schema file's header). Upstream's generated Go marshallers are the reference for how each
/// kind is encoded; this table is data, read once.
/// </summary>
internal static class ProtoSchema
{
    private static readonly Lazy<FrozenDictionary<string, ProtoMessage>> Messages = new(Load);

    /// <summary>The message called <paramref name="name"/> (<c>apps/v1.Deployment</c>), if the schema has it.</summary>
    public static ProtoMessage? Find(string name) => Messages.Value.GetValueOrDefault(name);

    /// <summary>Every message name.</summary>
    public static IEnumerable<string> Names => Messages.Value.Keys;

    /// <summary>
    /// The message of an object of <paramref name="apiVersion"/> and <paramref name="kind"/> (a list kind's too), or
    /// <see langword="null"/> when the kind has no protobuf form here (custom resources never do).
    /// </summary>
    public static ProtoMessage? ForKind(string apiVersion, string kind)
    {
        // metav1's kinds that every group version registers (AddToGroupVersion): a Status or DeleteOptions is
        // meta/v1's message whichever apiVersion it carries. Table has no protobuf form upstream (+protobuf=false).
        var package = kind switch
        {
            "Status" or "DeleteOptions" or "ListOptions" or "GetOptions" or "CreateOptions" or "UpdateOptions" or "PatchOptions" or "WatchEvent"
                or "APIResourceList" or "APIVersions" or "APIGroupList" or "APIGroup" when apiVersion is "v1" || apiVersion.Contains('/', StringComparison.Ordinal) => "meta/v1",
            "PartialObjectMetadata" or "PartialObjectMetadataList" when apiVersion is "meta.k8s.io/v1" or "v1" => "meta/v1",
            _ when apiVersion == "meta.k8s.io/v1" => "meta/v1",
            _ when apiVersion == "v1" => "core/v1",
            _ => GroupPackage(apiVersion),
        };
        return package is null ? null : Find($"{package}.{kind}");
    }

    private static string? GroupPackage(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var group = apiVersion[..slash];
        var version = apiVersion[(slash + 1)..];
        var short_ = group switch
        {
            "apps" or "batch" or "autoscaling" or "policy" => group,
            "discovery.k8s.io" => "discovery",
            "networking.k8s.io" => "networking",
            "rbac.authorization.k8s.io" => "rbac",
            "events.k8s.io" => "events",
            "apiextensions.k8s.io" => "apiextensions",
            _ => null,
        };
        return short_ is null ? null : $"{short_}/{version}";
    }

    private static FrozenDictionary<string, ProtoMessage> Load()
    {
        using var stream = typeof(ProtoSchema).Assembly.GetManifestResourceStream("K8sNet.Testing.ApiServer.Protobuf.schema.tsv")
            ?? throw new InvalidOperationException("The protobuf schema resource is missing from K8sNet.FakeCluster.");
        using var reader = new StreamReader(stream);
        var fields = new Dictionary<string, List<ProtoField>>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#' || line.StartsWith("message\t", StringComparison.Ordinal))
            {
                continue;
            }

            // message json number label kind type key value pointer omitempty
            var c = line.Split('\t');
            var (kind, message) = Kind(c[4], c[5]);
            var (keyKind, _) = c[6].Length == 0 ? (ProtoKind.String, null) : Kind(c[6], null);
            var (valueKind, valueMessage) = c[7].Length == 0 ? (ProtoKind.String, null) : Kind(c[7], null);
            var field = new ProtoField(c[1], int.Parse(c[2], CultureInfo.InvariantCulture), c[3] == "rep", kind, message, keyKind, valueKind, valueMessage, c[8] == "1", c[9] == "1");
            if (!fields.TryGetValue(c[0], out var list))
            {
                fields[c[0]] = list = [];
            }

            list.Add(field);
        }

        // Messages with no field of their own (FieldsV1 and the like are special-cased by name) still exist.
        return fields.ToFrozenDictionary(kv => kv.Key, kv => new ProtoMessage(kv.Key, kv.Value), StringComparer.Ordinal);
    }

    private static (ProtoKind Kind, string? Message) Kind(string kind, string? type) => kind switch
    {
        "string" => (ProtoKind.String, null),
        "bytes" => (ProtoKind.Bytes, null),
        "bool" => (ProtoKind.Bool, null),
        "int32" => (ProtoKind.Int32, null),
        "int64" => (ProtoKind.Int64, null),
        "uint32" => (ProtoKind.UInt32, null),
        "uint64" => (ProtoKind.UInt64, null),
        "double" => (ProtoKind.Double, null),
        "float" => (ProtoKind.Float, null),
        "map" => (ProtoKind.Map, null),
        "msg" => (ProtoKind.Message, type),
        _ when kind.StartsWith("msg:", StringComparison.Ordinal) => (ProtoKind.Message, kind[4..]),
        _ => throw new InvalidOperationException($"Protobuf schema: unknown kind '{kind}'."),
    };
}
