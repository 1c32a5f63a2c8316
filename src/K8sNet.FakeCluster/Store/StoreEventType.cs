namespace K8sNet.Testing.Store;

/// <summary>The type of a store watch event (named apart from KubernetesClient's <c>k8s.WatchEventType</c>, so both import cleanly).</summary>
internal enum StoreEventType
{
    /// <summary><c>ADDED</c>.</summary>
    Added = 0,

    /// <summary><c>MODIFIED</c>.</summary>
    Modified = 1,

    /// <summary><c>DELETED</c>.</summary>
    Deleted = 2,

    /// <summary><c>BOOKMARK</c>: only the resource version moved.</summary>
    Bookmark = 3,
}
