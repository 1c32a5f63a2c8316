using System.Text.Json.Nodes;
using K8sNet.Testing.Controllers;

namespace K8sNet.Testing.Tests.Controllers;

/// <summary>
/// The table cases of upstream's reconciler tests (kubernetes/kubernetes staging/src/k8s.io/endpointslice
/// reconciler_test.go @0b1dcaba, fixtures from utils_test.go @b94367ca) as golden tests of
/// <see cref="EndpointSliceReconciler"/>. Fixtures follow upstream: Service <c>foo</c> in <c>test</c> with UID
/// <c>test-foo</c>, no cluster IP, ipFamilies [IPv4], selector foo=bar, port <c>foo</c> → 80/TCP; pod <c>pod{n}</c> on
/// node-1 with IP 1.2.3.(4+n). One deviation: upstream's helper gives pods 252+ invalid IPs (1.2.3.256...), which Go
/// writes as "&lt;nil&gt;"; here they get 1.2.4.x, which keeps every count the same.
/// Left out: metric assertions (no metrics here), fake-clientset action bookkeeping, topology-cache (Auto) hint
/// allocation, and the removed ServiceTrafficDistribution gate case.
/// </summary>
public class EndpointSliceReconcilerGoldenTests
{
    private static readonly JsonObject Node1 = Obj("""{"metadata":{"name":"node-1"}}""");

    private static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    private static JsonObject Service(Action<JsonObject>? change = null)
    {
        var svc = Obj("""
            {"metadata":{"name":"foo","namespace":"test","uid":"test-foo"},
             "spec":{"ipFamilies":["IPv4"],"selector":{"foo":"bar"},"ports":[{"name":"foo","protocol":"TCP","targetPort":80}]}}
            """);
        change?.Invoke(svc);
        return svc;
    }

    private static JsonObject NewPod(int n, bool ready = true, bool terminating = false)
    {
        var ip = 4 + n < 256 ? $"1.2.3.{4 + n}" : $"1.2.4.{4 + n - 256}";
        var pod = Obj($$$"""
            {"metadata":{"name":"pod{{{n}}}","namespace":"test","labels":{"foo":"bar"}},
             "spec":{"nodeName":"node-1","containers":[{"name":"container-1"}]},
             "status":{"podIP":"{{{ip}}}","podIPs":[{"ip":"{{{ip}}}"}],"conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}"}]}}
            """);
        if (terminating)
        {
            pod["metadata"]!["deletionTimestamp"] = "2026-01-01T00:00:00Z";
        }

        return pod;
    }

    private static List<JsonObject> Pods(int count, Func<int, bool>? ready = null) =>
        [.. Enumerable.Range(0, count).Select(i => NewPod(i, ready?.Invoke(i) ?? i % 3 != 0))];

    private static JsonObject ExistingSlice(string name, JsonObject svc, IEnumerable<JsonObject> pods)
    {
        var slice = Obj($$$"""
            {"metadata":{"name":"{{{name}}}","namespace":"test","ownerReferences":[{"apiVersion":"v1","kind":"Service","name":"foo","uid":"{{{svc["metadata"]!["uid"]}}}","controller":true,"blockOwnerDeletion":true}]},
             "addressType":"IPv4","ports":[{"name":"foo","port":80,"protocol":"TCP"}],"endpoints":[]}
            """);
        var eps = (JsonArray)slice["endpoints"]!;
        foreach (var pod in pods)
        {
            eps.Add(EndpointSliceReconciler.PodToEndpoint(pod, Obj("""{"metadata":{"name":"node-1"}}"""), svc, "IPv4"));
        }

        return slice;
    }

