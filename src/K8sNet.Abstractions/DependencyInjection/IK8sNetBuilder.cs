using Microsoft.Extensions.DependencyInjection;

namespace K8sNet;

/// <summary>Configures K8sNet in a service collection; each K8sNet package adds extension methods to it, so calls chain.</summary>
public interface IK8sNetBuilder
{
    /// <summary>The service collection K8sNet registers into.</summary>
    IServiceCollection Services { get; }
}
