using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>apimachinery's <c>intstr.GetScaledValueFromIntOrPercent</c>, rounding up: a count, or a percentage of a total.</summary>
internal static class IntOrPercent
{
    public static long Scaled(JsonNode? value, long total, long fallback = 0) => value switch
    {
        null => fallback,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is var text && text.EndsWith('%')
            && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) => (long)Math.Ceiling(percent * total / 100.0),
        _ => Json.Num(value) ?? fallback,
    };
}
