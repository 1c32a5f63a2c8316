using System.Text.Json.Nodes;

namespace K8sNet.Testing.Store;

/// <summary>A printer column a CustomResourceDefinition declares (<c>additionalPrinterColumns</c>).</summary>
internal sealed record CustomResourceColumn(string Name, string Type, string Format, string Description, string JsonPath, int Priority);

/// <summary>
/// One served version of a CustomResourceDefinition, as the API serves its kind: its structural schema (for pruning,
/// defaulting and validation), its printer columns, its subresources, its names.
/// </summary>
internal sealed record CustomResourceVersion(
    string CrdName,
    string Singular,
    IReadOnlyList<string> Categories,
    JsonObject? Schema,
    IReadOnlyList<CustomResourceColumn> Columns,
    bool HasStatus,
    JsonObject? Scale,
    string StorageVersion);
