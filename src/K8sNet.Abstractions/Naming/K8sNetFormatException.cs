namespace K8sNet;

/// <summary>
/// Bad input to a K8sNet parse or validate entry point. The message names the input, the field and the first rule it
/// breaks; the same three are available as properties.
/// </summary>
public class K8sNetFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="input">The rejected input, as given.</param>
    /// <param name="field">What the input was for, e.g. <c>Service name</c> or <c>resolv.conf line 3</c>.</param>
    /// <param name="rule">The first rule the input breaks, e.g. <c>must be lower case</c>.</param>
    /// <param name="message">The full message; when <see langword="null"/>, built from the three parts.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public K8sNetFormatException(string? input, string field, string rule, string? message = null, Exception? innerException = null)
        : base(message ?? FormatMessage(input, field, rule), innerException)
    {
        Input = input;
        Field = field;
        Rule = rule;
    }

    /// <summary>The rejected input, as given (may be <see langword="null"/>).</summary>
    public string? Input { get; }

    /// <summary>What the input was for, e.g. <c>Service name</c>.</summary>
    public string Field { get; }

    /// <summary>The first rule the input breaks.</summary>
    public string Rule { get; }

    /// <summary>Builds the standard message: <c>{field} '{input}' {rule}</c>.</summary>
    /// <param name="input">The input.</param>
    /// <param name="field">The field.</param>
    /// <param name="rule">The rule.</param>
    /// <returns>The message.</returns>
    protected static string FormatMessage(string? input, string field, string rule) =>
        input is null ? $"{field} is missing: {rule}" : $"{field} '{input}' is invalid: {rule}";
}
