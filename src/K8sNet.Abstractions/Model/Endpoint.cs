using System.Collections.Immutable;

namespace K8sNet;

/// <summary>One endpoint of an EndpointSlice (discovery.k8s.io/v1 <c>Endpoint</c>), immutable.</summary>
/// <remarks>
/// Only the first of <see cref="Addresses"/> counts for routing, as in kube-proxy; addresses are fungible.
/// Collections compare by reference in the record's equality.
/// </remarks>
public sealed record Endpoint
{
    /// <summary>Creates an endpoint.</summary>
    /// <param name="addresses">The addresses (at least one; IPs for IPv4/IPv6 slices, names for FQDN slices).</param>
    /// <param name="conditions">The raw conditions.</param>
    /// <exception cref="ArgumentException"><paramref name="addresses"/> is empty.</exception>
    public Endpoint(ImmutableArray<string> addresses, EndpointConditions conditions = default)
    {
        if (addresses.IsDefaultOrEmpty)
        {
            throw new ArgumentException("An endpoint needs at least one address (endpoints[].addresses: 1 to 100 entries).", nameof(addresses));
        }

        Addresses = addresses;
        Conditions = conditions;
    }

    /// <summary>Creates an endpoint with one address.</summary>
    /// <param name="address">The address.</param>
    /// <param name="conditions">The raw conditions.</param>
    public Endpoint(string address, EndpointConditions conditions = default)
        : this(ImmutableArray.Create(address ?? throw new ArgumentNullException(nameof(address))), conditions)
    {
    }

    /// <summary>The endpoint's addresses; the first is the one routing uses.</summary>
    public ImmutableArray<string> Addresses { get; init; }

    /// <summary>The first address, the one kube-proxy and K8sNet route to.</summary>
    public string Address => Addresses[0];

    /// <summary>The raw conditions.</summary>
    public EndpointConditions Conditions { get; init; }

    /// <summary>The endpoint's hostname (a lower-case DNS-1123 label), when the controller set one.</summary>
    public string? Hostname { get; init; }

    /// <summary>The node hosting the endpoint (<c>nodeName</c>).</summary>
    public string? NodeName { get; init; }

    /// <summary>The zone the endpoint is in (<c>zone</c>).</summary>
    public string? Zone { get; init; }

    /// <summary>Zone hints (<c>hints.forZones[].name</c>); empty when none.</summary>
    public ImmutableArray<string> ZoneHints { get; init; } = [];

    /// <summary>Node hints (<c>hints.forNodes[].name</c>, PreferSameNode); empty when none.</summary>
    public ImmutableArray<string> NodeHints { get; init; } = [];

    /// <summary>The object the endpoint stands for, usually a Pod.</summary>
    public EndpointTargetRef? TargetRef { get; init; }
}
