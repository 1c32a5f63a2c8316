namespace K8sNet.Testing;

/// <summary>One step of an external request's journey.</summary>
/// <param name="Kind"><c>dns</c>, <c>load-balancer</c>, <c>ingress</c>, <c>service</c> or <c>pod</c>.</param>
/// <param name="Description">What happened there.</param>
public sealed record ExternalHop(string Kind, string Description)
{
    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Description}";
}
