namespace K8sNet;

/// <summary>A Service's <c>spec.sessionAffinity</c> (API default None).</summary>
public enum SessionAffinity
{
    /// <summary>No affinity.</summary>
    None = 0,

    /// <summary>Requests from one client IP go to the same endpoint until the affinity times out (default 10800 s).</summary>
    ClientIP = 1,
}
