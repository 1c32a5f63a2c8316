using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace K8sNet.Kubernetes;

/// <summary>What an informer feeds: the whole collection after a list, then each change.</summary>
/// <typeparam name="T">The kind.</typeparam>
internal interface IInformerHandler<in T>
{
    void Replace(IReadOnlyList<T> items);

    void Apply(WatchEventType type, T item);
}

/// <summary>
/// One list/watch of one collection, kept alive the way client-go's reflector keeps one: list (in pages), then watch
/// from the list's resourceVersion with bookmarks and a random finite timeout; re-watch from the last version seen
/// when a watch ends; relist only when the version is gone (410, as an HTTP answer or an ERROR event); an idle watchdog
/// for watches that hang; back off with jitter after failures, honouring Retry-After. It tolerates KubernetesClient's
/// traps: the watch call only returns at the first line (the watchdog runs from the call), an empty watch closed by
/// the server surfaces as EndOfStreamException (a normal end), and ERROR events reach only <c>onError</c>.
/// </summary>
/// <typeparam name="T">The kind.</typeparam>
internal sealed class Informer<T> : IInformer
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly InformerKey _key;
    private readonly Func<string?, int, CancellationToken, Task<(IList<T> Items, string? Continue, string? ResourceVersion)>> _listPage;
    private readonly Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> _watch;
    private readonly IInformerHandler<T> _handler;
    private readonly KubernetesEndpointSourceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SourceMetrics _metrics;
    private readonly Backoff _backoff;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private long _watches;
    private int _watchLines;
    private int _disposed;

    public Informer(
        InformerKey key,
        Func<string?, int, CancellationToken, Task<(IList<T> Items, string? Continue, string? ResourceVersion)>> listPage,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        IInformerHandler<T> handler,
        KubernetesEndpointSourceOptions options,
        TimeProvider time,
        ILogger logger,
        SourceMetrics metrics)
    {
        _key = key;
        _listPage = listPage;
        _watch = watch;
        _handler = handler;
        _options = options;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _backoff = new Backoff(options, time);
        StartedAt = time.GetUtcNow();
    }

    public InformerKey Key => _key;

    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes at the first successful list.</summary>
    public Task Synced => _synced.Task;

    public bool IsSynced => _synced.Task.IsCompleted;

    /// <summary>Whether the last list or watch worked (false from a failure until the next success).</summary>
    public bool IsConnected { get; private set; }

    public DateTimeOffset? DisconnectedSince { get; private set; }

    /// <summary>The last failure, until the next success.</summary>
    public InformerError? LastError { get; private set; }

    /// <summary>When the informer last heard from the API server (a list, an event or a bookmark).</summary>
    public DateTimeOffset? LastHeard { get; private set; }

    public long Relists { get; private set; }

    public long WatchRestarts { get; private set; }

    public string? ResourceVersion { get; private set; }

    /// <summary>A task that completes at the next change of status (sync, connection, error).</summary>
    public Task WhenStatusChanges()
    {
        lock (_gate)
        {
            return _changed.Task;
        }
    }

    public void Start() => _loop = Task.Run(RunAsync);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private void StatusChanged()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
    }

    private void Heard()
    {
        LastHeard = _time.GetUtcNow();
        if (!IsConnected || LastError is not null)
        {
            IsConnected = true;
            DisconnectedSince = null;
            LastError = null;
            StatusChanged();
        }
    }

    private void Failed(InformerError error)
    {
        LastError = error;
        if (IsConnected || DisconnectedSince is null)
        {
            DisconnectedSince ??= _time.GetUtcNow();
        }

        IsConnected = false;
        StatusChanged();
    }

    private async Task RunAsync()
    {
        Activity.Current = null; // the informer outlives whatever request started it: its spans are roots
        var token = _stop.Token;
        string? version = null;
        var relistReason = "initial";
        while (!token.IsCancellationRequested)
        {
            var verb = "list";
            try
            {
                if (version is null)
                {
                    version = await ListAsync(relistReason, token).ConfigureAwait(false);
                    relistReason = "error";
                }

                verb = "watch";
                var (end, last, error) = await WatchOnceAsync(version, token).ConfigureAwait(false);
                version = last;
                _metrics.WatchRestart(_key, end);
                switch (end)
                {
                    case WatchEnd.Expired:
                        Log.Expired(_logger, _key, version);
                        version = null;
                        relistReason = "expired";
                        break;
                    case WatchEnd.Closed:
                        _backoff.Succeeded();
                        break;
                    case WatchEnd.Quick:
                    case WatchEnd.Idle:
                    case WatchEnd.Error:
                        var failure = error ?? new InformerError(KubernetesSourceError.NotSynced, $"the {_key.Resource} watch {Describe(end)}", null, null);
                        Failed(failure);
                        var delay = _backoff.Next(failure.RetryAfter);
                        Log.WatchFailed(_logger, _key, failure.Message, delay);
                        await Task.Delay(delay, _time, token).ConfigureAwait(false);
                        break;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException ex) when (ex.Response?.StatusCode == HttpStatusCode.Gone)
            {
                // A list continue token or a watch's version too old: start again from a fresh list.
                Log.Expired(_logger, _key, version);
                version = null;
                relistReason = "expired";
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                var failure = Describe(ex, verb);
                Failed(failure);
                var delay = _backoff.Next(failure.RetryAfter);
                Log.RequestFailed(_logger, _key, verb, failure.Message, delay, ex);
                if (!await PauseAsync(delay, token).ConfigureAwait(false))
                {
                    return;
                }
            }
#pragma warning disable CA1031 // the loop must outlive any bug below it (a handler's, a client library's): as client-go's reflector, log and start over
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // The handler may have seen half a change: only a fresh list makes its state whole again.
                version = null;
                relistReason = "error";
                var failure = new InformerError(KubernetesSourceError.NotSynced, $"{verb} {_key.Resource} {Where()} failed unexpectedly: {ex.GetType().Name}: {ex.Message}", ex, null);
                Failed(failure);
                var delay = _backoff.Next(null);
                Log.Unexpected(_logger, _key, verb, delay, ex);
                if (!await PauseAsync(delay, token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits out a backoff; false when the informer stops meanwhile.</summary>
    private async Task<bool> PauseAsync(TimeSpan delay, CancellationToken token)
    {
        try
        {
            await Task.Delay(delay, _time, token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<string> ListAsync(string reason, CancellationToken token)
    {
        using var activity = KubernetesTelemetry.StartList(_key, reason);
        try
        {
            var (count, version) = await ListPagesAsync(reason, token).ConfigureAwait(false);
            KubernetesTelemetry.Listed(activity, count, version);
            return version;
        }
        catch (Exception ex)
        {
            KubernetesTelemetry.Failed(activity, ex);
            throw;
        }
    }

    private async Task<(int Count, string Version)> ListPagesAsync(string reason, CancellationToken token)
    {
        var items = new List<T>();
        string? next = null;
        string? version;
        do
        {
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
            try
            {
                (var page, next, version) = await _listPage(next, _options.ListPageSize, linked.Token).ConfigureAwait(false);
                items.AddRange(page);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw new TimeoutException($"the list took longer than {_options.RequestTimeout.TotalSeconds:0.###} s (KubernetesEndpointSourceOptions.RequestTimeout)", ex);
            }
        }
        while (!string.IsNullOrEmpty(next));

        Relists++;
        _metrics.Relist(_key, reason);
        _handler.Replace(items);
        ResourceVersion = version;
        Heard();
        Log.Listed(_logger, _key, items.Count, version);
        if (_synced.TrySetResult())
        {
            StatusChanged();
        }

        return (items.Count, version ?? "0");
    }

    private async Task<(WatchEnd End, string Version, InformerError? Error)> WatchOnceAsync(string version, CancellationToken token)
    {
        var started = _time.GetUtcNow();
        _watchLines = 0;
        try
        {
            var result = await WatchCoreAsync(version, token).ConfigureAwait(false);
            KubernetesTelemetry.Watched(_key, started, result.End, _watchLines, result.Error);
            return result;
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            KubernetesTelemetry.Watched(_key, started, ex is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone } ? WatchEnd.Expired : WatchEnd.Error, _watchLines, Describe(ex, "watch"));
            throw;
        }
    }

    private async Task<(WatchEnd End, string Version, InformerError? Error)> WatchCoreAsync(string version, CancellationToken token)
    {
        if (Interlocked.Increment(ref _watches) > 1)
        {
            WatchRestarts++; // counted as the next watch starts, before anything it brings is published
        }

        var seconds = Random.Shared.Next((int)_options.MinWatchTimeout.TotalSeconds, (int)_options.MaxWatchTimeout.TotalSeconds + 1);
        var errors = new List<Exception>();
        var idle = false;
        var lines = 0;
        var started = _time.GetUtcNow();
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(token);
        using var timer = _time.CreateTimer(
            _ =>
            {
                idle = true;
                try
                {
                    watchdog.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            },
            null,
            _options.IdleTimeout,
            Timeout.InfiniteTimeSpan);
        try
        {
            await foreach (var (type, item) in _watch(version, seconds, e => { lock (errors) { errors.Add(e); } }, watchdog.Token).ConfigureAwait(false))
            {
                timer.Change(_options.IdleTimeout, Timeout.InfiniteTimeSpan);
                lines++;
                _watchLines = lines;
                Heard();
                var itemVersion = item?.Metadata?.ResourceVersion;
                if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted && item is not null)
                {
                    _handler.Apply(type, item);
                    _metrics.Event(_key, type);
                }

                if (!string.IsNullOrEmpty(itemVersion))
                {
                    version = itemVersion;
                    ResourceVersion = version;
                }
            }
        }
        catch (OperationCanceledException) when (idle && !token.IsCancellationRequested)
        {
            return (WatchEnd.Idle, version, new InformerError(KubernetesSourceError.NotSynced, $"the {_key.Resource} watch delivered nothing for {_options.IdleTimeout} and was replaced", null, null));
        }
        catch (HttpRequestException ex) when (FindInChain<EndOfStreamException>(ex) is not null)
        {
            // KubernetesClient's answer to a watch the server closed before its first line (kubernetes-client/csharp#893).
            return (lines == 0 && _time.GetUtcNow() - started < TimeSpan.FromSeconds(1) ? WatchEnd.Quick : WatchEnd.Closed, version, null);
        }

        Exception[] reported;
        lock (errors)
        {
            reported = [.. errors];
        }

        if (reported.OfType<KubernetesException>().Any(IsExpired))
        {
            return (WatchEnd.Expired, version, null);
        }

        if (reported.Length > 0)
        {
            return (WatchEnd.Error, version, Describe(reported[0], "watch"));
        }

        // An end with nothing read within a second is a server refusing to keep watches open: back off.
        return (lines == 0 && _time.GetUtcNow() - started < TimeSpan.FromSeconds(1) ? WatchEnd.Quick : WatchEnd.Closed, version, null);
    }

    private static bool IsExpired(KubernetesException ex) =>
        ex.Status?.Code == 410 || ex.Status?.Reason is "Expired" or "Gone";

    private static bool IsTransient(Exception ex) =>
        ex is HttpOperationException or HttpRequestException or IOException or KubernetesException or TimeoutException or System.Text.Json.JsonException
        || ex is OperationCanceledException; // a request timeout (the informer's own stop is caught before)

    private static TException? FindInChain<TException>(Exception? ex)
        where TException : Exception
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is TException found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Describe(WatchEnd end) => end switch
    {
        WatchEnd.Quick => "ended at once without an event",
        WatchEnd.Idle => "went silent",
        _ => "failed",
    };

    private InformerError Describe(Exception ex, string verb)
    {
        if (ex is HttpOperationException http && http.Response is { } response)
        {
            var status = TryStatus(response.Content);
            var message = status?.Message ?? response.ReasonPhrase ?? ex.Message;
            var retryAfter = RetryAfter(response);
            var code = (int)response.StatusCode;
            return code switch
            {
                403 => new InformerError(KubernetesSourceError.Forbidden,
                    $"K8sNet cannot {verb} {_key.Resource} {Where()}: the API server answered 403 Forbidden ({message}). " +
                    $"Grant get, list and watch on {_key.Resource} (the Role in K8sNet.Kubernetes' docs/rbac.yaml).", ex, retryAfter),
                401 => new InformerError(KubernetesSourceError.Unauthorized,
                    $"K8sNet cannot {verb} {_key.Resource} {Where()}: the API server answered 401 Unauthorized ({message}); check the token or kubeconfig credentials.", ex, retryAfter),
                _ => new InformerError(KubernetesSourceError.NotSynced, $"{verb} {_key.Resource} {Where()}: the API server answered {code} {status?.Reason ?? response.ReasonPhrase} ({message})", ex, retryAfter),
            };
        }

        if (ex is KubernetesException k8s)
        {
            return new InformerError(KubernetesSourceError.NotSynced, $"{verb} {_key.Resource} {Where()}: an ERROR event {k8s.Status?.Code} {k8s.Status?.Reason} ({k8s.Status?.Message})", ex, null);
        }

        return new InformerError(KubernetesSourceError.NotSynced, $"{verb} {_key.Resource} {Where()}: {ex.GetType().Name}: {ex.Message}", ex, null);
    }

    private string Where() => _key.Name is null ? $"in namespace '{_key.Namespace}'" : $"for '{_key.Name}' in namespace '{_key.Namespace}'";

    private static V1Status? TryStatus(string? content)
    {
        if (string.IsNullOrEmpty(content))
        {
            return null;
        }

        try
        {
            return KubernetesJson.Deserialize<V1Status>(content);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessageWrapper response)
    {
        if (response.Headers is { } headers
            && headers.FirstOrDefault(h => string.Equals(h.Key, "Retry-After", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() is { } value
            && int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }
}

/// <summary>Which collection an informer follows: a kind in a namespace, one object's worth (by name) or all of it.</summary>
/// <param name="Resource">The resource, as RBAC names it (<c>services</c>, <c>endpointslices.discovery.k8s.io</c>).</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The Service it is for, or <see langword="null"/> for the whole namespace.</param>
internal readonly record struct InformerKey(string Resource, string Namespace, string? Name)
{
    public override string ToString() => Name is null ? $"{Resource} in {Namespace}" : $"{Resource} of {Namespace}/{Name}";
}

/// <summary>A failure an informer recorded: its kind, a message naming what and why, and the server's Retry-After.</summary>
internal sealed record InformerError(KubernetesSourceError Kind, string Message, Exception? Exception, TimeSpan? RetryAfter);

/// <summary>How a watch ended.</summary>
internal enum WatchEnd
{
    /// <summary>The server ended it (its timeout) after working.</summary>
    Closed,

    /// <summary>Ended at once, nothing read.</summary>
    Quick,

    /// <summary>The version is gone: relist.</summary>
    Expired,

    /// <summary>The watchdog replaced it.</summary>
    Idle,

    /// <summary>An error.</summary>
    Error,
}
