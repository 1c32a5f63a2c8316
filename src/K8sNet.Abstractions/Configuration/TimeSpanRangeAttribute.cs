using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace K8sNet;

/// <summary>
/// A <see cref="TimeSpan"/> option's range, inclusive: <c>[TimeSpanRange("00:00:01", "1.00:00:00")]</c>. DataAnnotations'
/// <c>RangeAttribute(typeof(TimeSpan), ...)</c> converts through a TypeConverter, which trimming and native AOT cannot
/// keep; this one parses its bounds once, invariantly.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class TimeSpanRangeAttribute : ValidationAttribute
{
    /// <summary>Creates the rule.</summary>
    /// <param name="minimum">The smallest value allowed, as <c>[d.]hh:mm:ss[.fffffff]</c>.</param>
    /// <param name="maximum">The largest value allowed, likewise.</param>
    public TimeSpanRangeAttribute(string minimum, string maximum)
        : base("The field {0} must be between {1} and {2}.")
    {
        Minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
        Maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);
    }

    /// <summary>The smallest value allowed.</summary>
    public TimeSpan Minimum { get; }

    /// <summary>The largest value allowed.</summary>
    public TimeSpan Maximum { get; }

    /// <inheritdoc />
    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.InvariantCulture, ErrorMessageString, name, Minimum, Maximum);

    /// <inheritdoc />
    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);
}
