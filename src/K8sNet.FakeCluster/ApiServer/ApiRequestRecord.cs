namespace K8sNet.Testing.ApiServer;

/// <summary>One request the fake API server answered.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="Query">The query string, with its <c>?</c>.</param>
/// <param name="StatusCode">The status code sent.</param>
public sealed record ApiRequestRecord(string Method, string Path, string Query, int StatusCode)
{
    /// <summary>When the request arrived (wall clock: network time, not the cluster's).</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Whether this was a watch request.</summary>
    public bool IsWatch => WatchQuery(Query);

    /// <summary>Whether this was a list (a GET of a collection that is not a watch; discovery excluded).</summary>
    public bool IsList { get; internal init; }

    internal static bool WatchQuery(string query) => query.Contains("watch=true", StringComparison.Ordinal) || query.Contains("watch=1", StringComparison.Ordinal);
}
