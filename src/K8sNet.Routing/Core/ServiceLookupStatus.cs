namespace K8sNet.Routing;

/// <summary>What <see cref="ServiceRouterPool.FindAsync"/> found.</summary>
public enum ServiceLookupStatus
{
    /// <summary>A candidate exists: <see cref="ServiceLookup.Router"/> follows it.</summary>
    Found = 0,

    /// <summary>Every candidate has synced and none exists: <see cref="ServiceLookup.Router"/> follows the first (it may appear).</summary>
    NotFound = 1,

    /// <summary>The endpoint source has not synced <see cref="ServiceLookup.Router"/>'s Service in time: whether it exists is unknown.</summary>
    NotSynced = 2,
}
