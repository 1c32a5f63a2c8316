namespace K8sNet;

/// <summary>An endpoint source could not provide a Service's state (for example it has not synced yet, or lacks permission).</summary>
public class EndpointSourceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="service">The Service asked for.</param>
    /// <param name="message">What went wrong and why.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public EndpointSourceException(ServiceName service, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Service = service;
    }

    /// <summary>The Service asked for.</summary>
    public ServiceName Service { get; }
}
