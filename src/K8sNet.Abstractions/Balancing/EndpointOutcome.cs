namespace K8sNet;

/// <summary>How a request sent to an endpoint ended, as reported back to the balancer.</summary>
public enum EndpointOutcome
{
    /// <summary>The endpoint answered (any status that is not a server failure).</summary>
    Success = 0,

    /// <summary>The endpoint answered with a server failure (HTTP 5xx, gRPC UNAVAILABLE...).</summary>
    ServerError = 1,

    /// <summary>No connection could be made (refused, unreachable, connect timeout): no bytes were sent.</summary>
    ConnectFailure = 2,

    /// <summary>The connection failed after the request started (reset, truncated response).</summary>
    TransportFailure = 3,

    /// <summary>The caller cancelled; says nothing about the endpoint's health.</summary>
    Canceled = 4,
}
