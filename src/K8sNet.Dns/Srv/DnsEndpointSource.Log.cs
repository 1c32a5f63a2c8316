using Microsoft.Extensions.Logging;

namespace K8sNet.Dns;

public sealed partial class DnsEndpointSource
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "DNS lookup of Service {Service} failed ({Error}); keeping its last state: {HasState}")]
        public static partial void LookupFailed(ILogger logger, ServiceName service, string error, bool hasState);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "DNS lookup of Service {Service} answers again")]
        public static partial void LookupRecovered(ILogger logger, ServiceName service);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Service {Service} changed in DNS: {Records}")]
        public static partial void StateChanged(ILogger logger, ServiceName service, string records);
    }
}
