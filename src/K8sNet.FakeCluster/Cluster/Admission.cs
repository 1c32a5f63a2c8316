using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing.Controllers;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// What the fake API server does to an object before storing it, as kube-apiserver's defaulting, validation and
/// allocation do: names by kind, Service defaults and cluster IP / node port / load-balancer allocation, Pod and
/// Namespace defaults.
/// </summary>
internal sealed class Admission
{
    private readonly FakeClusterOptions _options;
    private readonly List<CidrAllocator> _serviceRanges;
    private readonly CidrAllocator _loadBalancers;
    private readonly HashSet<int> _nodePorts = [];
    private readonly Lock _gate = new();
    private int _nextNodePort;

    public Admission(FakeClusterOptions options)
    {
        _options = options;
        _serviceRanges = [.. options.ServiceCidrs.Select(c => new CidrAllocator(c))];
        _loadBalancers = new CidrAllocator(options.LoadBalancerPool);
        _nextNodePort = options.NodePortMin;
    }

    public bool IsDualStack => _serviceRanges.Count > 1;

    /// <summary>Defaults, validates and allocates for a create.</summary>
    public void OnCreate(ResourceType type, JsonObject obj)
    {
        var meta = ObjectStore.Metadata(obj);
        ValidateName(type, obj);
        if (type == ResourceType.CustomResourceDefinition)
        {
            CustomResourceDefinitions.Default(obj, create: true);
            ObjectValidation.Throw(type, obj, CustomResourceDefinitions.Validate(obj));
            CustomResourceDefinitions.Establish(obj, CustomResourceDefinitionsNow?.Invoke() ?? [], ObjectStore.Timestamp(_options.TimeProvider.GetUtcNow()));
        }
        else if (type.Definition is { } definition)
        {
            CustomResource(type, definition, obj, current: null);
        }

        KindDefaults.Apply(type, obj);
        KindDefaults.TemplateGeneration(type, obj, null);
        if (type == ResourceType.Pod)
        {
            DefaultPod(obj); // defaults and the mutating admission plugins come before validation, as upstream
        }

        ObjectValidation.Check(type, obj);
        if (type == ResourceType.Service)
        {
            DefaultService(obj);
            var spec = Json.Obj(obj, "spec");
            if (Json.Str(spec["clusterIP"]) is { Length: > 0 } clusterIP && spec["clusterIPs"] is null or JsonArray { Count: 0 })
            {
                spec["clusterIPs"] = new JsonArray(clusterIP); // NormalizeClusterIPs: an old client's singular fills the plural
            }

            ObjectValidation.CheckService(obj, null);
            AllocateService(obj);
        }
        else if (type == ResourceType.Namespace)
        {
            Json.Obj(meta, "labels")[WellKnownLabels.NamespaceName] = Json.Str(meta["name"]);
            Json.Obj(obj, "status")["phase"] = "Active";
        }
        else if (type == ResourceType.EndpointSlice)
        {
            if (obj["addressType"] is null)
            {
                throw KubernetesStatusException.Invalid(type, Json.Name(obj), "addressType: Required value");
            }

            foreach (var port in obj["ports"] as JsonArray ?? [])
            {
                if (port is JsonObject p && p["protocol"] is null)
                {
                    p["protocol"] = "TCP";
                }
            }
        }
    }

    /// <summary>The cluster's CustomResourceDefinitions now (for the names a new one may not take).</summary>
    public Func<IEnumerable<JsonObject>>? CustomResourceDefinitionsNow { get; set; }

    // A custom resource as apiextensions-apiserver's handler and strategy take it: its apiVersion and kind, the schema's
    // unknown fields pruned, its defaults, its validation; the main resource keeps its status when /status is on.
    private static void CustomResource(ResourceType type, CustomResourceVersion definition, JsonObject obj, JsonObject? current)
    {
        if (definition.HasStatus)
        {
            if (current?["status"] is { } status)
            {
                obj["status"] = status.DeepClone();
            }
            else
            {
                obj.Remove("status");
            }
        }

        var errors = new List<FieldError>();
        if (definition.Schema is { } schema)
        {
            CrdSchema.Prune(obj, schema);
            CrdSchema.Default(obj, schema);
            var body = (JsonObject)obj.DeepClone();
            body.Remove("metadata");
            body.Remove("apiVersion");
            body.Remove("kind");
            var schemaForBody = (JsonObject)schema.DeepClone();
            (schemaForBody["properties"] as JsonObject)?.Remove("metadata");
            (schemaForBody["properties"] as JsonObject)?.Remove("apiVersion");
            (schemaForBody["properties"] as JsonObject)?.Remove("kind");
            CrdSchema.Validate(body, schemaForBody, string.Empty, errors);
        }

        ObjectValidation.Throw(type, obj, errors);
    }

