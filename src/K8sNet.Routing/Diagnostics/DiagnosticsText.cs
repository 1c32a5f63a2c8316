using System.Globalization;
using System.Text;

namespace K8sNet.Routing;

/// <summary>Writes a <see cref="K8sNetDiagnosticsSnapshot"/> as text for a terminal: a table per Service port.</summary>
internal static class DiagnosticsText
{
    private static readonly string[] Headings = ["ADDRESS", "PORT", "POD", "NODE", "ZONE", "STATE", "IN-FLIGHT", "EWMA-MS", "PICKS", "SHARE", "RECENT"];

    public static string Write(K8sNetDiagnosticsSnapshot snapshot)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(c, $"K8sNet routing at {snapshot.TakenAt:O} (recent = since {snapshot.RecentSince:O})").AppendLine();
        var source = snapshot.Source;
        text.Append(c, $"Endpoint source: {source.Type}, {source.Status}: {source.Description}").AppendLine();
        foreach (var (key, value) in source.Data.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            text.Append(c, $"  {key}: {value}").AppendLine();
        }

        if (snapshot.Services.Count == 0)
        {
            text.AppendLine().AppendLine("No Service is followed.");
        }

        foreach (var service in snapshot.Services)
        {
            text.AppendLine();
            var sync = !service.Synced ? "not synced" : service.Exists ? "synced" : "synced, does not exist";
            var balancing = service.PickedBy is { } by ? $"picked by {by}, which K8sNet does not see" : $"policy {service.Policy}";
            text.Append(c, $"Service {service.Namespace}/{service.Name} (client {service.Client}, {balancing}): {sync}, state version {service.StateVersion}");
            if (service.LastChange is { } changed)
            {
                text.Append(c, $", changed {changed:O}");
            }

            text.AppendLine();
            if (service.LastError is { } error)
            {
                text.Append(c, $"  last error: {error}").AppendLine();
            }

            foreach (var port in service.Ports)
            {
                var name = port.Port.Length == 0 ? "(unnamed)" : port.Port;
                text.Append(c, $"  port {name}/{port.Protocol}: {port.Status}, {port.Eligible} of {port.Endpoints.Count} eligible{(port.Panic ? ", PANIC (ejections ignored)" : string.Empty)}, {port.Picks} picks ({port.RecentPicks} recent)").AppendLine();
                Table(text, port.Endpoints.Select(e => new[]
                {
                    e.Address,
                    e.Port.ToString(c),
                    e.Pod ?? "-",
                    e.Node ?? "-",
                    e.Zone ?? "-",
                    State(e),
                    e.InFlight.ToString(c),
                    e.EwmaMilliseconds is { } ms ? ms.ToString("0.###", c) : "-",
                    e.Picks.ToString(c),
                    e.Share.ToString("0.0%", c),
                    e.RecentShare.ToString("0.0%", c),
                }).ToList());
            }
        }

        if (snapshot.PassThroughs.Count > 0)
        {
            text.AppendLine().AppendLine("Not routed to pods (most recent first):");
            foreach (var p in snapshot.PassThroughs)
            {
                text.Append(c, $"  {p.Host} from {p.Client}: {p.Reason}, {p.Count} request(s), last {p.LastSeen:O}").AppendLine();
                text.Append(c, $"    {p.Message}").AppendLine();
            }
        }

        return text.ToString();
    }

    private static string State(EndpointDiagnostics e)
    {
        var state = new List<string>(4);
        state.Add(e.Ready ? "ready" : e.Serving ? "serving" : "not-ready");
        if (e.Terminating)
        {
            state.Add("terminating");
        }

        if (!e.Eligible)
        {
            state.Add("ineligible");
        }

        if (e.Ejected)
        {
            state.Add(string.Create(CultureInfo.InvariantCulture, $"ejected({e.EjectedFor?.TotalSeconds:0}s)"));
        }

        return string.Join(',', state);
    }

    private static void Table(StringBuilder text, List<string[]> rows)
    {
        var widths = Headings.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        Row(text, Headings, widths);
        foreach (var row in rows)
        {
            Row(text, row, widths);
        }
    }

    private static void Row(StringBuilder text, string[] cells, int[] widths)
    {
        text.Append("    ");
        for (var i = 0; i < cells.Length; i++)
        {
            text.Append(cells[i].PadRight(i == cells.Length - 1 ? 0 : widths[i] + 2));
        }

        text.AppendLine();
    }
}
