using K8sNet.Gateway;

namespace K8sNet.Testing;

/// <summary>What <see cref="FakeCluster.SendExternalAsync(HttpRequestMessage, CancellationToken)"/> returns: the response, the hops, and the decision of the Ingress controller or Gateway.</summary>
/// <param name="Response">The response (the backend's, or the controller's or gateway's own).</param>
/// <param name="Hops">The journey, in order.</param>
/// <param name="Decision">The Ingress rule that decided, when the ingress controller took the request.</param>
public sealed record ExternalExchange(HttpResponseMessage Response, IReadOnlyList<ExternalHop> Hops, IngressDecision? Decision) : IDisposable
{
    /// <summary>The Gateway's decision, when a Gateway took the request.</summary>
    public GatewayDecision? GatewayDecision { get; init; }

    /// <inheritdoc />
    public void Dispose() => Response.Dispose();

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Hops);
}
