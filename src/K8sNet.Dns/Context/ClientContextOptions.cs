namespace K8sNet.Dns;

/// <summary>How <see cref="ClientContext.FromEnvironment"/> finds this process's namespace, cluster domain, node and zone.</summary>
/// <remarks>
/// Defaults: namespace from <see cref="Namespace"/>, else the service-account namespace file, else
/// <c>POD_NAMESPACE</c>, else resolv.conf's first search entry (<c>&lt;ns&gt;.svc.&lt;zone&gt;</c>), else <c>default</c>;
/// cluster domain from <see cref="ClusterDomain"/>, else the search list, else <c>cluster.local</c>; node from
/// <c>K8SNET_NODE_NAME</c> (set it from the downward API's <c>spec.nodeName</c>); zone from <c>K8SNET_ZONE</c>.
/// </remarks>
public sealed class ClientContextOptions
{
    /// <summary>The namespace, overriding discovery. Default: discovered.</summary>
    public string? Namespace { get; set; }

    /// <summary>The cluster domain, overriding discovery. Default: discovered, else <c>cluster.local</c>.</summary>
    public string? ClusterDomain { get; set; }

    /// <summary>The node name, overriding the environment variable.</summary>
    public string? NodeName { get; set; }

    /// <summary>The zone, overriding the environment variable.</summary>
    public string? Zone { get; set; }

    /// <summary>The service-account namespace file. Default <c>/var/run/secrets/kubernetes.io/serviceaccount/namespace</c>.</summary>
    public string NamespaceFile { get; set; } = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>The environment variable holding the namespace. Default <c>POD_NAMESPACE</c>.</summary>
    public string NamespaceVariable { get; set; } = "POD_NAMESPACE";

    /// <summary>The environment variable holding the node name. Default <c>K8SNET_NODE_NAME</c>.</summary>
    public string NodeNameVariable { get; set; } = "K8SNET_NODE_NAME";

    /// <summary>The environment variable holding the zone. Default <c>K8SNET_ZONE</c>.</summary>
    public string ZoneVariable { get; set; } = "K8SNET_ZONE";

    /// <summary>The resolver configuration file. Default <c>/etc/resolv.conf</c>.</summary>
    public string ResolvConfPath { get; set; } = ResolvConf.DefaultPath;

    /// <summary>Whose stub-resolver rules name expansion follows. Default glibc.</summary>
    public ResolverFlavor ResolverFlavor { get; set; } = ResolverFlavor.Glibc;

    /// <summary>Reads an environment variable; replace in tests. Default <see cref="Environment.GetEnvironmentVariable(string)"/>.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; set; } = Environment.GetEnvironmentVariable;

    /// <summary>Reads a file, or returns <see langword="null"/> when it does not exist; replace in tests.</summary>
    public Func<string, string?> ReadFile { get; set; } = static path => File.Exists(path) ? File.ReadAllText(path) : null;
}
