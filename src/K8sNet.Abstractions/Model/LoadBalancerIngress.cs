namespace K8sNet;

/// <summary>One entry of a LoadBalancer Service's <c>status.loadBalancer.ingress</c>.</summary>
/// <param name="IP">The ingress IP, if any.</param>
/// <param name="Hostname">The ingress hostname, if any.</param>
/// <param name="IPMode">The ingress <c>ipMode</c>: <c>VIP</c> (the default for entries with an IP) or <c>Proxy</c>.</param>
public sealed record LoadBalancerIngress(string? IP, string? Hostname = null, string? IPMode = null);
