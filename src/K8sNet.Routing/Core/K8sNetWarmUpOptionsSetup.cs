using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>Binds <see cref="K8sNetWarmUpOptions"/> from <see cref="K8sNetConfiguration"/>'s <c>WarmUp</c> section.</summary>
internal sealed class K8sNetWarmUpOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<K8sNetWarmUpOptions>
{
    public void Configure(K8sNetWarmUpOptions options) => configuration?.GetSection("WarmUp").Bind(options);
}

/// <summary>The rules of <see cref="K8sNetWarmUpOptions"/>, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class K8sNetWarmUpOptionsValidator : IValidateOptions<K8sNetWarmUpOptions>;
