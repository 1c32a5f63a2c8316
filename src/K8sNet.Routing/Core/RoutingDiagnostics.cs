using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace K8sNet.Routing;

/// <summary>
/// What the routing layer reports about requests it could not route to pods: each (client, host, reason) is logged
/// once at Warning with its fix, counted every time, and kept (the most recent 1,024) for diagnostics.
/// </summary>
internal sealed partial class RoutingDiagnostics(ILogger logger, RoutingMetrics metrics, TimeProvider time)
{
    private const int MaxRecords = 1024;
    private readonly ConcurrentDictionary<(string Client, string Host, PassThroughReason Reason), PassThroughRecord> _records = new();

    public IReadOnlyList<PassThroughRecord> Snapshot() => [.. _records.Values.OrderByDescending(r => r.LastSeen)];

    /// <summary>Counts a pass-through already recorded: <see langword="false"/> when it is the first of its kind.</summary>
    public bool TryPassedThroughAgain(string client, string host, PassThroughReason reason, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PassThroughRecord? record)
    {
        if (_records.TryGetValue((client, host, reason), out record))
        {
            metrics.PassThrough(client, reason);
            record.Seen(time.GetUtcNow());
            return true;
        }

        return false;
    }

    /// <summary>Counts a pass-through; the first of its kind is logged and kept. Returns the record.</summary>
    public PassThroughRecord PassedThrough(string client, string host, PassThroughReason reason, Func<string> message)
    {
        metrics.PassThrough(client, reason);
        var now = time.GetUtcNow();
        if (_records.TryGetValue((client, host, reason), out var record))
        {
            record.Seen(now);
            return record;
        }

        if (_records.Count >= MaxRecords)
        {
            foreach (var oldest in _records.OrderBy(kv => kv.Value.LastSeen).Take(MaxRecords / 4).ToList())
            {
                _records.TryRemove(oldest);
            }
        }

        var created = new PassThroughRecord(client, host, reason, message(), now);
        if (_records.TryAdd((client, host, reason), created))
        {
            Log.PassedThrough(logger, reason, created.Message);
            return created;
        }

        return PassedThrough(client, host, reason, () => created.Message);
    }

    /// <summary>The existing name nearest to a missing one, when one is close (edit distance within a third of its length, at least 2).</summary>
    public static string? Nearest(string missing, IEnumerable<string> names)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var name in names)
        {
            var d = Distance(missing, name);
            if (d < bestDistance || (d == bestDistance && string.CompareOrdinal(name, best) < 0))
            {
                (best, bestDistance) = (name, d);
            }
        }

        return best is not null && bestDistance <= Math.Max(2, missing.Length / 3) ? best : null;
    }

    // Optimal string alignment: Levenshtein plus adjacent transpositions ("ordres" is one step from "orders").
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3020, Level = LogLevel.Warning, Message = "Not routed to pods ({Reason}): {Message}")]
        public static partial void PassedThrough(ILogger logger, PassThroughReason reason, string message);
    }
}
