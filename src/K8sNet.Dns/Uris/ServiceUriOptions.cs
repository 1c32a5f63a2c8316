namespace K8sNet.Dns;

/// <summary>Which names a <see cref="ServiceUriResolver"/> turns into Services.</summary>
public sealed class ServiceUriOptions
{
    /// <summary>
    /// The namespaces whose Services URIs may name. Default: empty, meaning only the client's own namespace. Add
    /// <c>*</c> to allow every namespace.
    /// </summary>
    /// <remarks>
    /// The limit keeps ordinary hosts ordinary: <c>http://example.com</c> would otherwise name Service <c>example</c> in
    /// namespace <c>com</c> (the search path tries <c>example.com.svc.cluster.local</c>).
    /// </remarks>
    [NamespaceList]
    public ISet<string> AllowedNamespaces { get; } = new HashSet<string>(StringComparer.Ordinal);
}
