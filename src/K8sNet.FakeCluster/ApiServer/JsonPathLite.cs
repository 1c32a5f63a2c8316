using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The JSONPath subset CRD printer columns use (k8s.io/client-go/util/jsonpath without braces): <c>.a.b</c>,
/// <c>.a[0]</c>, <c>.a[*]</c>, <c>.a['b.c']</c> and filters <c>.a[?(@.type=="Ready")].status</c>.
/// </summary>
internal static class JsonPathLite
{
    public static List<JsonNode?> Find(JsonNode root, string path)
    {
        var current = new List<JsonNode?> { root };
        var i = 0;
        while (i < path.Length && current.Count > 0)
        {
            if (path[i] == '.')
            {
                i++;
                var start = i;
                while (i < path.Length && path[i] is not ('.' or '['))
                {
                    i++;
                }

                var name = path[start..i];
                if (name.Length > 0)
                {
                    current = [.. current.Select(n => (n as JsonObject)?[name]).Where(n => n is not null)];
                }
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return [];
                }

                var inner = path[(i + 1)..end];
                i = end + 1;
                if (inner == "*")
                {
                    current = [.. current.SelectMany(n => n as JsonArray ?? (IEnumerable<JsonNode?>)[])];
                }
                else if (int.TryParse(inner, System.Globalization.CultureInfo.InvariantCulture, out var index))
                {
                    current = [.. current.Select(n => n is JsonArray a && (index < 0 ? a.Count + index : index) is var k && k >= 0 && k < a.Count ? a[k] : null).Where(n => n is not null)];
                }
                else if (inner.StartsWith('\'') && inner.EndsWith('\''))
                {
                    var key = inner[1..^1];
                    current = [.. current.Select(n => (n as JsonObject)?[key]).Where(n => n is not null)];
                }
                else if (inner.StartsWith("?(@.", StringComparison.Ordinal) && inner.EndsWith(')'))
                {
                    // ?(@.field==value) with a quoted string or a bare value
                    var condition = inner[4..^1];
                    var eq = condition.IndexOf("==", StringComparison.Ordinal);
                    if (eq < 0)
                    {
                        return [];
                    }

                    var field = condition[..eq].Trim();
                    var want = condition[(eq + 2)..].Trim().Trim('"', '\'');
                    current = [.. current.SelectMany(n => n as JsonArray ?? (IEnumerable<JsonNode?>)[]).Where(item => item is JsonObject o && (Json.Str(o[field]) ?? o[field]?.ToJsonString()) == want)];
                }
                else
                {
                    return [];
                }
            }
            else
            {
                return [];
            }
        }

        return current;
    }
}
