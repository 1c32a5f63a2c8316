namespace K8sNet.Routing;

/// <summary>
/// When the routing layer sends a failed attempt again, to another endpoint: the one rule K8sNet's HTTP handler
/// follows (<see cref="K8sNetRoutingOptions.MaxRetries"/>, <see cref="K8sNetRoutingOptions.RetryIdempotentAfterSend"/>),
/// public so that a transport of your own and the policy lab (K8sNet.Testing) retry exactly as it does.
/// </summary>
/// <remarks>
/// A connect failure sent nothing, so any request may go elsewhere; a transport failure (reset, truncated response)
/// may have reached the pod, so only an idempotent request without a body goes again, and only when allowed; a server
/// error is an answer, returned as it is (Envoy's <c>retry_on: connect-failure,reset</c> with idempotent methods).
/// A Service with one eligible endpoint has nowhere else to send.
/// </remarks>
public static class RetryRule
{
    /// <summary>Whether the attempt that just failed with <paramref name="outcome"/> is sent again to another endpoint.</summary>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="attempt">The attempt that failed, from 0 (the first send).</param>
    /// <param name="maxRetries">How many other endpoints a request may be retried on.</param>
    /// <param name="eligibleEndpoints">How many endpoints the Service port has to pick from.</param>
    /// <param name="idempotentWithoutBody">Whether the request is idempotent (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) and has no body.</param>
    /// <param name="retryIdempotentAfterSend">Whether such requests may be retried after they were sent.</param>
    /// <returns><see langword="true"/> to pick another endpoint and send again.</returns>
    public static bool MayRetry(EndpointOutcome outcome, int attempt, int maxRetries, int eligibleEndpoints, bool idempotentWithoutBody, bool retryIdempotentAfterSend) =>
        attempt < maxRetries && eligibleEndpoints > 1
        && (outcome == EndpointOutcome.ConnectFailure
            || (outcome == EndpointOutcome.TransportFailure && retryIdempotentAfterSend && idempotentWithoutBody));
}
