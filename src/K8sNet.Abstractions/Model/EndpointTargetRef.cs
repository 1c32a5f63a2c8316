namespace K8sNet;

/// <summary>The object an endpoint stands for (<c>targetRef</c>), usually a Pod.</summary>
/// <param name="Kind">The object's kind, e.g. <c>Pod</c>.</param>
/// <param name="Namespace">The object's namespace.</param>
/// <param name="Name">The object's name.</param>
/// <param name="Uid">The object's UID, when known.</param>
public sealed record EndpointTargetRef(string Kind, string? Namespace, string Name, string? Uid = null);