    /// <summary>What a create decides once the object has its name and uid: a Job's generated selector, then its checks.</summary>
    public static void OnIdentity(JsonObject obj)
    {
        KindDefaults.JobIdentity(obj);
        ObjectValidation.CheckJobSelector(obj);
    }

    /// <summary>Defaults and validates for an update; allocated Service fields are kept.</summary>
    public void OnUpdate(ResourceType type, JsonObject obj, JsonObject current)
    {
        if (type == ResourceType.CustomResourceDefinition)
        {
            CustomResourceDefinitions.Default(obj, create: false);
            obj["status"] = current["status"]?.DeepClone(); // the main resource does not write status
            var errors = CustomResourceDefinitions.Validate(obj);
            foreach (var (field, at) in new[] { ("group", "spec.group"), ("plural", "spec.names.plural") })
            {
                var now = field == "group" ? obj["spec"]?["group"] : obj["spec"]?["names"]?["plural"];
                var was = field == "group" ? current["spec"]?["group"] : current["spec"]?["names"]?["plural"];
                if (!JsonNode.DeepEquals(now, was))
                {
                    errors.Add(new FieldError(at, "Invalid value", Json.Quote(Json.Str(now) ?? string.Empty), "field is immutable"));
                }
            }

            ObjectValidation.Throw(type, obj, errors);
            CustomResourceDefinitions.Establish(obj, CustomResourceDefinitionsNow?.Invoke() ?? [], ObjectStore.Timestamp(_options.TimeProvider.GetUtcNow()));
        }
        else if (type.Definition is { } definition)
        {
            CustomResource(type, definition, obj, current);
        }

        KindDefaults.Apply(type, obj);
        KindDefaults.TemplateGeneration(type, obj, current);
        if (type == ResourceType.Pod && obj["spec"] is JsonObject podSpec)
        {
            DefaultPodSpec(podSpec);
            DefaultTolerations(obj, podSpec); // the DefaultTolerationSeconds plugin admits updates too
        }

        ObjectValidation.Check(type, obj, current);
        ObjectValidation.CheckUpdate(type, obj, current);
        if (type == ResourceType.Service)
        {
            UpdateService(obj, current);
        }
    }

    // The registry's update of a Service (pkg/registry/core/service/storage): the values it allocated are kept when the
    // client did not send them (patchAllocatedValues), what the new type no longer needs and the client left as it was
    // is dropped (dropTypeDependentFields), cluster IPs are normalized, then the Service is validated and what the new
    // type needs is allocated.
    private void UpdateService(JsonObject obj, JsonObject current)
    {
        DefaultService(obj);
        var spec = Json.Obj(obj, "spec");
        var old = current["spec"] as JsonObject ?? [];
        var type = Json.Str(spec["type"]);
        var oldType = Json.Str(old["type"]);
        if (type != "ExternalName" && oldType != "ExternalName" && string.IsNullOrEmpty(Json.Str(spec["clusterIP"])) && old["clusterIP"] is not null)
        {
            spec["clusterIP"] = old["clusterIP"]!.DeepClone();
            if (spec["clusterIPs"] is null or JsonArray { Count: 0 })
            {
                spec["clusterIPs"] = old["clusterIPs"]?.DeepClone();
            }
        }

        var oldPorts = old["ports"] as JsonArray ?? [];
        if (NeedsNodePorts(spec))
        {
            // Keep node ports the client did not send (kubectl apply of a manifest without them).
            foreach (var port in spec["ports"] as JsonArray ?? [])
            {
                if (port is JsonObject p && Json.Num(p["nodePort"]) is null or 0)
                {
                    var match = oldPorts.OfType<JsonObject>().FirstOrDefault(o => Json.Num(o["port"]) == Json.Num(p["port"]) && Json.Str(o["protocol"]) == Json.Str(p["protocol"]));
                    if (match?["nodePort"] is { } np)
                    {
                        p["nodePort"] = np.DeepClone();
                    }
                }
            }
        }

        DropTypeDependentFields(obj, spec, old);

        // NormalizeClusterIPs: the singular changed and the plural left as it was → the plural follows.
        var clusterIP = Json.Str(spec["clusterIP"]) ?? string.Empty;
        if (clusterIP != (Json.Str(old["clusterIP"]) ?? string.Empty) && JsonNode.DeepEquals(spec["clusterIPs"], old["clusterIPs"]))
        {
            spec["clusterIPs"] = clusterIP.Length == 0 ? null : new JsonArray(clusterIP);
        }
        else if (clusterIP.Length > 0 && spec["clusterIPs"] is null or JsonArray { Count: 0 })
        {
            spec["clusterIPs"] = new JsonArray(clusterIP);
        }

        if (spec["clusterIPs"] is null)
        {
            spec.Remove("clusterIPs");
        }

        if (obj["status"] is null && current["status"] is not null)
        {
            obj["status"] = current["status"]!.DeepClone();
        }

        ObjectValidation.CheckService(obj, current);
        if (oldType == "ExternalName" && type != "ExternalName")
        {
            AllocateService(obj); // a cluster IP, node ports and a load balancer, as a create would
            return;
        }

        AllocateNodePorts(obj);
        if (type == "LoadBalancer" && oldType != "LoadBalancer" && obj["status"]?["loadBalancer"]?["ingress"] is null or JsonArray { Count: 0 })
        {
            AllocateLoadBalancer(obj);
        }
    }

