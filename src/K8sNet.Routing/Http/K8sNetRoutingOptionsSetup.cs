using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>
/// Binds each HttpClient's <see cref="K8sNetRoutingOptions"/> from <see cref="K8sNetConfiguration"/>, when there is
/// one: <c>AllowedNamespaces</c> (every client), then <c>Routing</c> (every HttpClient), then <c>Clients:&lt;name&gt;</c>.
/// </summary>
internal sealed class K8sNetRoutingOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureNamedOptions<K8sNetRoutingOptions>
{
    public void Configure(K8sNetRoutingOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, K8sNetRoutingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (configuration is null)
        {
            return;
        }

        foreach (var ns in configuration.AllowedNamespaces)
        {
            options.AllowedNamespaces.Add(ns);
        }

        configuration.GetSection("Routing").Bind(options);
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection("Clients:" + name).Bind(options);
        }
    }
}
