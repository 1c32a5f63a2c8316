using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace K8sNet.Testing;

/// <summary>
/// The loopback network mode's real listeners: Kestrel on each serving pod's own 127.x address and its ports (HTTP/1.1,
/// or HTTP/2 by prior knowledge — h2c), started when the pod runs and is served, stopped when it is gone or partitioned
/// to refuse — so refusals and resets are the kernel's. Starts and stops run one at a time, in order.
/// </summary>
internal sealed class PodListeners : IAsyncDisposable
{
    private readonly PodNetwork _owner;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _desired = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WebApplication> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);
    private readonly Channel<Func<Task>> _work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private int _pending;
    private TaskCompletionSource _idle = Completed();

    public PodListeners(PodNetwork owner)
    {
        _owner = owner;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Brings the listener of <paramref name="key"/>'s pod in line with <paramref name="pod"/> (null: gone).</summary>
    public void Reconcile(JsonObject? pod, JsonObject key)
    {
        var uid = Json.Uid(key);
        var served = pod is null ? null : _owner.Served(pod);
        var refusing = _owner.Faults(uid).Partition == PartitionMode.Refuse;
        var ports = served is { } s ? s.Ports.Select((p, i) => (Port: p, s.Handlers[i].Protocol)).OrderBy(p => p.Port).ToArray() : [];
        var desired = served is not null && !refusing ? served.Value.Pod.Address + ":" + string.Join(',', ports.Select(p => $"{p.Port}/{p.Protocol}")) : string.Empty;
        lock (_gate)
        {
            if (_desired.GetValueOrDefault(uid, string.Empty) == desired)
            {
                return;
            }

            if (desired.Length == 0)
            {
                _desired.Remove(uid);
                if (pod is null)
                {
                    _started.Remove(uid);
                }
            }
            else
            {
                _desired[uid] = desired;
            }

            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        var address = served?.Pod.Address;
        var (ns, name) = (Json.Namespace(key), Json.Name(key));
        _work.Writer.TryWrite(async () =>
        {
            await StopAsync(uid).ConfigureAwait(false);
            if (desired.Length > 0)
            {
                await StartAsync(uid, address!, ports).ConfigureAwait(false);
                bool first;
                lock (_gate)
                {
                    first = _started.Add(uid);
                }

                if (first && _owner.Cluster.Store.PeekOne(ResourceType.Pod, ns, name) is { } fresh && Json.Uid(fresh) == uid)
                {
                    _owner.Cluster.ResyncPod(fresh); // now listening: the kubelet may call it ready
                }
            }
        });
    }

    public bool HasStarted(string uid)
    {
        lock (_gate)
        {
            return _started.Contains(uid);
        }
    }

    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        foreach (var uid in _running.Keys.ToList())
        {
            await StopAsync(uid).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource Completed()
    {
        var tcs = new TaskCompletionSource();
        tcs.SetResult();
        return tcs;
    }

    private async Task RunAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await work().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // a listener that cannot start is the cluster's fault to report, not a reason to stop the loop
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _owner.Cluster.ReportControllerError(ex);
            }
            finally
            {
                lock (_gate)
                {
                    if (--_pending == 0)
                    {
                        _idle.TrySetResult();
                    }
                }
            }
        }
    }

    private async Task StartAsync(string uid, IPAddress address, (int Port, PodHttpProtocol Protocol)[] ports)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.AddServerHeader = false;
            foreach (var (port, protocol) in ports)
            {
                o.Listen(address, port, l => l.Protocols = protocol == PodHttpProtocol.Http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
            }
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromMilliseconds(100));
        var app = builder.Build();
        app.Run(ServeAsync);
        await app.StartAsync().ConfigureAwait(false);
        _running[uid] = app;
    }

    private async Task StopAsync(string uid)
    {
        if (_running.Remove(uid, out var app))
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ServeAsync(HttpContext context)
    {
        var local = context.Connection.LocalIpAddress;
        if (local is null || _owner.Find(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local, context.Connection.LocalPort) is not { } found)
        {
            context.Abort(); // no longer served: as a process that closed its socket
            return;
        }

        using var request = await ToMessageAsync(context).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            var client = context.Connection.RemoteIpAddress;
            response = await _owner.AnswerAsync(found.Pod, found.Uid, found.Handler, context.Connection.LocalPort, request,
                client is { IsIPv4MappedToIPv6: true } ? client.MapToIPv4() : client, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
            {
                if (!string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            if (response.Content is not null)
            {
                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    private static async Task<HttpRequestMessage> ToMessageAsync(HttpContext context)
    {
        var r = context.Request;
        var message = new HttpRequestMessage(new HttpMethod(r.Method), new Uri($"{r.Scheme}://{r.Host}{r.PathBase}{r.Path}{r.QueryString}"))
        {
            Version = r.Protocol == "HTTP/2" ? HttpVersion.Version20 : HttpVersion.Version11,
        };
        if (r.ContentLength > 0 || r.Headers.TransferEncoding.Count > 0 || (r.Protocol == "HTTP/2" && r.Body.CanRead && r.ContentLength is null && !HttpMethods.IsGet(r.Method) && !HttpMethods.IsHead(r.Method)))
        {
            using var buffer = new MemoryStream();
            await r.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            message.Content = new ByteArrayContent(buffer.ToArray());
        }

        foreach (var (name, values) in r.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return message;
    }
}
