using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace K8sNet.Routing;

/// <summary>
/// Runs as the host starts: makes sure there is exactly one usable endpoint source (or fails the start saying how to
/// get one, rather than failing the first request), then fetches the endpoints of the Services to warm up.
/// </summary>
internal sealed partial class K8sNetStartup(ServiceRouterPool pool, IOptions<K8sNetWarmUpOptions> warmUp, TimeProvider time, ILogger<K8sNetStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var source = pool.Source; // no usable source fails the start here, saying how to give it one

        var services = warmUp.Value.Services;
        if (services.Count == 0)
        {
            return;
        }

        var started = time.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(warmUp.Value.Timeout);
        var results = await Task.WhenAll(services.Select(async text =>
        {
            var service = ServiceName.Parse(text);
            try
            {
                var state = await source.GetAsync(service, timeout.Token).ConfigureAwait(false);
                return (service, state.Exists ? null : "does not exist");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return (service, (string?)(timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested ? $"not synced within {warmUp.Value.Timeout}" : ex.Message));
            }
        })).ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        var ready = 0;
        foreach (var (service, problem) in results)
        {
            if (problem is null)
            {
                ready++;
            }
            else
            {
                Log.WarmUpIncomplete(logger, service, problem);
            }
        }

        var elapsed = time.GetElapsedTime(started).TotalMilliseconds;
        Log.WarmedUp(logger, ready, results.Length, elapsed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 3030, Level = LogLevel.Information, Message = "K8sNet warm-up: {Ready} of {Count} Service(s) synced in {Milliseconds:0} ms.")]
        public static partial void WarmedUp(ILogger logger, int ready, int count, double milliseconds);

        [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "K8sNet warm-up: Service {Service} {Problem}; requests to it will wait for its first sync.")]
        public static partial void WarmUpIncomplete(ILogger logger, ServiceName service, string problem);
    }
}
