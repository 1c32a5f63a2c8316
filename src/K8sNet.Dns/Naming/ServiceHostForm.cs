namespace K8sNet.Dns;

/// <summary>How a host names a Service.</summary>
public enum ServiceHostForm
{
    /// <summary><c>orders</c>: the Service in the client's own namespace.</summary>
    Name = 0,

    /// <summary><c>orders.shop</c>.</summary>
    NameNamespace = 1,

    /// <summary><c>orders.shop.svc</c>.</summary>
    NameNamespaceSvc = 2,

    /// <summary><c>orders.shop.svc.cluster.local</c>.</summary>
    Fqdn = 3,
}
