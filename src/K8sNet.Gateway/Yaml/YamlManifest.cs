using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace K8sNet.Gateway.Yaml;

/// <summary>
/// Reads Kubernetes YAML manifests (several documents separated by <c>---</c>) into JSON objects of any kind, as the
/// API server's YAML-to-JSON conversion does: plain <c>true</c>/<c>false</c>, <c>null</c>/<c>~</c>, integers and floats
/// become JSON values; quoted and other scalars become strings.
/// </summary>
public static class YamlManifest
{
    /// <summary>Parses every non-empty document.</summary>
    /// <param name="yaml">The manifests.</param>
    /// <returns>One JSON object per document.</returns>
    /// <exception cref="K8sNetFormatException">The text is not YAML, or a document is not a mapping.</exception>
    public static IReadOnlyList<JsonObject> Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new K8sNetFormatException(null, "YAML manifest", $"line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}", innerException: ex);
        }

        var result = new List<JsonObject>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var root = stream.Documents[i].RootNode;
            if (root is YamlScalarNode { Value: null or "" })
            {
                continue;
            }

            if (Convert(root) is not JsonObject obj)
            {
                throw new K8sNetFormatException(null, $"YAML document {i + 1}", "must be a mapping (an object with apiVersion and kind)");
            }

            result.Add(obj);
        }

        return result;
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? string.Empty, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value ?? string.Empty);
        }

        switch (value)
        {
            case null or "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && value.Any(char.IsAsciiDigit))
        {
            return JsonValue.Create(d);
        }

        return JsonValue.Create(value);
    }
}
