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
        ObjectValidation.Check(type, obj);
        if (type == ResourceType.Service)
        {
            DefaultService(obj);
            ValidateService(obj);
            AllocateService(obj);
        }
        else if (type == ResourceType.Pod)
        {
            DefaultPod(obj);
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

        ObjectValidation.Check(type, obj);
        ObjectValidation.CheckUpdate(type, obj, current);
        if (type == ResourceType.Service)
        {
            DefaultService(obj);
            var spec = Json.Obj(obj, "spec");
            var old = current["spec"] as JsonObject ?? [];
            if (spec["clusterIP"] is null && old["clusterIP"] is not null)
            {
                spec["clusterIP"] = old["clusterIP"]!.DeepClone();
                spec["clusterIPs"] = old["clusterIPs"]?.DeepClone();
            }
            else if (Json.Str(spec["clusterIP"]) != Json.Str(old["clusterIP"]) && Json.Str(old["type"]) != "ExternalName")
            {
                throw KubernetesStatusException.Invalid(type, Json.Name(obj), $"spec.clusterIPs[0]: Invalid value: {Json.Quote(Json.Str(spec["clusterIP"]) ?? string.Empty)}: may not change once set");
            }

            // Keep node ports the client did not send (kubectl apply of a manifest without them).
            var oldPorts = old["ports"] as JsonArray ?? [];
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

            if (obj["status"] is null && current["status"] is not null)
            {
                obj["status"] = current["status"]!.DeepClone();
            }

            ValidateService(obj);
            AllocateNodePorts(obj);
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

        if (type is "NodePort" or "LoadBalancer")
        {
            spec["externalTrafficPolicy"] ??= "Cluster";
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

    private static void ValidateService(JsonObject obj)
    {
        var spec = Json.Obj(obj, "spec");
        var name = Json.Name(obj);
        var type = Json.Str(spec["type"]);
        if (type is not ("ClusterIP" or "NodePort" or "LoadBalancer" or "ExternalName"))
        {
            throw KubernetesStatusException.Invalid(ResourceType.Service, name,
                $"spec.type: Unsupported value: {Json.Quote(type ?? string.Empty)}: supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        }

        if (type == "ExternalName")
        {
            var external = Json.Str(spec["externalName"]);
            if (string.IsNullOrEmpty(external) || !KubernetesNames.IsDns1123Subdomain(external.TrimEnd('.')))
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.externalName: Invalid value: {Json.Quote(external ?? string.Empty)}: must be a valid RFC-1123 hostname");
            }

            return;
        }

        var ports = spec["ports"] as JsonArray ?? [];
        var headless = Json.Str(spec["clusterIP"]) == "None";
        if (ports.Count == 0 && !headless)
        {
            throw KubernetesStatusException.Invalid(ResourceType.Service, name, "spec.ports: Required value");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var p = ports[i] as JsonObject ?? [];
            var portName = Json.Str(p["name"]) ?? string.Empty;
            if (ports.Count > 1 && portName.Length == 0)
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.ports[{i}].name: Required value");
            }

            if (portName.Length > 0 && KubernetesNames.ValidateDns1123Label(portName) is { Count: > 0 } errors)
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.ports[{i}].name: Invalid value: {Json.Quote(portName)}: {errors[0]}");
            }

            if (!names.Add(portName))
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.ports[{i}].name: Duplicate value: {Json.Quote(portName)}");
            }

            var number = Json.Num(p["port"]);
            if (number is null or < 1 or > 65535)
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.ports[{i}].port: Invalid value: {number ?? 0}: must be between 1 and 65535, inclusive");
            }

            if (Json.Str(p["protocol"]) is not ("TCP" or "UDP" or "SCTP"))
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.ports[{i}].protocol: Unsupported value: {Json.Quote(Json.Str(p["protocol"]) ?? string.Empty)}: supported values: \"SCTP\", \"TCP\", \"UDP\"");
            }

            if (type == "ClusterIP" && Json.Num(p["nodePort"]) is > 0)
            {
                throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
            }
        }

        if (Json.Str(spec["sessionAffinity"]) == "ClientIP" && Json.Num(spec["sessionAffinityConfig"]?["clientIP"]?["timeoutSeconds"]) is { } timeout and (<= 0 or > 86400))
        {
            throw KubernetesStatusException.Invalid(ResourceType.Service, name, $"spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: {timeout}: must be greater than 0 and less than 86400");
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
            var ip = _loadBalancers.Allocate() ?? throw new KubernetesStatusException(500, "InternalError", "load balancer pool is exhausted");
            var ingress = new JsonObject { ["ip"] = ip.ToString(), ["ipMode"] = "VIP" };
            Json.Obj(Json.Obj(obj, "status"), "loadBalancer")["ingress"] = new JsonArray(ingress);
        }
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
        status["qosClass"] ??= "BestEffort";
    }

    // SetDefaults_PodSpec and its containers': on every decode, updates included.
    private static void DefaultPodSpec(JsonObject spec)
    {
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["schedulerName"] ??= "default-scheduler";
        spec["enableServiceLinks"] ??= true;
        foreach (var c in spec["containers"] as JsonArray ?? [])
        {
            if (c is not JsonObject container)
            {
                continue;
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
