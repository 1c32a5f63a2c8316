using Microsoft.Extensions.Logging;

namespace K8sNet.Kubernetes;

internal static partial class Log
{
    [LoggerMessage(4001, LogLevel.Debug, "Listed {Informer}: {Count} item(s) at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, InformerKey informer, int count, string? resourceVersion);

    [LoggerMessage(4002, LogLevel.Information, "{Informer}: resourceVersion {ResourceVersion} is gone (410); relisting")]
    public static partial void Expired(ILogger logger, InformerKey informer, string? resourceVersion);

    [LoggerMessage(4003, LogLevel.Warning, "{Informer}: {Problem}; watching again in {Delay}")]
    public static partial void WatchFailed(ILogger logger, InformerKey informer, string problem, TimeSpan delay);

    [LoggerMessage(4004, LogLevel.Warning, "{Informer}: {Verb} failed: {Problem}; retrying in {Delay}, serving the last state meanwhile")]
    public static partial void RequestFailed(ILogger logger, InformerKey informer, string verb, string problem, TimeSpan delay, Exception exception);

    [LoggerMessage(4006, LogLevel.Error, "{Informer}: {Verb} failed unexpectedly; relisting in {Delay}, serving the last state meanwhile")]
    public static partial void Unexpected(ILogger logger, InformerKey informer, string verb, TimeSpan delay, Exception exception);

    [LoggerMessage(4005, LogLevel.Debug, "Started {Informer}")]
    public static partial void Started(ILogger logger, InformerKey informer);
}
