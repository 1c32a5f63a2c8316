using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Network;

/// <summary>
/// The echo backend of the Gateway API conformance suite (echo-basic), which pods whose container image ends in
/// <c>echo</c> or <c>echo-basic</c> run without being told to (<see cref="FakeCluster.Serve"/> registrations come
/// first): every request is answered 200 with a JSON echo of what arrived — <c>path</c> (with the query, as echo-basic's
/// RequestURI), <c>host</c>, <c>method</c>, <c>proto</c>, <c>headers</c> — and who answered: <c>namespace</c> and
/// <c>pod</c>; response headers asked for with <c>X-Echo-Set-Header</c> are set. They listen on the echo container's
/// declared ports, else on 3000 (echo-basic's default).
/// </summary>
internal static class EchoBackend
{
    public const int DefaultPort = 3000;

    /// <summary>The ports an echo container of the pod serves, or none when no container runs an echo image.</summary>
    public static IEnumerable<int> Ports(JsonObject pod)
    {
        foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (!IsEchoImage(Json.Str(container["image"])))
            {
                continue;
            }

            var declared = (container["ports"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(p => (Json.Str(p["protocol"]) ?? "TCP") == "TCP" && Json.Num(p["containerPort"]) is > 0 and <= 65535)
                .Select(p => (int)Json.Num(p["containerPort"])!.Value)
                .ToList();
            return declared.Count > 0 ? declared : [DefaultPort];
        }

        return [];
    }

    /// <summary>Whether an image is an echo backend: its repository's last segment is <c>echo</c> or <c>echo-basic</c>, any registry, tag or digest.</summary>
    public static bool IsEchoImage(string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return false;
        }

        var name = image;
        var at = name.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            name = name[..at];
        }

        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        if (colon > slash)
        {
            name = name[..colon]; // a tag (a colon before the last '/' is a registry's port)
        }

        var repository = name[(slash + 1)..];
        return repository is "echo" or "echo-basic";
    }

    public static Task<HttpResponseMessage> AnswerAsync(PodRequest request, CancellationToken cancellationToken)
    {
        var message = request.Message;
        var headers = new JsonObject();
        var all = message.Content is { } content ? message.Headers.NonValidated.Concat(content.Headers.NonValidated) : message.Headers.NonValidated;
        foreach (var (name, values) in all)
        {
            headers[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        var uri = message.RequestUri!;
        var echo = new JsonObject
        {
            ["path"] = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString,
            ["host"] = message.Headers.Host ?? (uri.IsAbsoluteUri ? uri.Authority : string.Empty),
            ["method"] = message.Method.Method,
            ["proto"] = $"HTTP/{message.Version.Major}.{message.Version.Minor}",
            ["headers"] = headers,
            ["namespace"] = request.Pod.Namespace,
            ["ingress"] = string.Empty,
            ["service"] = string.Empty,
            ["pod"] = request.Pod.Name,
        };
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(echo.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), System.Text.Encoding.UTF8, "application/json"),
        };

        // echo-basic's X-Echo-Set-Header: "Name:value,Other: value" sets those response headers (a repeated name's
        // values joined by commas), which is how the conformance suite makes a backend answer with given headers.
        foreach (var list in message.Headers.NonValidated.Where(h => h.Key.Equals("X-Echo-Set-Header", StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value))
        {
            foreach (var item in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var colon = item.IndexOf(':', StringComparison.Ordinal);
                var name = colon > 0 ? item[..colon].Trim() : string.Empty;
                if (name.Length == 0)
                {
                    continue;
                }

                var value = item[(colon + 1)..].Trim();
                var existing = response.Headers.NonValidated.TryGetValues(name, out var values) ? string.Join(",", values) : null;
                response.Headers.Remove(name);
                response.Headers.TryAddWithoutValidation(name, existing is null ? value : existing + "," + value);
            }
        }

        return Task.FromResult(response);
    }
}
