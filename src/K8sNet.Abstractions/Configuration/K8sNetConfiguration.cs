using Microsoft.Extensions.Configuration;

namespace K8sNet;

/// <summary>
/// The configuration section K8sNet's packages bind their options from, registered by
/// <c>services.AddK8sNet(builder.Configuration.GetSection("K8sNet"))</c>. Each package reads its own subsection
/// (<c>Routing</c>, <c>Clients:&lt;name&gt;</c>, <c>Grpc</c>, <c>Kubernetes</c>, <c>Dns</c>, <c>ClientContext</c>,
/// <c>ServiceDiscovery</c>, <c>Yarp</c>), and <c>AllowedNamespaces</c> applies to every client.
/// </summary>
public sealed class K8sNetConfiguration
{
    /// <summary>Creates the holder.</summary>
    /// <param name="section">The section, usually <c>K8sNet</c> of the app's configuration.</param>
    public K8sNetConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        Section = section;
        Path = section is IConfigurationSection s ? s.Path : string.Empty;
    }

    /// <summary>The section.</summary>
    public IConfiguration Section { get; }

    /// <summary>The section's path in the app's configuration (<c>K8sNet</c>), empty for a root.</summary>
    public string Path { get; }

    /// <summary>A subsection, e.g. <c>Routing</c> or <c>Clients:orders</c>.</summary>
    /// <param name="key">The subsection's key under this section.</param>
    /// <returns>The subsection (empty when absent).</returns>
    public IConfigurationSection GetSection(string key) => Section.GetSection(key);

    /// <summary>The full key of a setting, as a user writes it in appsettings.json terms: <c>K8sNet:Routing:MaxRetries</c>.</summary>
    /// <param name="key">The key under this section.</param>
    /// <returns>The full key.</returns>
    public string FullKey(string key) => Path.Length == 0 ? key : Path + ":" + key;

    /// <summary>The namespaces every client may call (<c>AllowedNamespaces</c>), as configured.</summary>
    public IReadOnlyList<string> AllowedNamespaces =>
        [.. Section.GetSection("AllowedNamespaces").GetChildren().Select(c => c.Value).OfType<string>()];
}
