namespace K8sNet.Routing;

/// <summary>
/// A host a client sent requests to that looks like a Service name but was not routed to pods: what it was, why, how
/// often, and the message logged (once) with the fix. <see cref="ServiceRouterPool.PassThroughs"/> lists them.
/// </summary>
public sealed class PassThroughRecord
{
    private long _count;

    internal PassThroughRecord(string client, string host, PassThroughReason reason, string message, DateTimeOffset at)
    {
        Client = client;
        Host = host;
        Reason = reason;
        Message = message;
        FirstSeen = at;
        LastSeen = at;
    }

    /// <summary>The client (an HttpClient's name).</summary>
    public string Client { get; }

    /// <summary>The host as written.</summary>
    public string Host { get; }

    /// <summary>Why it was not routed.</summary>
    public PassThroughReason Reason { get; }

    /// <summary>What was logged: the Service concerned and the fix.</summary>
    public string Message { get; }

    /// <summary>How many requests passed through so (counted after the first, which made the record).</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>When the first was seen.</summary>
    public DateTimeOffset FirstSeen { get; }

    /// <summary>When the last was seen.</summary>
    public DateTimeOffset LastSeen { get; private set; }

    internal void Seen(DateTimeOffset at)
    {
        Interlocked.Increment(ref _count);
        LastSeen = at;
    }
}
