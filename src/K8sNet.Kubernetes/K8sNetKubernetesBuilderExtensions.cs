using System.Diagnostics.Metrics;
using k8s;
using K8sNet;
using K8sNet.Kubernetes;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Kubernetes API as K8sNet's endpoint source.</summary>
public static class K8sNetKubernetesBuilderExtensions
{
    /// <summary>
    /// Uses the Kubernetes API (through KubernetesClient) as the endpoint source: registers
    /// <see cref="KubernetesEndpointSource"/> as an <see cref="IEndpointSource"/> and
    /// <see cref="KubernetesEndpointSourceHealthCheck"/>. The client is the container's <see cref="IKubernetes"/> when
    /// there is one; otherwise one built from <see cref="KubernetesEndpointSourceOptions.KubeconfigPath"/> and
    /// <see cref="KubernetesEndpointSourceOptions.Context"/>, or in a pod from its service account, or from
    /// <c>$KUBECONFIG</c> / <c>~/.kube/config</c>.
    /// </summary>
    /// <param name="builder">The K8sNet builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    public static IK8sNetBuilder AddKubernetesEndpoints(this IK8sNetBuilder builder, Action<KubernetesEndpointSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<KubernetesEndpointSourceOptions>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KubernetesEndpointSourceOptions>, KubernetesEndpointSourceOptionsSetup>()); // configuration first
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KubernetesEndpointSourceOptions>, K8sNetOptionsValidator<KubernetesEndpointSourceOptions>>(
            sp => new K8sNetOptionsValidator<KubernetesEndpointSourceOptions>(new KubernetesEndpointSourceOptionsValidator(), sp.GetService<K8sNetConfiguration>(), _ => ["Kubernetes"])));

        builder.Services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<KubernetesEndpointSourceOptions>>().Value;
            IKubernetes client;
            try
            {
                client = sp.GetService<IKubernetes>() ?? KubernetesClientFactory.Create(o);
            }
            catch (k8s.Exceptions.KubeConfigException ex)
            {
                throw new InvalidOperationException(
                    "K8sNet's Kubernetes endpoint source has no cluster to talk to: "
                    + (o.KubeconfigPath is { } path
                        ? $"KubeconfigPath '{path}' is unusable ({ex.Message.TrimEnd('.')})."
                        : $"this process is not in a pod and found no kubeconfig ({ex.Message.TrimEnd('.')}).")
                    + " Run it in a pod (the pod's service account is used), set K8sNet:Kubernetes:KubeconfigPath (or $KUBECONFIG, ~/.kube/config) "
                    + "to a cluster's kubeconfig, or, in tests, use .UseFakeCluster(cluster) or .AddInMemoryEndpoints(source) instead.", ex);
            }

            return new KubernetesEndpointSource(client, o, sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetService<IMeterFactory>());
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IEndpointSource, KubernetesEndpointSource>(sp => sp.GetRequiredService<KubernetesEndpointSource>()));
        builder.Services.TryAddSingleton<KubernetesEndpointSourceHealthCheck>();
        return builder;
    }
}
