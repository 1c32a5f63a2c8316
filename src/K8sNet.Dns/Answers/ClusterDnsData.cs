using System.Collections.Concurrent;
using System.Net;

namespace K8sNet.Dns;

/// <summary>A pod as cluster DNS sees it: enough for verified pod records.</summary>
/// <param name="Namespace">Its namespace.</param>
/// <param name="Name">Its name.</param>
/// <param name="Address">Its IP.</param>
public sealed record DnsPod(string Namespace, string Name, IPAddress Address);

/// <summary>What <see cref="ClusterDnsAnswerer"/> answers from: the cluster's namespaces, Services (with their slices) and pods.</summary>
public interface IClusterDnsData
{
    /// <summary>Whether the data has synced (before that, an answer that would be NXDOMAIN is SERVFAIL, as CoreDNS does).</summary>
    bool IsSynced { get; }

    /// <summary>The SOA serial: changes when the data does.</summary>
    uint Serial { get; }

    /// <summary>Whether a namespace exists.</summary>
    /// <param name="namespace">The namespace (lower case).</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    bool NamespaceExists(string @namespace);

    /// <summary>A Service with its slices, or <see langword="null"/>.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>The state; <see langword="null"/> or a state without a spec when absent.</returns>
    ServiceState? GetService(ServiceName service);

    /// <summary>Every Service (for reverse lookups).</summary>
    /// <returns>The states.</returns>
    IEnumerable<ServiceState> GetServices();

    /// <summary>The pods with an IP (for verified pod records).</summary>
    /// <param name="address">The IP.</param>
    /// <returns>The pods.</returns>
    IEnumerable<DnsPod> GetPods(IPAddress address);
}

/// <summary>An in-memory <see cref="IClusterDnsData"/>, for tests and for callers that hold their own view.</summary>
public sealed class InMemoryClusterDnsData : IClusterDnsData
{
    private readonly ConcurrentDictionary<string, byte> _namespaces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ServiceName, ServiceState> _services = new();
    private readonly ConcurrentDictionary<IPAddress, DnsPod[]> _pods = new();
    private uint _serial = 1;

    /// <inheritdoc />
    public bool IsSynced { get; set; } = true;

    /// <inheritdoc />
    public uint Serial => Volatile.Read(ref _serial);

    /// <summary>Adds a namespace.</summary>
    /// <param name="namespace">The namespace.</param>
    /// <returns>This.</returns>
    public InMemoryClusterDnsData AddNamespace(string @namespace)
    {
        _namespaces[@namespace] = 0;
        Interlocked.Increment(ref _serial);
        return this;
    }

    /// <summary>Adds or replaces a Service and its slices (its namespace is added too).</summary>
    /// <param name="service">The Service.</param>
    /// <param name="spec">Its spec; <see langword="null"/> for slices whose Service is gone (they still answer PTR, as in CoreDNS).</param>
    /// <param name="slices">Its slices.</param>
    /// <returns>This.</returns>
    public InMemoryClusterDnsData SetService(ServiceName service, ServiceSpecInfo? spec, params EndpointSliceInfo[] slices)
    {
        _namespaces[service.Namespace] = 0;
        _services[service] = ServiceState.Initial(service).WithAll(spec, slices);
        Interlocked.Increment(ref _serial);
        return this;
    }

    /// <summary>Removes a Service.</summary>
    /// <param name="service">The Service.</param>
    /// <returns>This.</returns>
    public InMemoryClusterDnsData RemoveService(ServiceName service)
    {
        _services.TryRemove(service, out _);
        Interlocked.Increment(ref _serial);
        return this;
    }

    /// <summary>Adds a pod.</summary>
    /// <param name="pod">The pod.</param>
    /// <returns>This.</returns>
    public InMemoryClusterDnsData AddPod(DnsPod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        _namespaces[pod.Namespace] = 0;
        _pods.AddOrUpdate(pod.Address, [pod], (_, existing) => [.. existing, pod]);
        Interlocked.Increment(ref _serial);
        return this;
    }

