using System.Net;

namespace K8sNet.Routing;

/// <summary>
/// K8sNet could not route a request to a Service's endpoint. Derives from <see cref="HttpRequestException"/>, so
/// resilience handlers treat it as a transient HTTP failure; the message names the Service and the reason.
/// </summary>
public sealed class K8sNetRoutingException : HttpRequestException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="reason">Why routing failed.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public K8sNetRoutingException(ServiceName service, RoutingFailureReason reason, string message, Exception? innerException = null)
        : base(HttpRequestError.ConnectionError, message, innerException, reason == RoutingFailureReason.UnknownPort ? HttpStatusCode.BadRequest : HttpStatusCode.ServiceUnavailable)
    {
        Service = service;
        Reason = reason;
    }

    /// <summary>The Service the request was for.</summary>
    public ServiceName Service { get; }

    /// <summary>Why routing failed.</summary>
    public RoutingFailureReason Reason { get; }
}
