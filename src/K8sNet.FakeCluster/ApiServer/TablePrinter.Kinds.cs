using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// The printers of the kinds an app's manifests carry besides workloads (pkg/printers/internalversion/printers.go,
/// 1.32): Secrets, ServiceAccounts, role bindings, HorizontalPodAutoscalers, PodDisruptionBudgets, NetworkPolicies.
/// Roles and ClusterRoles have no printer upstream: they get the default Name and Created At.
/// </summary>
internal static partial class TablePrinter
{
    private static (Column[] Columns, Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells)? MorePrinters(ResourceType type, Func<JsonObject, DateTimeOffset, string> age)
    {
        if (type.Definition is { } definition)
        {
            // apiextensions' table convertor: Name, then the CRD's printer columns (Age only when it declares none);
            // a date cell is an age, a list the JSON of what the path finds, a missing value empty.
            if (definition.Columns.Count == 0)
            {
                return ([NameColumn, AgeColumn], (o, now) => [Json.Name(o), age(o, now)]);
            }

            return (
                [NameColumn, .. definition.Columns.Select(c => new Column(c.Name, c.Type, c.Format, c.Description, c.Priority))],
                (o, now) => [Json.Name(o), .. definition.Columns.Select(c => Cell(o, c, now))]);
        }

        if (type == ResourceType.Secret)
        {
            return (
                [NameColumn, new("Type", "string", string.Empty, "The type of the secret"), new("Data", "string", string.Empty, "The number of entries in the data map"), AgeColumn],
                (o, now) => [Json.Name(o), Json.Str(o["type"]) ?? string.Empty, (long)((o["data"] as JsonObject)?.Count ?? 0), age(o, now)]);
        }

        if (type == ResourceType.ServiceAccount)
        {
            return (
                [NameColumn, new("Secrets", "string", string.Empty, "The number of secrets referenced by the service account"), AgeColumn],
                (o, now) => [Json.Name(o), (long)((o["secrets"] as JsonArray)?.Count ?? 0), age(o, now)]);
        }

        if (type == ResourceType.RoleBinding || type == ResourceType.ClusterRoleBinding)
        {
            static string Subjects(JsonObject o, string kind) => string.Join(", ", (o["subjects"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(s => Json.Str(s["kind"]) == kind)
                .Select(s => kind == "ServiceAccount" ? $"{Json.Str(s["namespace"])}/{Json.Str(s["name"])}" : Json.Str(s["name"])));
            return (
                [NameColumn, new("Role", "string", string.Empty, "Role references a role in the current namespace or a cluster role."), AgeColumn,
                 new("Users", "string", string.Empty, "Users in the roleBinding", 1), new("Groups", "string", string.Empty, "Groups in the roleBinding", 1),
                 new("ServiceAccounts", "string", string.Empty, "ServiceAccounts in the roleBinding", 1)],
                (o, now) => [Json.Name(o), $"{Json.Str(o["roleRef"]?["kind"])}/{Json.Str(o["roleRef"]?["name"])}", age(o, now), Subjects(o, "User"), Subjects(o, "Group"), Subjects(o, "ServiceAccount")]);
        }

        if (type == ResourceType.HorizontalPodAutoscaler)
        {
            return (
                [NameColumn, new("Reference", "string", string.Empty, "Reference to the object whose scale this autoscaler controls"),
                 new("Targets", "string", string.Empty, "The current and desired values of the metrics"), new("MinPods", "string", string.Empty, "Lower limit for the number of pods that can be set by the autoscaler, default 1."),
                 new("MaxPods", "integer", string.Empty, "Upper limit for the number of pods that can be set by the autoscaler; cannot be smaller than MinReplicas."),
                 new("Replicas", "integer", string.Empty, "Current number of replicas of pods managed by this autoscaler."), AgeColumn],
                (o, now) =>
                {
                    var spec = o["spec"] as JsonObject ?? [];
                    var target = spec["scaleTargetRef"] as JsonObject ?? [];
                    return [Json.Name(o), $"{Json.Str(target["kind"])}/{Json.Str(target["name"])}", AutoscalerTargets(o),
                        Json.Num(spec["minReplicas"]) is { } min ? Inv($"{min}") : "<unset>", Json.Num(spec["maxReplicas"]) ?? 0, Json.Num(o["status"]?["currentReplicas"]) ?? 0, age(o, now)];
                });
        }

        if (type == ResourceType.PodDisruptionBudget)
        {
            static string Amount(JsonNode? value) => value switch
            {
                null => "N/A",
                JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                _ => value.ToJsonString(),
            };
            return (
                [NameColumn, new("Min Available", "string", string.Empty, "The minimum number of pods that must be available."),
                 new("Max Unavailable", "string", string.Empty, "The maximum number of pods that may be unavailable."),
                 new("Allowed Disruptions", "integer", string.Empty, "Calculated number of pods that may be disrupted at this time."), AgeColumn],
                (o, now) => [Json.Name(o), Amount(o["spec"]?["minAvailable"]), Amount(o["spec"]?["maxUnavailable"]), Json.Num(o["status"]?["disruptionsAllowed"]) ?? 0, age(o, now)]);
        }

        if (type == ResourceType.NetworkPolicy)
        {
            return (
                [NameColumn, new("Pod-Selector", "string", string.Empty, "Pod selector"), AgeColumn],
                (o, now) => [Json.Name(o), FormatLabelSelector(o["spec"]?["podSelector"] as JsonObject), age(o, now)]);
        }

        if (type == ResourceType.DaemonSet)
        {
            static string Containers(JsonObject o, string field) => string.Join(",", (o["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => Json.Str(c?[field])));
            long N(JsonObject o, string field) => Json.Num(o["status"]?[field]) ?? 0;
            return (
                [NameColumn, new("Desired", "integer", string.Empty, "The desired number of pods."), new("Current", "integer", string.Empty, "The current number of pods."),
                 new("Ready", "integer", string.Empty, "The number of pods ready."), new("Up-to-date", "integer", string.Empty, "The number of pods updated."),
                 new("Available", "integer", string.Empty, "The number of pods available."), new("Node Selector", "string", string.Empty, "Which nodes will run the pods."), AgeColumn,
                 new("Containers", "string", string.Empty, "Names of each container in the template.", 1), new("Images", "string", string.Empty, "Images referenced by each container in the template.", 1),
                 new("Selector", "string", string.Empty, "Label selector for pods.", 1)],
                (o, now) =>
                {
                    var nodeSelector = o["spec"]?["template"]?["spec"]?["nodeSelector"] as JsonObject;
                    var selectorText = nodeSelector is { Count: > 0 } ? string.Join(",", nodeSelector.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={Json.Str(p.Value)}")) : "<none>";
                    return [Json.Name(o), N(o, "desiredNumberScheduled"), N(o, "currentNumberScheduled"), N(o, "numberReady"), N(o, "updatedNumberScheduled"), N(o, "numberAvailable"),
                        selectorText, age(o, now), Containers(o, "name"), Containers(o, "image"), FormatLabelSelector(o["spec"]?["selector"] as JsonObject)];
                });
        }

        if (type == ResourceType.Job || type == ResourceType.CronJob)
        {
            var job = type == ResourceType.Job;
            JsonObject PodSpec(JsonObject o) => (job ? o["spec"]?["template"]?["spec"] : o["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]) as JsonObject ?? [];
            string Containers(JsonObject o, string field) => string.Join(",", (PodSpec(o)["containers"] as JsonArray ?? []).Select(c => Json.Str(c?[field])));
            Column[] wide = [new("Containers", "string", string.Empty, "Names of each container in the template.", 1), new("Images", "string", string.Empty, "Images referenced by each container in the template.", 1),
                new("Selector", "string", string.Empty, "Label selector for pods.", 1)];
            string Since(string? time, DateTimeOffset now) =>
                DateTimeOffset.TryParse(time, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? HumanDuration(now - t) : "<none>";
            if (job)
            {
                return (
                    [NameColumn, new("Status", "string", string.Empty, "Status of the job."), new("Completions", "string", string.Empty, "The completion status of the job."),
                     new("Duration", "string", string.Empty, "Time required to complete the job."), AgeColumn, .. wide],
                    (o, now) =>
                    {
                        var spec = o["spec"] as JsonObject ?? [];
                        var status = o["status"] as JsonObject ?? [];
                        bool Has(string t) => (status["conditions"] as JsonArray ?? []).OfType<JsonObject>().Any(c => Json.Str(c["type"]) == t && Json.Str(c["status"]) == "True");
                        var state = Has("Complete") ? "Complete" : Has("Failed") ? "Failed" : Json.IsDeleting(o) ? "Terminating" : Has("Suspended") ? "Suspended" : Has("FailureTarget") ? "FailureTarget" : "Running";
                        var succeeded = Json.Num(status["succeeded"]) ?? 0;
                        var parallelism = Json.Num(spec["parallelism"]) ?? 0;
                        var completions = Json.Num(spec["completions"]) is { } c ? Inv($"{succeeded}/{c}") : parallelism > 1 ? Inv($"{succeeded}/1 of {parallelism}") : Inv($"{succeeded}/1");
                        var duration = string.Empty;
                        if (DateTimeOffset.TryParse(Json.Str(status["startTime"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var start))
                        {
                            duration = DateTimeOffset.TryParse(Json.Str(status["completionTime"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var end)
                                ? HumanDuration(end - start)
                                : HumanDuration(now - start);
                        }

                        return [Json.Name(o), state, completions, duration, age(o, now), Containers(o, "name"), Containers(o, "image"), FormatLabelSelector(spec["selector"] as JsonObject)];
                    });
            }

            return (
                [NameColumn, new("Schedule", "string", string.Empty, "The schedule in Cron format."), new("Timezone", "string", string.Empty, "The time zone for the schedule."),
                 new("Suspend", "boolean", string.Empty, "Whether subsequent executions are suspended."), new("Active", "integer", string.Empty, "The number of active jobs."),
                 new("Last Schedule", "string", string.Empty, "The last time the job was scheduled."), AgeColumn, .. wide],
                (o, now) =>
                {
                    var spec = o["spec"] as JsonObject ?? [];
                    var suspend = Json.Bool(spec["suspend"]) switch { true => "True", false => "False", null => "<unset>" };
                    return [Json.Name(o), Json.Str(spec["schedule"]), Json.Str(spec["timeZone"]) ?? "<none>", suspend, (long)((o["status"]?["active"] as JsonArray)?.Count ?? 0),
                        Since(Json.Str(o["status"]?["lastScheduleTime"]), now), age(o, now), Containers(o, "name"), Containers(o, "image"), FormatLabelSelector(spec["jobTemplate"]?["spec"]?["selector"] as JsonObject)];
                });
        }

        if (type == ResourceType.Event)
        {
            return (
                [new("Last Seen", "string", string.Empty, "Time when last event occurred"), new("Type", "string", string.Empty, "Event type"),
                 new("Reason", "string", string.Empty, "Reason of the event"), new("Object", "string", string.Empty, "Object this event is about"),
                 new("Subobject", "string", string.Empty, "Subobject this event is about", 1), new("Source", "string", string.Empty, "Source of the event", 1),
                 new("Message", "string", string.Empty, "Message of the event"), new("First Seen", "string", string.Empty, "Time when first event occurred", 1),
                 new("Count", "integer", string.Empty, "Number of event occurrences", 1), new("Name", "string", string.Empty, "Name of the event", 1)],
                (o, now) =>
                {
                    string Since(string? field) =>
                        DateTimeOffset.TryParse(field, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? HumanDuration(now - t) : "<unknown>";
                    var eventTime = Json.Str(o["eventTime"]);
                    var first = Json.Str(o["firstTimestamp"]) ?? eventTime;
                    var last = Json.Str(o["series"]?["lastObservedTime"]) ?? Json.Str(o["lastTimestamp"]) ?? first;
                    var involved = o["involvedObject"] as JsonObject ?? [];
                    var source = o["source"] as JsonObject ?? [];
                    var component = Json.Str(source["component"]) is { Length: > 0 } c ? c : Json.Str(o["reportingComponent"]) ?? string.Empty;
                    var host = Json.Str(source["host"]) is { Length: > 0 } h ? h : Json.Str(o["reportingInstance"]) ?? string.Empty;
                    var count = Json.Num(o["series"]?["count"]) ?? Json.Num(o["count"]) ?? 0;
                    return [Since(last), Json.Str(o["type"]), Json.Str(o["reason"]), $"{(Json.Str(involved["kind"]) ?? string.Empty).ToLowerInvariant()}/{Json.Str(involved["name"])}",
                        Json.Str(involved["fieldPath"]) ?? string.Empty, host.Length == 0 ? component : $"{component}, {host}", (Json.Str(o["message"]) ?? string.Empty).Trim(),
                        Since(first), count == 0 ? 1 : count, Json.Name(o)];
                });
        }

        return null;
    }

    private static JsonNode? Cell(JsonObject obj, CustomResourceColumn column, DateTimeOffset now)
    {
        var found = JsonPathLite.Find(obj, column.JsonPath);
        if (found.Count == 0 || found[0] is null)
        {
            return null;
        }

        var value = found.Count == 1 ? found[0] : new JsonArray([.. found.Select(f => f?.DeepClone())]);
        if (column.Type == "date" && value is JsonValue dv && dv.TryGetValue<string>(out var text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            return HumanDuration(now - at);
        }

        return value switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v => v.DeepClone(),
            _ => value?.ToJsonString(),
        };
    }

    // apimachinery's metav1.FormatLabelSelector: "k=v,k in (a,b),!k"; empty or none → "<none>".
    internal static string FormatLabelSelector(JsonObject? selector)
    {
        var parts = new List<string>();
        foreach (var (key, value) in (selector?["matchLabels"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts.Add($"{key}={Json.Str(value)}");
        }

        foreach (var e in (selector?["matchExpressions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = Json.Str(e["key"]);
            var values = string.Join(",", (e["values"] as JsonArray ?? []).Select(Json.Str).Order(StringComparer.Ordinal));
            parts.Add(Json.Str(e["operator"]) switch
            {
                "In" => $"{key} in ({values})",
                "NotIn" => $"{key} notin ({values})",
                "Exists" => key ?? string.Empty,
                "DoesNotExist" => $"!{key}",
                var op => $"{key} {op} ({values})",
            });
        }

        return parts.Count == 0 ? "<none>" : string.Join(",", parts);
    }

    // printers.go formatHPAMetrics: each spec metric with the status metric at the same index, at most two, then "+ N more...".
    private static string AutoscalerTargets(JsonObject o)
    {
        var metrics = (o["spec"]?["metrics"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (metrics.Count == 0)
        {
            return "<none>";
        }

        var current = (o["status"]?["currentMetrics"] as JsonArray ?? []).ToList();
        var cells = new List<string>();
        for (var i = 0; i < metrics.Count && i < 2; i++)
        {
            var metric = metrics[i];
            var now = i < current.Count ? current[i] as JsonObject : null;
            var type = Json.Str(metric["type"]);
            var field = type is null ? "resource" : char.ToLowerInvariant(type[0]) + type[1..];
            var source = metric[field] as JsonObject ?? [];
            var target = source["target"] as JsonObject ?? [];
            var status = now?[field]?["current"] as JsonObject;
            string Value(JsonNode? v) => v is null ? "<unknown>" : Json.Str(v) ?? v.ToJsonString();
            if (type is "Resource" or "ContainerResource")
            {
                var name = Json.Str(source["name"]);
                cells.Add(Json.Num(target["averageUtilization"]) is { } utilization
                    ? $"{name}: {(status?["averageUtilization"] is { } u ? Inv($"{Json.Num(u)}%") : "<unknown>")}/{utilization}%"
                    : $"{name}: {Value(status?["averageValue"])}/{Value(target["averageValue"])}");
            }
            else if (target["averageValue"] is { } average && type is not "Pods")
            {
                cells.Add($"{Value(status?["averageValue"])}/{Value(average)} (avg)");
            }
            else
            {
                cells.Add($"{Value(status?["averageValue"] ?? status?["value"])}/{Value(target["averageValue"] ?? target["value"])}");
            }
        }

        var text = string.Join(", ", cells);
        return metrics.Count > 2 ? Inv($"{text} + {metrics.Count - 2} more...") : text;
    }
}
