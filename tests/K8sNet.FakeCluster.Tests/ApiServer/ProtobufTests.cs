using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using System.Text.Json.Nodes;
using k8s.Models;
using K8sNet.Testing.ApiServer.Protobuf;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// <c>application/vnd.kubernetes.protobuf</c> (issue 23): the body kubectl's typed clients send and the answers they
/// prefer — objects, lists and watch streams — for the built-in kinds; custom resources stay JSON, as upstream's.
/// </summary>
public sealed class ProtobufTests(Xunit.Abstractions.ITestOutputHelper output) : ShopApiTests
{
    private const string Protobuf = "application/vnd.kubernetes.protobuf";

    [Fact]
    public async Task Post_ProtobufNamespace_IsCreated_AndAnsweredInProtobuf()
    {
        var body = KubeProtobuf.EncodeObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "t1" } });

        using var response = await SendProtobufAsync(HttpMethod.Post, "/api/v1/namespaces", body);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        var created = KubeProtobuf.DecodeObject(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("t1", created["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("Namespace", created["kind"]!.GetValue<string>());
        Assert.NotNull(created["metadata"]!["creationTimestamp"]);
        Assert.NotNull(Cluster.Get<V1Namespace>("t1"));
    }

    [Fact]
    public async Task List_AcceptProtobuf_IsAProtobufList_OfTheStoredItems()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis/apps/v1/namespaces/shop/deployments");
        request.Headers.Accept.ParseAdd($"{Protobuf}, */*");

        using var response = await Http.SendAsync(request);

        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType);
        var list = KubeProtobuf.DecodeObject(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("DeploymentList", list["kind"]!.GetValue<string>());
        var item = Assert.Single(list["items"]!.AsArray())!;
        Assert.Equal("orders", item["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(2, item["spec"]!["replicas"]!.GetValue<int>());
        Assert.NotNull(list["metadata"]!["resourceVersion"]);
    }

    [Fact]
    public async Task Watch_AcceptProtobuf_IsLengthPrefixedWatchEvents()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/namespaces/shop/configmaps?watch=1&resourceVersion=0");
        request.Headers.Accept.ParseAdd($"{Protobuf}, */*");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal($"{Protobuf};stream=watch", response.Content.Headers.ContentType?.ToString().Replace(" ", "", StringComparison.Ordinal));
        await using var stream = await response.Content.ReadAsStreamAsync();

        Cluster.Apply("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop}
            data: {mode: fast}
            """);
        var (type, obj) = await ReadFrameAsync(stream);

        Assert.Equal("ADDED", type);
        Assert.Equal("settings", obj["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("fast", obj["data"]!["mode"]!.GetValue<string>());
    }

    [Fact]
    public async Task CustomResource_ProtobufBody_Is415_AndProtobufAloneIs406()
    {
        var body = KubeProtobuf.EncodeObject(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "x" } });

        using var post = await SendProtobufAsync(HttpMethod.Post, "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes", body);
        using var get = new HttpRequestMessage(HttpMethod.Get, "/apis/gateway.networking.k8s.io/v1/namespaces/shop/httproutes");
        get.Headers.Accept.ParseAdd(Protobuf);
        using var got = await Http.SendAsync(get);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotAcceptable, got.StatusCode);
    }

    [Fact]
    public async Task ProtobufBody_CreatesTheSameObject_AsItsJsonTwin()
    {
        static JsonObject Deployment(string name) => (JsonObject)JsonNode.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","labels":{"app":"api"},"creationTimestamp":null},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"api"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"50%","maxUnavailable":0}},
              "template":{"metadata":{"labels":{"app":"api"},"creationTimestamp":null},
               "spec":{"containers":[{"name":"api","image":"api:1","ports":[{"containerPort":8080,"protocol":"TCP"}],
                "resources":{"limits":{"cpu":"500m","memory":"128Mi"}},"readinessProbe":{"httpGet":{"path":"/ready","port":"http"},"periodSeconds":5},
                "env":[{"name":"MODE","value":"fast"}]}],"terminationGracePeriodSeconds":30}}},"status":{}}
            """.Replace("NAME", name, StringComparison.Ordinal))!;
        using var json = new HttpRequestMessage(HttpMethod.Post, Deployments) { Content = new StringContent(Deployment("twin-json").ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        using var jsonResponse = await Http.SendAsync(json);
        using var protoResponse = await SendProtobufAsync(HttpMethod.Post, Deployments, KubeProtobuf.EncodeObject(Deployment("twin-proto")));
        Assert.Equal(HttpStatusCode.Created, jsonResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Created, protoResponse.StatusCode);
        await Cluster.WaitForIdleAsync();

        var fromJson = Cluster.Store.Get(K8sNet.Testing.Store.ResourceType.Deployment, "shop", "twin-json")!;
        var fromProto = Cluster.Store.Get(K8sNet.Testing.Store.ResourceType.Deployment, "shop", "twin-proto")!;
        Assert.True(JsonNode.DeepEquals(fromJson["spec"], fromProto["spec"]), $"{fromJson["spec"]!.ToJsonString()}\n{fromProto["spec"]!.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(fromJson["metadata"]!["labels"], fromProto["metadata"]!["labels"]));
    }

    [Fact]
    public async Task Put_AndDelete_TakeProtobufBodies()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, Orders);
        get.Headers.Accept.ParseAdd($"{Protobuf}, */*");
        using var got = await Http.SendAsync(get);
        var orders = KubeProtobuf.DecodeObject(await got.Content.ReadAsByteArrayAsync());
        orders["spec"]!["replicas"] = 4;

        using var put = await SendProtobufAsync(HttpMethod.Put, Orders, KubeProtobuf.EncodeObject(orders));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(4, Cluster.Get<V1Deployment>("orders", "shop")!.Spec.Replicas);

        // client-go's typed Delete sends DeleteOptions in the client's group version: apps/v1, kind DeleteOptions.
        var dryRun = KubeProtobuf.EncodeObject(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "DeleteOptions", ["dryRun"] = new JsonArray("All"), ["propagationPolicy"] = "Foreground" });
        using var dryDelete = await SendProtobufAsync(HttpMethod.Delete, Orders, dryRun);
        Assert.Equal(HttpStatusCode.OK, dryDelete.StatusCode);
        Assert.NotNull(Cluster.Get<V1Deployment>("orders", "shop")); // dryRun, read from the protobuf body

        var really = KubeProtobuf.EncodeObject(new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "DeleteOptions", ["propagationPolicy"] = "Background" });
        using var delete = await SendProtobufAsync(HttpMethod.Delete, Orders, really);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Null(Cluster.Get<V1Deployment>("orders", "shop"));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3, 4 }, "expected prefix")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0, 0x0a, 0xff }, "unexpected end of data in a varint")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0, 0x0a, 0x7f, 0x0a }, "runs past the end")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0, 0x0a, 0x08, 0x0a, 0x02, 0x76, 0x31, 0x12, 0x02, 0x4e, 0x6f }, "no kind \"No\" is registered")]
    public async Task Post_MalformedProtobuf_Is400_AndTheServerKeepsServing(byte[] body, string message)
    {
        var before = Cluster.List<V1Namespace>().Count;
        using var response = await SendProtobufAsync(HttpMethod.Post, "/api/v1/namespaces", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(Protobuf, response.Content.Headers.ContentType?.MediaType); // the Status too, as the client asked
        var status = KubeProtobuf.DecodeObject(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal(400, status["code"]!.GetValue<int>());
        Assert.Contains(message, status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(before, Cluster.List<V1Namespace>().Count); // nothing created
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/namespaces")).StatusCode);
    }

    [Fact]
    public async Task MutatedProtobufBodies_AreAnsweredWithAStatus_AndRefusalsChangeNothing()
    {
        // Valid bodies, then cut, with bytes flipped, inserted or a length made huge. K8SNET_FUZZ_CASES sets how many.
        var cases = int.TryParse(Environment.GetEnvironmentVariable("K8SNET_FUZZ_CASES"), out var n) && n > 0 ? n : 200;
        var valid = new[]
        {
            KubeProtobuf.EncodeObject((JsonObject)JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","labels":{"a":"b"}},"data":{"k":"v","x":"yz"}}""")!),
            KubeProtobuf.EncodeObject(SchemaObjects.Of("v1", "ConfigMap", new Random(3))),
            KubeProtobuf.EncodeObject(SchemaObjects.Of("apps/v1", "Deployment", new Random(4))),
        };
        var mutated =
            from body in Gen.Elements(valid)
            from kind in Gen.Choose(0, 4)
            from at in Gen.Choose(4, 1_000_000)
            from value in Gen.Choose(0, 255)
            select Mutate(body, kind, at % body.Length, (byte)value);
        var failures = new List<string>();
        var answers = new Dictionary<int, int>();
        var property = Prop.ForAll(mutated.ToArbitrary(), body =>
        {
            var failure = Task.Run(async () =>
            {
                await Cluster.WaitForIdleAsync();
                var version = Cluster.Store.ResourceVersion;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await SendProtobufAsync(HttpMethod.Post, "/api/v1/namespaces/shop/configmaps?dryRun=All", body);
                var code = (int)response.StatusCode;
                answers[code] = answers.GetValueOrDefault(code) + 1;
                if (clock.Elapsed > TimeSpan.FromSeconds(10))
                {
                    return $"answered in {clock.Elapsed}";
                }

                if (code < 400)
                {
                    return null;
                }

                var bytes = await response.Content.ReadAsByteArrayAsync();
                var status = response.Content.Headers.ContentType?.MediaType == Protobuf ? KubeProtobuf.DecodeObject(bytes) : JsonNode.Parse(bytes)!.AsObject();
                return (string?)status["kind"] != "Status" || (int?)status["code"] != code || code >= 500 ? $"{code}: {status.ToJsonString()}"
                    : Cluster.Store.ResourceVersion != version ? $"{code} {status["message"]}, yet the store changed" : null;
            }).GetAwaiter().GetResult();
            if (failure is not null)
            {
                failures.Add($"{Convert.ToHexString(body)}: {failure}");
            }

            return failure is null;
        });

        Check.One(Config.Quick.WithMaxTest(cases).WithQuietOnSuccess(true), property);

        output.WriteLine($"{cases} mutated bodies; answers: {string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} ×{a.Value}"))}");
        foreach (var failure in failures.Take(20))
        {
            output.WriteLine($"FAILED {failure}");
        }

        Assert.Empty(failures);
        Assert.True(answers.GetValueOrDefault(400) > 0, string.Join(", ", answers.Select(a => $"{a.Key} ×{a.Value}")));
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/api/v1/namespaces")).StatusCode);
    }

    private static byte[] Mutate(byte[] body, int kind, int at, byte value)
    {
        var copy = body.ToList();
        switch (kind)
        {
            case 0:
                return [.. copy.Take(at)];
            case 1:
                copy[at] ^= (byte)(value | 1);
                return [.. copy];
            case 2:
                copy.Insert(at, value);
                return [.. copy];
            case 3:
                copy.InsertRange(at, [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]); // field 1, length 4 GiB
                return [.. copy];
            default:
                copy.RemoveAt(at);
                return [.. copy];
        }
    }

    [Fact]
    public void AFieldTheTableDoesNotKnow_MeansNoProtobufForm_NotALostField()
    {
        var newer = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "x" }, ["futureField"] = 1 };

        var ex = Assert.Throws<ProtoFormatException>(() => KubeProtobuf.EncodeObject(newer));

        Assert.Equal("protobuf: core/v1.ConfigMap has no field \"futureField\" in the transcribed schema", ex.Message); // the server then answers JSON
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ns")]
    [InlineData(1_100L, "1.1µs")]
    [InlineData(2_200_000L, "2.2ms")]
    [InlineData(3_300_000_000L, "3.3s")]
    [InlineData(245_000_000_000L, "4m5s")]
    [InlineData(245_001_000_000L, "4m5.001s")]
    [InlineData(18_367_001_000_000L, "5h6m7.001s")]
    [InlineData(480_000_000_001L, "8m0.000000001s")]
    [InlineData(-1L, "-1ns")]
    public void GoDuration_FormatsAndParsesAsGo(long nanoseconds, string text)
    {
        // Go's time_test.go durationTests: facts of Go's Duration.String.
        Assert.Equal(text, GoDuration.Format(nanoseconds));
        Assert.Equal(nanoseconds, GoDuration.Parse(text));
    }

    private async Task<HttpResponseMessage> SendProtobufAsync(HttpMethod method, string path, byte[] body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(Protobuf);
        request.Headers.Accept.ParseAdd($"{Protobuf}, */*");
        return await Http.SendAsync(request);
    }

    private static async Task<(string Type, JsonObject Object)> ReadFrameAsync(Stream stream)
    {
        var length = new byte[4];
        await stream.ReadExactlyAsync(length).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(length)];
        await stream.ReadExactlyAsync(frame);
        var reader = new ProtoReader(frame);
        string type = string.Empty;
        byte[] raw = [];
        while (!reader.End)
        {
            var (number, wire) = reader.Tag();
            if (number == 1)
            {
                type = System.Text.Encoding.UTF8.GetString(reader.LengthDelimited());
            }
            else if (number == 2)
            {
                var ext = new ProtoReader(reader.LengthDelimited());
                ext.Tag();
                raw = ext.LengthDelimited().ToArray();
            }
            else
            {
                reader.Skip(wire);
            }
        }

        return (type, KubeProtobuf.DecodeObject(raw));
    }
}

