using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace K8sNet.Testing.Store;

/// <summary>
/// The kinds one cluster serves: the built-in ones (<see cref="ResourceType.All"/>) and those its
/// CustomResourceDefinitions add while it runs. Readers see one consistent snapshot; a change replaces it whole.
/// </summary>
internal sealed class KindRegistry
{
    private Snapshot _snapshot = new([.. ResourceType.All]);

    /// <summary>Every kind served now, built-in first.</summary>
    public IReadOnlyList<ResourceType> All => Volatile.Read(ref _snapshot).Types;

    /// <summary>The kind of an <c>apiVersion</c> and <c>kind</c>, when served.</summary>
    public bool TryFind(string? apiVersion, string? kind, [NotNullWhen(true)] out ResourceType? type)
    {
        type = null;
        return apiVersion is not null && kind is not null && Volatile.Read(ref _snapshot).ByKind.TryGetValue((apiVersion, kind), out type);
    }

    /// <summary>The kind a group, version and plural name serve, when served.</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        Volatile.Read(ref _snapshot).ByPath.GetValueOrDefault((group, version, plural));

    /// <summary>Replaces the kinds custom resource definitions serve (the built-in ones stay).</summary>
    public void SetCustom(IEnumerable<ResourceType> custom) =>
        Volatile.Write(ref _snapshot, new Snapshot([.. ResourceType.All, .. custom]));

    private sealed class Snapshot(ResourceType[] types)
    {
        public ResourceType[] Types { get; } = types;

        public FrozenDictionary<(string ApiVersion, string Kind), ResourceType> ByKind { get; } =
            types.GroupBy(t => (t.ApiVersion, t.Kind)).ToFrozenDictionary(g => g.Key, g => g.First());

        public FrozenDictionary<(string Group, string Version, string Plural), ResourceType> ByPath { get; } =
            types.GroupBy(t => (t.Group, t.Version, t.Plural)).ToFrozenDictionary(g => g.Key, g => g.First());
    }
}
