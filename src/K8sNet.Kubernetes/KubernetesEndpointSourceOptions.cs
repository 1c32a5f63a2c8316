using System.ComponentModel.DataAnnotations;

namespace K8sNet.Kubernetes;

/// <summary>How <see cref="KubernetesEndpointSource"/> reaches the API server and follows Services.</summary>
public sealed class KubernetesEndpointSourceOptions : IValidatableObject
{
    /// <summary>
    /// A kubeconfig file to use. When unset: the in-cluster configuration inside a pod (the service account's token,
    /// re-read as the kubelet rotates it, and its CA bundle), otherwise <c>$KUBECONFIG</c> or <c>~/.kube/config</c>.
    /// Ignored when an <c>IKubernetes</c> is registered in the container.
    /// </summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>The kubeconfig context to use; its current context when unset.</summary>
    public string? Context { get; set; }

    /// <summary>
    /// The namespaces callers may ask about; empty (the default) allows any. A Service elsewhere gets a
    /// <see cref="KubernetesEndpointSourceException"/> at once, without an API call.
    /// </summary>
    [NamespaceList]
    public IList<string> AllowedNamespaces { get; } = [];

    /// <summary>
    /// What one list/watch covers: <see cref="WatchScope.Service"/> (the default; least data and least permission —
    /// a Role per namespace is enough) or <see cref="WatchScope.Namespace"/> (one watch of all Services and slices of
    /// a namespace, for clients that call many Services there).
    /// </summary>
    public WatchScope Scope { get; set; } = WatchScope.Service;

    /// <summary>How long a caller waits for a Service's first sync before getting an error that says why. Default 10 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The shortest server-side timeout asked for a watch (each watch picks one at random in [min, max]). Default 5 min.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan MinWatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest server-side timeout asked for a watch. Default 10 min.</summary>
    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan MaxWatchTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A watch that delivers nothing (not even a bookmark, which API servers send about every minute) for this long is
    /// taken as hung and replaced from its last resourceVersion. Default 3 min.
    /// </summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>The first retry delay after a failure; it doubles, with jitter, up to <see cref="MaxBackoff"/>. Default 0.8 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>The longest retry delay. Default 30 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>After this long without a failure the delay starts again from <see cref="InitialBackoff"/>. Default 2 min.</summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan BackoffReset { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long one list request (one page) may take before it is abandoned and retried with backoff: a hung list
    /// must not stall a Service's sync. Default 30 s (KubernetesClient's own is 100 s). Watches are bounded by
    /// <see cref="IdleTimeout"/> instead.
    /// </summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Items per page when listing. Default 500 (client-go's).</summary>
    [Range(1, 10_000)]
    public int ListPageSize { get; set; } = 500;

    /// <summary>Checks the options, as the container does at start: for a source built without one.</summary>
    /// <exception cref="KubernetesNameException">A namespace breaks Kubernetes' rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value breaks a rule; the message names each.</exception>
    internal void Validate()
    {
        // Names first, with the typed error they have always had.
        foreach (var ns in AllowedNamespaces)
        {
            KubernetesNames.ThrowIfInvalidDns1123Label(ns, "KubernetesEndpointSourceOptions.AllowedNamespaces");
        }

        if (new KubernetesEndpointSourceOptionsValidator().Validate(null, this) is { Failed: true } result)
        {
            throw new ArgumentOutOfRangeException("options", $"Invalid KubernetesEndpointSourceOptions: {result.FailureMessage}");
        }
    }

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxWatchTimeout < MinWatchTimeout)
        {
            yield return new ValidationResult($"The field KubernetesEndpointSourceOptions.MaxWatchTimeout must not be below MinWatchTimeout ({MinWatchTimeout}).", [nameof(MaxWatchTimeout)]);
        }

        if (MaxBackoff < InitialBackoff)
        {
            yield return new ValidationResult($"The field KubernetesEndpointSourceOptions.MaxBackoff must not be below InitialBackoff ({InitialBackoff}).", [nameof(MaxBackoff)]);
        }
    }
}

/// <summary>What one list/watch of <see cref="KubernetesEndpointSource"/> covers.</summary>
public enum WatchScope
{
    /// <summary>One Service: its EndpointSlices by the <c>kubernetes.io/service-name</c> label, the Service by name.</summary>
    Service = 0,

    /// <summary>Every Service and EndpointSlice of a namespace.</summary>
    Namespace = 1,
}

/// <summary>Why <see cref="KubernetesEndpointSource"/> could not give a Service's state.</summary>
public enum KubernetesSourceError
{
    /// <summary>The first sync did not complete in <see cref="KubernetesEndpointSourceOptions.SyncTimeout"/>.</summary>
    NotSynced = 0,

    /// <summary>The API server answered 403: the identity lacks a permission (named in the message).</summary>
    Forbidden = 1,

    /// <summary>The API server answered 401: the credentials were refused.</summary>
    Unauthorized = 2,

    /// <summary>The namespace is not in <see cref="KubernetesEndpointSourceOptions.AllowedNamespaces"/>.</summary>
    NamespaceNotAllowed = 3,
}

/// <summary><see cref="KubernetesEndpointSource"/> could not give a Service's state; <see cref="Error"/> says why.</summary>
public sealed class KubernetesEndpointSourceException : EndpointSourceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="service">The Service asked for.</param>
    /// <param name="error">Why.</param>
    /// <param name="message">What went wrong, what to do.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public KubernetesEndpointSourceException(ServiceName service, KubernetesSourceError error, string message, Exception? innerException = null)
        : base(service, message, innerException)
    {
        Error = error;
    }

    /// <summary>Why the state could not be given.</summary>
    public KubernetesSourceError Error { get; }
}