    /// <summary>Applies the changes as an API server would (created slices named foo-gen-N), returning the slices after.</summary>
    private static List<JsonObject> Apply(IReadOnlyList<JsonObject> existing, EndpointSliceChanges changes)
    {
        var byName = existing.ToDictionary(s => s["metadata"]!["name"]!.GetValue<string>());
        var n = 0;
        foreach (var c in changes.Create)
        {
            Assert.NotNull(c["metadata"]!["generateName"]);
            c["metadata"]!["name"] = $"foo-gen-{n++}";
            byName[$"foo-gen-{n - 1}"] = c;
        }

        foreach (var u in changes.Update)
        {
            byName[u["metadata"]!["name"]!.GetValue<string>()] = u;
        }

        foreach (var d in changes.Delete)
        {
            byName.Remove(d);
        }

        return [.. byName.Values];
    }

    private static EndpointSliceChanges Reconcile(JsonObject svc, IReadOnlyList<JsonObject> pods, IReadOnlyList<JsonObject> existing, int max = 100, Func<string, JsonObject?>? nodes = null) =>
        new EndpointSliceReconciler(max).Reconcile(svc, pods, nodes ?? (n => n == "node-1" ? Node1 : null), existing, DateTimeOffset.UnixEpoch);

    private static int[] Lengths(IEnumerable<JsonObject> slices) =>
        [.. slices.Select(s => ((JsonArray)s["endpoints"]!).Count).OrderDescending()];

