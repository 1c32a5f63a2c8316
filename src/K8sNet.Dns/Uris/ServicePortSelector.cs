using System.Diagnostics.CodeAnalysis;

namespace K8sNet.Dns;

/// <summary>
/// Chooses the Service port a request targets: the URI's port when it gives one (it must be a Service port), else the
/// port named after the scheme (<c>http</c>, <c>https</c>, <c>grpc</c>; for <c>https+http</c> each in turn), else the
/// only port, else a <see cref="ServicePortNotFoundException"/> listing the ports.
/// </summary>
public static class ServicePortSelector
{
    /// <summary>Chooses the port, or says why none matches.</summary>
    /// <param name="service">The Service (for the error message).</param>
    /// <param name="ports">The Service's ports.</param>
    /// <param name="request">What the URI asks for.</param>
    /// <param name="port">The chosen port.</param>
    /// <param name="matchedScheme">For a scheme-named match, the scheme that matched; otherwise <see langword="null"/>.</param>
    /// <param name="error">Why no port matches.</param>
    /// <returns><see langword="true"/> when a port was chosen.</returns>
    public static bool TrySelect(
        ServiceName service,
        IReadOnlyList<ServicePortInfo> ports,
        ServicePortRequest request,
        [NotNullWhen(true)] out ServicePortInfo? port,
        out string? matchedScheme,
        [NotNullWhen(false)] out ServicePortNotFoundException? error)
    {
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(request);
        matchedScheme = null;
        error = null;
        port = null;
        if (request.Number != 0)
        {
            port = Find(ports, p => p.Port == request.Number, request.Protocol);
        }
        else if (request.Name is not null)
        {
            port = Find(ports, p => string.Equals(p.Name, request.Name, StringComparison.OrdinalIgnoreCase), request.Protocol);
        }
        else
        {
            foreach (var scheme in request.SchemeNames)
            {
                port = Find(ports, p => string.Equals(p.Name, scheme, StringComparison.OrdinalIgnoreCase), request.Protocol);
                if (port is not null)
                {
                    matchedScheme = scheme;
                    break;
                }
            }

            if (port is null)
            {
                ServicePortInfo? only = null;
                var count = 0;
                foreach (var p in ports)
                {
                    if (p.Protocol == request.Protocol)
                    {
                        only = p;
                        count++;
                    }
                }

                port = count == 1 ? only : null;
            }
        }

        if (port is null)
        {
            error = new ServicePortNotFoundException(service, request, ports);
            return false;
        }

        return true;
    }

    /// <summary>Chooses the port.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="ports">The Service's ports.</param>
    /// <param name="request">What the URI asks for.</param>
    /// <returns>The chosen port.</returns>
    /// <exception cref="ServicePortNotFoundException">No port matches; the message lists the ports.</exception>
    public static ServicePortInfo Select(ServiceName service, IReadOnlyList<ServicePortInfo> ports, ServicePortRequest request) =>
        TrySelect(service, ports, request, out var port, out _, out var error) ? port : throw error;

    private static ServicePortInfo? Find(IReadOnlyList<ServicePortInfo> ports, Func<ServicePortInfo, bool> match, TransportProtocol protocol)
    {
        foreach (var p in ports)
        {
            if (p.Protocol == protocol && match(p))
            {
                return p;
            }
        }

        return null;
    }
}
