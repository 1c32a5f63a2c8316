using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace K8sNet;

/// <summary>
/// Runs a package's options validator (the source-generated DataAnnotations one, or a rule of its own) and says where
/// each failure comes from: the configuration key and the value as written (when the options were bound from a
/// <see cref="K8sNetConfiguration"/>), then the rule — so a host that fails at start (<c>ValidateOnStart</c>) names what to fix:
/// <c>K8sNet:Clients:orders:OutlierDetection:MaxEjectionPercent = '500': must be between 0 and 100.</c>
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
public sealed partial class K8sNetOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly IValidateOptions<TOptions> _inner;
    private readonly K8sNetConfiguration? _configuration;
    private readonly Func<string?, IReadOnlyList<string>> _sections;

    /// <summary>Creates the validator.</summary>
    /// <param name="inner">The rules.</param>
    /// <param name="configuration">Where the options were bound from, if anywhere.</param>
    /// <param name="sections">The subsections an options instance (by name) is bound from, most specific first: <c>["Clients:orders", "Routing", ""]</c> (empty: the section itself).</param>
    public K8sNetOptionsValidator(IValidateOptions<TOptions> inner, K8sNetConfiguration? configuration, Func<string?, IReadOnlyList<string>> sections)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(sections);
        _inner = inner;
        _configuration = configuration;
        _sections = sections;
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = _inner.Validate(name, options);
        if (!result.Failed || result.Failures is null)
        {
            return result;
        }

        var label = string.IsNullOrEmpty(name) ? typeof(TOptions).Name : $"{typeof(TOptions).Name} '{name}'";
        return ValidateOptionsResult.Fail(result.Failures.Select(f => $"{label}: {Describe(name, f)}"));
    }

    // "Percent: The field Opts.Inner.Percent must be ..." (DataAnnotations) or "Inner.Percent: rule" (a rule of ours).
    private string Describe(string? name, string failure)
    {
        var member = MemberPath(failure);
        if (member is null)
        {
            return failure;
        }

        var key = member.Replace('.', ':');
        if (_configuration is not null)
        {
            foreach (var section in _sections(name))
            {
                var path = section.Length == 0 ? key : section + ":" + key;
                var setting = _configuration.GetSection(path);
                if (setting.Value is { } value)
                {
                    return $"{_configuration.FullKey(path)} = '{value}': {Rule(failure)}";
                }

                // A list: the item the rule quotes.
                foreach (var item in setting.GetChildren())
                {
                    if (item.Value is { Length: > 0 } itemValue && failure.Contains($"'{itemValue}'", StringComparison.Ordinal))
                    {
                        return $"{_configuration.FullKey(path + ":" + item.Key)} = '{itemValue}': {Rule(failure)}";
                    }
                }
            }
        }

        return $"{member} (set in code): {Rule(failure)}";
    }

    private static string? MemberPath(string failure)
    {
        var field = FieldPattern().Match(failure);
        if (field.Success)
        {
            var path = field.Groups["path"].Value; // Type.Member.Member
            var dot = path.IndexOf('.', StringComparison.Ordinal);
            return dot < 0 ? path : path[(dot + 1)..];
        }

        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !failure[..colon].Contains(' ', StringComparison.Ordinal) ? failure[..colon] : null;
    }

    // "The field orders.Inner.Percent must be between 0 and 100." reads "must be between 0 and 100." after the key.
    private static string Rule(string failure)
    {
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        var rule = colon > 0 && !failure[..colon].Contains(' ', StringComparison.Ordinal) ? failure[(colon + 2)..] : failure;
        var field = FieldPattern().Match(rule);
        return field.Success && field.Index == 0 ? rule[field.Length..] : rule;
    }

    [GeneratedRegex(@"The field (?<path>[\w.]+) ")]
    private static partial Regex FieldPattern();
}
