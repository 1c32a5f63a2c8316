using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Gateway.Yaml;
using K8sNet.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace K8sNet.Testing.ApiServer;

/// <summary>What a body's reader found besides the object: fields set twice.</summary>
/// <param name="JsonDuplicates">From a JSON body, in document order.</param>
/// <param name="YamlDuplicates">From a YAML body, in go-yaml's words.</param>
/// <param name="OfPatch">
/// The duplicates are the patch's, and the object checked is the patched one: they come first, then the unknown fields
/// of the object as JSON (keys sorted), as upstream reports them; otherwise duplicates and unknown fields interleave in
/// document order.
/// </param>
internal sealed record BodyFindings(IReadOnlyList<JsonDuplicate> JsonDuplicates, IReadOnlyList<ManifestDuplicateKey> YamlDuplicates, bool OfPatch)
{
    public static readonly BodyFindings None = new([], [], OfPatch: true);

    /// <summary>Problems said before all others: a JSON patch's operations' own unknown and duplicate fields.</summary>
    public IReadOnlyList<string> Leading { get; init; } = [];
}

/// <summary>
/// Unknown and duplicate fields in a written object, found as the API server finds them (the typed decoder does not
/// know them; the body set them twice) and handled per <c>fieldValidation</c>: <c>Ignore</c> drops them; <c>Warn</c>
/// (the default) drops them and adds a <c>Warning</c> header per field; <c>Strict</c> rejects the request with 400
/// naming them all. Messages and their order are upstream's (test/integration/apiserver/field_validation_test.go).
/// Kinds without a KubernetesClient model (the Gateway API kinds until they get theirs) have their duplicates checked only.
/// </summary>
internal static class FieldValidation
{
    private static readonly MethodInfo DeserializeNode = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.GetParameters()[0].ParameterType == typeof(JsonNode));

    public static string Mode(HttpContext context)
    {
        var mode = (string?)context.Request.Query["fieldValidation"] ?? "Warn";
        return mode is "Ignore" or "Warn" or "Strict" ? mode : throw KubernetesStatusException.BadRequest($"fieldValidation parameter unsupported: {mode}");
    }

    /// <summary>Server-side apply reads its body as YAML first: fields set twice fail or warn there, before any other check.</summary>
    public static void CheckApplyDuplicates(HttpContext context, IReadOnlyList<ManifestDuplicateKey> duplicates)
    {
        var mode = Mode(context);
        if (duplicates.Count == 0 || mode == "Ignore")
        {
            return;
        }

        if (mode == "Strict")
        {
            throw KubernetesStatusException.BadRequest($"error strict decoding YAML: error converting YAML to JSON: {YamlErrors(duplicates)}");
        }

        foreach (var d in duplicates)
        {
            Warn(context, d.ToString());
        }
    }

    public static void Check(HttpContext context, ResourceType type, JsonObject obj, BodyFindings? findings = null) =>
        Check(Mode(context), type, obj, findings ?? BodyFindings.None, text => Warn(context, text));

    /// <summary>The check itself: <paramref name="mode"/> Ignore, Warn (each problem to <paramref name="warn"/>) or Strict.</summary>
    public static void Check(string mode, ResourceType type, JsonObject obj, BodyFindings findings, Action<string> warn)
    {
        if (type == ResourceType.Secret)
        {
            // A Secret's data is []byte: Go's JSON decoder reads each value as base64 and stops at the first bad byte.
            foreach (var (_, value) in obj["data"] as JsonObject ?? [])
            {
                if (K8sNet.Testing.Cluster.KindDefaults.Base64Error(Json.Str(value) ?? string.Empty) is { } at)
                {
                    throw KubernetesStatusException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: illegal base64 data at input byte {at}");
                }
            }
        }

        // Quantities (container resources, node capacity, HPA targets, ...) are resource.Quantity: Go's decoder refuses
        // what does not parse, before validation, and what it keeps is written back in canonical form.
        if (QuantityFields.Canonicalize(type.ApiVersion, type.Kind, obj) is { } quantityError)
        {
            throw KubernetesStatusException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {quantityError}");
        }

        if (type.Definition?.Schema is { } crdSchema)
        {
            // A CRD's kind: the fields its structural schema does not declare (pruned unless Strict refuses them).
            var found = new List<string>(findings.Leading);
            found.AddRange(findings.JsonDuplicates.Select(d => $"duplicate field \"{d.Path}\""));
            found.AddRange(K8sNet.Testing.Cluster.CrdSchema.Unknown(obj, crdSchema).Select(p => $"unknown field \"{p}\""));
            if (mode == "Strict" && (found.Count > 0 || findings.YamlDuplicates.Count > 0))
            {
                var parts = findings.YamlDuplicates.Count > 0 ? [YamlErrors(findings.YamlDuplicates), .. found] : found;
                throw KubernetesStatusException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", parts)}");
            }

            if (mode != "Ignore")
            {
                foreach (var warning in findings.YamlDuplicates.Select(d => d.ToString()).Concat(found))
                {
                    warn(warning);
                }
            }

            return;
        }

        var hasModel = GatewayApiKinds.TryGetModelType(type.ApiVersion, type.Kind, out var model);
        if (mode == "Ignore" && !hasModel)
        {
            return; // nothing to drop, nothing to say
        }

        var problems = new List<string>(findings.Leading);
        if (!hasModel || model is null)
        {
            problems.AddRange(findings.JsonDuplicates.Select(d => $"duplicate field \"{d.Path}\""));
        }
        else
        {
            JsonNode? known;
            try
            {
                var typed = DeserializeNode.MakeGenericMethod(model).Invoke(null, [obj, null]);
                known = typed is null ? null : JsonNode.Parse(KubernetesJson.Serialize(typed));
            }
            catch (TargetInvocationException ex) when (ex.InnerException is JsonException or FormatException or InvalidOperationException)
            {
                throw KubernetesStatusException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: {ex.InnerException.Message}");
            }

            Dictionary<JsonObject, List<JsonDuplicate>>? inPlace = null;
            if (findings.OfPatch)
            {
                problems.AddRange(findings.JsonDuplicates.Select(d => $"duplicate field \"{d.Path}\""));
            }
            else
            {
                inPlace = new Dictionary<JsonObject, List<JsonDuplicate>>(ReferenceEqualityComparer.Instance);
                foreach (var d in findings.JsonDuplicates)
                {
                    (CollectionsMarshal.GetValueRefOrAddDefault(inPlace, d.Owner, out _) ??= []).Add(d);
                }
            }

            var walk = new Walk(problems, mode != "Strict", Sorted: findings.OfPatch || findings.YamlDuplicates.Count > 0, inPlace);
            walk.Compare(obj, known, string.Empty);
        }

        if (mode == "Ignore" || (problems.Count == 0 && findings.YamlDuplicates.Count == 0))
        {
            return;
        }

        if (mode == "Strict")
        {
            var parts = findings.YamlDuplicates.Count > 0 ? [YamlErrors(findings.YamlDuplicates), .. problems] : problems;
            throw KubernetesStatusException.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", parts)}");
        }

        foreach (var warning in findings.YamlDuplicates.Select(d => d.ToString()).Concat(problems))
        {
            warn(warning);
        }
    }

    private static string YamlErrors(IReadOnlyList<ManifestDuplicateKey> duplicates) =>
        "yaml: unmarshal errors:\n  " + string.Join("\n  ", duplicates.Select(d => d.ToString()));

    /// <summary>The warnings a kind's registry strategy gives on create (WarningsOnCreate): the deprecated Ingress class annotation.</summary>
    public static void WarnOnCreate(HttpContext context, ResourceType type, JsonObject obj)
    {
        if (type == ResourceType.Ingress && K8sNet.Testing.Cluster.ObjectValidation.IngressCreateWarning(obj) is { } warning)
        {
            Warn(context, warning);
        }
    }

    private static void Warn(HttpContext context, string text) =>
        context.Response.Headers.Append("Warning", $"299 - \"{text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"");

    // Every property of the input that the typed round trip lost is unknown (null values are not: they are omitted). A
    // field set twice is reported where its second value stood, unless it is unknown (the decoder skips those whole).
    private sealed record Walk(List<string> Problems, bool Remove, bool Sorted, Dictionary<JsonObject, List<JsonDuplicate>>? InPlace)
    {
        public void Compare(JsonNode? given, JsonNode? known, string path)
        {
            switch (given)
            {
                case JsonObject o:
                    var k = known as JsonObject;
                    var properties = o.ToList();
                    var duplicates = InPlace is not null && InPlace.TryGetValue(o, out var d) ? d : null;
                    var order = Sorted ? properties.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : properties;
                    for (var i = 0; i < order.Count; i++)
                    {
                        var (name, value) = order[i];
                        var childPath = path.Length == 0 ? name : $"{path}.{name}";
                        if (value is not null)
                        {
                            if (k is null || !k.TryGetPropertyValue(name, out var knownValue))
                            {
                                // Maps (labels, selectors...) round-trip whole; a missing key under a known object is unknown.
                                Problems.Add($"unknown field \"{childPath}\"");
                                if (Remove)
                                {
                                    o.Remove(name);
                                }
                            }
                            else
                            {
                                Compare(value, knownValue, childPath);
                            }
                        }

                        foreach (var dup in duplicates?.Where(x => x.After == i + 1 && k is not null && k.ContainsKey(x.Key)) ?? [])
                        {
                            Problems.Add($"duplicate field \"{dup.Path}\"");
                        }
                    }

                    break;
                case JsonArray a:
                    var ka = known as JsonArray;
                    for (var i = 0; i < a.Count; i++)
                    {
                        Compare(a[i], ka is not null && i < ka.Count ? ka[i] : null, $"{path}[{i}]");
                    }

                    break;
            }
        }
    }
}
