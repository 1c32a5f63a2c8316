using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using K8sNet.Testing.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace K8sNet.Testing.Network;

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
    private readonly Dictionary<string, HashSet<ConnectionContext>> _connections = new(StringComparer.Ordinal);
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
        var ports = served is { } s ? s.Ports.Select((p, i) => (Port: p, Registration: s.Handlers[i])).OrderBy(p => p.Port).ToArray() : [];
        var desired = served is not null && !refusing
            ? served.Value.Pod.Address + ":" + string.Join(',', ports.Select(p => $"{p.Port}/{p.Registration.Protocol}/{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p.Registration)}"))
            : string.Empty;
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
        var podInfo = served?.Pod;
        var (ns, name) = (Json.Namespace(key), Json.Name(key));
        _work.Writer.TryWrite(async () =>
        {
            await StopAsync(uid).ConfigureAwait(false);
            if (desired.Length > 0)
            {
                await StartAsync(uid, podInfo!, ports).ConfigureAwait(false);
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

    private async Task StartAsync(string uid, PodInfo pod, (int Port, PodNetwork.Registration Registration)[] ports)
    {
        var address = pod.Address;
        // Until the listener stops, the pod's process runs: requests that arrive after the pod object is gone are still
        // served, by what served it when it started.
        var started = ports.ToDictionary(p => p.Port, p => (pod, uid, p.Registration.Handler));
        (PodInfo Pod, string Uid, PodRequestHandler Handler)? Resolve(HttpContext context)
        {
            var local = context.Connection.LocalIpAddress;
            return local is not null && _owner.Find(local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local, context.Connection.LocalPort) is { } live
                ? live
                : started.TryGetValue(context.Connection.LocalPort, out var then) ? then : null;
        }

        // One app per pod: the newest ServeApp registration's, when there is one; handler ports are served beside it.
        var podApp = ports.Select(p => p.Registration.App).LastOrDefault(a => a is not null);
        var connections = new HashSet<ConnectionContext>();
        lock (_gate)
        {
            _connections[uid] = connections;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        podApp?.ConfigureServices(builder);
        builder.WebHost.UseKestrel(o =>
        {
            o.AddServerHeader = false;
            foreach (var (port, registration) in ports)
            {
                o.Listen(address, port, l =>
                {
                    l.Protocols = registration.Protocol == PodHttpProtocol.Http2 ? HttpProtocols.Http2 : HttpProtocols.Http1;
                    l.Use(next => async connection =>
                    {
                        lock (connections)
                        {
                            connections.Add(connection);
                        }

                        bool gone;
                        lock (_gate)
                        {
                            gone = !_connections.TryGetValue(uid, out var current) || !ReferenceEquals(current, connections);
                        }

                        if (gone)
                        {
                            // Accepted while the pod was being stopped, after StopAsync took its list. Left to Kestrel,
                            // its shutdown may answer the HTTP/2 preface with GOAWAY NO_ERROR, which a gRPC client
                            // reports as Internal (not retried); a dead process never answers, its kernel resets.
                            Reset(connection);
                            return;
                        }

                        try
                        {
                            await next(connection).ConfigureAwait(false);
                        }
                        finally
                        {
                            lock (connections)
                            {
                                connections.Remove(connection);
                            }
                        }
                    });
                });
            }
        });
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromMilliseconds(100));
        var app = builder.Build();
        if (podApp is null)
        {
            app.Run(context => ServeAsync(context, Resolve(context)));
        }
        else
        {
            var appPorts = ports.Where(p => p.Registration.App is not null).Select(p => p.Port).ToHashSet();
            app.Use(async (context, next) =>
            {
                if (!appPorts.Contains(context.Connection.LocalPort))
                {
                    await ServeAsync(context, Resolve(context)).ConfigureAwait(false);
                    return;
                }

                await BeforeAppAsync(context, next, Resolve(context)).ConfigureAwait(false);
            });
            podApp.ConfigureApp(app);
        }

        await app.StartAsync().ConfigureAwait(false);
        _running[uid] = app;
    }

    // What the network does to a request before a pod's own app sees it: the pod's faults, and headers naming the pod.
    private async Task BeforeAppAsync(HttpContext context, RequestDelegate next, (PodInfo Pod, string Uid, PodRequestHandler Handler)? served)
    {
        if (served is not { } found)
        {
            context.Abort();
            return;
        }

        var faults = _owner.Faults(found.Uid);
        if (faults.Partition == PartitionMode.Refuse)
        {
            // Partitioned while this connection was open, or before its listener finished closing (listeners are
            // reconciled in the background): the pod cannot answer, so the connection is reset, never served.
            context.Abort();
            return;
        }

        try
        {
            if (faults.Partition == PartitionMode.Drop)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, context.RequestAborted).ConfigureAwait(false);
            }

            if (faults.Latency > TimeSpan.Zero)
            {
                await Task.Delay(faults.Latency, TimeProvider.System, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var pod = found.Pod;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[PodNetwork.PodHeader] = pod.Namespace + "/" + pod.Name;
            context.Response.Headers[PodNetwork.PodIPHeader] = pod.Address.ToString();
            context.Response.Headers[PodNetwork.NodeHeader] = pod.Node;
            return Task.CompletedTask;
        });
        if (_owner.ShouldFail(faults))
        {
            context.Response.StatusCode = faults.FailureStatus;
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private async Task StopAsync(string uid)
    {
        HashSet<ConnectionContext>? connections;
        lock (_gate)
        {
            _connections.Remove(uid, out connections);
        }

        if (connections is not null)
        {
            // As a killed process's sockets: closed under the connections, no HTTP/2 goodbye (GOAWAY, RST_STREAM) first.
            ConnectionContext[] open;
            lock (connections)
            {
                open = [.. connections];
            }

            foreach (var c in open)
            {
                Reset(c);
            }
        }

        if (_running.Remove(uid, out var app))
        {
            // The process is gone (killed, or its grace period over) or cut off: its connections die at once, reset.
            await app.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A killed process's socket: the kernel resets it (RST), with no orderly close and no HTTP/2 goodbye first. A client
    // sees a reset (gRPC: Unavailable, which is retried).
    private static void Reset(ConnectionContext connection)
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // already closed: nothing left to reset
            }
        }

        connection.Abort(new ConnectionAbortedException("The pod is gone."));
    }

    private async Task ServeAsync(HttpContext context, (PodInfo Pod, string Uid, PodRequestHandler Handler)? served)
    {
        if (served is not { } found)
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