    /// <inheritdoc />
    public bool NamespaceExists(string @namespace) => _namespaces.ContainsKey(@namespace);

    /// <inheritdoc />
    public ServiceState? GetService(ServiceName service) => _services.GetValueOrDefault(service);

    /// <inheritdoc />
    public IEnumerable<ServiceState> GetServices() => _services.Values;

    /// <inheritdoc />
    public IEnumerable<DnsPod> GetPods(IPAddress address) => _pods.GetValueOrDefault(address) ?? [];
}

/// <summary>Whether and how cluster DNS answers pod names (<c>a-b-c-d.ns.pod.zone</c>), CoreDNS's <c>pods</c> option.</summary>
public enum PodRecordMode
{
    /// <summary>NXDOMAIN for every pod name (CoreDNS's default).</summary>
    Disabled = 0,

    /// <summary>The IP read from the name, unchecked (what kubeadm configures).</summary>
    Insecure = 1,

    /// <summary>Only when a pod with that IP exists in that namespace.</summary>
    Verified = 2,
}

/// <summary>How <see cref="ClusterDnsAnswerer"/> answers.</summary>
public sealed class ClusterDnsOptions
{
    /// <summary>The cluster domain. Default <c>cluster.local</c>.</summary>
    public string Zone { get; set; } = DnsNames.DefaultClusterDomain;

    /// <summary>The TTL of every record but <c>dns-version</c>'s, 0–3600 s. Default 5 (CoreDNS's).</summary>
    public int Ttl { get; set; } = 5;

    /// <summary>Pod records. Default <see cref="PodRecordMode.Disabled"/> (CoreDNS's default; kubeadm sets insecure).</summary>
    public PodRecordMode PodRecords { get; set; } = PodRecordMode.Disabled;

    /// <summary>The namespaces whose Services are served (CoreDNS's <c>namespaces</c> option); empty serves all.</summary>
    public IList<string> Namespaces { get; } = [];

    /// <summary>
    /// The reverse zones answered (PTR), as CoreDNS's zone list; names in them that are not addresses are NXDOMAIN, names
    /// in no listed zone are not answered. Default <c>in-addr.arpa</c> and <c>ip6.arpa</c> (what kubeadm configures).
    /// </summary>
    public IList<string> ReverseZones { get; } = ["in-addr.arpa", "ip6.arpa"];

    /// <summary>CoreDNS's <c>endpoint_pod_names</c>: endpoints without a hostname are named after their pod.</summary>
    public bool EndpointPodNames { get; set; }

    /// <summary>
    /// CoreDNS's <c>ignore empty_service</c>: a Service (not headless, not ExternalName) without a ready endpoint
    /// address is NXDOMAIN, so that a resolver goes on down its search path. Default <see langword="false"/>: its
    /// ClusterIP is answered.
    /// </summary>
    public bool IgnoreEmptyService { get; set; }

    /// <summary>
    /// The DNS server's own addresses: the apex NS answer (<c>ns.dns.&lt;zone&gt;</c>) carries them as glue, and an A or
    /// AAAA query for <c>ns.dns.&lt;zone&gt;</c> answers them, as CoreDNS answers with its own address. Empty (the
    /// default): the NS record comes without glue and <c>ns.dns.&lt;zone&gt;</c> is NXDOMAIN.
    /// </summary>
    public IList<IPAddress> NameServerAddresses { get; } = [];

    internal void Validate()
    {
        if (Ttl is < 0 or > 3600)
        {
            throw new ArgumentOutOfRangeException(nameof(Ttl), Ttl, "ClusterDnsOptions.Ttl must be between 0 and 3600 seconds (CoreDNS's range).");
        }

        ArgumentNullException.ThrowIfNull(Zone, nameof(Zone));
        KubernetesNames.ThrowIfInvalidDns1123Subdomain(Zone.TrimEnd('.').ToLowerInvariant(), "ClusterDnsOptions.Zone");
    }
}
