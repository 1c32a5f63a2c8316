namespace K8sNet.Testing;

/// <summary>How a <see cref="FakeCluster"/> is built.</summary>
public sealed class FakeClusterOptions
{
    /// <summary>The clock controllers run on; a <c>FakeTimeProvider</c> in tests. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>How many nodes to create at start. Default 3.</summary>
    public int Nodes { get; set; } = 3;

    /// <summary>The zones nodes are spread over, in turn (label <c>topology.kubernetes.io/zone</c>). Default zone-a, zone-b, zone-c.</summary>
    public IList<string> Zones { get; } = ["zone-a", "zone-b", "zone-c"];

    /// <summary>The region of every node (label <c>topology.kubernetes.io/region</c>). Default <c>region-1</c>.</summary>
    public string Region { get; set; } = "region-1";

    /// <summary>How pods get IPs. Default <see cref="PodNetworkMode.Simulated"/>.</summary>
    public PodNetworkMode NetworkMode { get; set; } = PodNetworkMode.Simulated;

    /// <summary>Service CIDRs, one per family (a second, IPv6, one makes the cluster dual-stack). Default 10.96.0.0/12 (kubeadm's).</summary>
    public IList<string> ServiceCidrs { get; } = ["10.96.0.0/12"];

    /// <summary>
    /// The cluster DNS Service IP (<c>kube-system/kube-dns</c>), which pods' resolv.conf names. Default: the tenth address
    /// of the first Service CIDR, as kubeadm chooses it (10.96.0.10 for the default CIDR). It must lie in a Service CIDR.
    /// </summary>
    public string ClusterDnsIP
    {
        get => field ?? TenthAddress(ServiceCidrs.Count > 0 ? ServiceCidrs[0] : "10.96.0.0/12");
        set;
    }

    // kubeadm's choice: the CIDR's base address plus 10.
    private static string TenthAddress(string cidr)
    {
        if (!System.Net.IPNetwork.TryParse(cidr, out var network))
        {
            return string.Empty; // the cluster reports the CIDR itself
        }

        var bytes = network.BaseAddress.GetAddressBytes();
        var carry = 10;
        for (var i = bytes.Length - 1; i >= 0 && carry > 0; i--)
        {
            var sum = bytes[i] + carry;
            bytes[i] = (byte)(sum & 0xFF);
            carry = sum >> 8;
        }

        return new System.Net.IPAddress(bytes).ToString();
    }

    /// <summary>The cluster domain. Default <c>cluster.local</c>.</summary>
    public string ClusterDomain { get; set; } = "cluster.local";

    /// <summary>
    /// Whether the API server serves HTTPS, with a CA and serving certificate generated for the cluster
    /// (<c>FakeApiServer.CertificateAuthority</c>; <c>WriteKubeconfig</c> and <c>CreateKubernetesClient</c> trust it).
    /// Default <see langword="false"/>: plain HTTP on loopback.
    /// </summary>
    public bool ApiServerTls { get; set; }

    /// <summary>
    /// The bearer token the API server requires: a request without it, or with another, gets 401 Unauthorized (anonymous
    /// access off). <see langword="null"/> (the default): no authentication.
    /// </summary>
    public string? ApiServerToken { get; set; }

    /// <summary>
    /// How <see cref="FakeCluster.Apply(string)"/> treats unknown fields and fields a document sets twice, as the API
    /// server's <c>fieldValidation</c>: <see cref="FieldValidationMode.Strict"/> (the default, as <c>kubectl apply</c>
    /// asks) refuses the document with the server's words (<c>strict decoding error: unknown field
    /// "spec.ports[0].targetPortt"</c>), so a manifest that works here works with kubectl against a cluster.
    /// </summary>
    public FieldValidationMode ApplyValidation { get; set; } = FieldValidationMode.Strict;

    /// <summary>The TTL, in seconds, of the cluster DNS's answers (CoreDNS's <c>ttl</c>, 0–3600). Default 5 (CoreDNS's).</summary>
    public int DnsTtl { get; set; } = 5;

    /// <summary>
    /// More of CoreDNS's kubernetes plugin options for the cluster DNS, applied after FakeCluster's (zone, TTL, pod
    /// records insecure, the kube-dns address as the server's own): <c>o =&gt; o.IgnoreEmptyService = true</c>,
    /// <c>EndpointPodNames</c>, <c>Namespaces</c>.
    /// </summary>
    public Action<K8sNet.Dns.ClusterDnsOptions>? ConfigureDns { get; set; }

    /// <summary>The first node port. Default 30000.</summary>
    public int NodePortMin { get; set; } = 30000;

    /// <summary>The last node port. Default 32767.</summary>
    public int NodePortMax { get; set; } = 32767;

    /// <summary>Addresses given to LoadBalancer Services, as a CIDR. Default 198.51.100.0/24 (TEST-NET-2, never routed).</summary>
    public string LoadBalancerPool { get; set; } = "198.51.100.0/24";

    /// <summary>The EndpointSlice controller's <c>maxEndpointsPerSlice</c>. Default 100 (upstream's).</summary>
    public int MaxEndpointsPerSlice { get; set; } = 100;

    /// <summary>
    /// How long a node's kubelet may be silent before the node turns <c>Ready=Unknown</c>
    /// (kube-controller-manager <c>--node-monitor-grace-period</c>). Default 50 s (upstream's since Kubernetes 1.29).
    /// </summary>
    public TimeSpan NodeMonitorGracePeriod { get; set; } = TimeSpan.FromSeconds(50);

    /// <summary>
    /// How long a pod's containers take to exit once a graceful deletion sends them SIGTERM; when they have, the kubelet
    /// removes the pod before its grace period is over (so <c>kubectl delete pod</c> returns then). Default
    /// <see langword="null"/>: they run until the grace period ends, as a process that ignores SIGTERM (or a preStop
    /// hook that sleeps) does, which keeps terminating endpoints around for the whole grace period.
    /// </summary>
    public TimeSpan? PodShutdownTime { get; set; }

    /// <summary>
    /// How long an Event lives after it was last written (kube-apiserver <c>--event-ttl</c>): the controllers' and
    /// kubelets' events are deleted that long after their last occurrence. Default 1 hour, upstream's.
    /// </summary>
    public TimeSpan EventTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the containers of a pod that runs to completion (restartPolicy OnFailure or Never: a Job's) run before
    /// they exit 0, on the cluster's clock. Default 1 s; <see langword="null"/>: they run until
    /// <see cref="FakeCluster.ExitPod"/> ends them.
    /// </summary>
    public TimeSpan? RunToCompletionTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The seed for generated names and UIDs, so that runs repeat. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>
    /// Whether every Gateway the cluster's Gateway controller serves gets its HTTP and HTTPS listener ports put on
    /// loopback ports as it appears (<see cref="FakeCluster.GatewayListenerExposed"/> says where). Default
    /// <see langword="false"/>; the standalone server turns it on.
    /// </summary>
    public bool ExposeGatewayListeners { get; set; }
}

/// <summary>The API server's <c>fieldValidation</c> levels.</summary>
public enum FieldValidationMode
{
    /// <summary>Unknown and duplicate fields fail the write (400).</summary>
    Strict,

    /// <summary>Unknown fields are dropped and each problem is reported as a warning (<see cref="FakeCluster.Warnings"/> in process).</summary>
    Warn,

    /// <summary>Unknown fields are dropped silently; the last of a duplicate field is kept.</summary>
    Ignore,
}
