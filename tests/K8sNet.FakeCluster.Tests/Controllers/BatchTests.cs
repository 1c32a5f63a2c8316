using System.Text.Json.Nodes;
using K8sNet.Testing.Cluster;
using K8sNet.Testing.Store;
using Microsoft.Extensions.Time.Testing;

namespace K8sNet.Testing.Tests.Controllers;

/// <summary>
/// Jobs and CronJobs (issue 23): a Job's generated selector and defaults, its pods running to completion on the
/// cluster's clock, success and failure as the 1.32 Job controller records them; a CronJob's schedule, the Jobs it
/// starts and keeps; the validation and tables upstream gives both.
/// </summary>
public sealed class BatchTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 30, TimeSpan.Zero));
    private FakeCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = new FakeCluster(o =>
        {
            o.TimeProvider = _time;
            o.PodShutdownTime = TimeSpan.Zero;
        });
        await _cluster.WaitForIdleAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private const string Pi = """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: pi, namespace: default}
        spec:
          completions: 3
          parallelism: 2
          template:
            spec:
              restartPolicy: Never
              containers: [{name: pi, image: "perl:5", command: [perl, -e, "print 1"]}]
        """;

    private JsonObject Job(string name = "pi") => _cluster.Store.Get(ResourceType.Job, "default", name)!;

    private async Task AdvanceAsync(TimeSpan by)
    {
        await _cluster.WaitForIdleAsync();
        _time.Advance(by);
        await _cluster.WaitForIdleAsync();
    }

    [Fact]
    public async Task AJob_IsDefaulted_AndItsSelectorGeneratedFromItsUid()
    {
        _cluster.Apply(Pi);
        await _cluster.WaitForIdleAsync();

        var job = Job();
        var uid = Json.Uid(job);
        var spec = job["spec"]!;
        Assert.Equal(6, Json.Num(spec["backoffLimit"]));
        Assert.Equal("NonIndexed", Json.Str(spec["completionMode"]));
        Assert.False(Json.Bool(spec["suspend"]));
        Assert.Equal("TerminatingOrFailed", Json.Str(spec["podReplacementPolicy"]));
        Assert.Equal("""{"batch.kubernetes.io/controller-uid":"UID"}""".Replace("UID", uid, StringComparison.Ordinal), spec["selector"]!["matchLabels"]!.ToJsonString());
        var labels = spec["template"]!["metadata"]!["labels"]!;
        Assert.Equal(uid, Json.Str(labels["controller-uid"]));
        Assert.Equal("pi", Json.Str(labels["batch.kubernetes.io/job-name"]));
        Assert.Equal(uid, Json.Str(job["metadata"]!["labels"]!["batch.kubernetes.io/controller-uid"])); // the Job's labels: the template's
        Assert.Equal("File", Json.Str(spec["template"]!["spec"]!["containers"]![0]!["terminationMessagePolicy"]));
    }

    [Fact]
    public async Task AJobsPods_RunToCompletion_AndTheJobCompletes()
    {
        _cluster.Apply(Pi);
        await _cluster.WaitForIdleAsync();
        Assert.Equal(2, Json.Num(Job()["status"]!["active"])); // parallelism 2
        Assert.Equal("0/3", await CellAsync("/apis/batch/v1/namespaces/default/jobs", 2));

        await AdvanceAsync(TimeSpan.FromSeconds(1)); // two succeed, the third starts
        Assert.Equal(2, Json.Num(Job()["status"]!["succeeded"]));
        Assert.Equal(1, Json.Num(Job()["status"]!["active"]));
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        var status = Job()["status"]!;
        Assert.Equal(3, Json.Num(status["succeeded"]));
        Assert.Null(status["active"]);
        Assert.Equal(0, Json.Num(status["ready"]));
        Assert.Equal(["SuccessCriteriaMet", "Complete"], status["conditions"]!.AsArray().Select(c => Json.Str(c!["type"])));
        Assert.All(status["conditions"]!.AsArray(), c => Assert.Equal("CompletionsReached", Json.Str(c!["reason"])));
        Assert.Equal("2026-12-07T10:00:32Z", Json.Str(status["completionTime"]));
        var pods = _cluster.Store.List(ResourceType.Pod, "default").Items;
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal("Succeeded", Json.Str(p["status"]!["phase"])));
        Assert.All(pods, p => Assert.Equal("Completed", Json.Str(p["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!["reason"])));
        Assert.Contains(_cluster.Store.List(ResourceType.Event, "default").Items, e => Json.Str(e["reason"]) == "Completed" && Json.Str(e["message"]) == "Job completed");
        Assert.Equal(["Complete", "3/3", "2s"], [await CellAsync("/apis/batch/v1/namespaces/default/jobs", 1), await CellAsync("/apis/batch/v1/namespaces/default/jobs", 2), await CellAsync("/apis/batch/v1/namespaces/default/jobs", 3)]);
    }

    [Fact]
    public async Task FailuresPastTheBackoffLimit_FailTheJob()
    {
        _cluster.Apply("""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: flaky, namespace: default}
            spec:
              backoffLimit: 1
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: run, image: "flaky:1"}]
            """);
        await _cluster.WaitForIdleAsync();
        for (var i = 0; i < 2; i++)
        {
            var running = _cluster.Store.List(ResourceType.Pod, "default").Items.Single(p => Json.Str(p["status"]?["phase"]) == "Running");
            _cluster.ExitPod(Json.Name(running), "default", exitCode: 1);
            await _cluster.WaitForIdleAsync();
        }

        var status = Job("flaky")["status"]!;
        Assert.Equal(2, Json.Num(status["failed"]));
        Assert.Equal(["FailureTarget", "Failed"], status["conditions"]!.AsArray().Select(c => Json.Str(c!["type"])));
        Assert.Equal("BackoffLimitExceeded", Json.Str(status["conditions"]![1]!["reason"]));
        Assert.Null(status["completionTime"]); // a failed Job has none
        Assert.All(_cluster.Store.List(ResourceType.Pod, "default").Items, p => Assert.Equal("Failed", Json.Str(p["status"]!["phase"])));
    }

    [Theory]
    [InlineData("""{"template":{"spec":{"containers":[{"name":"a","image":"a"}]}}}""", "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"")]
    [InlineData("""{"parallelism":-1,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"a"}]}}}""", "spec.parallelism: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("""{"completionMode":"Indexed","parallelism":1,"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"a"}]}}}""", "spec.completions: Required value: when completion mode is Indexed")]
    [InlineData("""{"selector":{"matchLabels":{"a":"b"}},"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"a"}]}}}""", "spec.selector: Invalid value: v1.LabelSelector{...}: `selector` not auto-generated")]
    public void Invalid_Jobs_AreRefused(string spec, string problem)
    {
        var ex = Assert.Throws<KubernetesStatusException>(() => _cluster.Apply($$"""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"bad","namespace":"default"},"spec":{{spec}}}"""));

        Assert.Equal(422, ex.Code);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Null(_cluster.Store.Get(ResourceType.Job, "default", "bad"));
    }

    [Fact]
    public async Task ACronJob_StartsItsJobsOnSchedule_AndKeepsItsHistory()
    {
        _cluster.Apply("""
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: tick, namespace: default}
            spec:
              schedule: "*/1 * * * *"
              successfulJobsHistoryLimit: 2
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: tick, image: "busybox:1", command: [date]}]
            """);
        await _cluster.WaitForIdleAsync();
        var cj = _cluster.Store.Get(ResourceType.CronJob, "default", "tick")!;
        Assert.Equal("Allow", Json.Str(cj["spec"]!["concurrencyPolicy"]));
        Assert.Empty(_cluster.Store.List(ResourceType.Job, "default").Items); // created at 10:00:30: the first run is 10:01

        await AdvanceAsync(TimeSpan.FromSeconds(31));
        var job = Assert.Single(_cluster.Store.List(ResourceType.Job, "default").Items);
        var minute = new DateTimeOffset(2026, 12, 7, 10, 1, 0, TimeSpan.Zero);
        Assert.Equal($"tick-{minute.ToUnixTimeSeconds() / 60}", Json.Name(job));
        Assert.Equal("2026-12-07T10:01:00Z", Json.Str(job["metadata"]!["annotations"]!["batch.kubernetes.io/cronjob-scheduled-timestamp"]));
        cj = _cluster.Store.Get(ResourceType.CronJob, "default", "tick")!;
        Assert.Equal("2026-12-07T10:01:00Z", Json.Str(cj["status"]!["lastScheduleTime"]));
        Assert.Equal(Json.Uid(job), Json.Str(cj["status"]!["active"]![0]!["uid"]));

        for (var i = 0; i < 3; i++)
        {
            await AdvanceAsync(TimeSpan.FromMinutes(1));
        }

        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var jobs = _cluster.Store.List(ResourceType.Job, "default").Items;
        Assert.Equal(2, jobs.Count); // four ran, two successful kept
        cj = _cluster.Store.Get(ResourceType.CronJob, "default", "tick")!;
        Assert.Null(cj["status"]!["active"]);
        Assert.Equal(jobs.Select(j => Json.Str(j["status"]!["completionTime"])).Max(StringComparer.Ordinal), Json.Str(cj["status"]!["lastSuccessfulTime"])); // the newest completion
        Assert.Equal("2026-12-07T10:04:00Z", Json.Str(cj["status"]!["lastScheduleTime"]));
        var reasons = _cluster.Store.List(ResourceType.Event, "default").Items.Where(e => Json.Str(e["involvedObject"]!["kind"]) == "CronJob").Select(e => Json.Str(e["reason"])).ToList();
        Assert.Contains("SawCompletedJob", reasons);
        Assert.Contains("SuccessfulDelete", reasons);
        Assert.Equal(["tick", "*/1 * * * *", "<none>", "False", "0"], (await CellsAsync("/apis/batch/v1/namespaces/default/cronjobs")).Take(5));
    }

    [Theory]
    [InlineData("*/15 9-17 * * MON-FRI", "2026-12-07T10:07:00Z", "2026-12-07T10:15:00Z")] // a Monday
    [InlineData("0 0 * * *", "2026-12-07T10:07:00Z", "2026-12-08T00:00:00Z")]
    [InlineData("@hourly", "2026-12-07T10:07:00Z", "2026-12-07T11:00:00Z")]
    [InlineData("30 4 1,15 * 5", "2026-12-07T10:07:00Z", "2026-12-11T04:30:00Z")] // both day fields: either matches (Friday the 11th)
    [InlineData("0 12 * JAN *", "2026-12-07T10:07:00Z", "2027-01-01T12:00:00Z")]
    public void Schedules_FireWhenCronSays(string schedule, string after, string next)
    {
        var parsed = CronSchedule.TryParse(schedule, out var error);
        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse(next, System.Globalization.CultureInfo.InvariantCulture), parsed!.Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("foo", "spec.schedule: Invalid value: \"foo\": expected exactly 5 fields, found 1: [foo]")]
    [InlineData("61 * * * *", "spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61")]
    [InlineData("TZ=UTC 0 * * * *", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]
    public void Invalid_Schedules_AreRefused(string schedule, string problem)
    {
        var ex = Assert.Throws<KubernetesStatusException>(() => _cluster.Apply("""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"bad","namespace":"default"},"spec":{"schedule":"SCHEDULE","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"a"}]}}}}}}""".Replace("SCHEDULE", schedule, StringComparison.Ordinal)));

        Assert.Equal(422, ex.Code);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    private async Task<string> CellAsync(string path, int column) => (await CellsAsync(path))[column];

    private async Task<string[]> CellsAsync(string path)
    {
        var server = _cluster.ApiServer ?? await _cluster.StartApiServerAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/json;as=Table;v=v1;g=meta.k8s.io");
        var table = JsonNode.Parse(await (await http.SendAsync(request)).Content.ReadAsStringAsync())!;
        return [.. table["rows"]![0]!["cells"]!.AsArray().Select(c => c!.ToString())];
    }
}
