namespace K8sNet.Dns;

/// <summary>How one query of a search ended, as the stub resolver classifies it.</summary>
public enum DnsLookupStatus
{
    /// <summary>A positive answer: the search stops here.</summary>
    Found = 0,

    /// <summary>NXDOMAIN: the search moves on.</summary>
    NxDomain = 1,

    /// <summary>NOERROR with no records of the type (NODATA): the search moves on.</summary>
    NoData = 2,

    /// <summary>SERVFAIL: glibc moves on to the next search domain.</summary>
    ServerFailure = 3,

    /// <summary>Any other failure (refused, timeout, no nameserver): the search stops without an answer.</summary>
    Failure = 4,
}
