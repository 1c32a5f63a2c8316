using System.Globalization;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// A CronJob schedule as kube-controller-manager reads it (robfig/cron v3's standard parser): five fields — minute,
/// hour, day of month, month, day of week — each <c>*</c>, <c>?</c>, a value, a range <c>a-b</c>, a step <c>/n</c>,
/// or a list of those, months and weekdays by name too; or a descriptor (<c>@hourly</c>, <c>@daily</c>,
/// <c>@midnight</c>, <c>@weekly</c>, <c>@monthly</c>, <c>@yearly</c>, <c>@annually</c>). When both day fields are
/// restricted a day matches either; when one is <c>*</c>, both must match.
/// </summary>
internal sealed class CronSchedule
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayStar;

    private CronSchedule(ulong minutes, ulong hours, ulong daysOfMonth, ulong months, ulong daysOfWeek, bool dayStar)
    {
        (_minutes, _hours, _daysOfMonth, _months, _daysOfWeek, _dayStar) = (minutes, hours, daysOfMonth, months, daysOfWeek, dayStar);
    }

    /// <summary>Parses a schedule; <paramref name="error"/> is the parser's message when it cannot.</summary>
    public static CronSchedule? TryParse(string text, out string? error)
    {
        error = null;
        var spec = text.Trim();
        if (spec.StartsWith('@'))
        {
            spec = spec.ToLowerInvariant() switch
            {
                "@yearly" or "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" or "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                _ => null!,
            };
            if (spec is null)
            {
                error = $"unrecognized descriptor: {text}";
                return null;
            }
        }

        var fields = spec.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"expected exactly 5 fields, found {fields.Length}: [{string.Join(" ", fields)}]";
            return null;
        }

        try
        {
            var dom = Field(fields[2], 1, 31, null);
            var dow = Field(fields[4], 0, 6, Days);
            var dayStar = fields[2] is "*" or "?" || fields[4] is "*" or "?";
            return new CronSchedule(Field(fields[0], 0, 59, null), Field(fields[1], 0, 23, null), dom, Field(fields[3], 1, 12, Months), dow, dayStar);
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>The first time after <paramref name="after"/> (whole minutes, in <paramref name="zone"/>) the schedule fires.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(after, zone);
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if ((_months & (1UL << t.Month)) == 0)
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }

            var domMatch = (_daysOfMonth & (1UL << t.Day)) != 0;
            var dowMatch = (_daysOfWeek & (1UL << (int)t.DayOfWeek)) != 0;
            if (!(_dayStar ? domMatch && dowMatch : domMatch || dowMatch))
            {
                t = t.Date.AddDays(1);
                continue;
            }

            if ((_hours & (1UL << t.Hour)) == 0)
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }

            if ((_minutes & (1UL << t.Minute)) == 0)
            {
                t = t.AddMinutes(1);
                continue;
            }

            return new DateTimeOffset(t, zone.GetUtcOffset(t));
        }

        return null;
    }

    /// <summary>The latest time at or before <paramref name="now"/> and after <paramref name="since"/> the schedule fired, if any.</summary>
    public DateTimeOffset? MostRecent(DateTimeOffset since, DateTimeOffset now, TimeZoneInfo zone, out int missed)
    {
        missed = 0;
        DateTimeOffset? last = null;
        for (var t = Next(since, zone); t is { } at && at <= now; t = Next(at, zone))
        {
            last = at;
            if (++missed > 100)
            {
                break;
            }
        }

        return last;
    }

    private static ulong Field(string field, int min, int max, string[]? names)
    {
        var bits = 0UL;
        foreach (var part in field.Split(','))
        {
            var (range, step) = part.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] => (r, Number(s, null, 0)),
                _ => throw new FormatException($"too many slashes: {part}"),
            };
            int low, high;
            if (range is "*" or "?")
            {
                (low, high) = (min, max);
            }
            else
            {
                var bounds = range.Split('-');
                low = Number(bounds[0], names, min);
                high = bounds.Length switch
                {
                    1 => part.Contains('/', StringComparison.Ordinal) ? max : low,
                    2 => Number(bounds[1], names, min),
                    _ => throw new FormatException($"too many hyphens: {range}"),
                };
            }

            if (low < min)
            {
                throw new FormatException($"beginning of range ({low}) below minimum ({min}): {part}");
            }

            if (high > max)
            {
                throw new FormatException($"end of range ({high}) above maximum ({max}): {part}");
            }

            if (low > high)
            {
                throw new FormatException($"beginning of range ({low}) beyond end of range ({high}): {part}");
            }

            if (step <= 0)
            {
                throw new FormatException($"step of range should be a positive number: {part}");
            }

            for (var v = low; v <= high; v += step)
            {
                bits |= 1UL << v;
            }
        }

        return bits;
    }

    private static int Number(string text, string[]? names, int min)
    {
        if (names is not null && Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is var i and >= 0)
        {
            return i + (min == 1 ? 1 : 0);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"failed to parse int from {text}: strconv.Atoi: parsing {System.Text.Json.JsonSerializer.Serialize(text)}: invalid syntax");
    }
}
