using System.Diagnostics.CodeAnalysis;

namespace K8sNet.Dns;

/// <summary>
/// A host written the ways a pod may name a Service: <c>orders</c>, <c>orders.shop</c>, <c>orders.shop.svc</c> or the
/// FQDN <c>orders.shop.svc.cluster.local</c>, each with or without a trailing dot.
/// </summary>
/// <remarks>
/// This reads the host's shape only. Which Service a pod's resolver actually reaches depends on its search path and
/// ndots (see <see cref="ResolverSearch"/> and <see cref="ServiceUriResolver"/>): with a trailing dot
/// (<see cref="IsAbsolute"/>) only the FQDN form reaches a Service. Matching is case-insensitive; parts are lower case.
/// </remarks>
public sealed record ServiceHostName
{
    private ServiceHostName(string name, string? @namespace, ServiceHostForm form, bool isAbsolute)
    {
        Name = name;
        Namespace = @namespace;
        Form = form;
        IsAbsolute = isAbsolute;
    }

    /// <summary>The Service's name (lower case).</summary>
    public string Name { get; }

    /// <summary>The namespace, when the host names one (lower case).</summary>
    public string? Namespace { get; }

    /// <summary>The form the host was written in.</summary>
    public ServiceHostForm Form { get; }

    /// <summary>Whether the host ended with a dot (an absolute DNS name: no search path applies).</summary>
    public bool IsAbsolute { get; }

    /// <summary>The Service named, taking <paramref name="defaultNamespace"/> when the host names none.</summary>
    /// <param name="defaultNamespace">The client's namespace.</param>
    /// <returns>The Service.</returns>
    public ServiceName ToServiceName(string defaultNamespace) => new(Namespace ?? defaultNamespace, Name);

    /// <summary>Reads a host.</summary>
    /// <param name="host">The host.</param>
    /// <param name="zone">The cluster domain (for the FQDN form).</param>
    /// <returns>The reading.</returns>
    /// <exception cref="K8sNetFormatException">The host is not one of the forms, or its labels break the naming rules.</exception>
    public static ServiceHostName Parse(string host, string zone = DnsNames.DefaultClusterDomain)
    {
        if (!TryParse(host, zone, out var result, out var error))
        {
            throw error;
        }

        return result;
    }

    /// <summary>Reads a host.</summary>
    /// <param name="host">The host.</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="result">The reading.</param>
    /// <returns><see langword="true"/> when the host names a Service in one of the forms.</returns>
    public static bool TryParse([NotNullWhen(true)] string? host, string zone, [NotNullWhen(true)] out ServiceHostName? result) =>
        TryParse(host, zone, out result, out _);

    /// <summary>Reads a host, reporting why it is not a Service host.</summary>
    /// <param name="host">The host.</param>
    /// <param name="zone">The cluster domain.</param>
    /// <param name="result">The reading.</param>
    /// <param name="error">Why the host is not a Service host.</param>
    /// <returns><see langword="true"/> when the host names a Service in one of the forms.</returns>
    public static bool TryParse(
        [NotNullWhen(true)] string? host, string zone,
        [NotNullWhen(true)] out ServiceHostName? result, [NotNullWhen(false)] out K8sNetFormatException? error)
    {
        const string Field = "Service host";
        result = null;
        if (string.IsNullOrEmpty(host))
        {
            error = new K8sNetFormatException(host, Field, "must not be empty");
            return false;
        }

        var z = DnsNames.NormalizeZone(zone);
        var isAbsolute = host.EndsWith('.');
        var text = (isAbsolute ? host[..^1] : host).ToLowerInvariant();
        ServiceHostForm form;
        string rest;
        if (text.EndsWith("." + DnsNames.ServiceLabel + "." + z, StringComparison.Ordinal))
        {
            form = ServiceHostForm.Fqdn;
            rest = text[..^(DnsNames.ServiceLabel.Length + z.Length + 2)];
        }
        else if (text.EndsWith("." + DnsNames.ServiceLabel, StringComparison.Ordinal))
        {
            form = ServiceHostForm.NameNamespaceSvc;
            rest = text[..^(DnsNames.ServiceLabel.Length + 1)];
        }
        else
        {
            form = text.Contains('.', StringComparison.Ordinal) ? ServiceHostForm.NameNamespace : ServiceHostForm.Name;
            rest = text;
        }

        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        string name;
        string? ns = null;
        if (form == ServiceHostForm.Name)
        {
            name = rest;
        }
        else
        {
            if (dot < 0 || rest.IndexOf('.', dot + 1) >= 0)
            {
                error = new K8sNetFormatException(host, Field,
                    $"must be '<service>', '<service>.<namespace>', '<service>.<namespace>.svc' or '<service>.<namespace>.svc.{z}'");
                return false;
            }

            name = rest[..dot];
            ns = rest[(dot + 1)..];
        }

        if (!KubernetesNames.TryValidateDns1035Label(name, ServiceName.NameField, out var nameError))
        {
            error = nameError;
            return false;
        }

        if (ns is not null && !KubernetesNames.TryValidateDns1123Label(ns, ServiceName.NamespaceField, out var nsError))
        {
            error = nsError;
            return false;
        }

        result = new ServiceHostName(name, ns, form, isAbsolute);
        error = null;
        return true;
    }

    /// <summary>Writes a Service's host in the given form.</summary>
    /// <param name="service">The Service.</param>
    /// <param name="form">The form.</param>
    /// <param name="zone">The cluster domain (for the FQDN form).</param>
    /// <param name="absolute">Append a trailing dot.</param>
    /// <returns>The host.</returns>
    public static string Format(ServiceName service, ServiceHostForm form, string zone = DnsNames.DefaultClusterDomain, bool absolute = false)
    {
        var host = form switch
        {
            ServiceHostForm.Name => service.Name,
            ServiceHostForm.NameNamespace => $"{service.Name}.{service.Namespace}",
            ServiceHostForm.NameNamespaceSvc => $"{service.Name}.{service.Namespace}.{DnsNames.ServiceLabel}",
            ServiceHostForm.Fqdn => DnsNames.ServiceFqdn(service, zone),
            _ => throw new ArgumentOutOfRangeException(nameof(form), form, "Unknown form."),
        };
        return absolute ? host + "." : host;
    }
}