    [Fact]
    public void TestReconcileEmpty_CreatesOnePlaceholder()
    {
        var changes = Reconcile(Service(), [], []);

        var slice = Assert.Single(changes.Create);
        Assert.Empty(changes.Update);
        Assert.Empty((JsonArray)slice["ports"]!);
        Assert.Empty((JsonArray)slice["endpoints"]!);
        Assert.Equal("foo", slice["metadata"]!["labels"]!["kubernetes.io/service-name"]!.GetValue<string>());
        Assert.Equal("foo-", slice["metadata"]!["generateName"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("no-family-service", "IPv4", "1.2.3.4", false)]
    [InlineData("ipv4", "IPv4", "1.2.3.4", true)]
    [InlineData("ipv4-clusterip", "IPv4", "1.2.3.4", false)]
    [InlineData("ipv6", "IPv6", "1234::5678:0:0:9abc:def0", true)]
    [InlineData("ipv6-clusterip", "IPv6", "1234::5678:0:0:9abc:def0", false)]
    public void TestReconcile1Pod(string name, string addressType, string address, bool headless)
    {
        var svc = Service(s =>
        {
            var spec = s["spec"]!.AsObject();
            switch (name)
            {
                case "no-family-service":
                    spec["clusterIP"] = "10.0.0.10";
                    spec.Remove("ipFamilies");
                    break;
                case "ipv4-clusterip":
                    spec["clusterIP"] = "1.1.1.1";
                    break;
                case "ipv6":
                    spec["ipFamilies"] = new JsonArray("IPv6");
                    break;
                case "ipv6-clusterip":
                    spec["clusterIP"] = "1234::5678:0000:0000:9abc:def1";
                    spec["ipFamilies"] = new JsonArray("IPv6");
                    break;
            }
        });
        var pod = NewPod(1);
        pod["status"]!["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "1.2.3.4" }, new JsonObject { ["ip"] = "1234::5678:0000:0000:9abc:def0" });
        pod["spec"]!["hostname"] = "example-hostname";
        var node = Obj("""{"metadata":{"name":"node-1","labels":{"topology.kubernetes.io/zone":"us-central1-a","topology.kubernetes.io/region":"us-central1"}}}""");

        var changes = new EndpointSliceReconciler().Reconcile(svc, [pod], _ => node, [], DateTimeOffset.UnixEpoch);

        var slice = Assert.Single(changes.Create);
        Assert.Equal(addressType, slice["addressType"]!.GetValue<string>());
        var ep = ((JsonArray)slice["endpoints"]!).Single()!;
        Assert.Equal(address, ep["addresses"]![0]!.GetValue<string>());
        Assert.Equal("us-central1-a", ep["zone"]!.GetValue<string>());
        Assert.Equal("node-1", ep["nodeName"]!.GetValue<string>());
        Assert.Null(ep["hostname"]); // no subdomain
        var labels = slice["metadata"]!["labels"]!.AsObject();
        Assert.Equal(headless, labels.ContainsKey("service.kubernetes.io/headless"));
        Assert.Equal("endpointslice-controller.k8s.io", labels["endpointslice.kubernetes.io/managed-by"]!.GetValue<string>());
    }

    [Fact]
    public void TestReconcile1Pod_DualStack_TwoSlices()
    {
        var svc = Service(s =>
        {
            s["spec"]!["ipFamilies"] = new JsonArray("IPv4", "IPv6");
            s["spec"]!["clusterIP"] = "10.0.0.10";
        });
        var pod = NewPod(1);
        pod["status"]!["podIPs"] = new JsonArray(new JsonObject { ["ip"] = "1.2.3.4" }, new JsonObject { ["ip"] = "1234::5678:0000:0000:9abc:def0" });

        var changes = Reconcile(svc, [pod], []);

        Assert.Equal(["IPv4", "IPv6"], changes.Create.Select(s => s["addressType"]!.GetValue<string>()));
    }

    [Fact]
    public void TestReconcile1Pod_BadLabels_ReservedLabelsFromTheServiceAreIgnored()
    {
        var svc = Service(s => s["metadata"]!["labels"] = Obj("""{"kubernetes.io/service-name":"bad","endpointslice.kubernetes.io/managed-by":"actor","service.kubernetes.io/headless":"invalid","foo":"bar"}"""));

        var labels = Reconcile(svc, [NewPod(1)], []).Create.Single()["metadata"]!["labels"]!.AsObject();

        Assert.Equal("foo", labels["kubernetes.io/service-name"]!.GetValue<string>());
        Assert.Equal("endpointslice-controller.k8s.io", labels["endpointslice.kubernetes.io/managed-by"]!.GetValue<string>());
        Assert.Equal(string.Empty, labels["service.kubernetes.io/headless"]!.GetValue<string>());
        Assert.Equal("bar", labels["foo"]!.GetValue<string>());
    }

    [Fact]
    public void TestReconcile1EndpointSlice_ExistingPlaceholderThatsTheSame_NoWrites_ThatsDifferent_OneUpdate()
    {
        var svc = Service();
        var placeholder = Reconcile(svc, [], []).Create.Single();
        placeholder["metadata"]!["name"] = "foo-placeholder";
        var different = ExistingSlice("foo-1", svc, []);
        different["metadata"]!["labels"] = Obj("""{"bar":"baz"}""");

        Assert.True(Reconcile(svc, [], [placeholder]).IsEmpty);
        var changes = Reconcile(svc, [], [different]);
        Assert.Equal((0, 1, 0), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
        Assert.Equal("foo-1", changes.Update[0]["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public void TestReconcile1EndpointSlicePublishNotReadyAddresses_AllReady()
    {
        var svc = Service(s => s["spec"]!["publishNotReadyAddresses"] = true);

        var slice = Reconcile(svc, Pods(50), []).Create.Single();

        Assert.Equal(50, ((JsonArray)slice["endpoints"]!).Count);
        Assert.All((JsonArray)slice["endpoints"]!, e => Assert.True(e!["conditions"]!["ready"]!.GetValue<bool>()));
    }

    [Fact]
    public void TestReconcileManyPods_3Creates_100_100_50()
    {
        var changes = Reconcile(Service(), Pods(250), []);

        Assert.Equal([100, 100, 50], Lengths(changes.Create));
    }

    [Fact]
    public void TestReconcileEndpointSlicesSomePreexisting_CreateThenUpdate_89_61_100()
    {
        var svc = Service();
        var pods = Pods(250);
        var foo1 = ExistingSlice("foo-1", svc, Enumerable.Range(0, 246).Where(i => i % 4 == 1).Select(i => pods[i]));
        var foo2 = ExistingSlice("foo-2", svc, Enumerable.Range(0, 246).Where(i => i % 4 == 3).Select(i => pods[i]));

        var changes = Reconcile(svc, pods, [foo1, foo2]);

        Assert.Equal((1, 1, 0), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
        Assert.Equal([100, 89, 61], Lengths(Apply([foo1, foo2], changes)));
    }

    [Fact]
    public void TestReconcileEndpointSlicesSomePreexistingWorseAllocation_2Creates_74_74_100_52()
    {
        var svc = Service();
        var pods = Pods(300);
        var foo1 = ExistingSlice("foo-1", svc, Enumerable.Range(0, 296).Where(i => i % 4 == 1).Select(i => pods[i]));
        var foo2 = ExistingSlice("foo-2", svc, Enumerable.Range(0, 296).Where(i => i % 4 == 3).Select(i => pods[i]));

        var changes = Reconcile(svc, pods, [foo1, foo2]);

        Assert.Equal((2, 0, 0), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
        Assert.Equal([100, 74, 74, 52], Lengths(Apply([foo1, foo2], changes)));
    }

    [Fact]
    public void TestReconcileEndpointSlicesUpdating_NewTargetPort_3Updates()
    {
        var svc = Service();
        var pods = Pods(250);
        var slices = Apply([], Reconcile(svc, pods, []));
        svc["spec"]!["ports"]![0]!["targetPort"] = 81;

        var changes = Reconcile(svc, pods, slices);

        Assert.Equal((0, 3, 0), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
        Assert.Equal([100, 100, 50], Lengths(Apply(slices, changes)));
    }

    [Fact]
    public void TestReconcileEndpointSlicesServicesLabelsUpdating_3Updates_ReservedLabels_NoWrites()
    {
        var svc = Service();
        var pods = Pods(250);
        var slices = Apply([], Reconcile(svc, pods, []));

        svc["metadata"]!["labels"] = Obj("""{"kubernetes.io/service-name":"bad","endpointslice.kubernetes.io/managed-by":"actor","service.kubernetes.io/headless":"invalid"}""");
        var reserved = Reconcile(svc, pods, slices);
        svc["metadata"]!["labels"] = Obj("""{"foo":"bar"}""");
        var labelled = Reconcile(svc, pods, slices);

        Assert.True(reserved.IsEmpty);
        Assert.Equal(3, labelled.Update.Count);
        Assert.All(labelled.Update, s => Assert.Equal("bar", s["metadata"]!["labels"]!["foo"]!.GetValue<string>()));
    }

    [Fact]
    public void TestReconcileEndpointSlicesRecycling_NoRepacking_ThenNewPort_3Updates7Deletes()
    {
        var svc = Service();
        var pods = Pods(300);
        var slices = Enumerable.Range(0, 10).Select(k => ExistingSlice($"foo-{k}", svc, pods.Skip(30 * k).Take(30))).ToList();

        var unchanged = Reconcile(svc, pods, slices);
        svc["spec"]!["ports"]![0]!["targetPort"] = 81;
        var changes = Reconcile(svc, pods, slices);

        Assert.True(unchanged.IsEmpty);
        Assert.Equal((0, 3, 7), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
        Assert.Equal([100, 100, 100], Lengths(Apply(slices, changes)));
    }

    [Fact]
    public void TestReconcileEndpointSlicesUpdatePacking_2Updates_95_20()
    {
        var svc = Service();
        var pods = Enumerable.Range(0, 80).Concat(Enumerable.Range(100, 20)).Select(i => NewPod(i, ready: true)).ToList();
        var foo1 = ExistingSlice("foo-1", svc, pods.Take(80));
        var foo2 = ExistingSlice("foo-2", svc, pods.Skip(80));
        for (var i = 0; i < pods.Count; i += 10)
        {
            pods[i] = NewPod(int.Parse(pods[i]["metadata"]!["name"]!.GetValue<string>()[3..], System.Globalization.CultureInfo.InvariantCulture), ready: false);
        }

        pods.AddRange(Enumerable.Range(200, 15).Select(i => NewPod(i, ready: true)));

        var changes = Reconcile(svc, pods, [foo1, foo2]);

        Assert.Equal((0, 2, 0), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
        Assert.Equal([95, 20], Lengths(Apply([foo1, foo2], changes)));
    }

    [Fact]
    public void TestReconcileEndpointSlicesRecreation_OwnedNoWrites_OtherServiceCreateAndDelete()
    {
        var svc = Service();
        var pod = NewPod(1);
        var owned = ExistingSlice("foo-1", svc, [pod]);
        var foreign = ExistingSlice("foo-1", Service(s => s["metadata"]!["uid"] = "different"), [pod]);

        Assert.True(Reconcile(svc, [pod], [owned]).IsEmpty);
        var changes = Reconcile(svc, [pod], [foreign]);
        Assert.Equal((1, 0, 1), (changes.Create.Count, changes.Update.Count, changes.Delete.Count));
    }

    [Fact]
    public void TestReconcileEndpointSlicesNamedPorts_5SlicesOf60()
    {
        var svc = Obj("""
            {"metadata":{"name":"named-port-example","namespace":"test","uid":""},
             "spec":{"ipFamilies":["IPv4"],"selector":{"foo":"bar"},"ports":[{"protocol":"TCP","targetPort":"http"}]}}
            """);
        var pods = Enumerable.Range(0, 300).Select(i =>
        {
            var pod = NewPod(i, ready: i % 3 != 0);
            pod["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = 8080 + (i % 5), ["protocol"] = "TCP" });
            return pod;
        }).ToList();

        var changes = Reconcile(svc, pods, []);

        Assert.Equal(5, changes.Create.Count);
        Assert.All(changes.Create, s => Assert.Equal(60, ((JsonArray)s["endpoints"]!).Count));
        Assert.Equal([8080, 8081, 8082, 8083, 8084], changes.Create.Select(s => s["ports"]![0]!["port"]!.GetValue<long>()).Order());
        Assert.All(changes.Create, s => Assert.Equal(string.Empty, s["ports"]![0]!["name"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(50, new[] { 50, 50, 50, 50, 50 })]
    [InlineData(80, new[] { 80, 80, 80, 10 })]
    [InlineData(150, new[] { 150, 100 })]
    [InlineData(250, new[] { 250 })]
    [InlineData(500, new[] { 250 })]
    public void TestReconcileMaxEndpointsPerSlice(int max, int[] lengths)
    {
        Assert.Equal(lengths, Lengths(Reconcile(Service(), Pods(250), [], max).Create));
    }

    [Fact]
    public void TestReconcileEndpointSlicesMetrics_RemovingPodsUpdatesTheSlice()
    {
        var svc = Service();
        var pods = Pods(20, _ => true);
        var slices = Apply([], Reconcile(svc, pods, []));

        var changes = Reconcile(svc, pods[..10], slices);

        Assert.Equal([10], Lengths(Apply(slices, changes)));
        Assert.Single(changes.Update);
    }

    [Theory]
    [InlineData(false, true, 1)]
    [InlineData(true, true, 2)]
    [InlineData(false, false, 0)]
    public void TestReconcilerPodMissingNode(bool publishNotReady, bool node0Present, int expectedEndpoints)
    {
        var svc = Service(s => s["spec"]!["publishNotReadyAddresses"] = publishNotReady);
        var pod0 = NewPod(0);
        var pod1 = NewPod(1);
        pod1["spec"]!["nodeName"] = "node-1";
        pod0["spec"]!["nodeName"] = "node-0";
        var node0 = Obj("""{"metadata":{"name":"node-0"}}""");

        var changes = Reconcile(svc, [pod0, pod1], [], nodes: n => n == "node-0" && node0Present ? node0 : null);

        var slice = Assert.Single(changes.Create);
        Assert.Equal(expectedEndpoints, ((JsonArray)slice["endpoints"]!).Count);
    }

    [Fact]
    public void TestReconcileHeadlessServiceNoPorts_NilAndEmptyPortsAreTheSameGroup()
    {
        var svc = Obj("""{"metadata":{"name":"headless-no-ports","namespace":"test","uid":"test-uid"},"spec":{"clusterIP":"None","ipFamilies":["IPv4"],"selector":{"foo":"bar"}}}""");
        var pod = NewPod(1);
        var slices = Apply([], Reconcile(svc, [pod], []));
        slices[0].Remove("ports"); // the API server returns ports: null

        Assert.True(Reconcile(svc, [pod], slices).IsEmpty);
    }

    [Fact]
    public void PodToEndpoint_UpstreamTable()
    {
        var svc = Service();
        var pnr = Service(s => s["spec"]!["publishNotReadyAddresses"] = true);
        var node = Obj("""{"metadata":{"name":"node-1","labels":{"topology.kubernetes.io/zone":"us-central1-a"}}}""");
        static (bool, bool, bool) C(JsonObject ep) =>
            (ep["conditions"]!["ready"]!.GetValue<bool>(), ep["conditions"]!["serving"]!.GetValue<bool>(), ep["conditions"]!["terminating"]!.GetValue<bool>());

        Assert.Equal((true, true, false), C(EndpointSliceReconciler.PodToEndpoint(NewPod(1), null, svc, "IPv4")));
        Assert.Equal((false, false, false), C(EndpointSliceReconciler.PodToEndpoint(NewPod(1, ready: false), null, svc, "IPv4")));
        Assert.Equal((true, false, false), C(EndpointSliceReconciler.PodToEndpoint(NewPod(1, ready: false), null, pnr, "IPv4")));
        Assert.Equal((false, true, true), C(EndpointSliceReconciler.PodToEndpoint(NewPod(1, terminating: true), null, svc, "IPv4")));
        Assert.Equal((false, false, true), C(EndpointSliceReconciler.PodToEndpoint(NewPod(1, ready: false, terminating: true), null, svc, "IPv4")));
        var withHostname = NewPod(1);
        withHostname["spec"]!["subdomain"] = "foo";
        withHostname["spec"]!["hostname"] = "example-hostname";
        var ep = EndpointSliceReconciler.PodToEndpoint(withHostname, node, svc, "IPv4");
        Assert.Equal(("example-hostname", "us-central1-a"), (ep["hostname"]!.GetValue<string>(), ep["zone"]!.GetValue<string>()));
    }

    [Fact]
    public void GetEndpointPorts_UpstreamTable_AppProtocolNamedPortsAndSidecars()
    {
        var svc = Obj("""{"metadata":{"name":"foo","namespace":"test"},"spec":{"ports":[{"name":"http-sidecar","port":8080,"targetPort":8080,"protocol":"TCP"},{"name":"http","port":8090,"targetPort":"http","protocol":"TCP"},{"name":"https","targetPort":"https","protocol":"TCP","appProtocol":"https"}]}}""");
        var pod = Obj("""{"spec":{"initContainers":[{"name":"sidecar","restartPolicy":"Always","ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}]}],"containers":[{"name":"app","ports":[{"name":"http","containerPort":8090,"protocol":"TCP"},{"name":"https","containerPort":443,"protocol":"TCP"}]}]}}""");

        var ports = EndpointSliceReconciler.EndpointPorts(svc, pod);

        Assert.Equal("[{\"name\":\"http-sidecar\",\"port\":8080,\"protocol\":\"TCP\"},{\"name\":\"http\",\"port\":8090,\"protocol\":\"TCP\"},{\"name\":\"https\",\"port\":443,\"protocol\":\"TCP\",\"appProtocol\":\"https\"}]", ports.ToJsonString());
    }
}
