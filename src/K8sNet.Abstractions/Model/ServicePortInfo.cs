namespace K8sNet;

/// <summary>One port of a Service (<c>spec.ports[]</c>).</summary>
/// <param name="Name">The port's name; <c>""</c> when the Service has a single unnamed port.</param>
/// <param name="Port">The port clients dial on the Service.</param>
/// <param name="TargetPort">The pod port (number or container port name); the API defaults it to <paramref name="Port"/>.</param>
/// <param name="Protocol">The protocol (API default TCP).</param>
/// <param name="AppProtocol">The application protocol, e.g. <c>kubernetes.io/h2c</c> or <c>http</c>.</param>
/// <param name="NodePort">The node port for NodePort and LoadBalancer Services; 0 when none.</param>
public sealed record ServicePortInfo(
    string Name,
    int Port,
    TargetPort TargetPort = default,
    TransportProtocol Protocol = TransportProtocol.Tcp,
    string? AppProtocol = null,
    int NodePort = 0)
{
    /// <summary>The key that identifies this port's endpoints: its name and protocol.</summary>
    public ServicePortKey Key => new(Name, Protocol);
}
