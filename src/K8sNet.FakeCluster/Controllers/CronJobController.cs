using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The CronJob controller (v2), on the cluster's clock: at each scheduled time (in the CronJob's time zone, UTC by
/// default) it creates the Job <c>&lt;cronjob&gt;-&lt;minutes since the epoch&gt;</c> from the job template — unless
/// suspended, too late for <c>startingDeadlineSeconds</c>, or the concurrency policy says otherwise (Forbid skips while
/// one runs, Replace deletes it) — keeps <c>status.active</c>, <c>lastScheduleTime</c> and <c>lastSuccessfulTime</c>, and
/// deletes finished Jobs beyond the history limits, with upstream's events.
/// </summary>
internal sealed class CronJobController(FakeCluster cluster) : IDisposable
{
    internal const string ScheduledTimestampAnnotation = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    private static readonly EventSource Source = EventSource.Controller("cronjob-controller");
    private readonly ConcurrentDictionary<string, ITimer> _timers = new(StringComparer.Ordinal);

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.CronJob)
        {
            if (e.Type == StoreEventType.Deleted)
            {
                if (_timers.TryRemove(Json.Uid(e.Object), out var timer))
                {
                    timer.Dispose();
                }

                return;
            }

            Sync(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Job && Owners.ControllerName(e.Object, "CronJob") is { } owner)
        {
            Sync(Json.Namespace(e.Object), owner);
        }
    }

    public void Dispose()
    {
        foreach (var timer in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
    }

    private void Sync(string ns, string name)
    {
        var cj = cluster.Store.Get(ResourceType.CronJob, ns, name);
        if (cj is null || Json.IsDeleting(cj))
        {
            return;
        }

        var spec = cj["spec"] as JsonObject ?? [];
        var uid = Json.Uid(cj);
        var now = cluster.TimeProvider.GetUtcNow();
        var jobs = cluster.Store.Peek(ResourceType.Job, ns).Where(j => Owners.ControllerUid(j) == uid).ToList();
        var status = cj["status"] is JsonObject s ? (JsonObject)s.DeepClone() : [];
        var active = (status["active"] as JsonArray ?? []).OfType<JsonObject>().ToList();

        // Reconcile the active list with the Jobs.
        foreach (var job in jobs)
        {
            var finished = Finished(job);
            var listed = active.FirstOrDefault(a => Json.Str(a["uid"]) == Json.Uid(job));
            if (finished is not null && listed is not null)
            {
                active.Remove(listed);
                cluster.Events.Record(cj, ResourceType.CronJob, Source, "Normal", "SawCompletedJob", $"Saw completed job: {Json.Name(job)}, status: {finished}");
            }

            if (finished == "Complete" && Json.Str(job["status"]?["completionTime"]) is { } completed
                && string.CompareOrdinal(completed, Json.Str(status["lastSuccessfulTime"]) ?? string.Empty) > 0)
            {
                status["lastSuccessfulTime"] = completed;
            }
        }

        active.RemoveAll(a => jobs.All(j => Json.Uid(j) != Json.Str(a["uid"])));

        var zone = Json.Str(spec["timeZone"]) is { } tz ? ObjectValidation.TimeZone(tz) ?? TimeZoneInfo.Utc : TimeZoneInfo.Utc;
        var schedule = CronSchedule.TryParse(Json.Str(spec["schedule"]) ?? string.Empty, out _);
        if (schedule is not null && Json.Bool(spec["suspend"]) != true)
        {
            var created = DateTimeOffset.Parse(Json.Str(cj["metadata"]?["creationTimestamp"])!, CultureInfo.InvariantCulture);
            var since = Json.Str(status["lastScheduleTime"]) is { } lastText ? DateTimeOffset.Parse(lastText, CultureInfo.InvariantCulture) : created;
            if (Json.Num(spec["startingDeadlineSeconds"]) is { } deadline && now.AddSeconds(-deadline) > since)
            {
                since = now.AddSeconds(-deadline);
            }

            if (schedule.MostRecent(since, now, zone, out var missed) is { } scheduled)
            {
                if (missed > 100)
                {
                    cluster.Events.Record(cj, ResourceType.CronJob, Source, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
                }

                Start(cj, spec, status, active, jobs, scheduled, zone);
            }

            Arm(cj, schedule, zone, now);
        }

        // History: the oldest finished Jobs beyond the limits go.
        foreach (var (kind, limitField) in new[] { ("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit") })
        {
            var limit = Json.Num(spec[limitField]) ?? (kind == "Complete" ? 3 : 1);
            foreach (var old in jobs.Where(j => Finished(j) == kind)
                .OrderByDescending(j => Json.Str(j["status"]?["startTime"]), StringComparer.Ordinal).ThenByDescending(Json.Name, StringComparer.Ordinal).Skip((int)limit))
            {
                try
                {
                    cluster.Store.Delete(ResourceType.Job, ns, Json.Name(old), extraFinalizer: null);
                    cluster.Events.Record(cj, ResourceType.CronJob, Source, "Normal", "SuccessfulDelete", $"Deleted job {Json.Name(old)}");
                }
                catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
                {
                }
            }
        }

        if (active.Count == 0)
        {
            status.Remove("active");
        }
        else
        {
            status["active"] = new JsonArray([.. active.Select(a => (JsonNode)a.DeepClone())]);
        }

        if (JsonNode.DeepEquals(cj["status"] ?? new JsonObject(), status))
        {
            return;
        }

        cj["status"] = status;
        try
        {
            cluster.Store.UpdateOwned(ResourceType.CronJob, cj);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    private void Start(JsonObject cj, JsonObject spec, JsonObject status, List<JsonObject> active, List<JsonObject> jobs, DateTimeOffset scheduled, TimeZoneInfo zone)
    {
        var ns = Json.Namespace(cj);
        var jobName = $"{Json.Name(cj)}-{scheduled.ToUnixTimeSeconds() / 60}";
        if (Json.Str(status["lastScheduleTime"]) == ObjectStore.Timestamp(scheduled) || active.Any(a => Json.Str(a["name"]) == jobName))
        {
            return; // already started
        }

        if (Json.Num(spec["startingDeadlineSeconds"]) is { } deadline && scheduled.AddSeconds(deadline) < cluster.TimeProvider.GetUtcNow())
        {
            cluster.Events.Record(cj, ResourceType.CronJob, Source, "Warning", "MissSchedule",
                $"Missed scheduled time to start a job: {scheduled.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture)}");
            return;
        }

        switch (Json.Str(spec["concurrencyPolicy"]))
        {
            case "Forbid" when active.Count > 0:
                cluster.Events.Record(cj, ResourceType.CronJob, Source, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
                return;
            case "Replace":
                foreach (var running in active.ToList())
                {
                    try
                    {
                        cluster.Store.Delete(ResourceType.Job, ns, Json.Str(running["name"])!);
                        cluster.Events.Record(cj, ResourceType.CronJob, Source, "Normal", "SuccessfulDelete", $"Deleted job {Json.Str(running["name"])}");
                    }
                    catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
                    {
                    }

                    active.Remove(running);
                }

                break;
        }

        var template = spec["jobTemplate"] as JsonObject ?? [];
        var meta = new JsonObject
        {
            ["name"] = jobName,
            ["namespace"] = ns,
            ["labels"] = template["metadata"]?["labels"]?.DeepClone() ?? new JsonObject(),
            ["annotations"] = template["metadata"]?["annotations"]?.DeepClone() ?? new JsonObject(),
            ["ownerReferences"] = new JsonArray(Owners.ControllerRef(cj, ResourceType.CronJob)),
        };
        var local = TimeZoneInfo.ConvertTime(scheduled, zone);
        meta["annotations"]![ScheduledTimestampAnnotation] = local.ToString(local.Offset == TimeSpan.Zero ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        JsonObject job;
        try
        {
            job = cluster.CreateOwned(ResourceType.Job, new JsonObject { ["metadata"] = meta, ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject() });
            cluster.Events.Record(cj, ResourceType.CronJob, Source, "Normal", "SuccessfulCreate", $"Created job {jobName}");
        }
        catch (KubernetesStatusException ex) when (ex.Code == 409)
        {
            job = jobs.FirstOrDefault(j => Json.Name(j) == jobName) ?? cluster.Store.PeekOne(ResourceType.Job, ns, jobName)!;
            if (job is null || Owners.ControllerUid(job) != Json.Uid(cj))
            {
                return;
            }
        }
        catch (KubernetesStatusException ex)
        {
            cluster.Events.Record(cj, ResourceType.CronJob, Source, "Warning", "FailedCreate", $"Error creating job: {ex.Message}");
            return;
        }

        active.Add(new JsonObject
        {
            ["kind"] = "Job",
            ["namespace"] = ns,
            ["name"] = jobName,
            ["uid"] = Json.Uid(job),
            ["apiVersion"] = "batch/v1",
            ["resourceVersion"] = Json.Str(job["metadata"]?["resourceVersion"]),
        });
        status["lastScheduleTime"] = ObjectStore.Timestamp(scheduled);
    }

    // The next sync: at the next scheduled time (and 100 ms, as upstream requeues).
    private void Arm(JsonObject cj, CronSchedule schedule, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (schedule.Next(now, zone) is not { } next)
        {
            return;
        }

        var ns = Json.Namespace(cj);
        var name = Json.Name(cj);
        var timer = cluster.TimeProvider.CreateTimer(_ => cluster.Controllers.Enqueue(() => Sync(ns, name)), null, next - now + TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        if (_timers.TryGetValue(Json.Uid(cj), out var old))
        {
            old.Dispose();
        }

        _timers[Json.Uid(cj)] = timer;
    }

    private static string? Finished(JsonObject job) =>
        (job["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(c => Json.Str(c["type"]) is "Complete" or "Failed" && Json.Str(c["status"]) == "True").Select(c => Json.Str(c["type"])).FirstOrDefault();
}
