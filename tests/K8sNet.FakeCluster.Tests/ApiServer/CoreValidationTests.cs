using System.Net;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// More of kube-apiserver's core validation (issue 22): container resources as resource.Quantity (a malformed one is
/// the decoder's 400, a request above its limit a 422), probes, security contexts, Service ports and session affinity,
/// and what updates may not change (an EndpointSlice's address type, a StatefulSet's service name).
/// </summary>
public sealed class CoreValidationTests : ShopApiTests
{
    private static string Pod(string container, string podExtra = "") =>
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{" + podExtra + "\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"" + container + "}]}}";

    [Theory]
    [InlineData(",\"resources\":{\"limits\":{\"cpu\":\"1\"},\"requests\":{\"cpu\":\"2\"}}", "", "Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1")]
    [InlineData(",\"resources\":{\"limits\":{\"memory\":\"1Gi\"},\"requests\":{\"memory\":\"1025Mi\"}}", "", "Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"1025Mi\": must be less than or equal to memory limit of 1Gi")]
    [InlineData(",\"securityContext\":{\"runAsUser\":-1}", "", "Pod \"p\" is invalid: spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive")]
    [InlineData(",\"livenessProbe\":{\"exec\":{\"command\":[\"ls\"]},\"successThreshold\":2}", "", "Pod \"p\" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1")]
    [InlineData(",\"readinessProbe\":{\"httpGet\":{\"port\":0}}", "", "Pod \"p\" is invalid: spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData(",\"readinessProbe\":{\"httpGet\":{\"port\":80,\"scheme\":\"FTP\"}}", "", "Pod \"p\" is invalid: spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\"")]
    [InlineData("", "\"securityContext\":{\"seccompProfile\":{\"type\":\"Localhost\"}},", "Pod \"p\" is invalid: spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost")]
    [InlineData("", "\"securityContext\":{\"fsGroupChangePolicy\":\"Sometimes\"},", "Pod \"p\" is invalid: spec.securityContext.fsGroupChangePolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnRootMismatch\"")]
    [InlineData(",\"resources\":{\"limits\":{\"example.com/gpu\":\"500m\"}}", "", "Pod \"p\" is invalid: [spec.containers[0].resources.limits[example.com/gpu]: Invalid value: 500m: must be an integer, spec.containers[0].resources.requests[example.com/gpu]: Invalid value: 500m: must be an integer]")]
    [InlineData(",\"resources\":{\"requests\":{\"example.com/gpu\":\"1\"}}", "", "Pod \"p\" is invalid: spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources")]
    [InlineData(",\"resources\":{\"requests\":{\"foo\":\"1\"}}", "", "Pod \"p\" is invalid: [spec.containers[0].resources.requests[foo]: Invalid value: \"foo\": must be a standard resource type or fully qualified, spec.containers[0].resources.requests[foo]: Invalid value: \"foo\": must be a standard resource for containers]")]
    [InlineData(",\"resources\":{\"limits\":{\"hugepages-2Mi\":\"1Mi\"}}", "", "Pod \"p\" is invalid: [spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: \"1Mi\": 1Mi is not positive integer multiple of hugepages-2Mi, spec.containers[0].resources.requests[hugepages-2Mi]: Invalid value: \"1Mi\": 1Mi is not positive integer multiple of hugepages-2Mi, spec.containers[0].resources: Forbidden: HugePages require cpu or memory]")]
    [InlineData("", "\"initContainers\":[{\"name\":\"init\",\"image\":\"i\",\"livenessProbe\":{\"exec\":{\"command\":[\"x\"]}}}],", "Pod \"p\" is invalid: spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always")]
    [InlineData("", "\"initContainers\":[{\"name\":\"init\",\"image\":\"i\",\"restartPolicy\":\"Never\"}],", "Pod \"p\" is invalid: spec.initContainers[0].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"")]
    [InlineData(",\"restartPolicy\":\"Always\"", "", "Pod \"p\" is invalid: spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers")]
    [InlineData(",\"readinessProbe\":{\"exec\":{\"command\":[\"x\"]},\"tcpSocket\":{\"port\":80},\"terminationGracePeriodSeconds\":5}", "", "Pod \"p\" is invalid: [spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type, spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes]")]
    [InlineData("", "\"hostNetwork\":true,\"securityContext\":{\"sysctls\":[{\"name\":\"net.core.somaxconn\",\"value\":\"1\"},{\"name\":\"Bad Name\",\"value\":\"1\"}]},", "Pod \"p\" is invalid: [spec.securityContext.sysctls[0].name: Invalid value: \"net.core.somaxconn\": may not be specified when 'hostNetwork' is true, spec.securityContext.sysctls[1].name: Invalid value: \"Bad Name\": must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$]")]
    [InlineData(",\"securityContext\":{\"appArmorProfile\":{\"type\":\"Localhost\"}}", "", "Pod \"p\" is invalid: spec.containers[0].securityContext.appArmorProfile.localhostProfile: Required value: must be set when AppArmor type is Localhost")]
    [InlineData(",\"imagePullPolicy\":\"Sometimes\"", "", "Pod \"p\" is invalid: spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"")]
    [InlineData("", "\"ephemeralContainers\":[{\"name\":\"debug\",\"image\":\"busybox\"}],", "Pod \"p\" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create")]
    [InlineData("", "\"activeDeadlineSeconds\":0,", "Pod \"p\" is invalid: spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive")]
    [InlineData(",\"ports\":[{\"containerPort\":80,\"name\":\"web\",\"hostPort\":8080},{\"containerPort\":81,\"name\":\"web\",\"protocol\":\"HTTP\",\"hostPort\":8080}]", "", "Pod \"p\" is invalid: [spec.containers[0].ports[1].name: Duplicate value: \"web\", spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"]")]
    [InlineData(",\"ports\":[{\"containerPort\":80,\"hostPort\":8080},{\"containerPort\":81,\"hostPort\":8080}]", "", "Pod \"p\" is invalid: spec.containers[0].ports[1].hostPort: Duplicate value: \"/TCP/8080\"")]
    [InlineData(",\"lifecycle\":{\"preStop\":{},\"postStart\":{\"exec\":{\"command\":[]}}}", "", "Pod \"p\" is invalid: [spec.containers[0].lifecycle.postStart.exec.command: Required value, spec.containers[0].lifecycle.preStop: Required value: must specify a handler type]")]
    [InlineData(",\"env\":[{\"name\":\"A\",\"value\":\"x\",\"valueFrom\":{\"configMapKeyRef\":{\"name\":\"c\",\"key\":\"..k\"}}}]", "", "Pod \"p\" is invalid: [spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Invalid value: \"..k\": must not start with '..', spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty]")]
    [InlineData("", "\"tolerations\":[{\"operator\":\"Equal\",\"value\":\"v\"},{\"key\":\"k\",\"operator\":\"Exists\",\"tolerationSeconds\":5,\"effect\":\"NoSchedule\"}],", "Pod \"p\" is invalid: [spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\", spec.tolerations[1].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set]")]
    [InlineData("", "\"dnsPolicy\":\"None\",", "Pod \"p\" is invalid: spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None")]
    [InlineData("", "\"dnsPolicy\":\"None\",\"dnsConfig\":{\"searches\":[\"Bad_Domain.\"],\"options\":[{\"value\":\"1\"}]},", "Pod \"p\" is invalid: [spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None, spec.dnsConfig.searches[0]: Invalid value: \"Bad_Domain\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.dnsConfig.options[0]: Required value: Option.Name must not be empty]")]
    [InlineData("", "\"topologySpreadConstraints\":[{\"maxSkew\":0,\"topologyKey\":\"zone\",\"whenUnsatisfiable\":\"Sometimes\"}],", "Pod \"p\" is invalid: [spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero, spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Sometimes\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"]")]
    [InlineData(",\"securityContext\":{\"runAsUser\":1000}", "\"os\":{\"name\":\"windows\"},\"hostPID\":true,", "Pod \"p\" is invalid: [spec.hostPID: Forbidden: cannot be set for a windows pod, spec.containers[0].securityContext.runAsUser: Forbidden: cannot be set for a windows pod]")]
    [InlineData("", "\"os\":{\"name\":\"plan9\"},", "Pod \"p\" is invalid: spec.os: Unsupported value: \"plan9\": supported values: \"linux\", \"windows\"")]
    [InlineData(",\"securityContext\":{\"windowsOptions\":{\"runAsUserName\":\"u\"}}", "\"os\":{\"name\":\"linux\"},", "Pod \"p\" is invalid: spec.containers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod")]
    [InlineData("", "\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"zone\",\"operator\":\"In\"},{\"key\":\"zone\",\"operator\":\"Near\"}]}]},\"preferredDuringSchedulingIgnoredDuringExecution\":[{\"weight\":0,\"preference\":{}}]},\"podAntiAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":[{\"labelSelector\":{}}]}},",
        "Pod \"p\" is invalid: [spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn', spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[1].operator: Invalid value: \"Near\": not a valid selector operator, spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100, spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty]")]
    [InlineData("", "\"volumes\":[{\"name\":\"c\",\"configMap\":{\"defaultMode\":1000,\"items\":[{\"key\":\"k\",\"path\":\"/etc/x\"},{\"path\":\"..data\"}]}},{\"name\":\"s\",\"secret\":{}},{\"name\":\"h\",\"hostPath\":{\"path\":\"/a/../b\",\"type\":\"Folder\"}}],",
        "Pod \"p\" is invalid: [spec.volumes[0].configMap.name: Required value, spec.volumes[0].configMap.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive, spec.volumes[0].configMap.items[0].path: Invalid value: \"/etc/x\": must be a relative path, spec.volumes[0].configMap.items[1].key: Required value, spec.volumes[0].configMap.items[1].path: Invalid value: \"..data\": must not start with '..', spec.volumes[1].secret.secretName: Required value, spec.volumes[2].hostPath.path: Invalid value: \"/a/../b\": must not contain '..', spec.volumes[2].hostPath.type: Unsupported value: \"Folder\": supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"]")]
    [InlineData(",\"env\":[{\"name\":\"A\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.restartPolicy\"}}},{\"name\":\"B\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.foo\"}}},{\"name\":\"C\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.labels['app']\"}}}]", "",
        "Pod \"p\" is invalid: [spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.restartPolicy\": supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\", spec.containers[0].env[1].valueFrom.fieldRef.fieldPath: Invalid value: \"spec.foo\": error converting fieldPath: field label not supported: spec.foo]")]
    [InlineData(",\"envFrom\":[{\"prefix\":\"A=\",\"configMapRef\":{\"name\":\"c\"},\"secretRef\":{\"name\":\"s\"}}]", "",
        "Pod \"p\" is invalid: [spec.containers[0].envFrom[0].prefix: Invalid value: \"A=\": a valid environment variable name must consist only of printable ASCII characters other than '=', spec.containers[0].envFrom: Invalid value: \"\": may not have more than one field specified at a time]")]
    [InlineData(",\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/data\"},{\"name\":\"v\",\"mountPath\":\"/data\",\"subPath\":\"../x\"}]", "\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}],",
        "Pod \"p\" is invalid: [spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/data\": must be unique, spec.containers[0].volumeMounts.subPath: Invalid value: \"../x\": must not contain '..']")]
    [InlineData(",\"env\":[{\"name\":\"A\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits.gpu\"}}},{\"name\":\"B\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits.cpu\",\"divisor\":\"1k\"}}},{\"name\":\"C\",\"valueFrom\":{\"resourceFieldRef\":{\"resource\":\"limits.cpu\",\"divisor\":\"1000m\"}}}]", "",
        "Pod \"p\" is invalid: [spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: Unsupported value: \"limits.gpu\": supported values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", \"requests.ephemeral-storage\", \"requests.memory\", spec.containers[0].env[1].valueFrom.resourceFieldRef.divisor: Invalid value: \"limits.cpu\": only divisor's values 1m and 1 are supported with the cpu resource]")]
    [InlineData("", "\"hostAliases\":[{\"ip\":\"10.0.0.300\",\"hostnames\":[\"Db\"]}],\"readinessGates\":[{\"conditionType\":\"-ready\"}],",
        "Pod \"p\" is invalid: [spec.hostAliases[0].ip: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff), spec.hostAliases[0].hostnames[0]: Invalid value: \"Db\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.readinessGates[0].conditionType: Invalid value: \"-ready\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]")]
    public async Task Pods_AreValidatedAsUpstream(string container, string podExtra, string message)
    {
        var (code, body) = await SendAsync("POST", "/api/v1/namespaces/shop/pods", Pod(container, podExtra));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(message, Json.Str(body["message"]));
    }

    [Fact]
    public async Task AMalformedQuantity_IsTheDecodersError()
    {
        var (code, body) = await SendAsync("POST", Deployments, """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"selector":{"matchLabels":{"a":"b"}},
             "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"abc"}}}]}}}}
            """);

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", Json.Str(body["message"]));
    }

    [Fact]
    public async Task Quantities_AreWrittenBackCanonical_AsTheApiServerStoresThem()
    {
        // research D29: cpu 1000m → "1", memory 2048Mi → "2Gi", cpu 0.5 (a JSON number) → "500m"; canonical text is kept as sent.
        var (code, created) = await SendAsync("POST", "/api/v1/namespaces/shop/pods", Pod(
            ",\"resources\":{\"limits\":{\"cpu\":\"1000m\",\"memory\":\"2048Mi\",\"ephemeral-storage\":\"+1\"},\"requests\":{\"cpu\":0.5,\"memory\":\" 1.5Gi \"}}",
            "\"overhead\":{\"cpu\":\"0.1\"},\"volumes\":[{\"name\":\"scratch\",\"emptyDir\":{\"sizeLimit\":\"1000000\"}}],"));
        Assert.True(code == HttpStatusCode.Created, created.ToJsonString());

        var (_, read) = await SendAsync("GET", "/api/v1/namespaces/shop/pods/p", null);
        foreach (var pod in new[] { created, read })
        {
            var resources = pod["spec"]!["containers"]![0]!["resources"]!;
            Assert.Equal("1", Json.Str(resources["limits"]!["cpu"]));
            Assert.Equal("2Gi", Json.Str(resources["limits"]!["memory"]));
            Assert.Equal("+1", Json.Str(resources["limits"]!["ephemeral-storage"]));
            Assert.Equal("500m", Json.Str(resources["requests"]!["cpu"]));
            Assert.Equal("1536Mi", Json.Str(resources["requests"]!["memory"]));
            Assert.Equal("100m", Json.Str(pod["spec"]!["overhead"]!["cpu"]));
            Assert.Equal("1M", Json.Str(pod["spec"]!["volumes"]![0]!["emptyDir"]!["sizeLimit"]));
        }
    }

    [Theory]
    [InlineData("\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}", "Guaranteed")]
    [InlineData("\"requests\":{\"cpu\":\"100m\"}", "Burstable")]
    [InlineData("\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"500m\"}", "Burstable")]
    [InlineData("", "BestEffort")]
    public async Task APodsQosClass_IsComputedFromItsResources_AndALimitIsItsRequestUnlessSet(string resources, string qos)
    {
        var (code, pod) = await SendAsync("POST", "/api/v1/namespaces/shop/pods", Pod($",\"resources\":{{{resources}}}"));

        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal(qos, Json.Str(pod["status"]!["qosClass"]));
        if (qos == "Guaranteed")
        {
            Assert.Equal("1Gi", Json.Str(pod["spec"]!["containers"]![0]!["resources"]!["requests"]!["memory"])); // SetDefaults_Pod
        }
    }

    [Theory]
    [InlineData("1Zi", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    [InlineData("1ii", "unable to parse quantity's suffix")]
    [InlineData("true", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
    public async Task AnHpaTarget_IsAQuantityToo(string value, string error)
    {
        var target = value == "true" ? "true" : $"\"{value}\"";
        var hpa = """
            {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"orders"},
             "maxReplicas":3,"metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":TARGET}}}]}}
            """;
        var (code, body) = await SendAsync("POST", "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers", hpa.Replace("TARGET", target, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal($"HorizontalPodAutoscaler in version \"v2\" cannot be handled as a HorizontalPodAutoscaler: {error}", Json.Str(body["message"]));

        var (okCode, created) = await SendAsync("POST", "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers", hpa.Replace("TARGET", "\"2048Mi\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Created, okCode);
        Assert.Equal("2Gi", Json.Str(created["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageValue"]));
    }

    [Theory]
    [InlineData("""{"ports":[{"port":80,"nodePort":30080}]}""", "Service \"s\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")]
    [InlineData("""{"ports":[{"port":80}],"sessionAffinity":"ClientIP","sessionAffinityConfig":{"clientIP":{"timeoutSeconds":0}}}""", "Service \"s\" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400")]
    [InlineData("""{"ports":[{"port":80,"protocol":"HTTP"}]}""", "Service \"s\" is invalid: spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("""{"ports":[{"port":80},{"port":81,"name":"b"}]}""", "Service \"s\" is invalid: spec.ports[0].name: Required value")]
    public async Task Services_AreValidatedAsUpstream(string spec, string message)
    {
        var (code, body) = await SendAsync("POST", "/api/v1/namespaces/shop/services", $$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{{spec}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(message, Json.Str(body["message"]));
    }

    [Fact]
    public async Task APod_MayChangeItsImage_ButNotItsRestartPolicy()
    {
        Cluster.Apply("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p, namespace: shop}
            spec: {containers: [{name: app, image: "app:1"}]}
            """);

        var (imageCode, _) = await SendAsync("PATCH", "/api/v1/namespaces/shop/pods/p", """{"spec":{"containers":[{"name":"app","image":"app:2"}]}}""", "application/strategic-merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, imageCode);

        var (code, body) = await SendAsync("PATCH", "/api/v1/namespaces/shop/pods/p", """{"spec":{"restartPolicy":"Never"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.StartsWith("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n",
            Json.Str(body["message"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/nodes", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"spec":{"taints":[{"key":"a","effect":"Sometimes"}]}}""",
        "Node \"n\" is invalid: metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"")]
    [InlineData("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices", """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"addressType":"IPv4","endpoints":[{"addresses":["foo"]}]}""",
        "EndpointSlice.discovery.k8s.io \"e\" is invalid: [endpoints[0].addresses[0]: Invalid value: \"foo\": must be a valid IPv4 address, endpoints[0].addresses[0]: Invalid value: \"foo\": must be a valid IP address]")]
    [InlineData("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices", """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"addressType":"IPv4","endpoints":[{"addresses":[]}]}""",
        "EndpointSlice.discovery.k8s.io \"e\" is invalid: endpoints[0].addresses: Required value: must contain at least 1 address")]
    [InlineData("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices", """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"addressType":"FQDN","endpoints":[{"addresses":["localhost"]}],"ports":[{"port":80},{"port":81}]}""",
        "EndpointSlice.discovery.k8s.io \"e\" is invalid: [endpoints[0].addresses[0]: Invalid value: \"localhost\": should be a domain with at least two segments separated by dots, ports[1].name: Duplicate value: \"\"]")]
    [InlineData("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices", """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"addressType":"IPv4","endpoints":[{"addresses":["169.254.0.9"],"hostname":"a.b","hints":{"forZones":[{"name":"z"},{"name":"z"}]}}],"ports":[{"port":80,"protocol":"HTTP"}]}""",
        "EndpointSlice.discovery.k8s.io \"e\" is invalid: [endpoints[0].addresses[0]: Invalid value: \"169.254.0.9\": may not be in the link-local range (169.254.0.0/16, fe80::/10), endpoints[0].hostname: Invalid value: \"a.b\": must not contain dots, endpoints[0].hints.forZones[1].name: Duplicate value: \"z\", ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"]")]
    [InlineData("/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices", """{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"addressType":"MAC"}""",
        "EndpointSlice.discovery.k8s.io \"e\" is invalid: addressType: Unsupported value: \"MAC\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"")]
    [InlineData("/api/v1/nodes", """{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"spec":{"podCIDRs":["10.244.9.0/24","10.244.10.0/24","x"],"taints":[{"key":"a","value":"-v","effect":"NoSchedule"}]},"status":{"capacity":{"cpu":"-1"}}}""",
        "Node \"n\" is invalid: [metadata.taints[0].value: Invalid value: \"-v\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'), spec.podCIDRs[2]: Invalid value: \"x\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), spec.podCIDRs: Invalid value: []string{\"10.244.9.0/24\", \"10.244.10.0/24\", \"x\"}: may specify no more than one CIDR for each IP family, status.capacity.cpu: Invalid value: \"-1\": must be greater than or equal to 0]")]
    public async Task NodesAndSlices_AreValidatedAsUpstream(string path, string body, string message)
    {
        var (code, answer) = await SendAsync("POST", path, body);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(message, Json.Str(answer["message"]));
    }

    [Fact]
    public async Task ANodesPodCidrs_MayNotChangeOnceSet()
    {
        var (code, node) = await SendAsync("GET", "/api/v1/nodes", null);
        Assert.Equal(HttpStatusCode.OK, code);
        var name = Json.Str(node["items"]![0]!["metadata"]!["name"])!;

        var (changed, body) = await SendAsync("PATCH", $"/api/v1/nodes/{name}", """{"spec":{"podCIDR":"10.250.0.0/24","podCIDRs":["10.250.0.0/24"]}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed);
        Assert.Equal($"Node \"{name}\" is invalid: spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid", Json.Str(body["message"]));
        var (unschedulable, _) = await SendAsync("PATCH", $"/api/v1/nodes/{name}", """{"spec":{"unschedulable":true}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, unschedulable); // cordoning is free
    }

    [Fact]
    public async Task ASliceOfMoreThan1000Endpoints_IsTooMany()
    {
        var endpoints = string.Join(",", Enumerable.Range(0, 1001).Select(i => $"{{\"addresses\":[\"10.1.{i / 250}.{(i % 250) + 1}\"]}}"));
        var (code, body) = await SendAsync("POST", "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices",
            $"{{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{{\"name\":\"e\"}},\"addressType\":\"IPv4\",\"endpoints\":[{endpoints}]}}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("EndpointSlice.discovery.k8s.io \"e\" is invalid: endpoints: Too many: 1001: must have at most 1000 items", Json.Str(body["message"]));
        Assert.Equal("FieldValueTooMany", Json.Str(body["details"]!["causes"]![0]!["reason"]));
    }

    [Fact]
    public async Task Updates_MayNotChangeWhatUpstreamFreezes()
    {
        Cluster.Apply("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: shop}
            spec:
              serviceName: db
              replicas: 1
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: "db:1"}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: manual, namespace: shop}
            addressType: IPv4
            endpoints: [{addresses: [10.1.2.3]}]
            """);

        var (stsCode, sts) = await SendAsync("PATCH", "/apis/apps/v1/namespaces/shop/statefulsets/db", """{"spec":{"serviceName":"other","replicas":2}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, stsCode);
        Assert.Equal("StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden", Json.Str(sts["message"]));
        var (scaled, _) = await SendAsync("PATCH", "/apis/apps/v1/namespaces/shop/statefulsets/db", """{"spec":{"replicas":2,"minReadySeconds":5}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, scaled);

        var (sliceCode, slice) = await SendAsync("PATCH", "/apis/discovery.k8s.io/v1/namespaces/shop/endpointslices/manual", """{"addressType":"IPv6","endpoints":[{"addresses":["fd00::1"]}]}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sliceCode);
        Assert.EndsWith("addressType: Invalid value: \"IPv6\": field is immutable", Json.Str(slice["message"]), StringComparison.Ordinal);
    }
}
