using System.ComponentModel.DataAnnotations;

namespace K8sNet.Routing;

/// <summary>
/// Names a member in an <see cref="IValidatableObject"/> rule as DataAnnotations name fields (<c>The field
/// orders.OutlierDetection.MaxEjectionTime</c>), so that <see cref="K8sNetOptionsValidator{TOptions}"/> finds the
/// configuration key of a nested option too: the generated validator passes the parent's path as the display name.
/// </summary>
internal static class OptionsPaths
{
    public static string Field(ValidationContext context, string member)
    {
        const string Suffix = ".Validate";
        var owner = context.DisplayName is { } display && display.EndsWith(Suffix, StringComparison.Ordinal)
            ? display[..^Suffix.Length]
            : context.ObjectType.Name;
        return $"The field {owner}.{member}";
    }
}
