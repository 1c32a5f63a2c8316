using K8sNet.Testing.Store;

namespace K8sNet.Testing;

/// <summary>
/// A request the fake API rejects, carrying what a real API server's <c>Status</c> would: HTTP code, reason, message and
/// the object's kind and name.
/// </summary>
public sealed class KubernetesStatusException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The HTTP status code, e.g. 404.</param>
    /// <param name="reason">The Status reason, e.g. <c>NotFound</c>.</param>
    /// <param name="message">The Status message, as the API server words it.</param>
    /// <param name="kind">The details' kind (the resource, e.g. <c>pods</c>).</param>
    /// <param name="name">The details' name.</param>
    /// <param name="group">The details' group.</param>
    public KubernetesStatusException(int code, string reason, string message, string? kind = null, string? name = null, string? group = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Kind = kind;
        Name = name;
        Group = group;
    }

    /// <summary>The HTTP status code.</summary>
    public int Code { get; }

    /// <summary>The Status reason.</summary>
    public string Reason { get; }

    /// <summary>The resource (plural) the error is about.</summary>
    public string? Kind { get; }

    /// <summary>The object's name.</summary>
    public string? Name { get; }

    /// <summary>The resource's group.</summary>
    public string? Group { get; }

    /// <summary>The Status details' causes, when the error names them itself (an apply's conflicts).</summary>
    internal IReadOnlyList<System.Text.Json.Nodes.JsonObject>? Causes { get; init; }

    internal static KubernetesStatusException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{Qualified(type)} \"{name}\" not found", type.Plural, name, type.Group);

    internal static KubernetesStatusException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{Qualified(type)} \"{name}\" already exists", type.Plural, name, type.Group);

    internal static KubernetesStatusException Conflict(ResourceType type, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(type)} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", type.Plural, name, type.Group);

    internal static KubernetesStatusException Invalid(ResourceType type, string name, string causes) =>
        new(422, "Invalid", $"{type.Kind} \"{name}\" is invalid: {causes}", type.Kind, name, type.Group);

    internal static KubernetesStatusException Gone(string message) => new(410, "Expired", message);

    internal static KubernetesStatusException BadRequest(string message) => new(400, "BadRequest", message);

    private static string Qualified(ResourceType type) => type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}";
}
