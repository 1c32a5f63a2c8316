using System.ComponentModel.DataAnnotations;
using System.Net;

namespace K8sNet.Dns;

/// <summary>How <see cref="DnsEndpointSource"/> asks cluster DNS about Services.</summary>
/// <remarks>
/// Defaults: the system resolver's name servers, the client context's cluster domain, port names <c>http</c>,
/// <c>https</c> and <c>grpc</c> over TCP, TTLs kept within [1 s, 30 s], failures and NXDOMAIN kept at most 2 s, each
/// query given 2 s and 2 retries, a first answer awaited 10 s.
/// </remarks>
public sealed class DnsEndpointOptions : IValidatableObject
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
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan MinTtl { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest time an answer is kept, whatever its TTL. Default 30 s.</summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest time a failure is kept before asking again: a timeout, SERVFAIL or REFUSED (the last good state is
    /// served meanwhile), and an NXDOMAIN (kept for the SOA's negative TTL when shorter). A headless Service without
    /// ready endpoints is NXDOMAIN, so this bounds how late its first ready pod is seen. Default 2 s.
    /// </summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan MaxFailureTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one query waits for its answer before a retry. Default 2 s.</summary>
    [TimeSpanRange("00:00:00.001", "00:10:00")]
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of one query after a timeout (across <see cref="Servers"/>). Default 2.</summary>
    [Range(0, 10)]
    public int QueryRetries { get; set; } = 2;

    /// <summary>How long a caller waits for a Service's first answer before getting an error that says why. Default 10 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the options, as the container does at start: for a source built without one.</summary>
    /// <exception cref="KubernetesNameException">A name breaks Kubernetes' rules.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value breaks a rule; the message names each.</exception>
    internal void Validate()
    {
        // Names first, with the typed error they have always had.
        if (ClusterDomain is not null)
        {
            KubernetesNames.ThrowIfInvalidDns1123Subdomain(ClusterDomain.TrimEnd('.'), "DnsEndpointOptions.ClusterDomain");
        }

        foreach (var name in PortNames)
        {
            KubernetesNames.ThrowIfInvalidPortName(name, "DnsEndpointOptions.PortNames");
        }

        if (new DnsEndpointOptionsValidator().Validate(null, this) is { Failed: true } result)
        {
            throw new ArgumentOutOfRangeException("options", $"Invalid DnsEndpointOptions: {result.FailureMessage}");
        }
    }

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxTtl < MinTtl)
        {
            yield return new ValidationResult($"The field DnsEndpointOptions.MaxTtl must not be below MinTtl ({MinTtl}).", [nameof(MaxTtl)]);
        }

        if (ClusterDomain is not null && !KubernetesNames.TryValidateDns1123Subdomain(ClusterDomain.TrimEnd('.'), "DnsEndpointOptions.ClusterDomain", out var domainError))
        {
            yield return new ValidationResult(domainError.Message, [nameof(ClusterDomain)]);
        }

        foreach (var name in PortNames)
        {
            if (!KubernetesNames.TryValidatePortName(name, "DnsEndpointOptions.PortNames", out var portError))
            {
                yield return new ValidationResult(portError.Message, [nameof(PortNames)]);
            }
        }

        if (Servers.Any(s => s is null))
        {
            yield return new ValidationResult("must not hold null.", [nameof(Servers)]);
        }
    }
}
