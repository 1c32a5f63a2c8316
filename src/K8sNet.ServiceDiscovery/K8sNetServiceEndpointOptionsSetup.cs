using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.ServiceDiscovery;

/// <summary>Binds <see cref="K8sNetServiceEndpointOptions"/> from <see cref="K8sNetConfiguration"/>: <c>AllowedNamespaces</c>, then <c>ServiceDiscovery</c>.</summary>
internal sealed class K8sNetServiceEndpointOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<K8sNetServiceEndpointOptions>
{
    public void Configure(K8sNetServiceEndpointOptions options)
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

        configuration.GetSection("ServiceDiscovery").Bind(options);
    }
}

/// <summary>The rules of <see cref="K8sNetServiceEndpointOptions"/>, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class K8sNetServiceEndpointOptionsValidator : IValidateOptions<K8sNetServiceEndpointOptions>;
