using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.Kubernetes;

/// <summary>Binds <see cref="KubernetesEndpointSourceOptions"/> from <see cref="K8sNetConfiguration"/>'s <c>Kubernetes</c> section.</summary>
internal sealed class KubernetesEndpointSourceOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<KubernetesEndpointSourceOptions>
{
    public void Configure(KubernetesEndpointSourceOptions options) => configuration?.GetSection("Kubernetes").Bind(options);
}

/// <summary>The rules of <see cref="KubernetesEndpointSourceOptions"/>, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class KubernetesEndpointSourceOptionsValidator : IValidateOptions<KubernetesEndpointSourceOptions>;
