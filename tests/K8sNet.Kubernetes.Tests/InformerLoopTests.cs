using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace K8sNet.Kubernetes.Tests;

/// <summary>The informer's loop outlives failures nobody planned for, as client-go's reflector does.</summary>
public sealed class InformerLoopTests
{
    [Fact]
    public async Task AnUnexpectedException_IsRecorded_AndTheInformerStartsOverWithAList()
    {
        var lists = 0;
        var handler = new Recorder();
        using var metrics = new SourceMetrics(null, () => []);
        var options = ConvergenceTests.Fast();
        options.IdleTimeout = TimeSpan.FromMinutes(1); // the endless watch below is healthy
        await using var informer = new Informer<V1Service>(
            new InformerKey("services", "default", "web"),
            (_, _, _) => Interlocked.Increment(ref lists) == 1
                ? throw new InvalidOperationException("a bug below the informer")
                : Task.FromResult<(IList<V1Service>, string?, string?)>(([new V1Service { Metadata = new V1ObjectMeta { Name = "web", ResourceVersion = "7" } }], null, "7")),
            (_, _, _, ct) => Forever(ct),
            handler,
            options,
            TimeProvider.System,
            NullLogger.Instance,
            metrics);

        var changed = informer.WhenStatusChanges();
        informer.Start();
        await changed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("failed unexpectedly: InvalidOperationException: a bug below the informer", informer.LastError?.Message, StringComparison.Ordinal);
        Assert.Contains("services for 'web' in namespace 'default'", informer.LastError?.Message, StringComparison.Ordinal);

        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["web"], handler.Replaced);
        Assert.True(informer.IsConnected);
        Assert.Null(informer.LastError);
    }

    private static async IAsyncEnumerable<(WatchEventType, V1Service)> Forever([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
        yield break;
    }

    private sealed class Recorder : IInformerHandler<V1Service>
    {
        public List<string> Replaced { get; } = [];

        public void Replace(IReadOnlyList<V1Service> items) => Replaced.AddRange(items.Select(i => i.Metadata.Name));

        public void Apply(WatchEventType type, V1Service item)
        {
        }
    }
}
