using System.Collections.Frozen;
using System.Reflection;
using k8s;
using k8s.Models;
using K8sNet.Gateway.Yaml;

namespace K8sNet.Gateway.GatewayApi;

/// <summary>
/// The Gateway API (gateway.networking.k8s.io, v1.6.1 standard channel) as K8sNet serves it: its group and version, and
/// loading manifests that mix its kinds with the core ones into typed objects (KubernetesClient's loader knows only
/// the core kinds).
/// </summary>
public static class GatewayApiKinds
{
    /// <summary>The API group.</summary>
    public const string Group = "gateway.networking.k8s.io";

    /// <summary>The <c>apiVersion</c> of every kind: <c>gateway.networking.k8s.io/v1</c>.</summary>
    public const string ApiVersion = Group + "/v1";

    // KubernetesClient's models and the Gateway API's, by (apiVersion, kind).
    private static readonly FrozenDictionary<(string ApiVersion, string Kind), Type> Models =
        typeof(V1Pod).Assembly.GetTypes().Concat(typeof(GatewayApiKinds).Assembly.GetTypes())
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<KubernetesEntityAttribute>()))
            .Where(x => x.Entity is not null && !x.Type.Name.EndsWith("List", StringComparison.Ordinal))
            .GroupBy(x => (string.IsNullOrEmpty(x.Entity!.Group) ? x.Entity.ApiVersion : $"{x.Entity.Group}/{x.Entity.ApiVersion}", x.Entity.Kind))
            .ToFrozenDictionary(g => g.Key, g => g.First().Type);

    private static readonly MethodInfo Deserialize = typeof(KubernetesJson).GetMethods()
        .Single(m => m.Name == nameof(KubernetesJson.Deserialize) && m.GetParameters() is [{ ParameterType: var p }, ..] && p == typeof(string));

    /// <summary>
    /// Reads manifests (documents separated by <c>---</c>) into typed objects: KubernetesClient's models for the core
    /// kinds, this namespace's for the Gateway API's (<see cref="V1Gateway"/>, <see cref="V1HTTPRoute"/>...).
    /// </summary>
    /// <param name="yaml">The manifests.</param>
    /// <returns>One object per document, in order.</returns>
    /// <exception cref="K8sNetFormatException">Not YAML, or a document of a kind neither knows (naming the document, its apiVersion and kind).</exception>
    public static IReadOnlyList<object> LoadAll(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var documents = YamlManifest.Parse(yaml);
        var result = new List<object>(documents.Count);
        for (var i = 0; i < documents.Count; i++)
        {
            var apiVersion = ManifestFields.Str(documents[i]["apiVersion"]);
            var kind = ManifestFields.Str(documents[i]["kind"]);
            if (apiVersion is null || kind is null || !Models.TryGetValue((apiVersion, kind), out var type))
            {
                throw new K8sNetFormatException($"{apiVersion}/{kind}", $"YAML document {i + 1} apiVersion/kind", "is not a kind KubernetesClient or the Gateway API (v1) defines");
            }

            result.Add(Deserialize.MakeGenericMethod(type).Invoke(null, [documents[i].ToJsonString(), null])!);
        }

        return result;
    }

    /// <summary>The model type of a kind: KubernetesClient's for the core kinds, this namespace's for the Gateway API's.</summary>
    /// <param name="apiVersion">The kind's <c>apiVersion</c>, e.g. <c>apps/v1</c> or <see cref="ApiVersion"/>.</param>
    /// <param name="kind">The kind, e.g. <c>Deployment</c>.</param>
    /// <param name="type">The model type when there is one.</param>
    /// <returns><see langword="false"/> for a kind neither defines.</returns>
    public static bool TryGetModelType(string apiVersion, string kind, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        Models.TryGetValue((apiVersion, kind), out type);

    /// <summary>An API object read as JSON (a manifest from <see cref="YamlManifest"/>, a stored object) as its model.</summary>
    /// <param name="json">The object, with its <c>apiVersion</c> and <c>kind</c>.</param>
    /// <returns>The typed object, or <see langword="null"/> for a kind without a model.</returns>
    public static object? ToModel(System.Text.Json.Nodes.JsonObject json) =>
        ManifestFields.Str(json["apiVersion"]) is { } apiVersion && ManifestFields.Str(json["kind"]) is { } kind && Models.TryGetValue((apiVersion, kind), out var type)
            ? Deserialize.MakeGenericMethod(type).Invoke(null, [json.ToJsonString(), null])
            : null;
}