    private static bool NeedsNodePorts(JsonObject spec) =>
        Json.Str(spec["type"]) == "NodePort" || (Json.Str(spec["type"]) == "LoadBalancer" && Json.Bool(spec["allocateLoadBalancerNodePorts"]) != false);

    // dropTypeDependentFields: wipe only what the new type cannot use, might have been set automatically, and the
    // client did not change.
    private static void DropTypeDependentFields(JsonObject obj, JsonObject spec, JsonObject old)
    {
        var type = Json.Str(spec["type"]);
        var oldType = Json.Str(old["type"]);
        if (type == "ExternalName" && oldType != "ExternalName" && Json.Str(spec["clusterIP"]) == Json.Str(old["clusterIP"]) && JsonNode.DeepEquals(spec["clusterIPs"], old["clusterIPs"]))
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
        }

        if (type == "ExternalName" && oldType != "ExternalName")
        {
            foreach (var field in new[] { "ipFamilies", "ipFamilyPolicy" })
            {
                if (JsonNode.DeepEquals(spec[field], old[field]))
                {
                    spec.Remove(field);
                }
            }
        }

        var oldNodePorts = (old["ports"] as JsonArray ?? []).Select(p => Json.Num(p?["nodePort"]) ?? 0).ToList();
        var nodePorts = (spec["ports"] as JsonArray ?? []).Select(p => Json.Num(p?["nodePort"]) ?? 0).ToList();
        if (!NeedsNodePorts(spec) && NeedsNodePorts(old) && nodePorts.All(n => n == 0 || oldNodePorts.Contains(n)))
        {
            foreach (var port in spec["ports"] as JsonArray ?? [])
            {
                (port as JsonObject)?.Remove("nodePort");
            }
        }

        var healthCheck = Json.Num(spec["healthCheckNodePort"]) ?? 0;
        if (healthCheck != 0 && healthCheck == (Json.Num(old["healthCheckNodePort"]) ?? 0) && !(type == "LoadBalancer" && Json.Str(spec["externalTrafficPolicy"]) == "Local"))
        {
            spec.Remove("healthCheckNodePort");
        }

        if (type != "LoadBalancer" && oldType == "LoadBalancer")
        {
            foreach (var field in new[] { "allocateLoadBalancerNodePorts", "loadBalancerClass" })
            {
                if (JsonNode.DeepEquals(spec[field], old[field]))
                {
                    spec.Remove(field);
                }
            }

            (obj["status"] as JsonObject)?.Remove("loadBalancer");
        }

