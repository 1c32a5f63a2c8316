using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Gateway.Yaml;

namespace K8sNet.Gateway.Tests.Yaml;

/// <summary>Manifests read as kubectl and the API server read them: sigs.k8s.io/yaml over go-yaml v2, with its limits.</summary>
public sealed class YamlManifestTests
{
    // go-yaml v2's resolve: YAML 1.1 plain scalars; strconv.ParseInt(s, 0, 64) for integers (underscores dropped);
    // timestamps stay strings for untyped decoding; anything quoted is a string.
    [Theory]
    [InlineData("0644", "420")]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("0b101", "5")]
    [InlineData("-0x10", "-16")]
    [InlineData("+12", "12")]
    [InlineData("1_000", "1000")]
    [InlineData("08", "8")]
    [InlineData("1e3", "1000")]
    [InlineData(".5", "0.5")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("yes", "true")]
    [InlineData("On", "true")]
    [InlineData("y", "true")]
    [InlineData("off", "false")]
    [InlineData("NO", "false")]
    [InlineData("~", "null")]
    [InlineData("Null", "null")]
    [InlineData("", "null")]
    [InlineData("'0644'", "\"0644\"")]
    [InlineData("\"yes\"", "\"yes\"")]
    [InlineData("!!str 0x1F", "\"0x1F\"")]
    [InlineData("2001-12-14", "\"2001-12-14\"")]
    [InlineData("1.2.3", "\"1.2.3\"")]
    [InlineData("0x", "\"0x\"")]
    [InlineData("1e400", "\"1e400\"")]
    [InlineData("-a", "\"-a\"")]
    [InlineData("yesterday", "\"yesterday\"")]
    public void PlainScalars_ResolveAsYaml11(string scalar, string json)
    {
        var doc = Assert.Single(YamlManifest.Parse($"value: {scalar}\n"));

        Assert.Equal(json, doc["value"]?.ToJsonString() ?? "null");
    }

    [Fact]
    public void NonStringKeys_BecomeTheirText_AsSigsYamlWritesThem()
    {
        var doc = Assert.Single(YamlManifest.Parse("on: push\n1: one\n~: nothing\n"));

        Assert.Equal("""{"true":"push","1":"one","null":"nothing"}""", doc.ToJsonString());
    }

    [Fact]
    public void MergeKeys_MergeAtTheirPlace_FirstOfASequenceWins_LaterKeysReplace()
    {
        const string yaml = """
            base: &base {a: 1, b: 2}
            other: &other {b: 20, c: 30}
            one:
              <<: *base
              b: 3
            many:
              <<: [*base, *other]
            before:
              a: 0
              <<: *base
            quoted:
              "<<": *base
            """;

        var doc = Assert.Single(YamlManifest.Parse(yaml));

        Assert.Equal("""{"a":1,"b":3}""", doc["one"]!.ToJsonString());
        Assert.Equal("""{"b":2,"c":30,"a":1}""", doc["many"]!.ToJsonString());
        Assert.Equal("""{"a":1,"b":2}""", doc["before"]!.ToJsonString()); // go-yaml v2: the merge replaces keys set before it
        Assert.Equal("""{"a":1,"b":2}""", doc["quoted"]!["<<"]!.ToJsonString());
    }

    // kube-apiserver's field validation integration test (test/integration/apiserver/field_validation_test.go,
    // invalidBodyYAML and applyInvalidBody): the lines and keys go-yaml reports, the last value kept.
    [Fact]
    public void DuplicateKeys_AreReportedWithLineAndPath_AndTheLastValueWins()
    {
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: dupename
              name: test-deployment
              unknownMeta: metaVal
              labels:
                app: nginx
            spec:
              unknown1: val1
              unknownDupe: valDupe
              unknownDupe: valDupe2
              paused: true
              paused: false
              selector:
                matchLabels:
                  app: nginx
              template:
                metadata:
                  labels:
                    app: nginx
                spec:
                  containers:
                  - name: nginx
                    image: nginx:latest
                    unknownNested: val1
                    imagePullPolicy: Always
                    imagePullPolicy: Never
            """;

        var doc = Assert.Single(YamlManifest.Read(yaml));

        Assert.Equal(
            [
                "line 5: key \"name\" already set in map",
                "line 12: key \"unknownDupe\" already set in map",
                "line 14: key \"paused\" already set in map",
                "line 28: key \"imagePullPolicy\" already set in map",
            ],
            doc.DuplicateKeys.Select(d => d.ToString()));
        Assert.Equal(["metadata.name", "spec.unknownDupe", "spec.paused", "spec.template.spec.containers[0].imagePullPolicy"], doc.DuplicateKeys.Select(d => d.Path));
        Assert.Equal("test-deployment", (string?)doc.Object["metadata"]!["name"]);
        Assert.False((bool)doc.Object["spec"]!["paused"]!);
        Assert.Equal("Never", (string?)doc.Object["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]);
    }

    [Fact]
    public void JsonBody_ReadAsYaml_ReportsDuplicatesOnTheirLines()
    {
        const string json = """
            {
            	"apiVersion": "apps/v1",
            	"kind": "Deployment",
            	"metadata": {
            		"name": "x",
            		"labels": {"app": "nginx"}
            	},
            	"spec": {
            		"paused": false,
            		"paused": true
            	}
            }
            """;

        var doc = Assert.Single(YamlManifest.Read(json));

        Assert.Equal("line 10: key \"paused\" already set in map", Assert.Single(doc.DuplicateKeys).ToString());
        Assert.True((bool)doc.Object["spec"]!["paused"]!);
    }

    public static TheoryData<string, string> Deep => new()
    {
        { "flow maps", "data: " + string.Concat(Enumerable.Repeat("{\"a\": ", 20_000)) },
        { "flow lists", "data: " + new string('[', 60_000) },
        { "block lists", string.Concat(Enumerable.Repeat("- ", 20_000)) + "x\n" },
    };

    // The issue's reproduction: 20,000 nested maps or 60,000 lists overflowed the stack and killed the process.
    [Theory]
    [MemberData(nameof(Deep))]
    public void DeepNesting_IsRefusedAtTheLimit_NotAStackOverflow(string name, string yaml)
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => YamlManifest.Parse(yaml));

        Assert.Equal($"yaml: exceeded max depth of {YamlManifest.MaxDepth}", ex.Rule);
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
        _ = name;
    }

    [Fact]
    public void NestingAtTheLimit_IsRead()
    {
        var yaml = "a: " + new string('[', YamlManifest.MaxDepth - 1) + new string(']', YamlManifest.MaxDepth - 1);

        var doc = Assert.Single(YamlManifest.Parse(yaml));

        Assert.NotNull(doc["a"]);
    }

    // go-yaml's rule (decode.go allowedAliasRatio): more than 100 aliased nodes, more than 1,000 in all, and aliases
    // over 99% of them (scaling down to 10% at 4,000,000) stops the document. The issue's 363 bytes (nine levels of nine
    // aliases, 9^8 scalars) took 4.7 GB and 48 s.
    [Fact]
    public void BillionLaughs_IsRefusedAtOnce()
    {
        var yaml = Laughs(levels: 9, fanout: 9);
        var clock = Stopwatch.StartNew();

        var ex = Assert.Throws<K8sNetFormatException>(() => YamlManifest.Parse(yaml));

        Assert.Equal("yaml: document contains excessive aliasing", ex.Rule);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void ModestAliasing_IsRead()
    {
        var doc = Assert.Single(YamlManifest.Parse(Laughs(levels: 3, fanout: 10)));

        Assert.Equal(10, doc["a2"]!.AsArray().Count);
        Assert.Equal(10, doc["a2"]![9]!.AsArray().Count);
    }

    [Theory]
    [InlineData("a: 1\nb: *nope\n", "yaml: unknown anchor 'nope' referenced")]
    [InlineData("a: &x {b: *x}\n", "yaml: anchor 'x' value contains itself")]
    [InlineData("a: 1\nb:\n  <<: 5\n", "yaml: map merge requires map or sequence of maps as the value")]
    [InlineData("? [a, b]\n: 1\n", "yaml: invalid map key: [\"a\",\"b\"]")]
    [InlineData("a: .inf\n", "json: unsupported value: +Inf")]
    public void RefusedDocuments_SayWhatGoYamlSays(string yaml, string rule)
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => YamlManifest.Parse(yaml));

        Assert.Equal(rule, ex.Rule);
    }

    [Fact]
    public void SyntaxError_SaysWhatIsWrongAndWhere()
    {
        const string yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n   bad: [\n";

        var ex = Assert.Throws<K8sNetFormatException>(() => YamlManifest.Parse(yaml));

        Assert.StartsWith("yaml: line ", ex.Rule, StringComparison.Ordinal);
        Assert.DoesNotContain("is missing", ex.Message, StringComparison.Ordinal);
        Assert.Matches(@"^YAML manifest is not valid at line \d+, column \d+: [a-z]", ex.Message);
    }

    [Fact]
    public void ADocumentThatIsNotAMapping_IsNamed()
    {
        var ex = Assert.Throws<K8sNetFormatException>(() => YamlManifest.Parse("kind: A\n---\n- a\n"));

        Assert.Equal("YAML document 2", ex.Field);
    }

    [Fact]
    public void EmptyDocuments_AreSkipped()
    {
        Assert.Equal(2, YamlManifest.Parse("---\na: 1\n---\n---\n# only a comment\n---\nb: 2\n").Count);
    }

    private static string Laughs(int levels, int fanout)
    {
        var text = new StringBuilder($"a0: &a0 [{string.Join(", ", Enumerable.Repeat("lol", fanout))}]\n");
        for (var i = 1; i < levels; i++)
        {
            text.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", fanout))}]\n");
        }

        return text.ToString();
    }
}
