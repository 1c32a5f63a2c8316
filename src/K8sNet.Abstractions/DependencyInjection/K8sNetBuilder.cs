using Microsoft.Extensions.DependencyInjection;

namespace K8sNet;

internal sealed class K8sNetBuilder(IServiceCollection services) : IK8sNetBuilder
{
    public IServiceCollection Services { get; } = services;
}
