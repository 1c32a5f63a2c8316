namespace K8sNet.Dns;

/// <summary>Which C library's stub resolver rules to apply to search and ndots.</summary>
public enum ResolverFlavor
{
    /// <summary>
    /// glibc (Debian, Ubuntu, RHEL images; what getaddrinfo uses there): a name with at least ndots dots is tried as
    /// written first and then searched; a name with fewer is searched first and tried as written last.
    /// </summary>
    Glibc = 0,

    /// <summary>
    /// musl (Alpine images): only a name with fewer than ndots dots is searched; one with ndots or more dots is only
    /// tried as written.
    /// </summary>
    Musl = 1,
}
