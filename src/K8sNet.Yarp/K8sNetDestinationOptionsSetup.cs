using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.Yarp;

/// <summary>Binds <see cref="K8sNetDestinationOptions"/> from <see cref="K8sNetConfiguration"/>: <c>AllowedNamespaces</c>, then <c>Yarp</c>.</summary>
internal sealed class K8sNetDestinationOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<K8sNetDestinationOptions>
{
    public void Configure(K8sNetDestinationOptions options)
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

        configuration.GetSection("Yarp").Bind(options);
    }
}

/// <summary>The rules of <see cref="K8sNetDestinationOptions"/>, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class K8sNetDestinationOptionsValidator : IValidateOptions<K8sNetDestinationOptions>;
