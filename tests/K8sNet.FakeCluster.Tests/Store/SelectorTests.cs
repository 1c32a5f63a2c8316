using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.Store;

public class SelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["app"] = "web", ["tier"] = "front", ["version"] = "3" };

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app!=web", false)]
    [InlineData("app=db", false)]
    [InlineData("missing!=x", true)] // != and notin match objects without the key
    [InlineData("missing notin (x)", true)]
    [InlineData("app in (db,web)", true)]
    [InlineData("app notin (db,web)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web, tier=back", false)]
    [InlineData("version>2", true)]
    [InlineData("version<3", false)]
    [InlineData("app in ()", false)]
    public void LabelSelector_Matches(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));
    }

    [Theory]
    [InlineData("app=", "app", "")]
    [InlineData("example.com/app=x", "example.com/app", "x")]
    public void LabelSelector_KeysAndEmptyValues(string selector, string key, string value)
    {
        var r = Assert.Single(LabelSelector.Parse(selector).Requirements);

        Assert.Equal(key, r.Key);
        Assert.Equal<string>([value], r.Values);
    }

    [Theory]
    [InlineData("app=web,")]
    [InlineData("app in (a")]
    [InlineData("app in a")]
    [InlineData("=web")]
    [InlineData("app=we b")]
    [InlineData("App_=x")]
    [InlineData("version>x")]
    [InlineData("app=" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void LabelSelector_Invalid_IsATypedError(string selector)
    {
        Assert.False(LabelSelector.TryParse(selector, out _, out var error));
        Assert.Equal("labelSelector", error.Field);
    }

    [Theory]
    [InlineData("metadata.name=web-1", true)]
    [InlineData("metadata.name==web-1", true)]
    [InlineData("metadata.name!=web-1", false)]
    [InlineData("spec.nodeName=node-1,status.phase=Running", true)]
    [InlineData("spec.nodeName=node-2", false)]
    [InlineData("metadata.name=a\\,b", false)]
    public void FieldSelector_Matches(string selector, bool expected)
    {
        var pod = System.Text.Json.Nodes.JsonNode.Parse("""{"metadata":{"name":"web-1","namespace":"default"},"spec":{"nodeName":"node-1"},"status":{"phase":"Running"}}""")!.AsObject();

        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(pod));
    }

    [Fact]
    public void FieldSelector_UnescapedCharacter_IsTheApiServersError()
    {
        Assert.False(FieldSelector.TryParse("metadata.name=a=b", out _, out var error));
        Assert.Equal("invalid field selector: unescaped character in value", error.Rule);
    }

    [Fact]
    public void FieldSelector_SupportedFields_PerKind()
    {
        Assert.True(FieldSelector.Parse("spec.nodeName=x").IsSupportedFor("Pod", out _));
        Assert.False(FieldSelector.Parse("spec.nodeName=x").IsSupportedFor("Service", out var field));
        Assert.Equal("spec.nodeName", field);
        Assert.True(FieldSelector.Parse("metadata.namespace=x").IsSupportedFor("EndpointSlice", out _));
    }
}
