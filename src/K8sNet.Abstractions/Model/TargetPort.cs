using System.Globalization;

namespace K8sNet;

/// <summary>A Service port's <c>targetPort</c>: a number or the name of a container port (IntOrString).</summary>
/// <param name="Number">The port number; 0 when the target is named.</param>
/// <param name="Name">The container port name; <see langword="null"/> when the target is a number.</param>
public readonly record struct TargetPort(int Number, string? Name)
{
    /// <summary>A numeric target port.</summary>
    /// <param name="number">The number.</param>
    /// <returns>The target port.</returns>
    public static TargetPort FromNumber(int number) => new(number, null);

    /// <summary>A named target port.</summary>
    /// <param name="name">The container port name.</param>
    /// <returns>The target port.</returns>
    public static TargetPort FromName(string name) => new(0, name ?? throw new ArgumentNullException(nameof(name)));

    /// <summary>Whether the target is a container port name.</summary>
    public bool IsNamed => Name is not null;

    /// <inheritdoc />
    public override string ToString() => Name ?? Number.ToString(CultureInfo.InvariantCulture);
}
