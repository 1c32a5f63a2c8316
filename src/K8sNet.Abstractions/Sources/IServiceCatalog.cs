namespace K8sNet;

/// <summary>
/// An endpoint source that can list the Services of a namespace, so that a misspelled name can be told apart from an
/// external one and the nearest existing name suggested. Implemented by the in-memory, Kubernetes and FakeCluster
/// sources; DNS cannot list.
/// </summary>
public interface IServiceCatalog
{
    /// <summary>The names of the Services in a namespace.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The names; empty when the namespace has none or does not exist.</returns>
    ValueTask<IReadOnlyList<string>> ListServiceNamesAsync(string @namespace, CancellationToken cancellationToken = default);
}