public sealed class ProtobufRoundTripTests
{
    [Fact]
    public async Task EveryStoredObject_OfABusyCluster_RoundTrips()
    {
        await using var cluster = new FakeCluster();
        cluster.Apply("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: orders, namespace: shop}
            spec:
              replicas: 2
              selector: {matchLabels: {app: orders}}
              template:
                metadata: {labels: {app: orders}}
                spec: {containers: [{name: app, image: "orders:1", ports: [{containerPort: 8080}]}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: orders, namespace: shop}
            spec:
              selector: {app: orders}
              ports: [{port: 80, targetPort: 8080}]
            """);
        await cluster.WaitForIdleAsync();
        var failures = new List<string>();
        foreach (var type in K8sNet.Testing.Store.ResourceType.All)
        {
            foreach (var obj in cluster.Store.List(type).Items)
            {
                if (!KubeProtobuf.Supports(K8sNet.Testing.Store.Json.Str(obj["apiVersion"]), K8sNet.Testing.Store.Json.Str(obj["kind"])))
                {
                    continue;
                }

                try
                {
                    var back = KubeProtobuf.DecodeObject(KubeProtobuf.EncodeObject(obj));
                    if (ProtobufRoundTrip.Difference(obj, back, "") is { } difference)
                    {
                        failures.Add($"{obj["kind"]} {obj["metadata"]!["name"]}: {difference}");
                    }
                }
                catch (Exception ex)
                {
                    failures.Add($"{obj["kind"]} {obj["metadata"]!["name"]}: {ex.Message}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}

/// <summary>
/// JSON → protobuf → JSON is the identity up to what Go's JSON encoder leaves out: a field whose value is its type's
/// zero (0, "", false, an empty list or map, null) may be missing after the trip, nothing else may differ.
/// </summary>
internal static class ProtobufRoundTrip
{
    public static string? Difference(JsonNode? original, JsonNode? back, string path)
    {
        switch (original)
        {
            case JsonObject o when back is JsonObject b:
                foreach (var (key, value) in o)
                {
                    if (!b.TryGetPropertyValue(key, out var other))
                    {
                        if (!IsZero(value))
                        {
                            return $"{path}.{key}: {value?.ToJsonString()} is lost";
                        }

                        continue;
                    }

                    if (Difference(value, other, $"{path}.{key}") is { } d)
                    {
                        return d;
                    }
                }

                foreach (var (key, value) in b)
                {
                    if (!o.ContainsKey(key) && value is not null) // a zero time Go writes as null may appear
                    {
                        return $"{path}.{key}: {value?.ToJsonString()} appeared";
                    }
                }

                return null;
            case JsonArray o when back is JsonArray b:
                if (o.Count != b.Count)
                {
                    return $"{path}: {o.Count} items became {b.Count}";
                }

                for (var i = 0; i < o.Count; i++)
                {
                    if (Difference(o[i], b[i], $"{path}[{i}]") is { } d)
                    {
                        return d;
                    }
                }

                return null;
            case JsonValue when back is JsonValue && original.GetValueKind() == JsonValueKind.Number && back.GetValueKind() == JsonValueKind.Number:
                return decimal.Parse(original.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture) == decimal.Parse(back.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
                    ? null
                    : $"{path}: {original.ToJsonString()} became {back.ToJsonString()}";
            default:
                return JsonNode.DeepEquals(original, back) || (IsZero(original) && back is null) ? null : $"{path}: {original?.ToJsonString()} became {back?.ToJsonString()}";
        }
    }

    public static bool IsZero(JsonNode? value) => value switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().Length == 0,
            JsonValueKind.False => true,
            JsonValueKind.Number => value.ToJsonString() is "0" or "0.0",
            _ => false,
        },
    };
}
