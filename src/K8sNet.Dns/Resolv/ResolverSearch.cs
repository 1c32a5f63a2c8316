namespace K8sNet.Dns;

/// <summary>
/// Expands a name into the queries a pod's stub resolver sends, in order, applying the search list and ndots the way
/// glibc (<c>__res_context_search</c>) or musl does.
/// </summary>
/// <remarks>
/// <para>glibc, with <c>dots</c> the number of dots in the name:</para>
/// <list type="number">
/// <item>With <c>dots &gt;= ndots</c> or a trailing dot, the name is tried as written first; with a trailing dot that is final.</item>
/// <item>Otherwise (and after 1 when it fails), <c>name.domain</c> for each search domain in order.</item>
/// <item>If not yet tried and the search list does not hold the root, the name as written last — unless
/// <c>no-tld-query</c> is set and it has no dots.</item>
/// </list>
/// <para>musl searches only names with fewer than ndots dots and no trailing dot, then tries the name as written.</para>
/// <para>No name is queried twice. Every query is returned absolute (with a trailing dot), lower case kept as written.</para>
/// </remarks>
public static class ResolverSearch
{
    /// <summary>The queries, in order, that the resolver would send for <paramref name="name"/> if none answered.</summary>
    /// <param name="name">The name as an application wrote it.</param>
    /// <param name="conf">The resolver configuration (search list, ndots).</param>
    /// <param name="flavor">Whose rules to apply.</param>
    /// <returns>The absolute query names, in order, without duplicates.</returns>
    /// <exception cref="K8sNetFormatException">The name is empty or has an empty label.</exception>
    public static IReadOnlyList<string> Expand(string name, ResolvConf conf, ResolverFlavor flavor = ResolverFlavor.Glibc)
    {
        ArgumentNullException.ThrowIfNull(conf);
        ValidateName(name);
        var queries = new List<string>(conf.Search.Length + 1);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Add(string q)
        {
            if (seen.Add(q))
            {
                queries.Add(q);
            }
        }

        var trailing = name.EndsWith('.');
        var dots = name.AsSpan().Count('.');
        var asIs = trailing ? name : name + ".";

        if (flavor == ResolverFlavor.Musl)
        {
            if (!trailing && dots < conf.Ndots)
            {
                foreach (var domain in conf.Search)
                {
                    Add(Join(name, domain));
                }
            }

            Add(asIs);
            return queries;
        }

        var triedAsIs = false;
        if (dots >= conf.Ndots || trailing)
        {
            Add(asIs);
            triedAsIs = true;
            if (trailing)
            {
                return queries;
            }
        }

        var searched = false;
        var rootOnList = false;
        foreach (var domain in conf.Search)
        {
            searched = true;
            if (domain == ".")
            {
                rootOnList = true;
            }

            Add(Join(name, domain));
        }

        if ((dots > 0 || !searched || !conf.NoTldQuery) && !(triedAsIs || rootOnList))
        {
            Add(asIs);
        }

        return queries;
    }

    /// <summary>
    /// Runs the search against <paramref name="lookup"/>, stopping as the resolver stops: at the first positive answer,
    /// or at a failure other than NXDOMAIN, NODATA or SERVFAIL (glibc; musl stops at SERVFAIL too).
    /// </summary>
    /// <param name="name">The name as written.</param>
    /// <param name="conf">The resolver configuration.</param>
    /// <param name="lookup">Answers one absolute query name.</param>
    /// <param name="flavor">Whose rules to apply.</param>
    /// <returns>The names queried and the one that answered, if any.</returns>
    public static DnsSearchResult Run(string name, ResolvConf conf, Func<string, DnsLookupStatus> lookup, ResolverFlavor flavor = ResolverFlavor.Glibc)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var tried = new List<string>();
        foreach (var query in Expand(name, conf, flavor))
        {
            tried.Add(query);
            var status = lookup(query);
            if (status == DnsLookupStatus.Found)
            {
                return new DnsSearchResult(tried, query);
            }

            if (status == DnsLookupStatus.Failure || (status == DnsLookupStatus.ServerFailure && flavor == ResolverFlavor.Musl))
            {
                break;
            }
        }

        return new DnsSearchResult(tried, null);
    }

    private static string Join(string name, string domain) => domain == "." ? name + "." : $"{name}.{domain}.";

    private static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name == ".")
        {
            throw new K8sNetFormatException(name, "DNS name", "must not be empty");
        }

        var body = name.EndsWith('.') ? name.AsSpan(0, name.Length - 1) : name.AsSpan();
        if (body.IsEmpty || body[0] == '.' || body.Contains("..", StringComparison.Ordinal))
        {
            throw new K8sNetFormatException(name, "DNS name", "must not contain an empty label (a leading or doubled '.')");
        }
    }
}
