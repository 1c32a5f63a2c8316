namespace K8sNet.Dns;

/// <summary>A Service has no port matching a request; the message lists the Service's ports.</summary>
public sealed class ServicePortNotFoundException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="request">What was asked for.</param>
    /// <param name="ports">The Service's ports.</param>
    public ServicePortNotFoundException(ServiceName service, ServicePortRequest request, IReadOnlyList<ServicePortInfo> ports)
        : base(BuildMessage(service, request, ports))
    {
        Service = service;
        Request = request;
        Ports = ports;
    }

    /// <summary>The Service.</summary>
    public ServiceName Service { get; }

    /// <summary>What was asked for.</summary>
    public ServicePortRequest Request { get; }

    /// <summary>The Service's ports.</summary>
    public IReadOnlyList<ServicePortInfo> Ports { get; }

    private static string BuildMessage(ServiceName service, ServicePortRequest request, IReadOnlyList<ServicePortInfo> ports)
    {
        var list = ports.Count == 0 ? "it has no ports" : "its ports are " + string.Join(", ", ports.Select(Describe));
        string what;
        if (request.Number != 0)
        {
            what = $"port {request.Number}/{request.Protocol.ToApiString()} (the URI's port must be one of the Service's ports, not a targetPort)";
        }
        else if (request.Name is not null)
        {
            what = $"port named '{request.Name}'";
        }
        else
        {
            var named = request.SchemeNames.IsEmpty ? string.Empty : $"port named {string.Join(" or ", request.SchemeNames.Select(s => $"'{s}'"))} and no ";
            what = $"{named}single {request.Protocol.ToApiString()} port to default to; put the port in the URI";
        }

        return $"Service '{service}' has no {what}: {list}.";
    }

    private static string Describe(ServicePortInfo p) =>
        $"{(p.Name.Length == 0 ? "<unnamed>" : p.Name)} ({p.Port}/{p.Protocol.ToApiString()})";
}
