using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Gateway;
using K8sNet.Gateway.GatewayApi;
using K8sNet.Testing;

namespace K8sNet.Gateway.Tests;

/// <summary>
/// The Gateway API conformance suite's HTTPRoute scenarios (kubernetes-sigs/gateway-api conformance/tests/httproute-*,
/// gateway-http-listener-isolation; v1.6-era manifests and expectations, provenance in Conformance/README.md) run
/// in-process against <see cref="GatewayRouter"/>: the base manifests plus the test's own, then every status assertion
/// and every <c>http.ExpectedResponse</c> of the Go test, as data (Conformance/*.yaml and *.json).
/// </summary>
public class GatewayConformanceTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Conformance");

    // Scenarios left out, and why (the others in the folder all run).
    private static readonly Dictionary<string, string> LeftOut = new()
    {
        ["HTTPRouteServiceTypes"] = "expects pods reached through Services with hand-written EndpointSlices: a FakeCluster journey, not a route decision",
    };

    public static TheoryData<string> Scenarios => [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).Where(n => !LeftOut.ContainsKey(n))];

    [Fact]
    public void EveryScenarioInTheFolder_RunsOrIsListedWithAReason()
    {
        var names = Directory.GetFiles(Folder, "*.json").Select(Path.GetFileNameWithoutExtension).ToHashSet();

        Assert.True(names.Count >= 45, $"only {names.Count} scenarios found in {Folder}");
        Assert.All(LeftOut.Keys, n => Assert.Contains(n, names));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario(string name)
    {
        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")))!;
        var objects = GatewayApiKinds.LoadAll(File.ReadAllText(Path.Combine(Folder, "base-manifests.yaml")))
            .Concat(GatewayApiKinds.LoadAll(File.ReadAllText(Path.Combine(Folder, name + ".yaml")))).ToList();
        var router = GatewayRouter.Build(objects);
        var gateways = data["gateways"]!.AsArray().Select(g => Gateway(g!.GetValue<string>()).Id).ToList();

        foreach (var check in Array(data, "acceptance").Concat(Array(data, "resolvedRefs")).Concat(Array(data, "conditions")))
        {
            Check(router, check!);
        }

        var cases = Array(data, "cases").ToList();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i]!;
            foreach (var deleted in Array(c, "deleteBefore").Select(d => d!.GetValue<string>()))
            {
                var (kind, id) = (deleted.Split(' ')[0], deleted.Split(' ')[1]);
                objects.RemoveAll(o => o.GetType().Name == "V1" + kind && o is IMetadata<V1ObjectMeta> m && $"{m.Metadata.NamespaceProperty}/{m.Metadata.Name}" == id);
                router = GatewayRouter.Build(objects);
            }

            var gateway = c["gateway"] is { } g ? Gateway(g.GetValue<string>()) : Gateway(gateways[0]);
            try
            {
                Case(router, objects, gateway, c);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{name} case {i} {c.ToJsonString()}:\n{e.Message}");
            }
        }
    }

    // The same scenario in a FakeCluster, over real HTTP: the manifests applied with the cluster's GatewayClass, a
    // Deployment of echo-basic pods behind every Service with a selector (what the suite's base manifests deploy), each
    // Gateway's listeners exposed on loopback ports, and every case sent there with its Host header; the echo pods
    // report what they received. (Mirrors and the weight distribution are checked in process: mirrors are seen
    // upstream in pod logs, and the split there is random.)
    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task ScenarioOverHttp(string name)
    {
        var data = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, name + ".json")))!;
        var yaml = (await File.ReadAllTextAsync(Path.Combine(Folder, "base-manifests.yaml"))) + "\n---\n" + await File.ReadAllTextAsync(Path.Combine(Folder, name + ".yaml"));
        yaml = yaml.Replace("{GATEWAY_CLASS_NAME}", FakeCluster.GatewayClassName, StringComparison.Ordinal);
        await using var cluster = new FakeCluster();
        cluster.EnsureGatewayClass();
        var applied = cluster.Apply(yaml);
        foreach (var service in applied.Where(o => (string?)o["kind"] == "Service" && o["spec"]?["selector"] is JsonObject))
        {
            var labels = (JsonObject)service["spec"]!["selector"]!;
            var deployment = (string?)labels["app"] ?? (string)service["metadata"]!["name"]!;
            if (cluster.Get<V1Deployment>(deployment, (string?)service["metadata"]!["namespace"]) is null)
            {
                cluster.Create(new V1Deployment
                {
                    Metadata = new V1ObjectMeta { Name = deployment, NamespaceProperty = (string?)service["metadata"]!["namespace"] },
                    Spec = new V1DeploymentSpec
                    {
                        Replicas = 1,
                        Selector = new V1LabelSelector { MatchLabels = labels.ToDictionary(l => l.Key, l => (string)l.Value!) },
                        Template = new V1PodTemplateSpec
                        {
                            Metadata = new V1ObjectMeta { Labels = labels.ToDictionary(l => l.Key, l => (string)l.Value!) },
                            Spec = new V1PodSpec { Containers = [new V1Container { Name = "echo", Image = "gcr.io/k8s-staging-gateway-api/echo-basic:v20240412-v1.0.0-394-g40c666fd", Ports = [new V1ContainerPort { ContainerPort = 3000 }] }] },
                        },
                    },
                });
            }
        }

        await cluster.WaitForIdleAsync();
        var objects = GatewayApiKinds.LoadAll(yaml).ToList();
        var exposed = new Dictionary<(string, int), Uri>();
        var gateways = data["gateways"]!.AsArray().Select(g => Gateway(g!.GetValue<string>()).Id).ToList();
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseProxy = false });
        var cases = Array(data, "cases").ToList();
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i]!;
            foreach (var deleted in Array(c, "deleteBefore").Select(d => d!.GetValue<string>()))
            {
                var id = deleted.Split(' ')[1];
                cluster.Delete<V1ReferenceGrant>(id.Split('/')[1], id.Split('/')[0]);
                await cluster.WaitForIdleAsync();
            }

            var gateway = c["gateway"] is { } g ? Gateway(g.GetValue<string>()) : Gateway(gateways[0]);
            var request = Request(objects, gateway, c["request"]!);
            if (!exposed.TryGetValue((gateway.Id, request.Port), out var baseAddress))
            {
                foreach (var listener in await cluster.ExposeGatewayAsync(gateway.Namespace, gateway.Name))
                {
                    exposed[(gateway.Id, listener.GatewayPort)] = listener.BaseAddress;
                }

                baseAddress = exposed[(gateway.Id, request.Port)];
            }

            using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(baseAddress, request.PathAndQuery));
            message.Headers.Host = request.Host;
            foreach (var (key, value) in request.Headers)
            {
                message.Headers.TryAddWithoutValidation(key, value);
            }

            if (c["backendSetResponseHeaders"] is JsonObject set)
            {
                message.Headers.TryAddWithoutValidation("X-Echo-Set-Header", string.Join(",", set.Select(h => $"{h.Key}:{h.Value}")));
            }

            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var echo = response.StatusCode == System.Net.HttpStatusCode.OK && body.StartsWith('{') ? JsonNode.Parse(body) : null;
            var observed = new Observed(
                (int)response.StatusCode,
                (string?)echo?["pod"],
                (string?)echo?["namespace"],
                (string?)echo?["path"],
                (string?)echo?["host"],
                [.. (echo?["headers"] as JsonObject ?? []).Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value!.AsArray().Select(v => (string?)v))))],
                [.. response.Headers.Concat(response.Content.Headers).Select(h => new KeyValuePair<string, string>(h.Key, string.Join(",", h.Value)))],
                response.Headers.Location?.OriginalString,
                body);
            try
            {
                Verify(c, request, observed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{name} case {i} over HTTP {c.ToJsonString()}:\n{e.Message}");
            }
        }
    }

    private static JsonArray Array(JsonNode node, string name) => node[name]?.AsArray() ?? [];

    // "ns/name", or "ns/name (address from listener-2, port 8080)".
    private static (string Id, string Namespace, string Name, int? Port) Gateway(string text)
    {
        var id = text.Split(' ')[0];
        var port = text.IndexOf("port ", StringComparison.Ordinal) is var at and >= 0 ? int.Parse(text[(at + 5)..].TrimEnd(')'), CultureInfo.InvariantCulture) : (int?)null;
        return (id, id.Split('/')[0], id.Split('/')[1], port);
    }

    private static void Check(GatewayRouter router, JsonNode check)
    {
        var kind = check["check"]!.GetValue<string>();
        var gateway = check["gateway"] is { } g ? Gateway(g.GetValue<string>()) : default;
        switch (kind)
        {
            case "GatewayAndHTTPRoutesMustBeAccepted":
                Assert.NotNull(router.GatewayStatus(gateway.Namespace, gateway.Name));
                foreach (var route in Array(check, "routes").Select(r => r!.GetValue<string>()))
                {
                    var parents = Parents(router, route, gateway);
                    Assert.True(parents.Count > 0, $"{route} has no parent status for {gateway.Id}");
                    Assert.All(parents, p => Assert.Equal("True", Condition(p, "Accepted").Status));
                }

                break;
            case "HTTPRouteMustHaveResolvedRefsConditionsTrue" or "HTTPRouteMustHaveCondition" or "HTTPRouteMustHaveParents":
                var name = check["route"]!.GetValue<string>();
                var all = Parents(router, name, gateway);
                Assert.True(all.Count > 0, $"{name} has no parent status for {gateway.Id}");
                if (kind == "HTTPRouteMustHaveParents")
                {
                    Assert.Single(all);
                    Assert.Equal(check["parentRef"]!["namespace"]?.GetValue<string>(), all[0].ParentRef.NamespaceProperty);
                }

                foreach (var parent in all)
                {
                    var condition = Condition(parent, check["type"]!.GetValue<string>());
                    Assert.Equal(check["status"]!.GetValue<string>(), condition.Status);
                    if (check["reason"]!.GetValue<string>() is var reason && reason != "(any)")
                    {
                        Assert.Equal(reason, condition.Reason);
                    }
                }

                break;
            case "HTTPRouteMustHaveNoAcceptedParents":
                var route2 = check["route"]!.GetValue<string>();
                Assert.DoesNotContain(router.RouteStatus("HTTPRoute", route2.Split('/')[0], route2.Split('/')[1])?.Parents ?? [], p => Condition(p, "Accepted").Status == "True");
                break;
            case "GatewayMustHaveZeroRoutes":
                Assert.All(router.GatewayStatus(gateway.Namespace, gateway.Name)!.Listeners ?? [], l => Assert.Equal(0, l.AttachedRoutes));
                break;
            case "GatewayStatusMustHaveListeners":
                var listener = router.GatewayStatus(gateway.Namespace, gateway.Name)!.Listeners!.Single(l => l.Name == check["listener"]!.GetValue<string>());
                Assert.Equal(check["attachedRoutes"]!.GetValue<int>(), listener.AttachedRoutes);
                Assert.Equal(Array(check, "supportedKinds").Select(k => k!["kind"]!.GetValue<string>()), listener.SupportedKinds.Select(k => k.Kind).Where(k => k == "HTTPRoute"));
                foreach (var expected in Array(check, "listenerConditions"))
                {
                    Assert.Equal(expected!["status"]!.GetValue<string>(), listener.Conditions.Single(c => c.Type == expected["type"]!.GetValue<string>()).Status);
                }

                break;
            case "WaitForGatewayAddress":
                Assert.NotNull(router.GatewayStatus(gateway.Namespace, gateway.Name));
                break;
            default:
                throw new InvalidOperationException($"unknown check {kind}");
        }
    }

    private static List<V1RouteParentStatus> Parents(GatewayRouter router, string route, (string Id, string Namespace, string Name, int? Port) gateway)
    {
        var status = router.RouteStatus("HTTPRoute", route.Split('/')[0], route.Split('/')[1]);
        Assert.True(status is not null, $"HTTPRoute {route} is not among the objects");
        var routeNs = route.Split('/')[0];
        return [.. status!.Parents.Where(p => p.ParentRef.Name == gateway.Name && (p.ParentRef.NamespaceProperty ?? routeNs) == gateway.Namespace)];
    }

    private static V1Condition Condition(V1RouteParentStatus parent, string type) =>
        parent.Conditions.SingleOrDefault(c => c.Type == type) ?? throw new Xunit.Sdk.XunitException($"no {type} condition for parent {parent.ParentRef.Name}");

    // What a case observed, in process or over HTTP: the status, who answered (the Service in process, the echo pod
    // over HTTP), the request as the backend received it, the response headers, the redirect's Location.
    private sealed record Observed(int Status, string? Backend, string? Namespace, string? Path, string? Host,
        IReadOnlyList<KeyValuePair<string, string>> RequestHeaders, IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders, string? Location, string Why);

    private static void Case(GatewayRouter router, List<object> objects, (string Id, string Namespace, string Name, int? Port) gateway, JsonNode c)
    {
        var request = Request(objects, gateway, c["request"]!);
        var random = new Random(20261205);
        var decision = router.Route(gateway.Namespace, gateway.Name, request, random);
        var upstream = (c["backendSetResponseHeaders"] as JsonObject ?? []).Select(h => new KeyValuePair<string, string>(h.Key, h.Value!.GetValue<string>()));
        Verify(c, request, new Observed(decision.StatusCode ?? 200, decision.ServiceName, decision.ServiceNamespace, decision.ForwardedPathAndQuery, decision.ForwardedHost,
            decision.ForwardedHeaders, decision.ModifyResponseHeaders(upstream), decision.Location, decision.Reason));
        if ((decision.StatusCode ?? 200) != 200)
        {
            return;
        }

        foreach (var mirror in Array(c, "mirroredTo"))
        {
            var m = Assert.Single(decision.Mirrors, x => x.ServiceName == mirror!["name"]!.GetValue<string>() && x.ServiceNamespace == mirror["namespace"]!.GetValue<string>());
            Assert.Equal((mirror!["percent"]?.GetValue<int>() ?? 100) / 100.0, m.Fraction, 3);
        }

        if (c["distribution"] is { } distribution)
        {
            var total = distribution["totalRequests"]!.GetValue<int>();
            var seen = Enumerable.Range(0, total).Select(_ => router.Route(gateway.Namespace, gateway.Name, request, random).ServiceName!).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count() / (double)total);
            foreach (var (service, weight) in distribution["expectedWeights"]!.AsObject())
            {
                var share = seen.GetValueOrDefault(service);
                Assert.InRange(share, weight!.GetValue<double>() - distribution["tolerance"]!.GetValue<double>(), weight.GetValue<double>() + distribution["tolerance"]!.GetValue<double>());
                Assert.True(weight.GetValue<double>() > 0 || share == 0, $"{service} has weight 0 but got {share:P1}");
            }
        }

        if (c["repeat"] is { } repeat)
        {
            for (var i = 0; i < repeat["count"]!.GetValue<int>(); i++)
            {
                var again = router.Route(gateway.Namespace, gateway.Name, request, random);
                var values = again.ForwardedHeaders.Where(h => h.Key.Equals("Backend", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
                Assert.Equal([again.ServiceName!], values);
            }
        }
    }

    // The checks of the suite's http.ExpectedResponse: the status, then for a 200 the backend (a Service, or a pod of
    // its Deployment), its namespace and the request it saw, then the response headers and a redirect's Location.
    private static void Verify(JsonNode c, GatewayRequest request, Observed observed)
    {
        var response = c["response"];
        var statuses = response?["statusCodes"]?.AsArray().Select(s => s!.GetValue<int>()).ToList()
            ?? [response?["statusCode"]?.GetValue<int>() ?? 200];
        Assert.True(statuses.Contains(observed.Status), $"status {observed.Status}, expected {string.Join(" or ", statuses)}; {observed.Why}");
        if (observed.Status == 200)
        {
            if (c["backend"]?.GetValue<string>() is { } backend)
            {
                Assert.True(observed.Backend == backend || observed.Backend?.StartsWith(backend + "-", StringComparison.Ordinal) == true, $"answered by {observed.Backend}, expected {backend}");
            }

            if (c["namespace"] is { } ns)
            {
                Assert.Equal(ns.GetValue<string>(), observed.Namespace);
            }

            var expected = c["expectedRequest"];
            Assert.Equal(expected?["path"]?.GetValue<string>() ?? request.PathAndQuery, observed.Path);
            if (expected?["host"] is { } host)
            {
                Assert.Equal(host.GetValue<string>(), observed.Host);
            }

            Headers(observed.RequestHeaders, expected?["headers"], expected?["absentHeaders"]);
            Headers(observed.ResponseHeaders, response?["headers"], response?["absentHeaders"]);
        }

        if (c["redirectRequest"] is { } redirect)
        {
            Assert.NotNull(observed.Location);
            var location = new Uri(observed.Location!);
            Assert.Equal(redirect["scheme"]?.GetValue<string>() ?? request.Scheme, location.Scheme);
            if (redirect["host"] is { } host)
            {
                Assert.Equal(host.GetValue<string>(), location.Host);
            }

            var port = redirect["port"]?.GetValue<string>();
            Assert.True(port is null ? location.IsDefaultPort : location.Port.ToString(CultureInfo.InvariantCulture) == port || (location.IsDefaultPort && int.Parse(port, CultureInfo.InvariantCulture) == location.Port),
                $"redirect port in {observed.Location}, expected {port ?? "the scheme's default"}");
            Assert.Equal(redirect["path"]?.GetValue<string>() ?? request.Path, location.AbsolutePath);
        }
    }

    // The request as the suite sends it: to the Gateway's address (the port named in the case, else its first
    // listener's), with the Host header given (else the address), over HTTPS when that listener is HTTPS.
    private static GatewayRequest Request(List<object> objects, (string Id, string Namespace, string Name, int? Port) gateway, JsonNode request)
    {
        var listeners = objects.OfType<V1Gateway>().Single(g => g.Metadata.NamespaceProperty == gateway.Namespace && g.Metadata.Name == gateway.Name).Spec.Listeners;
        var port = gateway.Port ?? listeners[0].Port;
        var scheme = listeners.First(l => l.Port == port).Protocol == "HTTPS" ? "https" : "http";
        var headers = (request["headers"] as JsonObject ?? []).Select(h => new KeyValuePair<string, string>(h.Key, h.Value!.GetValue<string>()));
        var host = request["host"]?.GetValue<string>() ?? "127.0.0.1" + (port is 80 or 443 ? string.Empty : $":{port}"); // no host: the suite's client sends the Gateway's address
        return new GatewayRequest(request["method"]?.GetValue<string>() ?? "GET", host, request["path"]!.GetValue<string>(), headers, port, scheme);
    }

    private static void Headers(IReadOnlyList<KeyValuePair<string, string>> actual, JsonNode? expected, JsonNode? absent)
    {
        foreach (var (name, value) in expected as JsonObject ?? [])
        {
            var values = actual.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
            Assert.True(values.Count > 0 && string.Join(",", values) == value!.GetValue<string>(), $"header {name}: expected '{value}', got '{string.Join(",", values)}' in [{string.Join("; ", actual.Select(h => $"{h.Key}: {h.Value}"))}]");
        }

        foreach (var name in absent?.AsArray() ?? [])
        {
            Assert.DoesNotContain(actual, h => h.Key.Equals(name!.GetValue<string>(), StringComparison.OrdinalIgnoreCase));
        }
    }
}
