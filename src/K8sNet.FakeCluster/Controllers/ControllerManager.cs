using System.Threading.Channels;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// Runs FakeCluster's controllers one work item at a time, in the order changes happened, and knows when every
/// controller has caught up.
/// </summary>
internal sealed class ControllerManager : IAsyncDisposable
{
    private readonly Channel<Action> _work = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private readonly Action<Exception> _onError;
    private int _pending;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    public ControllerManager(Action<Exception> onError)
    {
        _onError = onError;
        _loop = Task.Run(RunAsync);
    }

    public void Enqueue(Action work)
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _idle = NewIdle(completed: false);
            }
        }

        _work.Writer.TryWrite(work);
    }

    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        Task idle;
        lock (_gate)
        {
            idle = _idle.Task;
        }

        return idle.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            tcs.SetResult();
        }

        return tcs;
    }

    private async Task RunAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                work();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _onError(ex);
            }

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
