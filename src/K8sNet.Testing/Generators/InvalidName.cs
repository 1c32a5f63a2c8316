namespace K8sNet.Testing.Generators;

/// <summary>A generated invalid name and the rule it breaks first, for property tests of validation.</summary>
/// <param name="Value">The invalid name.</param>
/// <param name="ExpectedRule">The start of the rule K8sNet reports first, e.g. <c>must be lower case</c>.</param>
public sealed record InvalidName(string Value, string ExpectedRule);
