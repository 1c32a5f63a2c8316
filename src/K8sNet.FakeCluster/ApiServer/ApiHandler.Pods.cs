using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing.Network;
using K8sNet.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// A pod's streaming subresources: <c>log</c> (what its containers wrote — echo pods log each request they answered,
/// Serve handlers write with PodRequest.Log — with the kubelet's options and errors), and <c>exec</c>, <c>attach</c>
/// and <c>portforward</c>, which a fake cluster's simulated containers cannot offer and refuse with a Status that says
/// why (kubectl prints it: <c>Error from server (BadRequest): ...</c>).
/// </summary>
internal sealed partial class ApiHandler
{
    private const string NoProcess = "the fake cluster's containers are simulated: there is no process";

    private async Task PodStreamAsync(HttpContext context, ApiRoute route)
    {
        var pod = cluster.Store.Get(ResourceType.Pod, route.Namespace, route.Name!) ?? throw KubernetesStatusException.NotFound(ResourceType.Pod, route.Name!);
        switch (route.Subresource)
        {
            case "exec" or "attach":
                throw KubernetesStatusException.BadRequest($"{route.Subresource} is not supported by the K8sNet fake API server: {NoProcess} to run a command in or attach to");
            case "portforward":
                throw KubernetesStatusException.BadRequest(
                    $"port-forward is not supported by the K8sNet fake API server yet; with the loopback pod network (the standalone server's default) dial the pod's IP {Json.Str(pod["status"]?["podIP"]) ?? "(none yet)"} directly");
        }

        if (context.Request.Method != "GET")
        {
            throw MethodNotAllowed();
        }

        await LogAsync(context, pod).ConfigureAwait(false);
    }

    // GET pods/{name}/log: the kubelet's container log, with PodLogOptions as the API server validates them and the
    // kubelet's answers for containers that cannot give one.
    private async Task LogAsync(HttpContext context, JsonObject pod)
    {
        var q = context.Request.Query;
        var name = Json.Name(pod);
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).Select(c => Json.Str(c?["name"]) ?? string.Empty).ToList();
        var container = (string?)q["container"];
        if (string.IsNullOrEmpty(container))
        {
            container = containers.Count switch
            {
                0 => throw KubernetesStatusException.BadRequest($"a container name must be specified for pod {name}"),
                1 => containers[0],
                _ => throw KubernetesStatusException.BadRequest($"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}]"),
            };
        }
        else if (!containers.Contains(container))
        {
            throw KubernetesStatusException.BadRequest($"container {container} is not valid for pod {name}");
        }

        long? Number(string field) => q[field] is { Count: > 0 } v
            ? long.TryParse(v.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw KubernetesStatusException.BadRequest($"invalid {field}: {v}")
            : null;
        var tail = Number("tailLines");
        var limit = Number("limitBytes");
        var sinceSeconds = Number("sinceSeconds");
        DateTimeOffset? sinceTime = q["sinceTime"] is { Count: > 0 } st
            ? DateTimeOffset.TryParse(st.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw KubernetesStatusException.BadRequest($"invalid sinceTime: {st}")
            : null;
        var problems = new List<string>();
        if (tail is < 0)
        {
            problems.Add($"tailLines: Invalid value: {tail}: must be greater than or equal to 0");
        }

        if (limit is < 1)
        {
            problems.Add($"limitBytes: Invalid value: {limit}: must be greater than 0");
        }

        if (sinceSeconds is not null && sinceTime is not null)
        {
            problems.Add("Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified");
        }
        else if (sinceSeconds is < 1)
        {
            problems.Add($"sinceSeconds: Invalid value: {sinceSeconds}: must be greater than 0");
        }

        if (problems.Count > 0)
        {
            var aggregate = problems.Count == 1 ? problems[0] : $"[{string.Join(", ", problems)}]";
            throw new KubernetesStatusException(422, "Invalid", $"PodLogOptions \"{name}\" is invalid: {aggregate}", "PodLogOptions", name, string.Empty);
        }

        var status = (pod["status"]?["containerStatuses"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["name"]) == container);
        if (status is null || status["state"]?["waiting"] is not null)
        {
            var reason = Json.Str(status?["state"]?["waiting"]?["reason"]) ?? "ContainerCreating";
            throw KubernetesStatusException.BadRequest($"container {Json.Quote(container)} in pod {Json.Quote(name)} is waiting to start: {reason}");
        }

        var uid = Json.Uid(pod);
        var previous = IsTrue(q["previous"]);
        var (lines, before, more) = cluster.PodLogs.Read(uid, container);
        if (previous)
        {
            lines = before ?? throw KubernetesStatusException.BadRequest($"previous terminated container {Json.Quote(container)} in pod {Json.Quote(name)} not found");
        }

        var from = sinceTime ?? (sinceSeconds is { } s ? cluster.TimeProvider.GetUtcNow().AddSeconds(-s) : DateTimeOffset.MinValue);
        var shown = lines.Where(l => l.Time >= from).ToList();
        if (tail is { } keep && shown.Count > keep)
        {
            shown = shown[^(int)keep..];
        }

        var timestamps = IsTrue(q["timestamps"]);
        var follow = IsTrue(q["follow"]) && !previous;
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        var budget = limit ?? long.MaxValue;
        async Task<bool> WriteAsync(IEnumerable<PodLogLine> batch)
        {
            foreach (var line in batch)
            {
                var text = timestamps ? $"{line.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture)} {line.Text}\n" : line.Text + "\n";
                var bytes = Encoding.UTF8.GetBytes(text);
                if (bytes.Length > budget)
                {
                    await context.Response.Body.WriteAsync(bytes.AsMemory(0, (int)budget), context.RequestAborted).ConfigureAwait(false);
                    return false;
                }

                budget -= bytes.Length;
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            }

            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            return true;
        }

        if (!await WriteAsync(shown).ConfigureAwait(false) || !follow)
        {
            return;
        }

        var seen = lines.Count;
        while (!context.RequestAborted.IsCancellationRequested)
        {
            try
            {
                await more.WaitAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (cluster.Store.PeekOne(ResourceType.Pod, Json.Namespace(pod), name) is not { } live || Json.Uid(live) != uid)
            {
                return; // the pod is gone: the stream ends
            }

            (lines, _, more) = cluster.PodLogs.Read(uid, container, seen);
            seen += lines.Count;
            if (!await WriteAsync(lines).ConfigureAwait(false))
            {
                return;
            }
        }
    }
}
