using k8s;

namespace K8sNet.Kubernetes;

/// <summary>Builds the API client for <see cref="KubernetesEndpointSource"/> from its options.</summary>
public static class KubernetesClientFactory
{
    /// <summary>
    /// The client configuration: the kubeconfig named by <see cref="KubernetesEndpointSourceOptions.KubeconfigPath"/>
    /// (and <see cref="KubernetesEndpointSourceOptions.Context"/>); else, in a pod, the in-cluster configuration
    /// (KubernetesClient re-reads the service account token as the kubelet rotates it, and trusts the mounted CA);
    /// else <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <returns>The configuration.</returns>
    public static KubernetesClientConfiguration Configuration(KubernetesEndpointSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.KubeconfigPath is { Length: > 0 } path)
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, options.Context);
        }

        if (options.Context is null && KubernetesClientConfiguration.IsInCluster())
        {
            return KubernetesClientConfiguration.InClusterConfig();
        }

        return KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: options.Context);
    }

    /// <summary>A client for <see cref="Configuration"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The client.</returns>
    public static IKubernetes Create(KubernetesEndpointSourceOptions options) => new k8s.Kubernetes(Configuration(options));

    /// <summary>
    /// The namespace this process runs in: the service account's namespace file (trimmed: KubernetesClient's in-cluster
    /// configuration keeps its trailing newline), else <c>POD_NAMESPACE</c>, else <see langword="null"/>.
    /// </summary>
    /// <param name="serviceAccountDirectory">Where the service account is mounted.</param>
    /// <returns>The namespace, if known.</returns>
    public static string? CurrentNamespace(string serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount")
    {
        var file = Path.Combine(serviceAccountDirectory, "namespace");
        if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } ns)
        {
            return ns;
        }

        return Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } env ? env.Trim() : null;
    }
}
