using System.Net;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Services as kube-apiserver 1.32 validates and updates them (issue 22): every problem at once in ValidateService's
/// order with upstream's paths and words (the LoadBalancer source ranges' capital L and allocateLoadBalancerNodePorts'
/// missing "spec." included), cluster IPs that may not change once set, and the fields a type change drops.
/// </summary>
public sealed class ServiceValidationTests : ShopApiTests
{
    private const string Services = "/api/v1/namespaces/shop/services";

    private Task<(HttpStatusCode Code, JsonObject Body)> CreateAsync(string spec, string metadata = "") =>
        SendAsync("POST", Services, $$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"{{metadata}}},"spec":{{spec}}}""");

    [Theory]
    [InlineData("""{"type":"ExternalName"}""", "Service \"s\" is invalid: spec.externalName: Required value")]
    [InlineData("""{"type":"ExternalName","externalName":"Bad_Name."}""",
        "Service \"s\" is invalid: spec.externalName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    [InlineData("""{"type":"ExternalName","externalName":"db.example.com","clusterIP":"10.96.0.50"}""",
        "Service \"s\" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services")]
    [InlineData("""{"type":"NodePort","clusterIP":"None","ports":[{"port":80}]}""",
        "Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services")]
    [InlineData("""{"ports":[{"port":80},{"port":80,"name":"b"}]}""",
        "Service \"s\" is invalid: [spec.ports[0].name: Required value, spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}]")]
    [InlineData("""{"ports":[{"port":70000,"targetPort":"http--x","appProtocol":"-bad"}]}""",
        "Service \"s\" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: \"http--x\": must not contain consecutive hyphens, spec.ports[0].appProtocol: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')]")]
    [InlineData("""{"type":"NodePort","ports":[{"port":80,"nodePort":30080,"name":"a"},{"port":81,"nodePort":30080,"name":"b"}]}""",
        "Service \"s\" is invalid: spec.ports[1].nodePort: Duplicate value: 30080")]
    [InlineData("""{"ports":[{"port":80}],"sessionAffinity":"Sticky"}""",
        "Service \"s\" is invalid: spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"")]
    [InlineData("""{"ports":[{"port":80}],"clusterIPs":["10.96.0.60"]}""",
        "Service \"s\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.60\"}: must be empty when `clusterIP` is not specified")]
    [InlineData("""{"ports":[{"port":80}],"clusterIP":"10.96.0.61","clusterIPs":["10.96.0.62"]}""",
        "Service \"s\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.62\"}: first value must match `clusterIP`")]
    [InlineData("""{"ports":[{"port":80}],"clusterIP":"10.96.0.300"}""",
        "Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    [InlineData("""{"ports":[{"port":80}],"clusterIP":"10.96.0.63","clusterIPs":["10.96.0.63"],"ipFamilies":["IPv6"]}""",
        "Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: \"10.96.0.63\": expected an IPv6 value as indicated by `ipFamilies[0]`")]
    [InlineData("""{"ports":[{"port":80}],"externalIPs":["127.0.0.1","x"]}""",
        "Service \"s\" is invalid: [spec.externalIPs[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128), spec.externalIPs[1]: Invalid value: \"x\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)]")]
    [InlineData("""{"ports":[{"port":80}],"loadBalancerSourceRanges":["10.0.0.0/33"],"allocateLoadBalancerNodePorts":true,"loadBalancerClass":"example.com/lb"}""",
        "Service \"s\" is invalid: [spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer', spec.LoadBalancerSourceRanges[0]: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64), spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer', spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer']")]
    [InlineData("""{"ports":[{"port":80}],"externalTrafficPolicy":"Local","healthCheckNodePort":30999}""",
        "Service \"s\" is invalid: [spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services, spec.healthCheckNodePort: Invalid value: 30999: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local']")]
    [InlineData("""{"type":"NodePort","ports":[{"port":80}],"externalTrafficPolicy":"Nearest","internalTrafficPolicy":"Far"}""",
        "Service \"s\" is invalid: [spec.externalTrafficPolicy: Unsupported value: \"Nearest\": supported values: \"Cluster\", \"Local\", spec.internalTrafficPolicy: Unsupported value: \"Far\": supported values: \"Cluster\", \"Local\"]")]
    [InlineData("""{"ports":[{"port":80}],"trafficDistribution":"Anywhere"}""",
        "Service \"s\" is invalid: spec.trafficDistribution: Unsupported value: \"Anywhere\": supported values: \"PreferClose\", \"PreferSameNode\", \"PreferSameZone\"")]
    [InlineData("""{"type":"Balanced","ports":[{"port":80}]}""",
        "Service \"s\" is invalid: spec.type: Unsupported value: \"Balanced\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"")]
    public async Task Creates_AreValidatedAsUpstream(string spec, string message)
    {
        var (code, body) = await CreateAsync(spec);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(message, Json.Str(body["message"]));
        var (after, _) = await SendAsync("GET", Services + "/s", null);
        Assert.Equal(HttpStatusCode.NotFound, after); // nothing stored, nothing allocated
    }

    [Fact]
    public async Task TopologyAnnotations_MustAgree()
    {
        var (code, body) = await CreateAsync("""{"ports":[{"port":80}]}""",
            ""","annotations":{"service.kubernetes.io/topology-mode":"Auto","service.kubernetes.io/topology-aware-hints":"Disabled"}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Service \"s\" is invalid: metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: \"Auto\": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified",
            Json.Str(body["message"]));
    }

