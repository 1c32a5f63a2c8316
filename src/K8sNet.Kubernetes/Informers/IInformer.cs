namespace K8sNet.Kubernetes;

/// <summary>An informer whatever its kind.</summary>
internal interface IInformer : IAsyncDisposable
{
    InformerKey Key { get; }

    bool IsSynced { get; }

    bool IsConnected { get; }

    DateTimeOffset StartedAt { get; }

    DateTimeOffset? LastHeard { get; }

    DateTimeOffset? DisconnectedSince { get; }

    InformerError? LastError { get; }

    long Relists { get; }

    long WatchRestarts { get; }

    Task WhenStatusChanges();
}

