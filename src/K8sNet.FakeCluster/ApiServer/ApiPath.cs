using System.Diagnostics.CodeAnalysis;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>A resource request path, parsed: the kind, the namespace, the object's name and the subresource.</summary>
/// <param name="Type">The kind.</param>
/// <param name="Namespace">The namespace, for namespaced requests.</param>
/// <param name="Name">The object's name; <see langword="null"/> for the collection.</param>
/// <param name="Subresource">The subresource, e.g. <c>status</c>.</param>
internal sealed record ApiRoute(ResourceType Type, string? Namespace, string? Name, string? Subresource);

/// <summary>
/// Parses the REST paths a real API server serves: <c>/api/v1/...</c> for core and <c>/apis/{group}/{version}/...</c>,
/// then <c>{plural}[/{name}[/{subresource}]]</c> or <c>namespaces/{ns}/{plural}[/{name}[/{subresource}]]</c>.
/// </summary>
internal static class ApiPath
{
    public static bool TryParse(string path, KindRegistry kinds, [NotNullWhen(true)] out ApiRoute? route)
    {
        route = null;
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string group;
        string version;
        int rest;
        if (segments.Length >= 3 && segments[0] == "api" && segments[1] == "v1")
        {
            (group, version, rest) = (string.Empty, "v1", 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return false;
        }

        var tail = segments[rest..];
        ResourceType? Find(string plural) => kinds.Find(group, version, plural);

        // namespaces/{ns}/{plural}... when {plural} is a namespaced kind of this group-version; else the Namespace object.
        if (tail.Length >= 3 && tail[0] == "namespaces" && Find(tail[2]) is { Namespaced: true } namespaced)
        {
            if (tail.Length > 5)
            {
                return false;
            }

            route = new ApiRoute(namespaced, tail[1], tail.Length > 3 ? tail[3] : null, tail.Length > 4 ? tail[4] : null);
            return true;
        }

        if (tail.Length > 3 || Find(tail[0]) is not { } type)
        {
            return false;
        }

        if (type.Namespaced && tail.Length > 1)
        {
            return false; // a namespaced object needs its namespace in the path
        }

        route = new ApiRoute(type, null, tail.Length > 1 ? tail[1] : null, tail.Length > 2 ? tail[2] : null);
        return true;
    }
}
