using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Gateway.Yaml;
using K8sNet.Testing;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// Bodies a hostile or careless client sends (issue 22's reproductions): each gets a Status answer in bounded time, the
/// store is unchanged where the request fails, and the server keeps serving.
/// </summary>
public sealed class HostileBodyTests : IAsyncLifetime
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private FakeCluster _cluster = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster();
        var server = await _cluster.StartApiServerAsync();
        _http = new HttpClient { BaseAddress = server.BaseAddress };
        await SendAsync(HttpMethod.Post, ConfigMaps, """{"metadata":{"name":"target"},"data":{"a":"b"}}""");
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync()
    {
        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        _http.Dispose();
        await _cluster.DisposeAsync();
    }

    public static TheoryData<string, string, string, string> DeepBodies => new()
    {
        // The issue's reproduction: 120 KB of nested maps in an apply body overflowed the stack and killed the process.
        { "apply, 20,000 maps", "PATCH", "application/apply-patch+yaml", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"},"data":""" + Nest("{\"a\":", 20_000) },
        { "apply, 60,000 lists", "PATCH", "application/apply-patch+yaml", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"},"data":""" + new string('[', 60_000) },
        { "create JSON, 20,000 maps", "POST", "application/json", """{"metadata":{"name":"deep"},"data":""" + Nest("{\"a\":", 20_000) + "1" + new string('}', 20_001) },
        { "create YAML, 20,000 block lists", "POST", "application/yaml", "metadata:\n  name: deep\ndata:\n" + Nest("- ", 20_000) + "x\n" },
        { "merge patch, 20,000 maps", "PATCH", "application/merge-patch+json", Nest("{\"a\":", 20_000) + "1" + new string('}', 20_000) },
        { "strategic merge patch, 20,000 maps", "PATCH", "application/strategic-merge-patch+json", Nest("{\"data\":", 20_000) + "1" + new string('}', 20_000) },
        { "JSON patch, 20,000 lists", "PATCH", "application/json-patch+json", new string('[', 20_000) + new string(']', 20_000) },
    };

    [Theory]
    [MemberData(nameof(DeepBodies))]
    public async Task DeepNesting_IsA400_AndTheServerKeepsServing(string name, string method, string contentType, string body)
    {
        await _cluster.WaitForIdleAsync(); // the controllers' own writes are not this request's
        var version = _cluster.Store.ResourceVersion;
        var clock = Stopwatch.StartNew();

        var (code, status, _) = await SendAsync(new HttpMethod(method), method == "POST" ? ConfigMaps : $"{ConfigMaps}/target?fieldManager=fuzz", body, contentType);

        Assert.True(code == HttpStatusCode.BadRequest, $"{name}: {code} {status}");
        Assert.Contains($"exceeded max depth of {YamlManifest.MaxDepth}", (string?)status["message"], StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{name} took {clock.Elapsed}");
        Assert.Equal(version, _cluster.Store.ResourceVersion);
        await AssertServingAsync();
    }

    // At the limit every path reads and writes the object without exhausting a thread's stack: the unknown field is
    // dropped with a warning (typed kinds), and the list and watch paths write what is stored.
    [Theory]
    [InlineData("POST", "application/json")]
    [InlineData("POST", "application/yaml")]
    [InlineData("PATCH", "application/merge-patch+json")]
    [InlineData("PATCH", "application/strategic-merge-patch+json")]
    [InlineData("PATCH", "application/apply-patch+yaml")]
    public async Task NestingAtTheLimit_IsAnsweredWithoutHarm(string method, string contentType)
    {
        var depth = YamlManifest.MaxDepth - 3;
        var deep = Nest("{\"a\":", depth) + "1" + new string('}', depth);
        var body = contentType switch
        {
            "application/yaml" => "metadata:\n  name: deep\nextra: " + deep + "\n",
            "application/apply-patch+yaml" => """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"target"},"extra":""" + deep + "}",
            _ when method == "POST" => """{"metadata":{"name":"deep"},"extra":""" + deep + "}",
            _ => """{"extra":""" + deep + "}",
        };

        var (code, status, warnings) = await SendAsync(new HttpMethod(method), method == "POST" ? ConfigMaps : $"{ConfigMaps}/target?fieldManager=fuzz", body, contentType);

        Assert.True(code is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.BadRequest, $"{code} {status}");
        if (code != HttpStatusCode.BadRequest)
        {
            Assert.Contains("unknown field \"extra\"", warnings);
        }

        await AssertServingAsync();
    }

    // Nine levels of nine aliases (9^8 scalars) in 363 bytes took 4.7 GB and 48 s; go-yaml refuses it at once.
    [Fact]
    public async Task AliasBomb_IsRefusedAtOnce()
    {
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: target\nx:\n");
        yaml.Append("  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i < 9; i++)
        {
            yaml.Append($"  a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        }

        await _cluster.WaitForIdleAsync(); // the controllers' own writes are not this request's
        var version = _cluster.Store.ResourceVersion;
        var clock = Stopwatch.StartNew();

        var (code, status, _) = await SendAsync(HttpMethod.Patch, $"{ConfigMaps}/target?fieldManager=fuzz", yaml.ToString(), "application/apply-patch+yaml");

        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.Equal("error decoding YAML: error converting YAML to JSON: yaml: document contains excessive aliasing", (string?)status["message"]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(version, _cluster.Store.ResourceVersion);
    }

    // Was a 500 ("An item with the same key has already been added"): the last value is kept, as upstream decodes it.
    [Fact]
    public async Task DuplicateTopLevelField_KeepsTheLast_AndWarns_OrIsRefusedWhenStrict()
    {
        const string body = """{"metadata":{"name":"dup"},"metadata":{"name":"dup2"},"data":{"k":"v"}}""";

        var (strict, strictStatus, _) = await SendAsync(HttpMethod.Post, ConfigMaps + "?fieldValidation=Strict", body);
        var (warn, created, warnings) = await SendAsync(HttpMethod.Post, ConfigMaps, body);

        Assert.Equal(HttpStatusCode.BadRequest, strict);
        Assert.Equal("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: duplicate field \"metadata\"", (string?)strictStatus["message"]);
        Assert.Equal(HttpStatusCode.Created, warn);
        Assert.Equal("dup2", (string?)created["metadata"]!["name"]);
        Assert.Equal(["duplicate field \"metadata\""], warnings);
    }

    [Fact]
    public void InProcessApply_DeepYaml_IsAFormatError()
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => _cluster.Apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: " + new string('[', 30_000)));

        Assert.Equal($"yaml: exceeded max depth of {YamlManifest.MaxDepth}", ex.Rule);
    }

    private static string Nest(string open, int depth) => new StringBuilder(open.Length * depth).Insert(0, open, depth).ToString();

    private async Task AssertServingAsync()
    {
        var (code, list, _) = await SendAsync(HttpMethod.Get, ConfigMaps, null);
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Contains(list["items"]!.AsArray(), i => (string?)i!["metadata"]!["name"] == "target");
    }

    private async Task<(HttpStatusCode Code, JsonObject Body, IReadOnlyList<string> Warnings)> SendAsync(HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await _http.SendAsync(request);
        var warnings = response.Headers.NonValidated.TryGetValues("Warning", out var values)
            ? values.Select(w => w[(w.IndexOf('"', StringComparison.Ordinal) + 1)..^1].Replace("\\\"", "\"", StringComparison.Ordinal)).ToList()
            : [];
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!, warnings);
    }
}