    [Fact]
    public async Task ClusterIPs_MayNotChangeOnceSet_ButMayBeLeftOut()
    {
        var (created, service) = await CreateAsync("""{"ports":[{"port":80}]}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var ip = Json.Str(service["spec"]!["clusterIP"])!;

        // A manifest without the allocated IP (kubectl replace, an "" from a chart) keeps it.
        var (kept, keptBody) = await SendAsync("PUT", Services + "/s", """{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"clusterIP":"","ports":[{"port":81}]}}""");
        Assert.Equal(HttpStatusCode.OK, kept);
        Assert.Equal(ip, Json.Str(keptBody["spec"]!["clusterIP"]));

        var (code, body) = await SendAsync("PATCH", Services + "/s", """{"spec":{"clusterIP":"10.96.0.77"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.77\"}: may not change once set", Json.Str(body["message"]));

        var (headless, headlessBody) = await SendAsync("PATCH", Services + "/s", """{"spec":{"clusterIP":"None","clusterIPs":["None"]}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, headless);
        Assert.Equal("Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"None\"}: may not change once set", Json.Str(headlessBody["message"]));
    }

    [Fact]
    public async Task ATypeChange_DropsWhatTheNewTypeCannotUse_AndAllocatesWhatItNeeds()
    {
        var (created, service) = await CreateAsync("""{"type":"NodePort","ports":[{"port":80}]}""");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.NotNull(Json.Num(service["spec"]!["ports"]![0]!["nodePort"]));

        // NodePort → ClusterIP: the allocated node port (left as it was) and externalTrafficPolicy go, as upstream drops them.
        var (toClusterIP, clusterIPBody) = await SendAsync("PATCH", Services + "/s", """{"spec":{"type":"ClusterIP"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, toClusterIP);
        Assert.Null(clusterIPBody["spec"]!["ports"]![0]!["nodePort"]);
        Assert.Null(clusterIPBody["spec"]!["externalTrafficPolicy"]);

        // ClusterIP → ExternalName: the cluster IPs go with the type.
        var (toExternal, externalBody) = await SendAsync("PATCH", Services + "/s", """{"spec":{"type":"ExternalName","externalName":"db.example.com"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, toExternal);
        Assert.Null(externalBody["spec"]!["clusterIP"]);
        Assert.Null(externalBody["spec"]!["clusterIPs"]);

        // ExternalName → LoadBalancer: a cluster IP, node ports and a load balancer address, as a create would.
        var (toLoadBalancer, lbBody) = await SendAsync("PATCH", Services + "/s", """{"spec":{"type":"LoadBalancer","externalName":null}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, toLoadBalancer);
        Assert.False(string.IsNullOrEmpty(Json.Str(lbBody["spec"]!["clusterIP"])));
        Assert.NotNull(Json.Num(lbBody["spec"]!["ports"]![0]!["nodePort"]));
        Assert.NotNull(lbBody["status"]?["loadBalancer"]?["ingress"]?[0]?["ip"]);
    }
}
