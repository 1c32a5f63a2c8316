using System.Collections.Immutable;

namespace K8sNet;

/// <summary>What routing needs of one EndpointSlice: its name, address type, ports and endpoints; immutable.</summary>
public sealed record EndpointSliceInfo
{
    /// <summary>Creates a slice.</summary>
    /// <param name="name">The slice's <c>metadata.name</c>.</param>
    /// <param name="addressType">The slice's address type.</param>
    /// <param name="ports">The slice's ports (may be empty: "no ports defined").</param>
    /// <param name="endpoints">The slice's endpoints (may be empty: a placeholder slice).</param>
    public EndpointSliceInfo(string name, AddressType addressType, ImmutableArray<EndpointPort> ports, ImmutableArray<Endpoint> endpoints)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        AddressType = addressType;
        Ports = ports.IsDefault ? [] : ports;
        Endpoints = endpoints.IsDefault ? [] : endpoints;
    }

    /// <summary>The slice's <c>metadata.name</c>, unique among the Service's slices.</summary>
    public string Name { get; init; }

    /// <summary>The slice's address type.</summary>
    public AddressType AddressType { get; init; }

    /// <summary>The slice's ports.</summary>
    public ImmutableArray<EndpointPort> Ports { get; init; }

    /// <summary>The slice's endpoints.</summary>
    public ImmutableArray<Endpoint> Endpoints { get; init; }

    /// <summary>The slice's <c>metadata.resourceVersion</c>, when the source knows it.</summary>
    public string? ResourceVersion { get; init; }
}
