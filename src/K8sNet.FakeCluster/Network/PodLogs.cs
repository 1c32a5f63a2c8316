using System.Collections.Concurrent;

namespace K8sNet.Testing.Network;

/// <summary>One line a container wrote, and when (the cluster's clock).</summary>
internal readonly record struct PodLogLine(DateTimeOffset Time, string Text);

/// <summary>
/// What each pod's containers wrote (the kubelet's container logs): the current instance's lines and, once a container
/// restarted, the previous instance's, the last 10,000 each; followers are woken as lines arrive.
/// </summary>
internal sealed class PodLogs
{
    private const int Limit = 10_000;
    private readonly ConcurrentDictionary<(string Uid, string Container), Log> _logs = new();

    public void Write(string uid, string container, PodLogLine line)
    {
        var log = _logs.GetOrAdd((uid, container), _ => new Log());
        TaskCompletionSource wake;
        lock (log)
        {
            log.Current.Add(line);
            if (log.Current.Count > Limit)
            {
                log.Current.RemoveRange(0, log.Current.Count - Limit);
            }

            wake = log.Changed;
            log.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
    }

    /// <summary>The container restarted: what it wrote is now the previous instance's log.</summary>
    public void Restarted(string uid, string container)
    {
        var log = _logs.GetOrAdd((uid, container), _ => new Log());
        lock (log)
        {
            log.Previous = [.. log.Current];
            log.Current.Clear();
        }
    }

    /// <summary>The lines so far from index <paramref name="from"/> on, and a task that completes when more arrive.</summary>
    public (List<PodLogLine> Lines, List<PodLogLine>? Previous, Task More) Read(string uid, string container, int from = 0)
    {
        var log = _logs.GetOrAdd((uid, container), _ => new Log());
        lock (log)
        {
            return ([.. log.Current.Skip(from)], log.Previous, log.Changed.Task);
        }
    }

    public void Forget(string uid)
    {
        foreach (var key in _logs.Keys.Where(k => k.Uid == uid).ToList())
        {
            if (_logs.TryRemove(key, out var log))
            {
                log.Changed.TrySetResult();
            }
        }
    }

    private sealed class Log
    {
        public List<PodLogLine> Current { get; } = [];

        public List<PodLogLine>? Previous { get; set; }

        public TaskCompletionSource Changed { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
