using System.Collections.Immutable;
using System.Net;

namespace K8sNet;

/// <summary>
/// One routable endpoint of a Service port: an address and target port, with the conditions read the way kube-proxy
/// reads them, and a link to the raw <see cref="Endpoint"/> it came from.
/// </summary>
public sealed class ServiceEndpoint
{
    /// <summary>Creates an endpoint.</summary>
    /// <param name="address">The endpoint's IP (the raw endpoint's first address, parsed).</param>
    /// <param name="port">The target port.</param>
    /// <param name="source">The raw endpoint.</param>
    /// <param name="stats">The live statistics to share (the same endpoint in an earlier set); new ones when <see langword="null"/>.</param>
    public ServiceEndpoint(IPAddress address, int port, Endpoint source, EndpointStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Address = address;
        Port = port;
        Source = source;
        EndPoint = new IPEndPoint(address, port);
        Key = EndPoint.ToString();
        UriHost = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        IsReady = source.Conditions.ProxyReady;
        IsServing = source.Conditions.ProxyServing;
        IsTerminating = source.Conditions.ProxyTerminating;
        ZoneHints = source.ZoneHints.IsDefault ? [] : source.ZoneHints;
        NodeHints = source.NodeHints.IsDefault ? [] : source.NodeHints;
        Stats = stats ?? new EndpointStats();
    }

    /// <summary>The key kube-proxy uses: <c>ip:port</c>, or <c>[ip]:port</c> for IPv6.</summary>
    public string Key { get; }

    /// <summary>The IP.</summary>
    public IPAddress Address { get; }

    /// <summary>The target port.</summary>
    public int Port { get; }

    /// <summary>The IP and port as one value.</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The IP as a URI host (IPv6 in brackets).</summary>
    public string UriHost { get; }

    /// <summary>kube-proxy's <c>ready</c> (nil reads as true).</summary>
    public bool IsReady { get; }

    /// <summary>kube-proxy's <c>serving</c> (nil reads as true).</summary>
    public bool IsServing { get; }

    /// <summary>kube-proxy's <c>terminating</c> (nil reads as false).</summary>
    public bool IsTerminating { get; }

    /// <summary>The zone hints (<c>hints.forZones</c>); empty when none.</summary>
    public ImmutableArray<string> ZoneHints { get; }

    /// <summary>The node hints (<c>hints.forNodes</c>); empty when none.</summary>
    public ImmutableArray<string> NodeHints { get; }

    /// <summary>The raw endpoint: hostname, node, zone, hints and target.</summary>
    public Endpoint Source { get; }

    /// <summary>The node hosting the endpoint.</summary>
    public string? NodeName => Source.NodeName;

    /// <summary>The endpoint's zone.</summary>
    public string? Zone => Source.Zone;

    /// <summary>The live statistics (in flight, latency, health), shared across versions of the set.</summary>
    public EndpointStats Stats { get; }

    /// <inheritdoc />
    public override string ToString() => Key;
}
