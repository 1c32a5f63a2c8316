using System.ComponentModel.DataAnnotations;

namespace K8sNet.Routing;

/// <summary>
/// Passive outlier detection: endpoints that fail repeatedly are ejected for a while. Defaults are Envoy's
/// (envoy.config.cluster.v3.OutlierDetection), except that ejection never takes the last healthy endpoint.
/// </summary>
public sealed class OutlierDetectionOptions : IValidatableObject
{
    /// <summary>Whether to eject failing endpoints. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Consecutive failures that eject an endpoint. Default 5 (Envoy's <c>consecutive_5xx</c>).</summary>
    [Range(1, 1000)]
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Whether HTTP 5xx (and gRPC UNAVAILABLE) answers count as failures, besides connect and transport failures. Default <see langword="true"/>.</summary>
    public bool CountServerErrors { get; set; } = true;

    /// <summary>The base ejection time, multiplied by the number of consecutive ejections. Default 30 s.</summary>
    [TimeSpanRange("00:00:00.001", "1.00:00:00")]
    public TimeSpan BaseEjectionTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest an ejection lasts. Default 300 s.</summary>
    [TimeSpanRange("00:00:00.001", "7.00:00:00")]
    public TimeSpan MaxEjectionTime { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// The most endpoints that may be ejected at once, as a percentage of the set. Default 10. At least one endpoint
    /// may always be ejected (as in Envoy), and at least one always stays.
    /// </summary>
    [Range(0, 100)]
    public int MaxEjectionPercent { get; set; } = 10;

    /// <summary>
    /// When fewer than this share of the set is healthy, health is ignored and traffic spreads over every eligible
    /// endpoint (Envoy's panic threshold). Default 0.5; 0 disables panic.
    /// </summary>
    [Range(0.0, 1.0)]
    public double PanicThreshold { get; set; } = 0.5;

    /// <summary>How often ejections are reviewed: expired ones end, and a healthy endpoint's ejection multiplier drops by one. Default 10 s.</summary>
    [TimeSpanRange("00:00:00.001", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (MaxEjectionTime < BaseEjectionTime)
        {
            yield return new ValidationResult($"{OptionsPaths.Field(validationContext, nameof(MaxEjectionTime))} must be at least BaseEjectionTime ({BaseEjectionTime}).", [nameof(MaxEjectionTime)]);
        }
    }
}
