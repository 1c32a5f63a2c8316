namespace K8sNet.Testing.ApiServer;

/// <summary>One open watch on the fake API server, which faults can end or silence.</summary>
internal sealed class WatchStream : IDisposable
{
    private readonly CancellationTokenSource _end = new();

    public CancellationToken Ended => _end.Token;

    public bool Silent { get; private set; }

    public void End()
    {
        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Silence() => Silent = true;

    public void Dispose() => _end.Dispose();
}
