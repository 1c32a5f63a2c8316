using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.Grpc;

/// <summary>Binds <see cref="K8sNetGrpcOptions"/> from <see cref="K8sNetConfiguration"/>: <c>AllowedNamespaces</c>, then <c>Grpc</c>.</summary>
internal sealed class K8sNetGrpcOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<K8sNetGrpcOptions>
{
    public void Configure(K8sNetGrpcOptions options)
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

        configuration.GetSection("Grpc").Bind(options);
    }
}

/// <summary>The rules of <see cref="K8sNetGrpcOptions"/> and its nested options, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class K8sNetGrpcOptionsValidator : IValidateOptions<K8sNetGrpcOptions>;
