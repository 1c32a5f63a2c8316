using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Nodes;

namespace K8sNet.Testing.Selectors;

/// <summary>
/// A Kubernetes field selector (apimachinery <c>fields.ParseSelector</c>): comma-separated <c>field=value</c>,
/// <c>field==value</c> or <c>field!=value</c> terms, ANDed, with <c>\,</c>, <c>\=</c> and <c>\\</c> escapes; and the
/// fields each kind supports, as the API server's field label conversions define them.
/// </summary>
internal sealed class FieldSelector
{
    private static readonly FrozenSet<string> Meta = FrozenSet.Create(StringComparer.Ordinal, "metadata.name", "metadata.namespace");

    private static readonly FrozenDictionary<string, FrozenSet<string>> Fields = new Dictionary<string, FrozenSet<string>>
    {
        ["Pod"] = FrozenSet.Create(StringComparer.Ordinal,
            "metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
            "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName", "spec.host"),
        ["Node"] = FrozenSet.Create(StringComparer.Ordinal, "metadata.name", "spec.unschedulable"),
        ["Namespace"] = FrozenSet.Create(StringComparer.Ordinal, "metadata.name", "status.phase"),
        ["Service"] = FrozenSet.Create(StringComparer.Ordinal, "metadata.name", "metadata.namespace", "spec.clusterIP", "spec.type"),
        ["Event"] = FrozenSet.Create(StringComparer.Ordinal,
            "metadata.name", "metadata.namespace", "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private FieldSelector(ImmutableArray<(string Field, bool Equal, string Value)> terms, string text)
    {
        Terms = terms;
        Text = text;
    }

    /// <summary>The selector that matches everything.</summary>
    public static FieldSelector Everything { get; } = new([], string.Empty);

    /// <summary>The terms: field, whether it must equal (else differ), and value.</summary>
    public ImmutableArray<(string Field, bool Equal, string Value)> Terms { get; }

    /// <summary>The selector as given.</summary>
    public string Text { get; }

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The text; empty or <see langword="null"/> selects everything.</param>
    /// <returns>The selector.</returns>
    /// <exception cref="K8sNetFormatException">The text is not a field selector.</exception>
    public static FieldSelector Parse(string? text) => TryParse(text, out var s, out var e) ? s : throw e;

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The text.</param>
    /// <param name="selector">The selector when valid.</param>
    /// <param name="error">Why the text is not a selector.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out FieldSelector? selector, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        selector = null;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            selector = Everything;
            return true;
        }

        var terms = ImmutableArray.CreateBuilder<(string, bool, string)>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            var (field, op, raw) = SplitTerm(term);
            if (op is null)
            {
                error = new K8sNetFormatException(text, "fieldSelector", $"invalid selector: '{term}'; can't understand '{term}'");
                return false;
            }

            if (!TryUnescape(raw, out var value))
            {
                error = new K8sNetFormatException(text, "fieldSelector", "invalid field selector: unescaped character in value");
                return false;
            }

            terms.Add((field.Trim(), op != "!=", value));
        }

        selector = new FieldSelector(terms.ToImmutable(), text);
        return true;
    }

    /// <summary>Whether every field this selector uses can be selected on <paramref name="kind"/>.</summary>
    /// <param name="kind">The kind, e.g. <c>Pod</c>.</param>
    /// <param name="unsupported">The first unsupported field.</param>
    /// <returns><see langword="true"/> when all are supported.</returns>
    public bool IsSupportedFor(string kind, [NotNullWhen(false)] out string? unsupported)
    {
        var allowed = Fields.GetValueOrDefault(kind) ?? Meta;
        foreach (var (field, _, _) in Terms)
        {
            if (!allowed.Contains(field))
            {
                unsupported = field;
                return false;
            }
        }

        unsupported = null;
        return true;
    }

    /// <summary>Whether an object matches.</summary>
    /// <param name="obj">The object as JSON.</param>
    /// <returns><see langword="true"/> when every term holds.</returns>
    public bool Matches(JsonObject obj)
    {
        foreach (var (field, equal, value) in Terms)
        {
            var actual = Value(obj, field);
            if ((actual == value) != equal)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>The string value of a selectable field in an object, as the API server compares it.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="field">The field path, e.g. <c>spec.nodeName</c>.</param>
    /// <returns>The value; <c>""</c> when absent.</returns>
    public static string Value(JsonObject obj, string field)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (field == "spec.host")
        {
            field = "spec.nodeName";
        }

        if (field == "source" && obj["involvedObject"] is not null)
        {
            // An event's source: its source.component, else its reportingComponent (the events.k8s.io writers').
            return obj["source"]?["component"] is JsonValue component && component.GetValue<string>() is { Length: > 0 } c ? c : obj["reportingComponent"]?.GetValue<string>() ?? string.Empty;
        }

        if (field == "status.podIPs")
        {
            return obj["status"]?["podIPs"] is JsonArray ips ? string.Join(',', ips.Select(i => i?["ip"]?.GetValue<string>())) : string.Empty;
        }

        JsonNode? node = obj;
        foreach (var part in field.Split('.'))
        {
            node = node?[part];
        }

        return node switch
        {
            null => field is "spec.hostNetwork" or "spec.unschedulable" ? "false" : string.Empty,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };
    }

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
                continue;
            }

            if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static (string Field, string? Op, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            if (term[i] == '!' && i + 1 < term.Length && term[i + 1] == '=')
            {
                return (term[..i], "!=", term[(i + 2)..]);
            }

            if (term[i] == '=')
            {
                return i + 1 < term.Length && term[i + 1] == '='
                    ? (term[..i], "==", term[(i + 2)..])
                    : (term[..i], "=", term[(i + 1)..]);
            }
        }

        return (term, null, string.Empty);
    }

    private static bool TryUnescape(string raw, out string value)
    {
        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                if (i + 1 >= raw.Length || raw[i + 1] is not ('\\' or ',' or '='))
                {
                    value = string.Empty;
                    return false;
                }

                sb.Append(raw[++i]);
                continue;
            }

            if (c is ',' or '=')
            {
                value = string.Empty;
                return false;
            }

            sb.Append(c);
        }

        value = sb.ToString();
        return true;
    }
}
