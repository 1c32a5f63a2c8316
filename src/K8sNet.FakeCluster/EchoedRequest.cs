namespace K8sNet.Testing;

/// <summary>A request an echo pod answered (<see cref="FakeCluster.EchoedRequests"/>).</summary>
/// <param name="Namespace">The pod's namespace.</param>
/// <param name="Pod">The pod's name.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The path and query as the pod received them.</param>
/// <param name="Host">The Host header.</param>
/// <param name="Headers">The request and content headers.</param>
/// <param name="ReceivedAt">When it arrived (the cluster's clock).</param>
public sealed record EchoedRequest(
    string Namespace,
    string Pod,
    string Method,
    string PathAndQuery,
    string? Host,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Headers,
    DateTimeOffset ReceivedAt)
{
    /// <summary>A header's values, or none.</summary>
    /// <param name="name">The header (any case).</param>
    /// <returns>Its values.</returns>
    public IReadOnlyList<string> Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}