        var external = type is "NodePort" or "LoadBalancer" || (spec["externalIPs"] as JsonArray)?.Count > 0;
        if (!external && Json.Str(spec["externalTrafficPolicy"]) is { } policy && policy == Json.Str(old["externalTrafficPolicy"]))
        {
            spec.Remove("externalTrafficPolicy");
        }
    }

    /// <summary>Gives back the node ports an update allocated (a dry run's).</summary>
    public void ReleaseNew(ResourceType type, JsonObject updated, JsonObject current)
    {
        if (type != ResourceType.Service)
        {
            return;
        }

        var held = (current["spec"]?["ports"] as JsonArray ?? []).Select(p => Json.Num(p?["nodePort"])).ToHashSet();
        lock (_gate)
        {
            foreach (var port in updated["spec"]?["ports"] as JsonArray ?? [])
            {
                if (Json.Num(port?["nodePort"]) is { } np && !held.Contains(np))
                {
                    _nodePorts.Remove((int)np);
                }
            }
        }
    }

    /// <summary>Gives back what a deleted Service held.</summary>
    public void OnDeleted(ResourceType type, JsonObject obj)
    {
        if (type != ResourceType.Service)
        {
            return;
        }

        foreach (var ip in obj["spec"]?["clusterIPs"] as JsonArray ?? [])
        {
            if (IPAddress.TryParse(Json.Str(ip), out var address))
            {
                _serviceRanges.FirstOrDefault(r => r.Contains(address))?.Release(address);
            }
        }

        lock (_gate)
        {
            foreach (var port in obj["spec"]?["ports"] as JsonArray ?? [])
            {
                if (Json.Num(port?["nodePort"]) is { } np)
                {
                    _nodePorts.Remove((int)np);
                }
            }
        }

        foreach (var ingress in obj["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? [])
        {
            if (IPAddress.TryParse(Json.Str(ingress?["ip"]), out var address))
            {
                _loadBalancers.Release(address);
            }
        }
    }

    private static void ValidateName(ResourceType type, JsonObject obj)
    {
        var meta = ObjectStore.Metadata(obj);
        var name = Json.Str(meta["name"]);
        var generateName = Json.Str(meta["generateName"]);
        string field;
        IReadOnlyList<string> errors;
        if (string.IsNullOrEmpty(name))
        {
            if (string.IsNullOrEmpty(generateName))
            {
                throw KubernetesStatusException.Invalid(type, string.Empty, "metadata.name: Required value: name or generateName is required");
            }

            // A generateName prefix is checked with its trailing dash masked, as upstream's maskTrailingDash does.
            field = "metadata.generateName";
            var masked = generateName.Length > 1 && generateName.EndsWith('-') ? generateName[..^2] + "a" : generateName;
            errors = Validate(type, masked);
            name = generateName;
        }
        else
        {
            field = "metadata.name";
            errors = Validate(type, name);
        }

        if (errors.Count > 0)
        {
            throw KubernetesStatusException.Invalid(type, name, string.Join(", ", errors.Select(e => $"{field}: Invalid value: {Json.Quote(name)}: {e}")));
        }

        var ns = Json.Str(meta["namespace"]);
        if (type.Namespaced && !string.IsNullOrEmpty(ns) && KubernetesNames.ValidateDns1123Label(ns) is { Count: > 0 } nsErrors)
        {
            throw KubernetesStatusException.Invalid(type, name, string.Join(", ", nsErrors.Select(e => $"metadata.namespace: Invalid value: {Json.Quote(ns)}: {e}")));
        }
    }

    private static IReadOnlyList<string> Validate(ResourceType type, string name) =>
        type == ResourceType.Service ? KubernetesNames.ValidateDns1035Label(name)
        : type == ResourceType.Namespace ? KubernetesNames.ValidateDns1123Label(name)
        : KubernetesNames.ValidateDns1123Subdomain(name);

    private static void DefaultService(JsonObject obj)
    {
        var spec = Json.Obj(obj, "spec");
        var type = Json.Str(spec["type"]) ?? "ClusterIP";
        spec["type"] = type;
        foreach (var port in spec["ports"] as JsonArray ?? [])
        {
            if (port is not JsonObject p)
            {
                continue;
            }

            p["protocol"] ??= "TCP";
            var target = p["targetPort"];
            if (target is null || (Json.Num(target) is 0) || Json.Str(target) is "")
            {
                p["targetPort"] = p["port"]?.DeepClone();
            }
        }

        var affinity = Json.Str(spec["sessionAffinity"]) ?? "None";
        spec["sessionAffinity"] = affinity;
        if (affinity == "None")
        {
            spec.Remove("sessionAffinityConfig");
        }
        else if (Json.Num(spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"]) is null)
        {
            Json.Obj(Json.Obj(spec, "sessionAffinityConfig"), "clientIP")["timeoutSeconds"] = 10800;
        }

        if (type is "NodePort" or "LoadBalancer" || (type == "ClusterIP" && (spec["externalIPs"] as JsonArray)?.Count > 0))
        {
            spec["externalTrafficPolicy"] ??= "Cluster"; // externally accessible
        }

        if (type != "ExternalName")
        {
            spec["internalTrafficPolicy"] ??= "Cluster";
        }

        if (type == "LoadBalancer")
        {
            spec["allocateLoadBalancerNodePorts"] ??= true;
        }
    }

    private void AllocateService(JsonObject obj)
    {
        var spec = Json.Obj(obj, "spec");
        if (Json.Str(spec["type"]) == "ExternalName")
        {
            return;
        }

        var requested = Json.Str(spec["clusterIP"]);
        var families = new JsonArray();
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
            families.Add("IPv4");
            if (IsDualStack && Json.Str(spec["ipFamilyPolicy"]) is "PreferDualStack" or "RequireDualStack")
            {
                families.Add("IPv6");
            }
        }
        else
        {
            var ips = new JsonArray();
            var wanted = WantedFamilies(spec);
            var requestedList = (spec["clusterIPs"] as JsonArray)?.Select(Json.Str).Where(s => !string.IsNullOrEmpty(s)).ToList() ?? [];
            if (requestedList.Count == 0 && !string.IsNullOrEmpty(requested))
            {
                requestedList.Add(requested);
            }

            for (var i = 0; i < wanted.Count; i++)
            {
                var range = wanted[i];
                IPAddress? ip;
                if (i < requestedList.Count)
                {
                    if (!IPAddress.TryParse(requestedList[i], out ip) || !range.Contains(ip))
                    {
                        throw KubernetesStatusException.Invalid(ResourceType.Service, Json.Name(obj),
                            $"spec.clusterIPs[{i}]: Invalid value: {Json.Quote(requestedList[i]!)}: failed to allocate IP {requestedList[i]}: the provided IP ({requestedList[i]}) is not in the valid range. The range of valid IPs is {range.Cidr}");
                    }

                    if (!range.TryAllocate(ip))
                    {
                        throw KubernetesStatusException.Invalid(ResourceType.Service, Json.Name(obj),
                            $"spec.clusterIPs: Invalid value: []string{{{string.Join(", ", requestedList.Select(r => Json.Quote(r!)))}}}: failed to allocate IP {ip}: provided IP is already allocated");
                    }
                }
                else
                {
                    ip = range.Allocate() ?? throw new KubernetesStatusException(500, "InternalError", $"Internal error occurred: failed to allocate a serviceIP: range is full");
                }

                ips.Add(ip.ToString());
                families.Add(range.IsIPv6 ? "IPv6" : "IPv4");
            }

            spec["clusterIP"] = Json.Str(ips[0]);
            spec["clusterIPs"] = ips;
        }

        spec["ipFamilies"] = families;
        spec["ipFamilyPolicy"] ??= families.Count > 1 ? "PreferDualStack" : "SingleStack";
        AllocateNodePorts(obj);
        if (Json.Str(spec["type"]) == "LoadBalancer")
        {
            AllocateLoadBalancer(obj);
        }
    }

    private void AllocateLoadBalancer(JsonObject obj)
    {
        var ip = _loadBalancers.Allocate() ?? throw new KubernetesStatusException(500, "InternalError", "load balancer pool is exhausted");
        var ingress = new JsonObject { ["ip"] = ip.ToString(), ["ipMode"] = "VIP" };
        Json.Obj(Json.Obj(obj, "status"), "loadBalancer")["ingress"] = new JsonArray(ingress);
    }

    private List<CidrAllocator> WantedFamilies(JsonObject spec)
    {
        var policy = Json.Str(spec["ipFamilyPolicy"]);
        var requested = (spec["ipFamilies"] as JsonArray)?.Select(Json.Str).ToList() ?? [];
        var v4 = _serviceRanges.FirstOrDefault(r => !r.IsIPv6);
        var v6 = _serviceRanges.FirstOrDefault(r => r.IsIPv6);
        var result = new List<CidrAllocator>();
        foreach (var family in requested)
        {
            var range = family == "IPv6" ? v6 : v4;
            if (range is not null && !result.Contains(range))
            {
                result.Add(range);
            }
        }

        if (result.Count == 0)
        {
            result.Add(_serviceRanges[0]);
        }

        if (policy is "PreferDualStack" or "RequireDualStack" && IsDualStack && result.Count == 1)
        {
            result.Add(_serviceRanges.First(r => r != result[0]));
        }

        return policy is null or "SingleStack" ? [result[0]] : result;
    }

    private void AllocateNodePorts(JsonObject obj)
    {
        var spec = Json.Obj(obj, "spec");
        var type = Json.Str(spec["type"]);
        var wants = type == "NodePort" || (type == "LoadBalancer" && Json.Bool(spec["allocateLoadBalancerNodePorts"]) != false);
        if (!wants)
        {
            return;
        }

        lock (_gate)
        {
            var ports = spec["ports"] as JsonArray ?? [];
            for (var i = 0; i < ports.Count; i++)
            {
                if (ports[i] is not JsonObject p)
                {
                    continue;
                }

                if (Json.Num(p["nodePort"]) is { } given and not 0)
                {
                    if (given < _options.NodePortMin || given > _options.NodePortMax)
                    {
                        throw KubernetesStatusException.Invalid(ResourceType.Service, Json.Name(obj),
                            $"spec.ports[{i}].nodePort: Invalid value: {given}: provided port is not in the valid range. The range of valid ports is {_options.NodePortMin}-{_options.NodePortMax}");
                    }

                    _nodePorts.Add((int)given); // idempotent for updates that keep their port
                    continue;
                }

                var port = _nextNodePort;
                while (_nodePorts.Contains(port))
                {
                    port = port >= _options.NodePortMax ? _options.NodePortMin : port + 1;
                }

                _nodePorts.Add(port);
                _nextNodePort = port >= _options.NodePortMax ? _options.NodePortMin : port + 1;
                p["nodePort"] = port;
            }
        }
    }

    private static void DefaultPod(JsonObject obj)
    {
        var spec = Json.Obj(obj, "spec");
        DefaultPodSpec(spec);

        // The DefaultTolerationSeconds admission plugin: tolerate not-ready and unreachable nodes for 300 s, unless the
        // pod already says how long.
        DefaultTolerations(obj, spec);
        var status = Json.Obj(obj, "status");
        status["phase"] ??= "Pending";
        status["qosClass"] ??= ObjectValidation.QosClass(spec);
    }

    // SetDefaults_PodSpec and its containers': on every decode, updates included.
    private static void DefaultPodSpec(JsonObject spec)
    {
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        spec["enableServiceLinks"] ??= true;
        foreach (var c in (spec["containers"] as JsonArray ?? []).Concat(spec["initContainers"] as JsonArray ?? []))
        {
            if (c is not JsonObject container)
            {
                continue;
            }

            // SetDefaults_Pod: a limit without its request gets the limit as its request.
            if (container["resources"]?["limits"] is JsonObject { Count: > 0 } limits)
            {
                var requests = Json.Obj(Json.Obj(container, "resources"), "requests");
                foreach (var (name, limit) in limits)
                {
                    if (requests[name] is null && limit is not null)
                    {
                        requests[name] = limit.DeepClone();
                    }
                }
            }

            var image = Json.Str(container["image"]) ?? string.Empty;
            var tagged = image.LastIndexOf(':') > image.LastIndexOf('/');
            container["imagePullPolicy"] ??= !tagged || image.EndsWith(":latest", StringComparison.Ordinal) ? "Always" : "IfNotPresent";
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["terminationMessagePolicy"] ??= "File";
            foreach (var port in container["ports"] as JsonArray ?? [])
            {
                if (port is JsonObject p)
                {
                    p["protocol"] ??= "TCP";
                }
            }
        }

    }

    private static void DefaultTolerations(JsonObject obj, JsonObject spec)
    {
        var tolerations = Json.Arr(spec, "tolerations");
        foreach (var key in new[] { NodeLifecycleController.NotReadyTaint, NodeLifecycleController.UnreachableTaint })
        {
            var tolerated = NodeLifecycleController.Matching(obj, new JsonObject { ["key"] = key, ["effect"] = "NoExecute" }).Any();
            if (!tolerated)
            {
                tolerations.Add(new JsonObject
                {
                    ["key"] = key,
                    ["operator"] = "Exists",
                    ["effect"] = "NoExecute",
                    ["tolerationSeconds"] = 300,
                });
            }
        }
    }
}
