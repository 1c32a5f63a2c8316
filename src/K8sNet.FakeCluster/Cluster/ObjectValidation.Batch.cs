using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// Jobs and CronJobs as pkg/apis/batch/validation validates them (1.32): pods that run to completion (restartPolicy
/// OnFailure or Never), non-negative counts, the completion mode, a selector generated from the Job's uid unless it is
/// manual, what an update may not change; a CronJob's schedule, time zone, concurrency policy, name length and job
/// template.
/// </summary>
internal static partial class ObjectValidation
{
    private static readonly string[] JobCounts = ["parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes"];

    private static void Batch(ResourceType type, JsonObject obj, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (type == ResourceType.Job)
        {
            JobSpec(spec, "spec", errors);
            if (Json.Bool(spec["manualSelector"]) == true)
            {
                if (spec["selector"] is not JsonObject selector)
                {
                    errors.Add(new FieldError("spec.selector", "Required value", null, string.Empty));
                }
                else if (!Matches(selector, spec["template"]?["metadata"]?["labels"] as JsonObject))
                {
                    errors.Add(new FieldError("spec.template.metadata.labels", "Invalid value", GoMap(spec["template"]?["metadata"]?["labels"] as JsonObject), "`selector` does not match template `labels`"));
                }
            }

            return;
        }

        // CronJob
        var name = Json.Name(obj);
        if (name.Length > 52)
        {
            errors.Add(new FieldError("metadata.name", "Invalid value", Quote(name), "must be no more than 52 characters"));
        }

        var schedule = Json.Str(spec["schedule"]) ?? string.Empty;
        if (schedule.Length == 0)
        {
            errors.Add(new FieldError("spec.schedule", "Required value", null, string.Empty));
        }
        else if (schedule.Contains("TZ", StringComparison.Ordinal))
        {
            errors.Add(new FieldError("spec.schedule", "Invalid value", Quote(schedule), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
        }
        else if (CronSchedule.TryParse(schedule, out var scheduleError) is null)
        {
            errors.Add(new FieldError("spec.schedule", "Invalid value", Quote(schedule), scheduleError!));
        }

        if (spec["timeZone"] is not null)
        {
            var zone = Json.Str(spec["timeZone"]) ?? string.Empty;
            if (zone.Length == 0)
            {
                errors.Add(new FieldError("spec.timeZone", "Invalid value", "\"\"", "timeZone must be nil or non-empty string"));
            }
            else if (zone.Equals("Local", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new FieldError("spec.timeZone", "Invalid value", Quote(zone), "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
            }
            else if (TimeZone(zone) is null)
            {
                errors.Add(new FieldError("spec.timeZone", "Invalid value", Quote(zone), $"unknown time zone {zone}"));
            }
        }

        foreach (var field in new[] { "startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit" })
        {
            NonNegative(spec, field, "spec", errors);
        }

        var policy = Json.Str(spec["concurrencyPolicy"]) ?? string.Empty;
        if (policy.Length == 0)
        {
            errors.Add(new FieldError("spec.concurrencyPolicy", "Required value", null, string.Empty));
        }
        else
        {
            Supported(spec, "concurrencyPolicy", "spec", ["Allow", "Forbid", "Replace"], errors);
        }

        var jobSpec = spec["jobTemplate"]?["spec"] as JsonObject ?? [];
        if (jobSpec["selector"] is not null)
        {
            errors.Add(new FieldError("spec.jobTemplate.spec.selector", "Invalid value", "v1.LabelSelector{...}", "`selector` will be auto-generated"));
        }

        if (Json.Bool(jobSpec["manualSelector"]) == true)
        {
            errors.Add(new FieldError("spec.jobTemplate.spec.manualSelector", "Unsupported value", "true", "supported values: \"nil\", \"false\""));
        }

        JobSpec(jobSpec, "spec.jobTemplate.spec", errors);
    }

    /// <summary>The IANA zone a CronJob names, as time.LoadLocation finds it.</summary>
    internal static TimeZoneInfo? TimeZone(string name)
    {
        if (name.StartsWith('-') || name.Contains("..", StringComparison.Ordinal) || name.Split('/').Any(p => p is "." or ".." || p.StartsWith('-')))
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) ? zone : null;
    }

    private static void JobSpec(JsonObject spec, string path, List<FieldError> errors)
    {
        foreach (var field in JobCounts)
        {
            NonNegative(spec, field, path, errors);
        }

        var mode = Json.Str(spec["completionMode"]) ?? "NonIndexed";
        Supported(spec, "completionMode", path, ["NonIndexed", "Indexed"], errors);
        if (mode == "Indexed" && spec["completions"] is null)
        {
            errors.Add(new FieldError($"{path}.completions", "Required value", null, "when completion mode is Indexed"));
        }

        Supported(spec, "podReplacementPolicy", path, ["Failed", "TerminatingOrFailed"], errors);
        var template = spec["template"] as JsonObject ?? [];
        var podSpec = template["spec"] as JsonObject ?? [];
        Labels(template["metadata"]?["labels"], $"{path}.template.metadata.labels", errors);
        PodSpec(podSpec, $"{path}.template.spec", errors);
        var restart = Json.Str(podSpec["restartPolicy"]) ?? string.Empty;
        if (restart is "Always" or "")
        {
            errors.Add(new FieldError($"{path}.template.spec.restartPolicy", "Required value", null, "valid values: \"OnFailure\", \"Never\""));
        }
        else if (restart is not ("OnFailure" or "Never"))
        {
            errors.Add(new FieldError($"{path}.template.spec.restartPolicy", "Unsupported value", Quote(restart), "supported values: \"OnFailure\", \"Never\""));
        }
    }

    /// <summary>A Job's generated selector, once it is generated: the template carries the uid and name labels and the selector selects them.</summary>
    public static void CheckJobSelector(JsonObject job)
    {
        var spec = job["spec"] as JsonObject ?? [];
        if (Json.Bool(spec["manualSelector"]) == true)
        {
            return;
        }

        var errors = new List<FieldError>();
        var labels = spec["template"]?["metadata"]?["labels"] as JsonObject;
        var uid = Json.Uid(job);
        var name = Json.Name(job);
        foreach (var (key, want) in new[] { ("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name), ("controller-uid", uid), ("job-name", name) })
        {
            if (Json.Str(labels?[key]) != want)
            {
                errors.Add(new FieldError($"spec.template.metadata.labels[{key}]", "Invalid value", Quote(Json.Str(labels?[key]) ?? string.Empty), $"must be '{want}'"));
            }
        }

        if (spec["selector"] is not JsonObject selector || Json.Str(selector["matchLabels"]?["batch.kubernetes.io/controller-uid"]) != uid || !Matches(selector, labels))
        {
            errors.Add(new FieldError("spec.selector", "Invalid value", "v1.LabelSelector{...}", "`selector` not auto-generated"));
        }

        Throw(ResourceType.Job, job, errors);
    }

    // ValidateJobSpecUpdate: the selector, the template (but of a suspended Job that never started), the completion mode
    // and, for a NonIndexed Job, the completions are what they were.
    private static void JobImmutables(JsonObject obj, JsonObject current, List<FieldError> errors)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        var old = current["spec"] as JsonObject ?? [];
        if (!JsonNode.DeepEquals(spec["selector"], old["selector"]))
        {
            errors.Add(new FieldError("spec.selector", "Invalid value", "v1.LabelSelector{...}", "field is immutable"));
        }

        var neverStarted = Json.Bool(old["suspend"]) == true && current["status"]?["startTime"] is null;
        if (!neverStarted && !JsonNode.DeepEquals(spec["template"], old["template"]))
        {
            errors.Add(new FieldError("spec.template", "Invalid value", "core.PodTemplateSpec{...}", "field is immutable"));
        }

        if (!JsonNode.DeepEquals(spec["completionMode"], old["completionMode"]))
        {
            errors.Add(new FieldError("spec.completionMode", "Invalid value", Quote(Json.Str(spec["completionMode"]) ?? string.Empty), "field is immutable"));
        }

        if (Json.Str(spec["completionMode"]) != "Indexed" && !JsonNode.DeepEquals(spec["completions"], old["completions"]))
        {
            errors.Add(new FieldError("spec.completions", "Invalid value", spec["completions"]?.ToJsonString() ?? "null", "field is immutable"));
        }
    }
}
