using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8sNet.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace K8sNet.AspNetCore;

/// <summary>Maps K8sNet's diagnostics endpoint.</summary>
public static class K8sNetDiagnosticsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves <see cref="ServiceRouterPool.CaptureDiagnostics"/> at <paramref name="pattern"/>: JSON, or plain text for a
    /// terminal when the request asks for <c>text/plain</c> (or <c>?format=text</c>), and always text at
    /// <c>{pattern}/text</c>. The snapshot shows pod addresses and names: protect it as any internal endpoint
    /// (<c>.RequireAuthorization()</c>, <c>.RequireHost("*:9090")</c>) on the builder this returns.
    /// </summary>
    /// <param name="endpoints">The app's endpoints.</param>
    /// <param name="pattern">The route, <c>/k8snet</c> by default.</param>
    /// <returns>The endpoints' convention builder.</returns>
    /// <exception cref="InvalidOperationException">K8sNet's routing is not registered (no <see cref="ServiceRouterPool"/>): the message says which call adds it.</exception>
    public static IEndpointConventionBuilder MapK8sNetDiagnostics(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/k8snet")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var pool = endpoints.ServiceProvider.GetService<ServiceRouterPool>()
            ?? throw new InvalidOperationException(
                "MapK8sNetDiagnostics(): K8sNet's routing is not registered, so there is nothing to show. Register it first: " +
                "services.AddK8sNet().AddServiceRouting() (AddK8sNetServiceDiscovery(), AddK8sNetServiceEndpointProvider(), the gRPC resolver and the YARP resolver add it too).");
        var group = endpoints.MapGroup(pattern);
        group.MapGet(string.Empty, (RequestDelegate)(context => WriteAsync(context, pool.CaptureDiagnostics(), WantsText(context.Request))))
            .WithDisplayName("K8sNet diagnostics");
        group.MapGet("/text", (RequestDelegate)(context => WriteAsync(context, pool.CaptureDiagnostics(), text: true)))
            .WithDisplayName("K8sNet diagnostics (text)");
        return group;
    }

    private static bool WantsText(HttpRequest request)
    {
        if (string.Equals(request.Query["format"], "text", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return false;
        }

        // The first media type named (by quality) that is JSON or text decides; */* alone gets JSON.
        foreach (var media in accept.OrderByDescending(a => a.Quality ?? 1))
        {
            if (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (media.MediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WriteAsync(HttpContext context, K8sNetDiagnosticsSnapshot snapshot, bool text)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (text)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(snapshot.ToText(), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, snapshot, DiagnosticsJson.Default.K8sNetDiagnosticsSnapshot, context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>The snapshot's JSON: camelCase, enums as their names, written without reflection (trimming and AOT).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, WriteIndented = true)]
[JsonSerializable(typeof(K8sNetDiagnosticsSnapshot))]
internal sealed partial class DiagnosticsJson : JsonSerializerContext;
