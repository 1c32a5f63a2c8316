using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Controllers;

/// <summary>
/// The Job controller: keeps <c>min(parallelism, completions − succeeded)</c> pods running from the template (named
/// after the Job, owned by it) until the completions are reached — then SuccessCriteriaMet and Complete
/// (<c>CompletionsReached</c>) with a completion time — or the failures pass <c>backoffLimit</c> — then FailureTarget and
/// Failed (<c>BackoffLimitExceeded</c>), its active pods deleted, no completion time; a suspended Job runs no pods. The
/// status counts as upstream's (active, ready, terminating, succeeded, failed) and it says so in events
/// (SuccessfulCreate, SuccessfulDelete, Completed). Pods end by themselves after
/// <see cref="FakeClusterOptions.RunToCompletionTime"/>, or by <see cref="FakeCluster.ExitPod"/>.
/// </summary>
internal sealed class JobController(FakeCluster cluster)
{
    private static readonly EventSource Source = EventSource.Controller("job-controller");

    public void Handle(StoreEvent e)
    {
        if (e.Resource == ResourceType.Job && e.Type != StoreEventType.Deleted)
        {
            Sync(Json.Namespace(e.Object), Json.Name(e.Object));
        }
        else if (e.Resource == ResourceType.Pod && Owners.ControllerName(e.Object, "Job") is { } job)
        {
            Sync(Json.Namespace(e.Object), job);
        }
    }

    private void Sync(string ns, string name)
    {
        var job = cluster.Store.Get(ResourceType.Job, ns, name);
        if (job is null || Json.IsDeleting(job))
        {
            return;
        }

        var spec = job["spec"] as JsonObject ?? [];
        var status = job["status"] as JsonObject ?? [];
        var conditions = status["conditions"] as JsonArray ?? [];
        bool Has(string type) => conditions.OfType<JsonObject>().Any(c => Json.Str(c["type"]) == type && Json.Str(c["status"]) == "True");
        if (Has("Complete") || Has("Failed"))
        {
            return; // finished
        }

        var uid = Json.Uid(job);
        var pods = cluster.Store.Peek(ResourceType.Pod, ns).Where(p => Owners.ControllerUid(p) == uid).ToList();
        var phase = (JsonObject p) => Json.Str(p["status"]?["phase"]);
        var active = pods.Where(p => !Json.IsDeleting(p) && phase(p) is not ("Succeeded" or "Failed")).ToList();
        var terminating = pods.Count(p => Json.IsDeleting(p) && phase(p) is not ("Succeeded" or "Failed"));
        var succeeded = Math.Max(Json.Num(status["succeeded"]) ?? 0, pods.Count(p => phase(p) == "Succeeded"));
        var restarts = pods.Sum(p => (p["status"]?["containerStatuses"] as JsonArray ?? []).Sum(c => Json.Num(c?["restartCount"]) ?? 0));
        var failed = Math.Max(Json.Num(status["failed"]) ?? 0, pods.Count(p => phase(p) == "Failed"));
        var completions = Json.Num(spec["completions"]);
        var parallelism = Json.Num(spec["parallelism"]) ?? 1;
        var backoffLimit = Json.Num(spec["backoffLimit"]) ?? 6;
        var suspended = Json.Bool(spec["suspend"]) == true;
        var now = ObjectStore.Timestamp(cluster.TimeProvider.GetUtcNow());

        var next = new JsonObject();
        foreach (var (key, value) in status)
        {
            next[key] = value?.DeepClone();
        }

        if (!suspended)
        {
            next["startTime"] ??= now;
        }

        var done = completions is { } c ? succeeded >= c : succeeded > 0;
        var failedNow = failed > backoffLimit || (Json.Str(spec["template"]?["spec"]?["restartPolicy"]) == "OnFailure" && restarts > backoffLimit);
        if (failedNow)
        {
            active.ForEach(p => Delete(job, p));
            SetCondition(next, "FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
            SetCondition(next, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
            cluster.Events.Record(job, ResourceType.Job, Source, "Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
            active = [];
        }
        else if (suspended)
        {
            active.ForEach(p => Delete(job, p));
            active = [];
            if (!Has("Suspended"))
            {
                SetCondition(next, "Suspended", "JobSuspended", "Job suspended", now);
                cluster.Events.Record(job, ResourceType.Job, Source, "Normal", "Suspended", "Job suspended");
            }
        }
        else
        {
            if (Has("Suspended"))
            {
                SetCondition(next, "Suspended", "JobResumed", "Job resumed", now, "False");
                cluster.Events.Record(job, ResourceType.Job, Source, "Normal", "Resumed", "Job resumed");
            }

            var want = done ? 0 : completions is { } total ? Math.Min(parallelism, total - succeeded) : parallelism;
            for (var i = active.Count; i < want; i++)
            {
                active.Add(Create(job));
            }

            if (done && active.Count == 0)
            {
                SetCondition(next, "SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", now);
                SetCondition(next, "Complete", "CompletionsReached", "Reached expected number of succeeded pods", now);
                next["completionTime"] = now;
                cluster.Events.Record(job, ResourceType.Job, Source, "Normal", "Completed", "Job completed");
            }
        }

        SetCount(next, "active", active.Count);
        SetCount(next, "succeeded", succeeded);
        SetCount(next, "failed", failed);
        next["ready"] = active.Count(ReplicaSetController.IsReady);
        next["terminating"] = terminating;
        next["uncountedTerminatedPods"] ??= new JsonObject();
        if (JsonNode.DeepEquals(job["status"], next))
        {
            return;
        }

        job["status"] = next;
        try
        {
            cluster.Store.UpdateOwned(ResourceType.Job, job);
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }

    // Go's omitempty: a zero count is left out.
    private static void SetCount(JsonObject status, string field, long value)
    {
        if (value == 0)
        {
            status.Remove(field);
        }
        else
        {
            status[field] = value;
        }
    }

    private static void SetCondition(JsonObject status, string type, string reason, string message, string now, string value = "True")
    {
        var conditions = Json.Arr(status, "conditions");
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type);
        if (existing is not null && Json.Str(existing["status"]) == value)
        {
            return;
        }

        var condition = new JsonObject
        {
            ["type"] = type,
            ["status"] = value,
            ["lastProbeTime"] = now,
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
        if (existing is null)
        {
            conditions.Add(condition);
        }
        else
        {
            conditions[conditions.IndexOf(existing)] = condition;
        }
    }

    private JsonObject Create(JsonObject job)
    {
        var template = job["spec"]?["template"] as JsonObject ?? [];
        var meta = template["metadata"] is JsonObject m ? (JsonObject)m.DeepClone() : [];
        meta.Remove("name");
        meta["generateName"] = Json.Name(job) + "-";
        meta["namespace"] = Json.Namespace(job);
        meta["ownerReferences"] = new JsonArray(Owners.ControllerRef(job, ResourceType.Job));
        var created = cluster.CreateOwned(ResourceType.Pod, new JsonObject { ["metadata"] = meta, ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject() });
        cluster.Events.Record(job, ResourceType.Job, Source, "Normal", "SuccessfulCreate", $"Created pod: {Json.Name(created)}");
        return created;
    }

    private void Delete(JsonObject job, JsonObject pod)
    {
        try
        {
            cluster.Store.Delete(ResourceType.Pod, Json.Namespace(pod), Json.Name(pod));
            cluster.Events.Record(job, ResourceType.Job, Source, "Normal", "SuccessfulDelete", $"Deleted pod: {Json.Name(pod)}");
        }
        catch (KubernetesStatusException ex) when (ex.Code is 404 or 409)
        {
        }
    }
}
