using System.ComponentModel.DataAnnotations;

namespace K8sNet.Routing;

/// <summary>
/// Services whose endpoints the host fetches while it starts (<c>AddWarmUp</c>, or <c>K8sNet:WarmUp</c> in
/// configuration), so that the first requests to them do not wait for the endpoint source's first sync.
/// </summary>
public sealed class K8sNetWarmUpOptions : IValidatableObject
{
    /// <summary>The Services, as <c>namespace/name</c>.</summary>
    public ISet<string> Services { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// How long start waits for them. Default 10 s. A Service not synced by then is logged at Warning and followed on;
    /// the host starts anyway (the endpoint source's health check says which).
    /// </summary>
    [TimeSpanRange("00:00:00.001", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        foreach (var s in Services)
        {
            if (!ServiceName.TryParse(s, out _, out var error))
            {
                yield return new ValidationResult(error.Message, [nameof(Services)]);
            }
        }
    }
}
