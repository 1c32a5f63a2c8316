namespace K8sNet.Gateway;

/// <summary>How the Ingress controller being modelled behaves where the Ingress spec leaves it open.</summary>
public sealed class IngressRouterOptions
{
    /// <summary>
    /// The IngressClass this controller serves (Ingresses whose <c>spec.ingressClassName</c>, or the deprecated
    /// <c>kubernetes.io/ingress.class</c> annotation, names it). Default <see langword="null"/>: every Ingress, whatever
    /// its class — what a unit test of one app's manifests usually wants.
    /// </summary>
    public string? ClassName { get; set; }

    /// <summary>
    /// Whether this controller's class is the default IngressClass, so that it also serves Ingresses without a class
    /// (admission gives new class-less Ingresses the default class). Also true when an IngressClass given to the router
    /// with <see cref="ClassName"/>'s name carries <c>ingressclass.kubernetes.io/is-default-class: "true"</c>.
    /// </summary>
    public bool IsDefaultClass { get; set; }

    /// <summary>
    /// What <c>pathType: ImplementationSpecific</c> means here (the spec lets the controller decide): Prefix by default,
    /// as ingress-nginx treats a plain path; Exact is the other choice.
    /// </summary>
    public IngressPathType ImplementationSpecificAs { get; set; } = IngressPathType.Prefix;

    /// <summary>
    /// Which of two Ingresses created in the same second comes first (the spec leaves it to the controller).
    /// <see langword="null"/> (the default): as the controller of the <see cref="ClassName"/> IngressClass given to the
    /// router does it — <c>k8s.io/ingress-nginx</c> by namespace/name descending (its store's <c>sortIngressSlice</c>),
    /// any other (or none given) ascending.
    /// </summary>
    public IngressTieOrder? TieOrder { get; set; }
}

/// <summary>The order of Ingresses with the same creationTimestamp.</summary>
public enum IngressTieOrder
{
    /// <summary>By <c>namespace/name</c>, ascending.</summary>
    NameAscending,

    /// <summary>By <c>namespace/name</c>, descending (ingress-nginx).</summary>
    NameDescending,
}

/// <summary>An Ingress path type.</summary>
public enum IngressPathType
{
    /// <summary>The whole path, case-sensitively.</summary>
    Exact,

    /// <summary>An element-wise prefix, split on '/'.</summary>
    Prefix,
}
