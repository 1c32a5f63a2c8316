namespace K8sNet;

/// <summary>The address type of an EndpointSlice (<c>addressType</c>, immutable on a slice).</summary>
public enum AddressType
{
    /// <summary>IPv4 addresses.</summary>
    IPv4 = 0,

    /// <summary>IPv6 addresses.</summary>
    IPv6 = 1,

    /// <summary>Fully qualified domain names (deprecated upstream; never produced by the built-in controller).</summary>
    Fqdn = 2,
}
