using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace K8sNet.Dns;

/// <summary>Binds <see cref="DnsEndpointOptions"/> from <see cref="K8sNetConfiguration"/>'s <c>Dns</c> section.</summary>
internal sealed class DnsEndpointOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<DnsEndpointOptions>
{
    public void Configure(DnsEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (configuration?.GetSection("Dns") is not { } section)
        {
            return;
        }

        // Servers as "address[:port]" strings (IPEndPoint has no configuration binding); the rest as written.
        foreach (var server in section.GetSection("Servers").GetChildren())
        {
            if (server.Value is { } text && System.Net.IPEndPoint.TryParse(text, out var endPoint))
            {
                options.Servers.Add(endPoint.Port == 0 ? new System.Net.IPEndPoint(endPoint.Address, 53) : endPoint);
            }
        }

        // The rest one by one: the binder cannot bind Servers (IPEndPoint), so the options are not bound whole.
        options.ClusterDomain = section["ClusterDomain"] ?? options.ClusterDomain;
        foreach (var name in section.GetSection("PortNames").GetChildren().Select(c => c.Value).OfType<string>())
        {
            if (!options.PortNames.Contains(name))
            {
                options.PortNames.Add(name);
            }
        }

        options.MinTtl = section.GetValue("MinTtl", options.MinTtl);
        options.MaxTtl = section.GetValue("MaxTtl", options.MaxTtl);
        options.MaxFailureTtl = section.GetValue("MaxFailureTtl", options.MaxFailureTtl);
        options.QueryTimeout = section.GetValue("QueryTimeout", options.QueryTimeout);
        options.QueryRetries = section.GetValue("QueryRetries", options.QueryRetries);
        options.SyncTimeout = section.GetValue("SyncTimeout", options.SyncTimeout);
    }
}

/// <summary>Binds <see cref="ClientContextOptions"/> from <see cref="K8sNetConfiguration"/>'s <c>ClientContext</c> section.</summary>
internal sealed class ClientContextOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<ClientContextOptions>
{
    public void Configure(ClientContextOptions options) => configuration?.GetSection("ClientContext").Bind(options);
}

/// <summary>Binds <see cref="ServiceUriOptions"/> from <see cref="K8sNetConfiguration"/>: <c>AllowedNamespaces</c>.</summary>
internal sealed class ServiceUriOptionsSetup(K8sNetConfiguration? configuration = null) : IConfigureOptions<ServiceUriOptions>
{
    public void Configure(ServiceUriOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var ns in configuration?.AllowedNamespaces ?? [])
        {
            options.AllowedNamespaces.Add(ns);
        }
    }
}

/// <summary>The rules of <see cref="DnsEndpointOptions"/>, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class DnsEndpointOptionsValidator : IValidateOptions<DnsEndpointOptions>;

/// <summary>The rules of <see cref="ServiceUriOptions"/>, checked by source-generated code.</summary>
[OptionsValidator]
internal sealed partial class ServiceUriOptionsValidator : IValidateOptions<ServiceUriOptions>;
