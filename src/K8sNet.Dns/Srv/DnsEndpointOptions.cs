using System.Net;

namespace K8sNet.Dns;

/// <summary>How <see cref="DnsEndpointSource"/> asks cluster DNS about Services.</summary>
/// <remarks>
/// Defaults: the system resolver's name servers, the client context's cluster domain, port names <c>http</c>,
/// <c>https</c> and <c>grpc</c> over TCP, TTLs kept within [1 s, 30 s], failures and NXDOMAIN kept at most 2 s, each
/// query given 2 s and 2 retries, a first answer awaited 10 s.
/// </remarks>
public sealed class DnsEndpointOptions
{
    /// <summary>
    /// The DNS servers to ask (UDP, then TCP when an answer is truncated). Empty (the default): the system resolver's
    /// (<c>/etc/resolv.conf</c> in a pod, so the cluster DNS Service).
    /// </summary>
    public IList<IPEndPoint> Servers { get; } = [];

    /// <summary>
    /// The cluster domain Service names are built in (<c>name.namespace.svc.&lt;domain&gt;.</c>, always absolute, so
    /// no search path applies). <see langword="null"/> (the default): the client context's, read from the pod's
    /// resolv.conf, or <c>cluster.local</c>.
    /// </summary>
    public string? ClusterDomain { get; set; }

    /// <summary>
    /// The port names asked for by name (<c>_name._tcp.service...</c>), so that endpoints carry their ports' names:
    /// the bare Service SRV query that lists every port does not name them, and DNS cannot list a Service's port
    /// names. A port not listed here is known by number only. Default <c>http</c>, <c>https</c>, <c>grpc</c>.
    /// </summary>
    public IList<string> PortNames { get; } = ["http", "https", "grpc"];

    /// <summary>The protocols <see cref="PortNames"/> are asked for with. Default TCP only.</summary>
    public IList<TransportProtocol> PortProtocols { get; } = [TransportProtocol.Tcp];

    /// <summary>The shortest time an answer is kept before asking again, whatever its TTL (a TTL of 0 would otherwise ask without pause). Default 1 s.</summary>
    public TimeSpan MinTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest time an answer is kept, whatever its TTL. Default 30 s.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest time a failure is kept before asking again: a timeout, SERVFAIL or REFUSED (the last good state is
    /// served meanwhile), and an NXDOMAIN (kept for the SOA's negative TTL when shorter). A headless Service without
    /// ready endpoints is NXDOMAIN, so this bounds how late its first ready pod is seen. Default 2 s.
    /// </summary>
    public TimeSpan MaxFailureTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one query waits for its answer before a retry. Default 2 s.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of one query after a timeout (across <see cref="Servers"/>). Default 2.</summary>
    public int QueryRetries { get; set; } = 2;

    /// <summary>How long a caller waits for a Service's first answer before getting an error that says why. Default 10 s.</summary>
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal void Validate()
    {
        static void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"DnsEndpointOptions.{name} must be positive.");
            }
        }

        Positive(MinTtl, nameof(MinTtl));
        Positive(MaxFailureTtl, nameof(MaxFailureTtl));
        Positive(QueryTimeout, nameof(QueryTimeout));
        Positive(SyncTimeout, nameof(SyncTimeout));
        if (MaxTtl < MinTtl)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTtl), MaxTtl, "DnsEndpointOptions.MaxTtl must not be below MinTtl.");
        }

        if (QueryRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(QueryRetries), QueryRetries, "DnsEndpointOptions.QueryRetries must not be negative.");
        }

        if (ClusterDomain is not null)
        {
            KubernetesNames.ThrowIfInvalidDns1123Subdomain(ClusterDomain.TrimEnd('.'), "DnsEndpointOptions.ClusterDomain");
        }

        foreach (var name in PortNames)
        {
            KubernetesNames.ThrowIfInvalidPortName(name, "DnsEndpointOptions.PortNames");
        }

        foreach (var server in Servers)
        {
            ArgumentNullException.ThrowIfNull(server, "DnsEndpointOptions.Servers");
        }
    }
}
