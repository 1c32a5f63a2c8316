using System.ComponentModel.DataAnnotations;

namespace K8sNet.Routing;

/// <summary>Options of the consistent-hash (Maglev) policy.</summary>
public sealed class ConsistentHashOptions : IValidatableObject
{
    /// <summary>The Maglev lookup table size; a prime. Default 65537 (Envoy's default).</summary>
    [Range(3, 1_048_583)]
    public int TableSize { get; set; } = 65537;

    /// <inheritdoc />
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (TableSize >= 3 && !IsPrime(TableSize))
        {
            yield return new ValidationResult($"{OptionsPaths.Field(validationContext, nameof(TableSize))} must be a prime (Maglev's lookup table), e.g. 65537.", [nameof(TableSize)]);
        }
    }

    private static bool IsPrime(int n)
    {
        if (n % 2 == 0)
        {
            return n == 2;
        }

        for (var d = 3; (long)d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
