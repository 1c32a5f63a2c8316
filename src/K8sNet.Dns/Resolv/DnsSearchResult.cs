namespace K8sNet.Dns;

/// <summary>The outcome of running a search: the names queried, in order, and the one that answered.</summary>
/// <param name="Queries">The absolute names queried, in order, up to and including the answering one.</param>
/// <param name="Answered">The name that gave a positive answer, or <see langword="null"/>.</param>
public sealed record DnsSearchResult(IReadOnlyList<string> Queries, string? Answered)
{
    /// <summary>Whether a query gave a positive answer.</summary>
    public bool Found => Answered is not null;
}
