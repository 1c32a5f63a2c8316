namespace K8sNet.Dns;

/// <summary>What a name inside the cluster zone asks for, as CoreDNS's kubernetes plugin reads it.</summary>
public enum ClusterDnsNameKind
{
    /// <summary>The zone itself, <c>svc.&lt;zone&gt;</c> or <c>pod.&lt;zone&gt;</c>: exists, holds no records (NODATA).</summary>
    Apex = 0,

    /// <summary><c>dns-version.&lt;zone&gt;</c>: the schema version TXT record.</summary>
    DnsVersion = 1,

    /// <summary><c>&lt;ns&gt;.svc.&lt;zone&gt;</c> or <c>&lt;ns&gt;.pod.&lt;zone&gt;</c>: a namespace.</summary>
    Namespace = 2,

    /// <summary><c>&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;</c>: a Service (A/AAAA, bare SRV, CNAME).</summary>
    Service = 3,

    /// <summary><c>&lt;hostname&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;</c>: one endpoint of a Service.</summary>
    Endpoint = 4,

    /// <summary><c>_&lt;port&gt;._&lt;proto&gt;.&lt;svc&gt;.&lt;ns&gt;.svc.&lt;zone&gt;</c>: the SRV records of a named port.</summary>
    ServicePort = 5,

    /// <summary><c>&lt;a-b-c-d&gt;.&lt;ns&gt;.pod.&lt;zone&gt;</c>: a pod by its dashed IP.</summary>
    Pod = 6,

    /// <summary>Inside the zone but not a name cluster DNS serves (not under svc/pod, or too many labels): NXDOMAIN.</summary>
    Invalid = 7,
}
