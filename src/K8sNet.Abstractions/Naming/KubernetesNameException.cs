namespace K8sNet;

/// <summary>
/// A name that breaks a Kubernetes naming rule (DNS-1035 label, DNS-1123 label or subdomain, port name).
/// </summary>
/// <remarks>
/// <see cref="K8sNetFormatException.Rule"/> is the first broken rule, stated precisely (e.g. <c>must be lower case</c>);
/// <see cref="UpstreamErrors"/> holds the messages the Kubernetes API server gives for the same value, verbatim and in
/// upstream order (k8s.io/apimachinery/pkg/util/validation).
/// </remarks>
public sealed class KubernetesNameException : K8sNetFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="input">The rejected name.</param>
    /// <param name="field">What the name was for, e.g. <c>Service name</c>.</param>
    /// <param name="kind">The rule set, e.g. <c>DNS-1035 label</c>.</param>
    /// <param name="rule">The first broken rule.</param>
    /// <param name="upstreamErrors">The upstream validation messages for the value.</param>
    public KubernetesNameException(string? input, string field, string kind, string rule, IReadOnlyList<string> upstreamErrors)
        : base(input, field, rule, BuildMessage(input, field, kind, rule, upstreamErrors))
    {
        Kind = kind;
        UpstreamErrors = upstreamErrors ?? [];
    }

    /// <summary>The rule set the name was checked against, e.g. <c>DNS-1035 label</c>.</summary>
    public string Kind { get; }

    /// <summary>The messages the Kubernetes API server gives for this value, in upstream order.</summary>
    public IReadOnlyList<string> UpstreamErrors { get; }

    private static string BuildMessage(string? input, string field, string kind, string rule, IReadOnlyList<string> upstream)
    {
        var head = input is null ? $"{field} is missing: {rule}" : $"{field} '{input}' is not a {kind}: {rule}";
        return upstream is { Count: > 0 } ? $"{head} (Kubernetes: {string.Join("; ", upstream)})" : head;
    }
}
