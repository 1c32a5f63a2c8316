using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace K8sNet.Gateway.Yaml;

/// <summary>
/// Reads Kubernetes YAML manifests (several documents separated by <c>---</c>) into JSON objects of any kind, as
/// kubectl and the API server do (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 plain scalars (<c>0644</c> is 420,
/// <c>0x1F</c> is 31, <c>yes</c>/<c>on</c>/<c>off</c> are booleans, <c>~</c> is null), <c>&lt;&lt;</c> merge keys,
/// anchors and aliases; quoted, literal and folded scalars, and timestamps, stay strings. A key set twice keeps its last
/// value (<see cref="Read"/> reports it). Nesting deeper than <see cref="MaxDepth"/> and aliases that expand to most of
/// a large document are refused, as go-yaml refuses them.
/// </summary>
public static class YamlManifest
{
    /// <summary>
    /// The deepest nesting read (mappings and sequences). go-yaml's limit is 10,000; K8sNet's is lower so that no code
    /// that walks an object recursively can exhaust a thread's stack.
    /// </summary>
    public const int MaxDepth = 500;

    /// <summary>Parses every non-empty document.</summary>
    /// <param name="yaml">The manifests.</param>
    /// <returns>One JSON object per document.</returns>
    /// <exception cref="K8sNetFormatException">
    /// The text is not YAML (the message says what is wrong and where), a document is not a mapping, or it breaks a limit.
    /// </exception>
    public static IReadOnlyList<JsonObject> Parse(string yaml) => [.. Read(yaml).Select(d => d.Object)];

    /// <summary>Reads every non-empty document, with the keys each sets twice.</summary>
    /// <param name="yaml">The manifests.</param>
    /// <returns>One document per non-empty YAML document.</returns>
    /// <exception cref="K8sNetFormatException">As <see cref="Parse"/>.</exception>
    public static IReadOnlyList<ManifestDocument> Read(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new Parser(new StringReader(yaml));
        var result = new List<ManifestDocument>();
        var index = 0;
        try
        {
            parser.Consume<YamlDotNet.Core.Events.StreamStart>();
            while (!parser.TryConsume<YamlDotNet.Core.Events.StreamEnd>(out _))
            {
                index++;
                var (root, duplicates) = new YamlToJson(parser).ReadDocument();
                if (root is null)
                {
                    continue;
                }

                if (root is not JsonObject obj)
                {
                    throw new K8sNetFormatException(null, $"YAML document {index}", "must be a mapping (an object with apiVersion and kind)");
                }

                result.Add(new ManifestDocument(obj, duplicates));
            }
        }
        catch (YamlException ex)
        {
            var (line, what) = YamlToJson.Describe(ex);
            throw new K8sNetFormatException(null, "YAML manifest", $"yaml: line {line}: {what}",
                $"YAML manifest is not valid at line {line}, column {ex.Start.Column}: {what}.", ex);
        }
        catch (YamlReadException ex)
        {
            throw new K8sNetFormatException(null, "YAML manifest", ex.Message,
                $"YAML manifest document {index} is refused at line {ex.Line}, column {ex.Column}: {ex.Message}.", ex);
        }

        return result;
    }
}
