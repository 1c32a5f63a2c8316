using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using K8sNet.Testing;
using Xunit.Abstractions;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Hostile bodies for every write the API server takes (issue 22): deep nesting, YAML aliases, fields set twice, wrong
/// types, huge strings, broken JSON and YAML, strategic-merge directives and JSON patch operations, with hostile query
/// parameters. Each answer is a Status with the HTTP code (never an unexplained 500) within a time bound, a failed
/// request leaves the store as it was, and afterwards the server serves, logged no unhandled exception and holds no
/// more memory than a bound. <c>K8SNET_FUZZ_CASES</c> sets how many cases (default 200; the closing note's long run
/// used 20,000).
/// </summary>
public sealed class ApiServerFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeCluster _cluster = new(o => o.PodShutdownTime = TimeSpan.Zero);
    private readonly Dictionary<string, int> _answers = new(StringComparer.Ordinal);
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster.Apply("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: fuzz}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: target, namespace: fuzz}
            data: {a: b}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: fuzz}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: app, image: "web:1", ports: [{containerPort: 8080}]}]}
            """);
        await _cluster.WaitForIdleAsync();
        var server = await _cluster.StartApiServerAsync();
        _http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    public sealed record FuzzCase(string Method, string Path, string ContentType, string Body, string Kind)
    {
        public override string ToString() => $"{Kind}: {Method} {Path} ({ContentType}) {(Body.Length > 300 ? Body[..300] + $"... ({Body.Length} chars)" : Body)}";
    }

    [Fact]
    public async Task HostileRequests_AreAnsweredWithAStatus_AndLeaveNoTrace()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("K8SNET_FUZZ_CASES"), out var n) && n > 0 ? n : 200;
        var before = Heap();
        var failures = new List<string>();
        var property = Prop.ForAll(Arb.From(Cases()), c =>
        {
            var failure = Task.Run(() => RunAsync(c)).GetAwaiter().GetResult();
            if (failure is not null)
            {
                failures.Add(failure);
            }

            return failure is null;
        });

        Check.One(Config.Quick.WithMaxTest(cases / 2).WithQuietOnSuccess(true), property);
        var half = Heap();
        Check.One(Config.Quick.WithMaxTest(cases - (cases / 2)).WithQuietOnSuccess(true), property);

        foreach (var failure in failures.Take(20))
        {
            output.WriteLine($"FAILED {failure}");
        }

        var (code, _) = await SendAsync(new FuzzCase("GET", "/api/v1/namespaces", "application/json", string.Empty, "after"));
        Assert.Equal(200, code);
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        var end = Heap();

        output.WriteLine($"{cases} cases; answers: {string.Join(", ", _answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} ×{a.Value}"))}; "
            + $"heap {before / 1024 / 1024} MiB before, {half / 1024 / 1024} MiB half way, {end / 1024 / 1024} MiB after");
        Assert.Empty(failures);
        // What stays is ArrayPool's buffers, sized by the largest bodies (3 MiB strings rent 16 and 32 MiB arrays) and
        // bounded by its buckets; the 363-byte alias bomb alone took 4.7 GB before its fix.
        Assert.True(end - before < 1024L * 1024 * 1024, $"the heap grew by {(end - before) / 1024 / 1024} MiB");
    }

    // The store's history (for watches that resume) holds every accepted write until compacted, as etcd's does: the
    // heap is measured without it.
    private long Heap()
    {
        _cluster.Store.Compact();
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce; // no fragmentation counted
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return info.HeapSizeBytes - info.FragmentedBytes;
    }

    private async Task<string?> RunAsync(FuzzCase c)
    {
        await _cluster.WaitForIdleAsync(); // the controllers' own writes after an accepted case are not this case's
        var version = _cluster.Store.ResourceVersion;
        var clock = Stopwatch.StartNew();
        int code;
        string text;
        try
        {
            (code, text) = await SendAsync(c);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return $"{c}: no answer ({ex.Message})";
        }

        lock (_answers)
        {
            var key = $"{code} {c.Kind}";
            _answers[key] = _answers.GetValueOrDefault(key) + 1;
        }

        if (clock.Elapsed > Bound)
        {
            return $"{c}: answered in {clock.Elapsed}";
        }

        if (code < 400)
        {
            return null;
        }

        JsonObject? status;
        try
        {
            status = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            status = null;
        }

        if (status is null || (string?)status["kind"] != "Status" || (int?)status["code"] != code)
        {
            return $"{c}: {code} without its Status: {text}";
        }

        if (code >= 500 && !((string?)status["message"] ?? string.Empty).StartsWith("unknown patch type:", StringComparison.Ordinal))
        {
            return $"{c}: {code} {status["message"]}";
        }

        return _cluster.Store.ResourceVersion != version ? $"{c}: {code} {status["message"]}, yet the store changed" : null;
    }

    private async Task<(int Code, string Text)> SendAsync(FuzzCase c)
    {
        using var request = new HttpRequestMessage(new HttpMethod(c.Method), c.Path);
        if (c.Method != "GET")
        {
            request.Content = new StringContent(c.Body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    // ------------------------------------------------------------------ generators

    private static Gen<FuzzCase> Cases()
    {
        var target = Gen.Elements(
            ("POST", "/api/v1/namespaces/fuzz/configmaps", "configmap"),
            ("POST", "/apis/apps/v1/namespaces/fuzz/deployments?dryRun=All", "deployment"),
            ("PUT", "/api/v1/namespaces/fuzz/configmaps/target", "configmap"),
            ("PATCH", "/apis/apps/v1/namespaces/fuzz/deployments/web", "patch"),
            ("PATCH", "/apis/apps/v1/namespaces/fuzz/deployments/web/scale", "scale"),
            ("PATCH", "/apis/apps/v1/namespaces/fuzz/deployments/web/status", "patch"),
            ("DELETE", "/api/v1/namespaces/fuzz/configmaps/absent", "delete"));
        var query = Gen.Elements(string.Empty, string.Empty, string.Empty, "fieldValidation=Strict", "fieldValidation=Bogus", "dryRun=All", "dryRun=Maybe", "fieldManager=fuzz", "force=maybe", "fieldManager=");
        return from t in target
               from q in query
               from body in Body(t.Item3)
               let separator = t.Item2.Contains('?', StringComparison.Ordinal) ? '&' : '?'
               select new FuzzCase(t.Item1, q.Length == 0 ? t.Item2 : $"{t.Item2}{separator}{q}", body.ContentType, body.Text, body.Kind);
    }

    private static Gen<(string ContentType, string Text, string Kind)> Body(string target)
    {
        var contentType = target switch
        {
            "patch" => Gen.Elements("application/merge-patch+json", "application/json-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml", "text/plain"),
            "scale" => Gen.Elements("application/merge-patch+json", "application/json-patch+json"),
            _ => Gen.Elements("application/json", "application/yaml", "application/json", "application/xml"),
        };
        var text = Gen.Frequency(
            (3, Deep().Select(b => (b, "deep"))),
            (2, Aliases().Select(b => (b, "aliases"))),
            (3, Duplicates(target).Select(b => (b, "duplicates"))),
            (3, WrongTypes(target).Select(b => (b, "wrong types"))),
            (1, Huge().Select(b => (b, "huge"))),
            (3, RandomJson(4).Select(j => (j?.ToJsonString() ?? "null", "random JSON"))),
            (2, Garbage().Select(b => (b, "garbage"))),
            (2, Directives().Select(b => (b, "directives"))),
            (2, JsonPatchOps().Select(b => (b, "JSON patch"))));
        return from ct in contentType
               from t in text
               select (ct, t.Item1, t.Item2);
    }

    private static Gen<string> Deep() =>
        from depth in Gen.Choose(1, 4000)
        from shape in Gen.Elements("map", "list", "yaml-list", "yaml-map")
        select shape switch
        {
            "map" => Repeat("{\"a\":", depth) + "1" + new string('}', depth),
            "list" => new string('[', depth) + new string(']', depth),
            "yaml-list" => "data:\n" + Repeat("- ", depth) + "x\n",
            _ => "data: " + Repeat("{a: ", depth) + "1" + new string('}', depth),
        };

    private static Gen<string> Aliases() =>
        from levels in Gen.Choose(1, 9)
        from fanout in Gen.Choose(1, 12)
        select Laughs(levels, fanout);

    private static string Laughs(int levels, int fanout)
    {
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: target}\nx:\n");
        text.Append($"  a0: &a0 [{string.Join(", ", Enumerable.Repeat("lol", fanout))}]\n");
        for (var i = 1; i < levels; i++)
        {
            text.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", fanout))}]\n");
        }

        return text.ToString();
    }

    private static Gen<string> Duplicates(string target) =>
        from place in Gen.Elements("metadata", "name", "data", "spec", "replicas", "labels")
        from count in Gen.Choose(2, 4)
        select target switch
        {
            "configmap" => $$$"""{"metadata":{"name":"target","name":"dup-{{{count}}}"},"{{{place}}}":{"a":"1"},"{{{place}}}":{"b":"2"},"data":{"k":"v","k":"w"}}""",
            "deployment" or "patch" or "scale" => $$$"""{"spec":{"replicas":1,"replicas":{{{count % 3}}},"{{{place}}}":{},"{{{place}}}":null}}""",
            _ => $$$"""{"gracePeriodSeconds":1,"gracePeriodSeconds":{{{count}}},"{{{place}}}":1,"{{{place}}}":2}""",
        };

    private static Gen<string> WrongTypes(string target) =>
        from field in Gen.Elements("replicas", "metadata", "labels", "name", "containers", "selector", "data", "kind", "apiVersion", "gracePeriodSeconds", "propagationPolicy", "preconditions")
        from value in Gen.Elements("\"x\"", "-5", "2147483648", "9223372036854775808", "1e400", "1.5", "true", "null", "[]", "[1,[2]]", "{}", "{\"a\":{\"b\":[null]}}", "\"\"", "\"\\u0000\"")
        select target switch
        {
            "configmap" => $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target","labels":{"a":"b"}},"{{{field}}}":{{{value}}}}""",
            "deployment" => $$$"""{"metadata":{"name":"fz"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"fz"}},"template":{"metadata":{"labels":{"app":"fz"}},"spec":{"containers":[{"name":"a","image":"a"}]}},"{{{field}}}":{{{value}}}}}""",
            "delete" => $$$"""{"{{{field}}}":{{{value}}}}""",
            _ => "{\"spec\":{\"" + field + "\":" + value + "},\"metadata\":{\"labels\":{\"" + field + "\":" + value + "}}}",
        };

    private static Gen<string> Huge() =>
        from length in Gen.Elements(70_000, 1_000_000, 3_200_000)
        from c in Gen.Elements('x', 'é', '"', '\\')
        select $$$"""{"metadata":{"name":"target"},"data":{"k":{{{JsonSerializer.Serialize(new string(c, length))}}}}}""";

    private static Gen<JsonNode?> RandomJson(int depth)
    {
        var scalar = Gen.Elements<JsonNode?>(null, JsonValue.Create(0), JsonValue.Create(-3), JsonValue.Create(2), JsonValue.Create(1.5), JsonValue.Create(true), JsonValue.Create(string.Empty),
            JsonValue.Create("x"), JsonValue.Create("$patch"), JsonValue.Create("Deployment"), JsonValue.Create("\u0001\uFFFF"));
        if (depth == 0)
        {
            return scalar.Select(n => n?.DeepClone());
        }

        var key = Gen.Elements("a", "metadata", "spec", "replicas", "name", "labels", "$patch", "$retainKeys", "kind", "apiVersion", "data", "template", "containers", string.Empty);
        var child = RandomJson(depth - 1);
        var obj = from n in Gen.Choose(0, 4)
                  from keys in Gen.ArrayOf(key, n)
                  from values in Gen.ArrayOf(child, n)
                  select (JsonNode?)Build(keys, values);
        var arr = from n in Gen.Choose(0, 4)
                  from values in Gen.ArrayOf(child, n)
                  select (JsonNode?)new JsonArray([.. values.Select(v => v?.DeepClone())]);
        return Gen.Frequency((3, scalar.Select(n => n?.DeepClone())), (3, obj), (2, arr));
    }

    private static JsonObject Build(string[] keys, JsonNode?[] values)
    {
        var obj = new JsonObject();
        for (var i = 0; i < keys.Length; i++)
        {
            obj[keys[i]] = values[i]?.DeepClone();
        }

        return obj;
    }

    private static Gen<string> Garbage() =>
        from length in Gen.Choose(0, 200)
        from chars in Gen.ArrayOf(Gen.Elements("{}[]\":,-&*!|>\n\t #'\\abc01\u00e9\u0000".ToCharArray()), length)
        select new string(chars);

    private static Gen<string> Directives() =>
        from patch in Gen.Elements("replace", "merge", "delete", "bogus", "", "null")
        from order in Gen.Elements("[]", "\"x\"", "[{\"name\":\"app\"}]", "1", "null")
        from retain in Gen.Elements("[\"replicas\"]", "\"x\"", "{}")
        select "{\"spec\":{\"$patch\":\"" + patch + "\",\"$retainKeys\":" + retain + ",\"template\":{\"spec\":{\"$setElementOrder/containers\":" + order
            + ",\"containers\":[{\"name\":\"app\",\"$patch\":\"" + patch + "\"}]}}},\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":" + order + "}}";

    private static Gen<string> JsonPatchOps()
    {
        var op = from kind in Gen.Elements("add", "remove", "replace", "move", "copy", "test", "bogus")
                 from path in Gen.Elements("/spec/replicas", "/spec/template/spec/containers/0/name", "/metadata/labels/a~1b", "/", "", "/spec/x~2", "/spec/template/spec/containers/-", "/spec/template/spec/containers/99", "/metadata/name", "/kind")
                 from value in Gen.Elements("1", "-1", "\"x\"", "null", "{}", "[]")
                 select $$$"""{"op":"{{{kind}}}","path":"{{{path}}}","from":"/spec/replicas","value":{{{value}}}}""";
        return from n in Gen.Choose(0, 5)
               from ops in Gen.ArrayOf(op, n)
               select $"[{string.Join(",", ops)}]";
    }

    private static string Repeat(string text, int count) => new StringBuilder(text.Length * count).Insert(0, text, count).ToString();
}
