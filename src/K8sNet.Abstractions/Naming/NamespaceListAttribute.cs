using System.Collections;
using System.ComponentModel.DataAnnotations;

namespace K8sNet;

/// <summary>
/// Validates a list of Kubernetes namespaces in options (an <c>AllowedNamespaces</c>): each must be a DNS-1123 label,
/// or <c>*</c> for any namespace. The message names the value and the rule, as the API server's would.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class NamespaceListAttribute : ValidationAttribute
{
    /// <inheritdoc />
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not IEnumerable items || value is string)
        {
            return ValidationResult.Success;
        }

        foreach (var item in items)
        {
            if (item is not string ns || (ns != "*" && !KubernetesNames.TryValidateDns1123Label(ns, "allowed namespace", out _)))
            {
                KubernetesNames.TryValidateDns1123Label(item as string, "allowed namespace", out var error);
                return new ValidationResult(error?.Message ?? $"allowed namespace '{item}' is not a namespace name", validationContext.MemberName is { } member ? [member] : null);
            }
        }

        return ValidationResult.Success;
    }
}
