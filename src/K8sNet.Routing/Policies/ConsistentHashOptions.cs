namespace K8sNet.Routing;

/// <summary>Options of the consistent-hash (Maglev) policy.</summary>
public sealed class ConsistentHashOptions
{
    /// <summary>The Maglev lookup table size; a prime. Default 65537 (Envoy's default).</summary>
    public int TableSize { get; set; } = 65537;
}
