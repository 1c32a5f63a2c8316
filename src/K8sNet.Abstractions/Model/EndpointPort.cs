namespace K8sNet;

/// <summary>A port of an EndpointSlice (<c>ports[]</c>): the resolved target port of one Service port.</summary>
/// <param name="Name">
/// The Service port's name; <c>""</c> for an unnamed port. <see langword="null"/> only for a hand-written slice
/// port without a name, which kube-proxy skips.
/// </param>
/// <param name="Port">The target port number; <see langword="null"/> means "all ports" (kube-proxy skips it).</param>
/// <param name="Protocol">The protocol (API default TCP).</param>
/// <param name="AppProtocol">The application protocol copied from the Service port.</param>
public sealed record EndpointPort(string? Name, int? Port, TransportProtocol Protocol = TransportProtocol.Tcp, string? AppProtocol = null);
