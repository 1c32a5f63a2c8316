using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace K8sNet.Testing.Store;

/// <summary>A kind FakeCluster stores: its group, version, kind, plural resource name and scope.</summary>
/// <param name="Group">The API group; <c>""</c> for core.</param>
/// <param name="Version">The version, e.g. <c>v1</c>.</param>
/// <param name="Kind">The kind, e.g. <c>Pod</c>.</param>
/// <param name="Plural">The resource name, e.g. <c>pods</c>.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="ShortNames">kubectl short names.</param>
internal sealed record ResourceType(string Group, string Version, string Kind, string Plural, bool Namespaced, params string[] ShortNames)
{
    /// <summary>The <c>apiVersion</c> value: <c>v1</c> or <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Whether the kind is a custom resource upstream (the Gateway API's CRDs, a CRD's kinds): JSON only, no strategic merge patch.</summary>
    public bool IsCustomResource => Group == "gateway.networking.k8s.io" || Definition is not null;

    /// <summary>For a kind a CustomResourceDefinition serves: what the definition says of this version.</summary>
    public CustomResourceVersion? Definition { get; init; }

    /// <summary>Kinds are the same kind when their group, version and kind are (a CRD's update keeps its objects).</summary>
    public bool Equals(ResourceType? other) => other is not null && Group == other.Group && Version == other.Version && Kind == other.Kind;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Group, Version, Kind);

    /// <summary>The list kind, e.g. <c>PodList</c>.</summary>
    public string ListKind => Kind + "List";

    /// <summary>Namespaces (core/v1).</summary>
    public static ResourceType Namespace { get; } = new("", "v1", "Namespace", "namespaces", false, "ns");

    /// <summary>Nodes (core/v1).</summary>
    public static ResourceType Node { get; } = new("", "v1", "Node", "nodes", false, "no");

    /// <summary>Pods (core/v1).</summary>
    public static ResourceType Pod { get; } = new("", "v1", "Pod", "pods", true, "po");

    /// <summary>Services (core/v1).</summary>
    public static ResourceType Service { get; } = new("", "v1", "Service", "services", true, "svc");

    /// <summary>Endpoints (core/v1), a read-only mirror of the slices.</summary>
    public static ResourceType Endpoints { get; } = new("", "v1", "Endpoints", "endpoints", true, "ep");

    /// <summary>ConfigMaps (core/v1).</summary>
    public static ResourceType ConfigMap { get; } = new("", "v1", "ConfigMap", "configmaps", true, "cm");

    /// <summary>Deployments (apps/v1).</summary>
    public static ResourceType Deployment { get; } = new("apps", "v1", "Deployment", "deployments", true, "deploy");

    /// <summary>ReplicaSets (apps/v1).</summary>
    public static ResourceType ReplicaSet { get; } = new("apps", "v1", "ReplicaSet", "replicasets", true, "rs");

    /// <summary>StatefulSets (apps/v1).</summary>
    public static ResourceType StatefulSet { get; } = new("apps", "v1", "StatefulSet", "statefulsets", true, "sts");

    /// <summary>EndpointSlices (discovery.k8s.io/v1).</summary>
    public static ResourceType EndpointSlice { get; } = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true);

    /// <summary>Ingresses (networking.k8s.io/v1).</summary>
    public static ResourceType Ingress { get; } = new("networking.k8s.io", "v1", "Ingress", "ingresses", true, "ing");

    /// <summary>IngressClasses (networking.k8s.io/v1).</summary>
    public static ResourceType IngressClass { get; } = new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false);

    /// <summary>Secrets (core/v1).</summary>
    public static ResourceType Secret { get; } = new("", "v1", "Secret", "secrets", true);

    /// <summary>ServiceAccounts (core/v1).</summary>
    public static ResourceType ServiceAccount { get; } = new("", "v1", "ServiceAccount", "serviceaccounts", true, "sa");

    /// <summary>Events (core/v1), written by the controllers and kept for the event TTL.</summary>
    public static ResourceType Event { get; } = new("", "v1", "Event", "events", true, "ev");

    /// <summary>Events (events.k8s.io/v1): the same events in the newer shape.</summary>
    public static ResourceType EventsV1 { get; } = new("events.k8s.io", "v1", "Event", "events", true, "ev");

    /// <summary>DaemonSets (apps/v1).</summary>
    public static ResourceType DaemonSet { get; } = new("apps", "v1", "DaemonSet", "daemonsets", true, "ds");

    /// <summary>ControllerRevisions (apps/v1): DaemonSet and StatefulSet template history.</summary>
    public static ResourceType ControllerRevision { get; } = new("apps", "v1", "ControllerRevision", "controllerrevisions", true);

    /// <summary>Jobs (batch/v1).</summary>
    public static ResourceType Job { get; } = new("batch", "v1", "Job", "jobs", true);

    /// <summary>CronJobs (batch/v1).</summary>
    public static ResourceType CronJob { get; } = new("batch", "v1", "CronJob", "cronjobs", true, "cj");

    /// <summary>HorizontalPodAutoscalers (autoscaling/v2).</summary>
    public static ResourceType HorizontalPodAutoscaler { get; } = new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, "hpa");

    /// <summary>HorizontalPodAutoscalers as autoscaling/v1 serves them (stored as autoscaling/v2).</summary>
    public static ResourceType HorizontalPodAutoscalerV1 { get; } = new("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, "hpa");

    /// <summary>PodDisruptionBudgets (policy/v1).</summary>
    public static ResourceType PodDisruptionBudget { get; } = new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, "pdb");

    /// <summary>NetworkPolicies (networking.k8s.io/v1): stored and validated, not enforced.</summary>
    public static ResourceType NetworkPolicy { get; } = new("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, "netpol");

    /// <summary>Roles (rbac.authorization.k8s.io/v1): stored and validated, not enforced.</summary>
    public static ResourceType Role { get; } = new("rbac.authorization.k8s.io", "v1", "Role", "roles", true);

    /// <summary>RoleBindings (rbac.authorization.k8s.io/v1).</summary>
    public static ResourceType RoleBinding { get; } = new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true);

    /// <summary>ClusterRoles (rbac.authorization.k8s.io/v1).</summary>
    public static ResourceType ClusterRole { get; } = new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false);

    /// <summary>ClusterRoleBindings (rbac.authorization.k8s.io/v1).</summary>
    public static ResourceType ClusterRoleBinding { get; } = new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false);

    /// <summary>CustomResourceDefinitions (apiextensions.k8s.io/v1): each adds the kinds it defines to the API.</summary>
    public static ResourceType CustomResourceDefinition { get; } = new("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, "crd", "crds");

    /// <summary>
    /// Every kind FakeCluster knows, the Gateway API's included (v1, as the v1.6.1 standard channel serves them; the
    /// older v1beta1/v1alpha2 versions are not served), typed by the models of K8sNet.Gateway.GatewayApi.
    /// </summary>
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespace, Node, Pod, Service, Endpoints, ConfigMap, Secret, ServiceAccount, Event,
        Deployment, ReplicaSet, StatefulSet, DaemonSet, ControllerRevision, Job, CronJob, EndpointSlice, Ingress, IngressClass, NetworkPolicy,
        HorizontalPodAutoscaler, HorizontalPodAutoscalerV1, EventsV1, PodDisruptionBudget, Role, RoleBinding, ClusterRole, ClusterRoleBinding, CustomResourceDefinition,
        new("gateway.networking.k8s.io", "v1", "GatewayClass", "gatewayclasses", false, "gc"),
        new("gateway.networking.k8s.io", "v1", "Gateway", "gateways", true, "gtw"),
        new("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes", true),
        new("gateway.networking.k8s.io", "v1", "GRPCRoute", "grpcroutes", true),
        new("gateway.networking.k8s.io", "v1", "ReferenceGrant", "referencegrants", true, "refgrant"),
        new("gateway.networking.k8s.io", "v1", "TCPRoute", "tcproutes", true),
        new("gateway.networking.k8s.io", "v1", "UDPRoute", "udproutes", true),
        new("gateway.networking.k8s.io", "v1", "TLSRoute", "tlsroutes", true),
    ];

    private static readonly FrozenDictionary<(string ApiVersion, string Kind), ResourceType> ByKind =
        All.ToFrozenDictionary(t => (t.ApiVersion, t.Kind));

    /// <summary>The type of an <c>apiVersion</c> and <c>kind</c>.</summary>
    /// <param name="apiVersion">The apiVersion, e.g. <c>apps/v1</c>.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="type">The type when known.</param>
    /// <returns><see langword="true"/> when FakeCluster serves the kind.</returns>
    public static bool TryFind(string? apiVersion, string? kind, [NotNullWhen(true)] out ResourceType? type)
    {
        type = null;
        return apiVersion is not null && kind is not null && ByKind.TryGetValue((apiVersion, kind), out type);
    }

    /// <inheritdoc />
    public override string ToString() => $"{ApiVersion}/{Kind}";
}
