namespace K8sNet.Routing;

/// <summary>Why a host shaped like a Service name was not routed to pods (<see cref="PassThroughRecord"/>).</summary>
public enum PassThroughReason
{
    /// <summary>It names an existing Service in a namespace the client may not call (<c>AllowedNamespaces</c>).</summary>
    NamespaceNotAllowed = 0,

    /// <summary>It names no existing Service in an allowed namespace (a misspelling, or an external name).</summary>
    ServiceNotFound = 1,
}
