namespace K8sNet;

/// <summary>
/// Identifies one Service port's endpoints: the port's name and protocol, as kube-proxy's ServicePortName does.
/// EndpointSlice ports join Service ports by this key.
/// </summary>
/// <param name="Name">The port name; <c>""</c> for an unnamed port.</param>
/// <param name="Protocol">The protocol.</param>
public readonly record struct ServicePortKey(string Name, TransportProtocol Protocol)
{
    /// <inheritdoc />
    public override string ToString() => $"{(Name.Length == 0 ? "<unnamed>" : Name)}/{Protocol.ToApiString()}";
}
