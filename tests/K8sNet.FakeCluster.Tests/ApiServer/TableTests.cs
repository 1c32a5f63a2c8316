using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using K8sNet.Testing;
using K8sNet.Testing.ApiServer;
using K8sNet.Testing.Tests.Cluster;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>Server-side printing (the Table kubectl asks for) and apimachinery's HumanDuration ages.</summary>
public sealed class TableTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new();
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var server = await _cluster.StartApiServerAsync();
        _http = new HttpClient { BaseAddress = server.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    // apimachinery pkg/util/duration duration_test.go (kubernetes/kubernetes @008b3652): TestHumanDuration and
    // TestHumanDurationBoundaries, in milliseconds (49 h, in both tables upstream, once).
    public static TheoryData<long, string> Durations => new()
    {
        { 1_000, "1s" }, { 70_000, "70s" }, { 190_000, "3m10s" }, { 70 * 60_000, "70m" }, { 47 * 3_600_000L, "47h" }, { 49 * 3_600_000L, "2d1h" },
        { (8 * 24 + 2) * 3_600_000L, "8d" }, { 367 * 24 * 3_600_000L, "367d" }, { ((365 * 2 * 24) + 25) * 3_600_000L, "2y1d" }, { ((365 * 8 * 24) + 2) * 3_600_000L, "8y" },
        { -2_000, "<invalid>" }, { -1_999, "0s" }, { 0, "0s" }, { 999, "0s" }, { 119_999, "119s" }, { 120_000, "2m" }, { 121_000, "2m1s" },
        { 599_999, "9m59s" }, { 600_000, "10m" }, { 601_000, "10m" }, { (3 * 3_600_000L) - 1, "179m" }, { 3 * 3_600_000L, "3h" }, { (3 * 3_600_000L) + 60_000, "3h1m" },
        { (8 * 3_600_000L) - 1, "7h59m" }, { 8 * 3_600_000L, "8h" }, { (8 * 3_600_000L) + (59 * 60_000), "8h" }, { (48 * 3_600_000L) - 1, "47h" }, { 48 * 3_600_000L, "2d" },
        { (8 * 24 * 3_600_000L) - 1, "7d23h" }, { 8 * 24 * 3_600_000L, "8d" }, { ((8 * 24) + 23) * 3_600_000L, "8d" },
        { (2 * 365 * 24 * 3_600_000L) - 1, "729d" }, { 2 * 365 * 24 * 3_600_000L, "2y" }, { ((2 * 365 * 24) + 23) * 3_600_000L, "2y" },
        { ((2 * 365 * 24) + 24) * 3_600_000L, "2y1d" }, { 3 * 365 * 24 * 3_600_000L, "3y" }, { 7 * 365 * 24 * 3_600_000L, "7y" },
        { (8 * 365 * 24 * 3_600_000L) - 1, "7y364d" }, { 8 * 365 * 24 * 3_600_000L, "8y" }, { 9 * 365 * 24 * 3_600_000L, "9y" },
    };

    [Theory]
    [MemberData(nameof(Durations))]
    public void HumanDuration_AsApimachinery(long milliseconds, string expected) =>
        Assert.Equal(expected, TablePrinter.HumanDuration(TimeSpan.FromMilliseconds(milliseconds)));

    private async Task<JsonObject> TableAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json"));
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Pods_AsATable_WithKubectlsColumns_WideOnesAtPriorityOne_MetadataInEachRow()
    {
        _cluster.Create(FakeClusterTests.Pod("web-0", node: "node-1"));
        await _cluster.WaitForIdleAsync();

        var table = await TableAsync("api/v1/namespaces/default/pods");

        Assert.Equal(("Table", "meta.k8s.io/v1"), ((string?)table["kind"], (string?)table["apiVersion"]));
        var columns = table["columnDefinitions"]!.AsArray().Select(c => ((string)c!["name"]!, (int)c["priority"]!)).ToList();
        Assert.Equal([("Name", 0), ("Ready", 0), ("Status", 0), ("Restarts", 0), ("Age", 0), ("IP", 1), ("Node", 1), ("Nominated Node", 1), ("Readiness Gates", 1)], columns);
        var row = Assert.Single(table["rows"]!.AsArray())!;
        var cells = row["cells"]!.AsArray().Select(c => c!.ToString()).ToList();
        Assert.Equal(["web-0", "1/1", "Running", "0"], cells.Take(4));
        Assert.Equal("node-1", cells[6]);
        Assert.Equal("PartialObjectMetadata", (string?)row["object"]!["kind"]);
        Assert.Equal("web-0", (string?)row["object"]!["metadata"]!["name"]);
        Assert.NotNull(table["metadata"]!["resourceVersion"]);

        var one = await TableAsync("api/v1/namespaces/default/pods/web-0?includeObject=None");
        Assert.Null(Assert.Single(one["rows"]!.AsArray())!["object"]);
    }

    [Fact]
    public async Task Services_Deployments_Nodes_Slices_AndTheDefaultTable()
    {
        _cluster.Create(FakeClusterTests.Service("web"));
        _cluster.Create(FakeClusterTests.Pod("web-0"));
        await _cluster.WaitForIdleAsync();

        var services = await TableAsync("api/v1/namespaces/default/services");
        var web = services["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray().Select(c => c!.ToString()).ToList()).Single(c => c[0] == "web");
        Assert.Equal("ClusterIP", web[1]);
        Assert.Equal("<none>", web[3]);
        Assert.Equal("80/TCP", web[4]);

        var nodes = await TableAsync("api/v1/nodes");
        Assert.All(nodes["rows"]!.AsArray(), r => Assert.Equal("Ready", r!["cells"]![1]!.ToString()));

        var slices = await TableAsync("apis/discovery.k8s.io/v1/namespaces/default/endpointslices");
        var slice = slices["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray().Select(c => c!.ToString()).ToList()).Single(c => c[0].StartsWith("web-", StringComparison.Ordinal));
        Assert.Equal(("IPv4", "8080"), (slice[1], slice[2]));

        var classes = await TableAsync("apis/networking.k8s.io/v1/ingressclasses");
        Assert.Equal(["Name", "Created At"], classes["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!));
    }

    // The Gateway API CRDs' additionalPrinterColumns (issue 23: only NAME and CREATED AT were shown).
    [Fact]
    public async Task GatewayApiKinds_WithTheirCrdsPrinterColumns()
    {
        _cluster.EnsureGatewayClass();
        _cluster.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: web, namespace: default}
            spec:
              gatewayClassName: k8snet
              listeners: [{name: http, port: 80, protocol: HTTP}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: site, namespace: default}
            spec:
              parentRefs: [{name: web}]
              hostnames: [shop.example.com]
              rules: [{backendRefs: [{name: web, port: 80}]}]
            """);
        await _cluster.WaitForIdleAsync();

        var classes = await TableAsync("apis/gateway.networking.k8s.io/v1/gatewayclasses");
        var gateways = await TableAsync("apis/gateway.networking.k8s.io/v1/namespaces/default/gateways");
        var routes = await TableAsync("apis/gateway.networking.k8s.io/v1/namespaces/default/httproutes");
        var grants = await TableAsync("apis/gateway.networking.k8s.io/v1/namespaces/default/referencegrants");

        static List<string> Names(JsonObject table) => [.. table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!)];
        static List<string?> Cells(JsonObject table) => [.. table["rows"]![0]!["cells"]!.AsArray().Select(c => c?.ToString())];
        Assert.Equal(["Name", "Controller", "Accepted", "Age", "Description"], Names(classes));
        Assert.Equal(["k8snet", FakeCluster.GatewayControllerName, "True"], Cells(classes).Take(3));
        Assert.Equal(["Name", "Class", "Address", "Programmed", "Age"], Names(gateways));
        var gateway = Cells(gateways);
        Assert.Equal(("web", "k8snet", "True"), (gateway[0], gateway[1], gateway[3]));
        Assert.Equal(_cluster.Get<k8s.Models.V1Service>("web-k8snet")!.Status.LoadBalancer.Ingress[0].Ip, gateway[2]);
        Assert.Equal(["Name", "Hostnames", "Age"], Names(routes));
        Assert.Equal(["site", "[\"shop.example.com\"]"], Cells(routes).Take(2));
        Assert.Equal(["Name", "Age"], Names(grants));
    }

    [Fact]
    public async Task Ingresses_AsKubeApiserverPrintsThem()
    {
        _cluster.Apply("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: many, namespace: default}
            spec:
              ingressClassName: nginx
              tls: [{hosts: [a.example.com]}]
              rules:
              - {host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}
              - {host: b.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}
              - {host: c.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}
              - {host: d.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: catch-all, namespace: default}
            spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
            """);
        var address = await _cluster.EnsureIngressControllerAsync();
        await _cluster.WaitForIdleAsync();

        var table = await TableAsync("apis/networking.k8s.io/v1/namespaces/default/ingresses");

        Assert.Equal(["Name", "Class", "Hosts", "Address", "Ports", "Age"], table["columnDefinitions"]!.AsArray().Select(c => (string)c!["name"]!));
        var rows = table["rows"]!.AsArray().Select(r => r!["cells"]!.AsArray().Select(c => c!.ToString()).ToList()).ToDictionary(c => c[0]);
        Assert.Equal(["many", "nginx", "a.example.com,b.example.com,c.example.com + 1 more...", address.ToString(), "80, 443"], rows["many"].Take(5));
        Assert.Equal(["catch-all", "<none>", "*", address.ToString(), "80"], rows["catch-all"].Take(5)); // class-less, nginx is the default
    }
}
