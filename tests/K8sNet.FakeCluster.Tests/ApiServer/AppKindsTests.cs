using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// The kinds an app's manifests carry besides workloads (issue 23): Secrets, ServiceAccounts, RBAC, NetworkPolicies,
/// PodDisruptionBudgets and HorizontalPodAutoscalers — defaulted, validated and printed as kube-apiserver 1.32 does, and
/// the status their controllers give budgets and autoscalers.
/// </summary>
public sealed class AppKindsTests : ShopApiTests
{
    [Fact]
    public void Secret_StringDataIsMergedIntoData_AndTheTypeDefaultsToOpaque()
    {
        Cluster.Apply("""
            apiVersion: v1
            kind: Secret
            metadata: {name: db, namespace: shop}
            data: {user: YWRtaW4=, password: b2xk}
            stringData: {password: s3cret}
            """);

        var secret = Cluster.Store.Get(ResourceType.Secret, "shop", "db")!;
        Assert.Equal("Opaque", secret["type"]!.GetValue<string>());
        Assert.Null(secret["stringData"]); // never stored
        Assert.Equal("s3cret", Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["password"]!.GetValue<string>()))); // stringData wins
        Assert.Equal("YWRtaW4=", secret["data"]!["user"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("kubernetes.io/tls", "{\"tls.crt\": \"YQ==\"}", "Secret \"s\" is invalid: data[tls.key]: Required value")]
    [InlineData("kubernetes.io/basic-auth", "{}", "Secret \"s\" is invalid: [data[username]: Required value, data[password]: Required value]")]
    [InlineData("kubernetes.io/ssh-auth", "{\"ssh-privatekey\": \"\"}", "Secret \"s\" is invalid: data[ssh-privatekey]: Required value")]
    [InlineData("kubernetes.io/dockerconfigjson", "{}", "Secret \"s\" is invalid: data[.dockerconfigjson]: Required value")]
    [InlineData("Opaque", "{\"bad key\": \"YQ==\"}", "Secret \"s\" is invalid: data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")]
    public async Task Secret_TypesRequireTheirKeys(string type, string data, string message)
    {
        var (code, body) = await SendAsync("POST", "/api/v1/namespaces/shop/secrets", $"{{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{{\"name\":\"s\"}},\"type\":\"{type}\",\"data\":{data}}}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(message, body["message"]!.GetValue<string>());
        Assert.Null(Cluster.Store.Get(ResourceType.Secret, "shop", "s"));
    }

    [Theory]
    [InlineData("abc", 0)] // an unpadded group
    [InlineData("ab!d", 2)] // not of the alphabet
    [InlineData("YWJj=", 4)] // padding where a new group starts
    [InlineData("YQ=", 3)] // "xx=" wants its second '='
    [InlineData("YQ==YQ==", 4)] // nothing may follow the padding
    [InlineData("YWJj\nZGVm", null)] // newlines are skipped
    [InlineData("", null)]
    public void Base64Errors_AreWhereGosDecoderStops(string text, int? at) => Assert.Equal(at, KindDefaults.Base64Error(text));

    [Fact]
    public async Task Secret_DataThatIsNotBase64_Is400_AsGoDecodesIt()
    {
        var (code, body) = await SendAsync("POST", "/api/v1/namespaces/shop/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"data":{"a":"ab!d"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 2", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secret_TypeAndImmutableData_CannotChange()
    {
        Cluster.Apply("""
            apiVersion: v1
            kind: Secret
            metadata: {name: frozen, namespace: shop}
            immutable: true
            data: {a: YQ==}
            """);

        var (code, body) = await SendAsync("PATCH", "/api/v1/namespaces/shop/secrets/frozen", """{"type":"kubernetes.io/basic-auth","data":{"a":"Yg==","username":"dQ=="}}""", "application/merge-patch+json");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Secret \"frozen\" is invalid: [type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable, data: Forbidden: field is immutable when `immutable` is set]", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rbac_IsDefaultedAndValidated_AndARoleRefCannotChange()
    {
        Cluster.Apply("""
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader, namespace: shop}
            rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: read-pods, namespace: shop}
            roleRef: {kind: Role, name: reader}
            subjects: [{kind: User, name: jane}, {kind: ServiceAccount, name: app, namespace: shop}]
            """);
        var binding = Cluster.Store.Get(ResourceType.RoleBinding, "shop", "read-pods")!;
        Assert.Equal("rbac.authorization.k8s.io", binding["roleRef"]!["apiGroup"]!.GetValue<string>());
        Assert.Equal("rbac.authorization.k8s.io", binding["subjects"]![0]!["apiGroup"]!.GetValue<string>());
        Assert.Null(binding["subjects"]![1]!["apiGroup"]); // "", which Go's JSON leaves out

        var (roleCode, role) = await SendAsync("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/roles",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"bad"},"rules":[{"resources":["pods"]},{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, roleCode);
        Assert.Equal("Role.rbac.authorization.k8s.io \"bad\" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, "
            + "rules[1].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs]", role["message"]!.GetValue<string>());

        var (crbCode, crb) = await SendAsync("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"all"},"roleRef":{"kind":"Role","name":"reader"},"subjects":[{"kind":"ServiceAccount","name":"app"}]}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, crbCode);
        Assert.Equal("ClusterRoleBinding.rbac.authorization.k8s.io \"all\" is invalid: [roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\", subjects[0].namespace: Required value]", crb["message"]!.GetValue<string>());

        var (changeCode, change) = await SendAsync("PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings/read-pods", """{"roleRef":{"name":"writer"}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changeCode);
        Assert.EndsWith("roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"writer\"}: cannot change roleRef", change["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkPolicy_IsDefaulted_AndItsPeersValidated()
    {
        Cluster.Apply("""
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: orders-in, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: orders}}
              ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
              egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]
            """);
        var policy = Cluster.Store.Get(ResourceType.NetworkPolicy, "shop", "orders-in")!;
        Assert.Equal("""["Ingress","Egress"]""", policy["spec"]!["policyTypes"]!.ToJsonString());
        Assert.Equal("TCP", policy["spec"]!["ingress"]![0]!["ports"]![0]!["protocol"]!.GetValue<string>());

        var (code, body) = await SendAsync("POST", "/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies",
            """{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"bad"},"spec":{"podSelector":{},"ingress":[{"from":[{},{"ipBlock":{"cidr":"10.0.0.0/16","except":["192.168.0.0/24"]},"podSelector":{}}],"ports":[{"protocol":"ICMP","port":80,"endPort":70}]}]}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        var message = body["message"]!.GetValue<string>();
        Assert.Contains("spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"", message, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`", message, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].from[0]: Required value: must specify a peer", message, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer", message, StringComparison.Ordinal);
        Assert.Contains("spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: \"192.168.0.0/24\": must be a strict subset of `cidr`", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PodDisruptionBudget_GetsTheDisruptionControllersStatus()
    {
        Cluster.Apply("""
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: orders, namespace: shop}
            spec: {minAvailable: 1, selector: {matchLabels: {app: orders}}}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: orders-half, namespace: shop}
            spec: {maxUnavailable: 50%, selector: {matchLabels: {app: orders}}}
            """);
        await Cluster.WaitForIdleAsync();

        var status = Cluster.Store.Get(ResourceType.PodDisruptionBudget, "shop", "orders")!["status"]!;
        Assert.Equal(2, Json.Num(status["currentHealthy"]));
        Assert.Equal(1, Json.Num(status["desiredHealthy"]));
        Assert.Equal(2, Json.Num(status["expectedPods"]));
        Assert.Equal(1, Json.Num(status["disruptionsAllowed"]));
        Assert.Equal("SufficientPods", status["conditions"]![0]!["reason"]!.GetValue<string>());
        var half = Cluster.Store.Get(ResourceType.PodDisruptionBudget, "shop", "orders-half")!["status"]!;
        Assert.Equal(1, Json.Num(half["desiredHealthy"])); // 2 − ceil(50% × 2)
        Assert.Equal(1, Json.Num(half["disruptionsAllowed"]));

        var (code, body) = await SendAsync("POST", "/apis/policy/v1/namespaces/shop/poddisruptionbudgets",
            """{"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"both"},"spec":{"minAvailable":1,"maxUnavailable":"120%"}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Contains("minAvailable and maxUnavailable cannot be both set", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("spec.maxUnavailable: Invalid value: 120%: must not be greater than 100%", body["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var table = await TableAsync("/apis/policy/v1/namespaces/shop/poddisruptionbudgets");
        Assert.Equal(["Name", "Min Available", "Max Unavailable", "Allowed Disruptions", "Age"], Columns(table));
        Assert.Equal(["orders", "1", "N/A", "1"], Cells(table, 0).Take(4));
    }

    [Fact]
    public async Task HorizontalPodAutoscaler_IsDefaulted_AndReportedAsWithoutMetricsServer()
    {
        Cluster.Apply("""
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata: {name: orders, namespace: shop}
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: orders}
              maxReplicas: 5
            """);
        await Cluster.WaitForIdleAsync();

        var hpa = Cluster.Store.Get(ResourceType.HorizontalPodAutoscaler, "shop", "orders")!;
        Assert.Equal(1, Json.Num(hpa["spec"]!["minReplicas"]));
        Assert.Equal(80, Json.Num(hpa["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]));
        Assert.Equal(2, Json.Num(hpa["status"]!["currentReplicas"]));
        Assert.Equal(0, Json.Num(hpa["status"]!["desiredReplicas"]));
        Assert.Equal("FailedGetResourceMetric", hpa["status"]!["conditions"]![1]!["reason"]!.GetValue<string>());
        Assert.Equal(2, Cluster.Get<k8s.Models.V1Deployment>("orders", "shop")!.Spec.Replicas); // it never scales

        var table = await TableAsync("/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers");
        Assert.Equal(["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"], Columns(table));
        Assert.Equal(["orders", "Deployment/orders", "cpu: <unknown>/80%", "1", "5", "2"], Cells(table, 0).Take(6));

        var (code, body) = await SendAsync("POST", "/apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers",
            """{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"bad"},"spec":{"scaleTargetRef":{"kind":"Deployment"},"minReplicas":3,"maxReplicas":2}}""");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("HorizontalPodAutoscaler.autoscaling \"bad\" is invalid: [spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`, spec.scaleTargetRef.name: Required value]", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task AutoscalingV1_IsServedOverV2_AsItsConversionDoes()
    {
        // kubectl autoscale 1.32 posts autoscaling/v1.
        var (created, v1) = await SendAsync("POST", "/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers",
            """{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"orders"},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"orders"},"minReplicas":2,"maxReplicas":5,"targetCPUUtilizationPercentage":60}}""");
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("autoscaling/v1", Json.Str(v1["apiVersion"]));
        Assert.Equal(60, Json.Num(v1["spec"]!["targetCPUUtilizationPercentage"]));

        var stored = Cluster.Store.Get(ResourceType.HorizontalPodAutoscaler, "shop", "orders")!;
        Assert.Equal("autoscaling/v2", Json.Str(stored["apiVersion"]));
        Assert.Equal(60, Json.Num(stored["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]));

        var (patched, patchedBody) = await SendAsync("PATCH", "/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers/orders", """{"spec":{"targetCPUUtilizationPercentage":70}}""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, patched);
        Assert.Equal(70, Json.Num(patchedBody["spec"]!["targetCPUUtilizationPercentage"]));
        Assert.Equal(70, Json.Num(Cluster.Store.Get(ResourceType.HorizontalPodAutoscaler, "shop", "orders")!["spec"]!["metrics"]![0]!["resource"]!["target"]!["averageUtilization"]));

        await Cluster.WaitForIdleAsync();
        var (_, list) = await SendAsync("GET", "/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers", null);
        Assert.Equal("HorizontalPodAutoscalerList", Json.Str(list["kind"]));
        var item = list["items"]![0]!;
        Assert.Equal("autoscaling/v1", Json.Str(item["apiVersion"]));
        Assert.Null(item["status"]!["conditions"]); // v1 carries them in an annotation
        Assert.Contains("FailedGetResourceMetric", Json.Str(item["metadata"]!["annotations"]!["autoscaling.alpha.kubernetes.io/conditions"]), StringComparison.Ordinal);

        var (_, noCpu) = await SendAsync("POST", "/apis/autoscaling/v1/namespaces/shop/horizontalpodautoscalers",
            """{"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"default-cpu"},"spec":{"scaleTargetRef":{"kind":"Deployment","name":"orders"},"maxReplicas":3}}""");
        Assert.Equal(80, Json.Num(noCpu["spec"]!["targetCPUUtilizationPercentage"])); // the v2 default, seen through v1
    }

    [Fact]
    public async Task Tables_OfSecretsAccountsAndBindings_HaveUpstreamsColumns()
    {
        Cluster.Apply("""
            apiVersion: v1
            kind: Secret
            metadata: {name: tls, namespace: shop}
            type: kubernetes.io/tls
            data: {tls.crt: YQ==, tls.key: Yg==}
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata: {name: app, namespace: shop}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata: {name: view, namespace: shop}
            roleRef: {kind: ClusterRole, name: view}
            subjects: [{kind: User, name: jane}, {kind: Group, name: devs}, {kind: ServiceAccount, name: app, namespace: shop}]
            """);

        var secrets = await TableAsync("/api/v1/namespaces/shop/secrets");
        Assert.Equal(["Name", "Type", "Data", "Age"], Columns(secrets));
        Assert.Equal(["tls", "kubernetes.io/tls", "2"], Cells(secrets, 0).Take(3));
        var accounts = await TableAsync("/api/v1/namespaces/shop/serviceaccounts");
        Assert.Equal(["Name", "Secrets", "Age"], Columns(accounts));
        var bindings = await TableAsync("/apis/rbac.authorization.k8s.io/v1/namespaces/shop/rolebindings");
        Assert.Equal(["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"], Columns(bindings));
        var row = Cells(bindings, 0);
        Assert.Equal(["view", "ClusterRole/view"], row.Take(2));
        Assert.Equal(["jane", "devs", "shop/app"], row.Skip(3));
        var (_, discovery) = await SendAsync("GET", "/apis/autoscaling/v2", null);
        Assert.Contains(discovery["resources"]!.AsArray(), r => r!["name"]!.GetValue<string>() == "horizontalpodautoscalers" && r["categories"]?[0]?.GetValue<string>() == "all" && r["shortNames"]?[0]?.GetValue<string>() == "hpa");
    }

    private async Task<JsonObject> TableAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        using var response = await Http.SendAsync(request);
        return (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static string[] Columns(JsonObject table) => [.. table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())];

    private static string[] Cells(JsonObject table, int row) => [.. table["rows"]![row]!["cells"]!.AsArray().Select(c => c is JsonValue v && v.TryGetValue<string>(out var s) ? s : c?.ToJsonString() ?? string.Empty)];
}
