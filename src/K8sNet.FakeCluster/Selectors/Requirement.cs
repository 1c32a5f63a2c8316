using System.Collections.Immutable;
using System.Globalization;

namespace K8sNet.Testing.Selectors;

/// <summary>One requirement of a label selector.</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator">The operator.</param>
/// <param name="Values">The values (empty for Exists and DoesNotExist).</param>
internal sealed record Requirement(string Key, SelectionOperator Operator, ImmutableArray<string> Values)
{
    /// <summary>Whether labels satisfy the requirement (apimachinery <c>Requirement.Matches</c>).</summary>
    /// <param name="labels">The labels.</param>
    /// <returns><see langword="true"/> when satisfied.</returns>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        var has = labels is not null && labels.TryGetValue(Key, out value);
        return Operator switch
        {
            SelectionOperator.Equals or SelectionOperator.In => has && Values.Contains(value!),
            SelectionOperator.NotEquals or SelectionOperator.NotIn => !has || !Values.Contains(value!),
            SelectionOperator.Exists => has,
            SelectionOperator.DoesNotExist => !has,
            SelectionOperator.GreaterThan => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var g) && g > long.Parse(Values[0], CultureInfo.InvariantCulture),
            SelectionOperator.LessThan => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) && l < long.Parse(Values[0], CultureInfo.InvariantCulture),
            _ => false,
        };
    }
}
