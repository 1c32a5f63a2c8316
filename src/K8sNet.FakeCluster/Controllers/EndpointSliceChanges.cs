using System.Text.Json.Nodes;

namespace K8sNet.Testing.Controllers;

/// <summary>The writes an <see cref="EndpointSliceReconciler"/> pass asks for.</summary>
internal sealed class EndpointSliceChanges
{
    /// <summary>Slices to create (with <c>generateName</c>).</summary>
    public List<JsonObject> Create { get; } = [];

    /// <summary>Slices to replace.</summary>
    public List<JsonObject> Update { get; } = [];

    /// <summary>Names of slices to delete.</summary>
    public List<string> Delete { get; } = [];

    /// <summary>Whether nothing is to be written.</summary>
    public bool IsEmpty => Create.Count == 0 && Update.Count == 0 && Delete.Count == 0;
}
