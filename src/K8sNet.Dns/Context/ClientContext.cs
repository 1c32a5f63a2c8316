namespace K8sNet.Dns;

/// <summary>
/// Who this process is in the cluster, for naming: its namespace, the cluster domain, its node and zone, and the
/// resolver configuration its names are expanded with.
/// </summary>
public sealed class ClientContext
{
    private ClientContext(string @namespace, string clusterDomain, ClientTopology topology, ResolvConf resolvConf, ResolverFlavor flavor)
    {
        Namespace = @namespace;
        ClusterDomain = clusterDomain;
        Topology = topology;
        ResolvConf = resolvConf;
        ResolverFlavor = flavor;
    }

    /// <summary>This process's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The cluster domain (lower case, no trailing dot).</summary>
    public string ClusterDomain { get; }

    /// <summary>This process's node and zone.</summary>
    public ClientTopology Topology { get; }

    /// <summary>The resolver configuration names are expanded with (a pod's ClusterFirst configuration by default).</summary>
    public ResolvConf ResolvConf { get; }

    /// <summary>Whose stub-resolver rules apply.</summary>
    public ResolverFlavor ResolverFlavor { get; }

    /// <summary>
    /// A context for a pod in <paramref name="namespace"/>, with the resolver configuration the kubelet writes for
    /// ClusterFirst pods unless <paramref name="resolvConf"/> is given.
    /// </summary>
    /// <param name="namespace">The namespace.</param>
    /// <param name="clusterDomain">The cluster domain.</param>
    /// <param name="topology">The node and zone.</param>
    /// <param name="resolvConf">The resolver configuration.</param>
    /// <param name="flavor">Whose stub-resolver rules apply.</param>
    /// <returns>The context.</returns>
    /// <exception cref="KubernetesNameException">The namespace or cluster domain is invalid.</exception>
    public static ClientContext Create(
        string @namespace,
        string clusterDomain = DnsNames.DefaultClusterDomain,
        ClientTopology? topology = null,
        ResolvConf? resolvConf = null,
        ResolverFlavor flavor = ResolverFlavor.Glibc)
    {
        KubernetesNames.ThrowIfInvalidDns1123Label(@namespace, "client namespace");
        var zone = DnsNames.NormalizeZone(clusterDomain);
        return new ClientContext(@namespace, zone, topology ?? ClientTopology.Unknown, resolvConf ?? ResolvConf.ForClusterFirstPod(@namespace, zone), flavor);
    }

    /// <summary>
    /// Discovers the context from the pod's environment (see <see cref="ClientContextOptions"/> for the order); outside a
    /// cluster it falls back to namespace <c>default</c> and <c>cluster.local</c>.
    /// </summary>
    /// <param name="options">Where to look; defaults when <see langword="null"/>.</param>
    /// <returns>The context.</returns>
    /// <exception cref="KubernetesNameException">A discovered or configured name is invalid.</exception>
    public static ClientContext FromEnvironment(ClientContextOptions? options = null)
    {
        options ??= new ClientContextOptions();
        var resolvText = options.ReadFile(options.ResolvConfPath);
        var fileConf = resolvText is null ? null : ResolvConf.Parse(resolvText);

        var clusterDomain = options.ClusterDomain ?? DomainFromSearch(fileConf) ?? DnsNames.DefaultClusterDomain;
        var zone = DnsNames.NormalizeZone(clusterDomain);

        var ns = NonEmpty(options.Namespace)
            ?? NonEmpty(options.ReadFile(options.NamespaceFile)?.Trim())
            ?? NonEmpty(options.GetEnvironmentVariable(options.NamespaceVariable)?.Trim())
            ?? NamespaceFromSearch(fileConf, zone)
            ?? "default";

        var node = NonEmpty(options.NodeName) ?? NonEmpty(options.GetEnvironmentVariable(options.NodeNameVariable)?.Trim());
        var zoneLabel = NonEmpty(options.Zone) ?? NonEmpty(options.GetEnvironmentVariable(options.ZoneVariable)?.Trim());

        // Use the pod's own resolv.conf when it is a cluster one; otherwise (a laptop, a test) what ClusterFirst would write.
        var conf = fileConf is not null && fileConf.Search.Contains($"svc.{zone}", StringComparer.OrdinalIgnoreCase)
            ? fileConf.WithEnvironment(options.GetEnvironmentVariable("LOCALDOMAIN"), options.GetEnvironmentVariable("RES_OPTIONS"))
            : null;
        return Create(ns, zone, new ClientTopology(node, zoneLabel), conf, options.ResolverFlavor);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"namespace {Namespace}, domain {ClusterDomain}, node {Topology.NodeName ?? "?"}, zone {Topology.Zone ?? "?"}";

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? DomainFromSearch(ResolvConf? conf)
    {
        if (conf is null)
        {
            return null;
        }

        foreach (var entry in conf.Search)
        {
            if (entry.StartsWith("svc.", StringComparison.OrdinalIgnoreCase) && entry.Length > 4)
            {
                return entry[4..];
            }
        }

        return null;
    }

    private static string? NamespaceFromSearch(ResolvConf? conf, string zone)
    {
        if (conf is null || conf.Search.IsEmpty)
        {
            return null;
        }

        var first = conf.Search[0];
        var suffix = $".svc.{zone}";
        if (first.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            var ns = first[..^suffix.Length].ToLowerInvariant();
            return KubernetesNames.IsDns1123Label(ns) ? ns : null;
        }

        return null;
    }
}
