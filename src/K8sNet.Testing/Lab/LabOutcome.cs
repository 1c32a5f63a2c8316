namespace K8sNet.Testing.Lab;

/// <summary>How a simulated request ended, as its caller saw it (after any retries).</summary>
public enum LabOutcome : byte
{
    /// <summary>Answered successfully.</summary>
    Success = 0,

    /// <summary>Answered with a server error (5xx): an answer, so not retried.</summary>
    ServerError = 1,

    /// <summary>Failed to connect or was reset, on every attempt the retry rule allowed.</summary>
    Failed = 2,

    /// <summary>Not sent: the Service had no eligible endpoint.</summary>
    NoEndpoint = 3,

    /// <summary>The request's timeout expired first.</summary>
    TimedOut = 4,
}
