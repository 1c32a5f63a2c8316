namespace K8sNet.Testing;

/// <summary>A Gateway listener port put on a loopback port by <see cref="FakeCluster.ExposeGatewayAsync"/>.</summary>
/// <param name="GatewayNamespace">The Gateway's namespace.</param>
/// <param name="GatewayName">The Gateway's name.</param>
/// <param name="GatewayPort">The listener port (as the Gateway declares it).</param>
/// <param name="Listeners">The names of the listeners on that port, comma-separated.</param>
/// <param name="BaseAddress">Where it is served: <c>http://127.0.0.1:PORT/</c>.</param>
public sealed record ExposedGatewayListener(string GatewayNamespace, string GatewayName, int GatewayPort, string Listeners, Uri BaseAddress)
{
    /// <inheritdoc />
    public override string ToString() => $"Gateway {GatewayNamespace}/{GatewayName} port {GatewayPort} ({Listeners}) -> {BaseAddress}";
}
