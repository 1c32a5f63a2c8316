using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace K8sNet.Gateway.Yaml;

/// <summary>
/// One YAML document to JSON, from the parser's events with a stack of its own (no recursion over the input's depth),
/// resolving plain scalars as go-yaml v2 does and bounding depth and alias expansion as it does.
/// </summary>
internal sealed partial class YamlToJson(IParser parser)
{
    private const string StrTag = "tag:yaml.org,2002:str";
    private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);
    private readonly List<ManifestDuplicateKey> _duplicates = [];
    private readonly List<Frame> _stack = [];
    private long _decodes;
    private long _aliased;

    /// <summary>Reads from a document start to its end.</summary>
    /// <returns>The root (<see langword="null"/> for an empty document) and the keys set twice.</returns>
    public (JsonNode? Root, IReadOnlyList<ManifestDuplicateKey> Duplicates) ReadDocument()
    {
        parser.Consume<DocumentStart>();
        JsonNode? root = null;
        while (true)
        {
            var ev = parser.Consume<ParsingEvent>();
            switch (ev)
            {
                case DocumentEnd:
                    return (root, _duplicates);
                case Scalar scalar:
                    _decodes++;
                    var isMergeKey = scalar.Style == ScalarStyle.Plain && scalar.Value == "<<";
                    Complete(ref root, Resolve(scalar), 0, 1, scalar.Anchor, scalar, isMergeKey);
                    break;
                case AnchorAlias alias:
                    Complete(ref root, Expand(alias, out var height, out var count), height, count, AnchorName.Empty, alias, false);
                    break;
                case MappingStart map:
                    Open(new Frame(new JsonObject(), null, map.Anchor, _decodes), map);
                    break;
                case SequenceStart seq:
                    Open(new Frame(null, [], seq.Anchor, _decodes), seq);
                    break;
                case MappingEnd or SequenceEnd:
                    var frame = _stack[^1];
                    _stack.RemoveAt(_stack.Count - 1);
                    Complete(ref root, (JsonNode?)frame.Map ?? frame.Seq, frame.Height + 1, _decodes - frame.StartDecodes, frame.Anchor, ev, false);
                    break;
            }
        }
    }

    /// <summary>go-yaml's words for a syntax error: the line and what is wrong, without YamlDotNet's "While parsing..." preamble.</summary>
    /// <param name="ex">The error.</param>
    /// <returns>The line (1-based) and the text.</returns>
    public static (long Line, string What) Describe(YamlException ex)
    {
        var what = ex.Message;
        var start = what.IndexOf("): ", StringComparison.Ordinal); // "(Line: 5, Col: 8, Idx: 40) - (Line: ...): message"
        if (what.StartsWith("(Line", StringComparison.Ordinal) && start >= 0)
        {
            what = what[(start + 3)..];
        }

        if (what.StartsWith("While ", StringComparison.Ordinal) && what.IndexOf(", ", StringComparison.Ordinal) is var comma and > 0)
        {
            what = what[(comma + 2)..];
        }

        what = what.TrimEnd('.', ' ');
        if (what.Length > 0)
        {
            what = char.ToLowerInvariant(what[0]) + what[1..];
        }

        return (ex.Start.Line, what);
    }

    private void Open(Frame frame, ParsingEvent ev)
    {
        _decodes++;
        if (_stack.Count + 1 > YamlManifest.MaxDepth)
        {
            throw Fail(ev, $"exceeded max depth of {YamlManifest.MaxDepth}");
        }

        if (!frame.Anchor.IsEmpty)
        {
            _open.Add(frame.Anchor.Value);
        }

        frame.StartDecodes = _decodes - 1;
        _stack.Add(frame);
    }

    private JsonNode? Expand(AnchorAlias alias, out int height, out long count)
    {
        var name = alias.Value.Value;
        if (!_anchors.TryGetValue(name, out var anchored))
        {
            throw Fail(alias, _open.Contains(name) ? $"anchor '{name}' value contains itself" : $"unknown anchor '{name}' referenced");
        }

        // go-yaml counts the alias and every node of what it stands for, and stops a document that is mostly expansion.
        _decodes += 1 + anchored.Count;
        _aliased += anchored.Count;
        if (_aliased > 100 && _decodes > 1000 && (double)_aliased / _decodes > AllowedAliasRatio(_decodes))
        {
            throw Fail(alias, "document contains excessive aliasing");
        }

        if (_stack.Count + anchored.Height > YamlManifest.MaxDepth)
        {
            throw Fail(alias, $"exceeded max depth of {YamlManifest.MaxDepth}");
        }

        height = anchored.Height;
        count = 1 + anchored.Count;
        return anchored.Node?.DeepClone();
    }

    // 99% of a small document may come from aliases, scaling down to 10% from 400,000 to 4,000,000 nodes (go-yaml).
    private static double AllowedAliasRatio(long decodes) => decodes switch
    {
        <= 400_000 => 0.99,
        >= 4_000_000 => 0.10,
        _ => 0.99 - (0.89 * ((decodes - 400_000) / 3_600_000.0)),
    };

    private void Complete(ref JsonNode? root, JsonNode? value, int height, long count, AnchorName anchor, ParsingEvent ev, bool isMergeKey)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = new Anchored(value, count, height);
            _open.Remove(anchor.Value);
        }

        if (_stack.Count == 0)
        {
            root = value;
            return;
        }

        var frame = _stack[^1];
        frame.Height = Math.Max(frame.Height, height);
        if (frame.Seq is { } seq)
        {
            seq.Add(value);
            return;
        }

        var map = frame.Map!;
        if (!frame.HasKey)
        {
            if (value is JsonObject or JsonArray)
            {
                throw Fail(ev, $"invalid map key: {value.ToJsonString()}");
            }

            frame.Key = KeyText(value);
            frame.KeyIsMerge = isMergeKey;
            frame.KeyLine = (int)ev.Start.Line;
            frame.HasKey = true;
            return;
        }

        frame.HasKey = false;
        if (frame.KeyIsMerge)
        {
            Merge(map, value, ev);
            return;
        }

        var key = frame.Key!;
        if (!(frame.Explicit ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
        {
            _duplicates.Add(new ManifestDuplicateKey(frame.KeyLine, key, PathTo(key)));
        }

        map[key] = value;
    }

    // go-yaml v2 merges at the merge key's place: what it merges replaces keys set before it, later keys replace it; of
    // a sequence of mappings, the first wins.
    private static void Merge(JsonObject map, JsonNode? value, ParsingEvent ev)
    {
        IEnumerable<JsonObject> sources = value switch
        {
            JsonObject single => [single],
            JsonArray list when list.All(i => i is JsonObject) => list.Cast<JsonObject>().Reverse(),
            _ => throw Fail(ev, "map merge requires map or sequence of maps as the value"),
        };

        foreach (var source in sources)
        {
            foreach (var (k, v) in source)
            {
                map[k] = v?.DeepClone();
            }
        }
    }

    private string PathTo(string key)
    {
        var path = new System.Text.StringBuilder();
        for (var i = 0; i < _stack.Count - 1; i++)
        {
            var f = _stack[i];
            if (f.Seq is not null)
            {
                path.Append('[').Append(f.Seq.Count).Append(']');
            }
            else
            {
                path.Append(path.Length == 0 ? string.Empty : ".").Append(f.Key);
            }
        }

        return path.Length == 0 ? key : $"{path}.{key}";
    }

    // sigs.k8s.io/yaml writes non-string keys as JSON object keys in their text form.
    private static string KeyText(JsonNode? key) => key switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("R", CultureInfo.InvariantCulture),
        _ => key.ToJsonString(),
    };

    private static JsonValue? Resolve(Scalar scalar)
    {
        var value = scalar.Value;
        var tag = scalar.Tag.IsEmpty ? string.Empty : scalar.Tag.Value;
        if (tag == StrTag || (scalar.Style != ScalarStyle.Plain && !tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal)) || tag.EndsWith(":timestamp", StringComparison.Ordinal) || tag.EndsWith(":binary", StringComparison.Ordinal))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "y" or "Y" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "n" or "N" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "false" or "False" or "FALSE":
                return JsonValue.Create(false);
            case ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" or "-.inf" or "-.Inf" or "-.INF" or ".nan" or ".NaN" or ".NAN":
                throw Fail(scalar, $"json: unsupported value: {(value.StartsWith('-') ? "-Inf" : value.Contains("na", StringComparison.OrdinalIgnoreCase) ? "NaN" : "+Inf")}");
        }

        if (value[0] is '+' or '-' or '.' or (>= '0' and <= '9'))
        {
            var plain = value.Replace("_", string.Empty, StringComparison.Ordinal);
            if (GoInteger.TryParse(plain, out var negative, out var magnitude) && (!negative || magnitude <= (ulong)long.MaxValue + 1))
            {
                return negative
                    ? JsonValue.Create(magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude)
                    : magnitude <= long.MaxValue ? JsonValue.Create((long)magnitude) : JsonValue.Create(magnitude);
            }

            if (YamlFloat().IsMatch(plain) && double.TryParse(plain, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                return JsonValue.Create(d);
            }
        }

        return JsonValue.Create(value);
    }

    private static YamlReadException Fail(ParsingEvent ev, string what) => new(what.StartsWith("json:", StringComparison.Ordinal) ? what : $"yaml: {what}", ev.Start.Line, ev.Start.Column);

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex YamlFloat();

    private readonly record struct Anchored(JsonNode? Node, long Count, int Height);

    private sealed class Frame(JsonObject? map, JsonArray? seq, AnchorName anchor, long startDecodes)
    {
        public JsonObject? Map { get; } = map;

        public JsonArray? Seq { get; } = seq;

        public AnchorName Anchor { get; } = anchor;

        public long StartDecodes { get; set; } = startDecodes;

        public int Height { get; set; }

        public bool HasKey { get; set; }

        public string? Key { get; set; }

        public bool KeyIsMerge { get; set; }

        public int KeyLine { get; set; }

        public HashSet<string>? Explicit { get; set; }
    }
}

/// <summary>A document go-yaml (or sigs.k8s.io/yaml's JSON conversion) refuses, with its words and where.</summary>
internal sealed class YamlReadException(string goText, long line, long column) : Exception(goText)
{
    public long Line { get; } = line;

    public long Column { get; } = column;
}
