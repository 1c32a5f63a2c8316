using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// Server-side printing: the <c>meta.k8s.io/v1</c> Table a client asks for with <c>Accept: application/json;as=Table</c>
/// (kubectl's default for <c>get</c>), with the columns kube-apiserver's printers give each kind (pods, Services,
/// Deployments, ReplicaSets, StatefulSets, nodes, namespaces, EndpointSlices, Endpoints, ConfigMaps; the Gateway API
/// kinds their CRDs' printer columns; other kinds the default Name and Created At), priority-1 columns being kubectl's <c>-o wide</c> ones. Ages are on the cluster's clock,
/// spelled as apimachinery's HumanDuration spells them. Rows carry the object's metadata (PartialObjectMetadata), the
/// whole object with <c>includeObject=Object</c>, or nothing with <c>includeObject=None</c>.
/// </summary>
internal static partial class TablePrinter
{
    public static bool Wanted(string? accept) =>
        accept is not null && accept.Split(',').Any(part => part.Contains("as=Table", StringComparison.Ordinal) && part.Contains("g=meta.k8s.io", StringComparison.Ordinal));

    public static JsonObject Table(ResourceType type, IEnumerable<JsonObject> items, JsonObject listMetadata, string? includeObject, DateTimeOffset now)
    {
        var (columns, cells) = Printer(type);
        var rows = new JsonArray();
        foreach (var item in items)
        {
            var row = new JsonObject { ["cells"] = new JsonArray([.. cells(item, now)]) };
            switch (includeObject)
            {
                case "None":
                    break;
                case "Object":
                    row["object"] = item.DeepClone();
                    break;
                default:
                    row["object"] = new JsonObject
                    {
                        ["kind"] = "PartialObjectMetadata",
                        ["apiVersion"] = "meta.k8s.io/v1",
                        ["metadata"] = item["metadata"]?.DeepClone(),
                    };
                    break;
            }

            rows.Add(row);
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = listMetadata,
            ["columnDefinitions"] = new JsonArray([.. columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            })]),
            ["rows"] = rows,
        };
    }

    /// <summary>apimachinery's <c>duration.HumanDuration</c>.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Inv($"{seconds}s");
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Inv($"{minutes}m") : Inv($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Inv($"{minutes}m");
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Inv($"{hours}h") : Inv($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Inv($"{hours}h");
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Inv($"{hours / 24}d") : Inv($"{hours / 24}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Inv($"{hours / 24}d");
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? Inv($"{hours / 24 / 365}y") : Inv($"{hours / 24 / 365}y{dy}d");
        }

        return Inv($"{hours / 24 / 365}y");
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record Column(string Name, string Type, string Format, string Description, int Priority = 0);

    private static readonly Column NameColumn = new("Name", "string", "name", "Name must be unique within a namespace.");
    private static readonly Column AgeColumn = new("Age", "string", string.Empty, "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static (Column[] Columns, Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells) Printer(ResourceType type)
    {
        string Age(JsonObject o, DateTimeOffset now) =>
            DateTimeOffset.TryParse(Json.Str(o["metadata"]?["creationTimestamp"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
                ? HumanDuration(now - created)
                : "<unknown>";

        if (type == ResourceType.Pod)
        {
            return (
                [NameColumn, new("Ready", "string", string.Empty, "The aggregate readiness state of this pod for accepting traffic."), new("Status", "string", string.Empty, "The aggregate status of the containers in this pod."),
                 new("Restarts", "string", string.Empty, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."), AgeColumn,
                 new("IP", "string", string.Empty, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", 1), new("Node", "string", string.Empty, "NodeName is a request to schedule this pod onto a specific node.", 1),
                 new("Nominated Node", "string", string.Empty, "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.", 1),
                 new("Readiness Gates", "string", string.Empty, "If specified, all readiness gates will be evaluated for pod readiness.", 1)],
                (o, now) =>
                {
                    var containers = (o["spec"]?["containers"] as JsonArray)?.Count ?? 0;
                    var statuses = (o["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                    var ready = statuses.Count(s => Json.Bool(s["ready"]) == true);
                    var restarts = statuses.Sum(s => Json.Num(s["restartCount"]) ?? 0);
                    var status = Json.IsDeleting(o) ? "Terminating" : Json.Str(o["status"]?["reason"]) ?? Json.Str(o["status"]?["phase"]) ?? "Pending";
                    var gates = (o["spec"]?["readinessGates"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                    var conditions = (o["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                    var gatesText = gates.Count == 0
                        ? "<none>"
                        : Inv($"{gates.Count(g => conditions.Any(c => Json.Str(c["type"]) == Json.Str(g["conditionType"]) && Json.Str(c["status"]) == "True"))}/{gates.Count}");
                    return [Json.Name(o), Inv($"{ready}/{containers}"), status, restarts.ToString(CultureInfo.InvariantCulture), Age(o, now),
                        Json.Str(o["status"]?["podIP"]) ?? "<none>", Json.Str(o["spec"]?["nodeName"]) ?? "<none>", Json.Str(o["status"]?["nominatedNodeName"]) ?? "<none>", gatesText];
                });
        }

        if (type == ResourceType.Service)
        {
            return (
                [NameColumn, new("Type", "string", string.Empty, "The type of the service."), new("Cluster-IP", "string", string.Empty, "The IP address of the service."),
                 new("External-IP", "string", string.Empty, "The external IP address of the service."), new("Port(s)", "string", string.Empty, "The port(s) of the service."), AgeColumn,
                 new("Selector", "string", string.Empty, "Route service traffic to pods with label keys and values matching this selector.", 1)],
                (o, now) =>
                {
                    var spec = o["spec"] as JsonObject ?? [];
                    var serviceType = Json.Str(spec["type"]) ?? "ClusterIP";
                    var ports = (spec["ports"] as JsonArray ?? []).OfType<JsonObject>()
                        .Select(p => Json.Num(p["nodePort"]) is { } np and > 0
                            ? Inv($"{Json.Num(p["port"])}:{np}/{Json.Str(p["protocol"]) ?? "TCP"}")
                            : Inv($"{Json.Num(p["port"])}/{Json.Str(p["protocol"]) ?? "TCP"}"))
                        .ToList();
                    var ingress = (o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>().Select(i => Json.Str(i["ip"]) ?? Json.Str(i["hostname"])).OfType<string>().ToList();
                    var externalIps = (spec["externalIPs"] as JsonArray ?? []).Select(Json.Str).OfType<string>().ToList();
                    var external = serviceType switch
                    {
                        "ExternalName" => Json.Str(spec["externalName"]) ?? "<none>",
                        "LoadBalancer" => ingress.Count + externalIps.Count > 0 ? string.Join(",", ingress.Concat(externalIps)) : "<pending>",
                        _ => externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>",
                    };
                    var selector = spec["selector"] is JsonObject sel && sel.Count > 0 ? string.Join(",", sel.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Json.Str(p.Value)}")) : "<none>";
                    return [Json.Name(o), serviceType, Json.Str(spec["clusterIP"]) ?? "<none>", external, ports.Count > 0 ? string.Join(",", ports) : "<none>", Age(o, now), selector];
                });
        }

        if (type == ResourceType.Deployment || type == ResourceType.ReplicaSet || type == ResourceType.StatefulSet)
        {
            Column containersColumn = new("Containers", "string", string.Empty, "Names of each container in the template.", 1);
            Column imagesColumn = new("Images", "string", string.Empty, "Images referenced by each container in the template.", 1);
            Column selectorColumn = new("Selector", "string", string.Empty, "Label selector for pods.", 1);
            string Containers(JsonObject o) => string.Join(",", (o["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => Json.Str(c?["name"])));
            string Images(JsonObject o) => string.Join(",", (o["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => Json.Str(c?["image"])));
            string Selector(JsonObject o) => string.Join(",", (o["spec"]?["selector"]?["matchLabels"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Json.Str(p.Value)}"));
            long N(JsonNode? n) => Json.Num(n) ?? 0;
            if (type == ResourceType.Deployment)
            {
                return (
                    [NameColumn, new("Ready", "string", string.Empty, "Number of the pod with ready state"), new("Up-to-date", "string", string.Empty, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
                     new("Available", "string", string.Empty, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."), AgeColumn, containersColumn, imagesColumn, selectorColumn],
                    (o, now) => [Json.Name(o), Inv($"{N(o["status"]?["readyReplicas"])}/{N(o["spec"]?["replicas"])}"), N(o["status"]?["updatedReplicas"]), N(o["status"]?["availableReplicas"]), Age(o, now), Containers(o), Images(o), Selector(o)]);
            }

            if (type == ResourceType.ReplicaSet)
            {
                return (
                    [NameColumn, new("Desired", "integer", string.Empty, "Number of desired pods."), new("Current", "integer", string.Empty, "Number of actual replicas."),
                     new("Ready", "integer", string.Empty, "The number of ready replicas for this replica set."), AgeColumn, containersColumn, imagesColumn, selectorColumn],
                    (o, now) => [Json.Name(o), N(o["spec"]?["replicas"]), N(o["status"]?["replicas"]), N(o["status"]?["readyReplicas"]), Age(o, now), Containers(o), Images(o), Selector(o)]);
            }

            return (
                [NameColumn, new("Ready", "string", string.Empty, "Number of the pod with ready state"), AgeColumn, containersColumn, imagesColumn],
                (o, now) => [Json.Name(o), Inv($"{N(o["status"]?["readyReplicas"])}/{N(o["spec"]?["replicas"])}"), Age(o, now), Containers(o), Images(o)]);
        }

        if (type == ResourceType.Node)
        {
            return (
                [NameColumn, new("Status", "string", string.Empty, "The status of the node"), new("Roles", "string", string.Empty, "The roles of the node"), AgeColumn,
                 new("Version", "string", string.Empty, "Kubelet Version reported by the node."), new("Internal-IP", "string", string.Empty, "List of addresses reachable to the node. Queried from cloud provider, if available.", 1),
                 new("External-IP", "string", string.Empty, "List of addresses reachable to the node. Queried from cloud provider, if available.", 1)],
                (o, now) =>
                {
                    var ready = (o["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == "Ready");
                    var status = Json.Str(ready?["status"]) == "True" ? "Ready" : "NotReady";
                    if (Json.Bool(o["spec"]?["unschedulable"]) == true)
                    {
                        status += ",SchedulingDisabled";
                    }

                    var roles = (o["metadata"]?["labels"] as JsonObject ?? []).Select(p => p.Key)
                        .Where(k => k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal)).Select(k => k["node-role.kubernetes.io/".Length..]).Order(StringComparer.Ordinal).ToList();
                    var addresses = (o["status"]?["addresses"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                    string Address(string kind) => addresses.Where(a => Json.Str(a["type"]) == kind).Select(a => Json.Str(a["address"])).FirstOrDefault() ?? "<none>";
                    return [Json.Name(o), status, roles.Count > 0 ? string.Join(",", roles) : "<none>", Age(o, now), Json.Str(o["status"]?["nodeInfo"]?["kubeletVersion"]) ?? string.Empty, Address("InternalIP"), Address("ExternalIP")];
                });
        }

        if (type == ResourceType.Namespace)
        {
            return (
                [NameColumn, new("Status", "string", string.Empty, "The status of the namespace"), AgeColumn],
                (o, now) => [Json.Name(o), Json.Str(o["status"]?["phase"]) ?? "Active", Age(o, now)]);
        }

        if (type == ResourceType.EndpointSlice)
        {
            return (
                [NameColumn, new("AddressType", "string", string.Empty, "The type of address carried by this EndpointSlice."), new("Ports", "string", string.Empty, "Ports provided by this EndpointSlice."),
                 new("Endpoints", "string", string.Empty, "Endpoints included in this EndpointSlice."), AgeColumn],
                (o, now) =>
                {
                    var ports = (o["ports"] as JsonArray ?? []).Select(p => Json.Num(p?["port"]) is { } n ? n.ToString(CultureInfo.InvariantCulture) : "<unset>").ToList();
                    var addresses = (o["endpoints"] as JsonArray ?? []).SelectMany(e => (e?["addresses"] as JsonArray ?? []).Select(Json.Str)).OfType<string>().ToList();
                    return [Json.Name(o), Json.Str(o["addressType"]) ?? string.Empty, ports.Count > 0 ? string.Join(",", ports) : "<unset>", Limited(addresses), Age(o, now)];
                });
        }

        if (type == ResourceType.Endpoints)
        {
            return (
                [NameColumn, new("Endpoints", "string", string.Empty, "Endpoints of the service"), AgeColumn],
                (o, now) =>
                {
                    var list = new List<string>();
                    foreach (var subset in (o["subsets"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        var ports = (subset["ports"] as JsonArray ?? []).Select(p => Json.Num(p?["port"])).ToList();
                        foreach (var address in (subset["addresses"] as JsonArray ?? []).Select(a => Json.Str(a?["ip"])).OfType<string>())
                        {
                            list.AddRange(ports.Count == 0 ? [address] : ports.Select(p => Inv($"{address}:{p}")));
                        }
                    }

                    return [Json.Name(o), list.Count > 0 ? Limited(list) : "<none>", Age(o, now)];
                });
        }

        if (type == ResourceType.Ingress)
        {
            // kube-apiserver's printIngress: the class, up to three rule hosts ("*" for none), the load-balancer
            // addresses (cut to 16 characters), 80 or "80, 443" with TLS.
            return (
                [NameColumn,
                 new("Class", "string", string.Empty, "The name of the IngressClass resource that should be used for this Ingress."),
                 new("Hosts", "string", string.Empty, "Hosts that incoming requests are matched against before the ingress rule"),
                 new("Address", "string", string.Empty, "Address is a list containing ingress points for the load-balancer"),
                 new("Ports", "string", string.Empty, "Ports of TLS configurations that open"),
                 AgeColumn],
                (o, now) =>
                {
                    var rules = (o["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
                    var hosts = rules.Take(3).Select(r => Json.Str(r["host"])).Where(h => !string.IsNullOrEmpty(h)).ToList();
                    var hostText = hosts.Count == 0 ? "*" : string.Join(",", hosts) + (rules.Count > 3 ? Inv($" + {rules.Count - 3} more...") : string.Empty);
                    var address = string.Join(",", (o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).OfType<JsonObject>()
                        .Select(i => Json.Str(i["ip"]) ?? Json.Str(i["hostname"])).OfType<string>());
                    if (address.Length > 16)
                    {
                        address = address[..13] + "...";
                    }

                    var tls = (o["spec"]?["tls"] as JsonArray)?.Count > 0;
                    return [Json.Name(o), Json.Str(o["spec"]?["ingressClassName"]) ?? "<none>", hostText, address, tls ? "80, 443" : "80", Age(o, now)];
                });
        }

        if (type == ResourceType.ConfigMap)
        {
            return (
                [NameColumn, new("Data", "integer", string.Empty, "Data contains the configuration data."), AgeColumn],
                (o, now) => [Json.Name(o), ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0), Age(o, now)]);
        }

        if (MorePrinters(type, Age) is { } more)
        {
            return more;
        }

        if (type.IsCustomResource)
        {
            return CustomResource(type, Age);
        }

        return (
            [NameColumn, new("Created At", "date", string.Empty, "CreationTimestamp is a timestamp representing the server time when this object was created.")],
            (o, _) => [Json.Name(o), Json.Str(o["metadata"]?["creationTimestamp"])]);
    }

    // The Gateway API CRDs' additionalPrinterColumns (config/crd/standard), as the CRD table convertor fills them: the
    // first value a JSONPath finds, a list as JSON; a CRD without columns gets Name and Age.
    private static (Column[] Columns, Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells) CustomResource(ResourceType type, Func<JsonObject, DateTimeOffset, string> age)
    {
        static string? Condition(JsonObject o, string conditionType) =>
            (o["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().Where(c => Json.Str(c["type"]) == conditionType).Select(c => Json.Str(c["status"])).FirstOrDefault();
        static string? Hostnames(JsonObject o) => o["spec"]?["hostnames"] is JsonArray { Count: > 0 } list ? list.ToJsonString() : null;

        switch (type.Kind)
        {
            case "GatewayClass":
                return (
                    [NameColumn, new("Controller", "string", string.Empty, string.Empty), new("Accepted", "string", string.Empty, string.Empty), AgeColumn, new("Description", "string", string.Empty, string.Empty, 1)],
                    (o, now) => [Json.Name(o), Json.Str(o["spec"]?["controllerName"]), Condition(o, "Accepted"), age(o, now), Json.Str(o["spec"]?["description"])]);
            case "Gateway":
                return (
                    [NameColumn, new("Class", "string", string.Empty, string.Empty), new("Address", "string", string.Empty, string.Empty), new("Programmed", "string", string.Empty, string.Empty), AgeColumn],
                    (o, now) => [Json.Name(o), Json.Str(o["spec"]?["gatewayClassName"]), (o["status"]?["addresses"] as JsonArray ?? []).Select(a => Json.Str(a?["value"])).FirstOrDefault(v => v is not null), Condition(o, "Programmed"), age(o, now)]);
            case "HTTPRoute" or "GRPCRoute":
                return (
                    [NameColumn, new("Hostnames", "string", string.Empty, string.Empty), AgeColumn],
                    (o, now) => [Json.Name(o), Hostnames(o), age(o, now)]);
            default:
                return ([NameColumn, AgeColumn], (o, now) => [Json.Name(o), age(o, now)]);
        }
    }

    // kubectl's formatting of long lists in a cell: the first three, then "+ N more...".
    private static string Limited(List<string> values) =>
        values.Count <= 3 ? string.Join(",", values) : Inv($"{string.Join(",", values.Take(3))} + {values.Count - 3} more...");
}
