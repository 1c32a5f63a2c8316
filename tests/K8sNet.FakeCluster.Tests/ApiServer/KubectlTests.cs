using System.Diagnostics;
using k8s.Models;
using K8sNet.Testing;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Tests.ApiServer;

/// <summary>
/// kubectl against the fake API server with its default settings (skipped, saying so, where kubectl is not on PATH;
/// the same calls are made through KubernetesClient in <see cref="ApiServerTests"/>).
/// </summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private readonly FakeCluster _cluster = new(o => o.PodShutdownTime = TimeSpan.FromSeconds(1)); // containers exit on SIGTERM within a second
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.kubeconfig");
    private readonly string _cacheDir = Path.Combine(Path.GetTempPath(), $"k8snet-kubectl-cache-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        _cluster.Apply("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: app, image: "web:1"}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
            """);
        await _cluster.WaitForIdleAsync();
        await _cluster.StartApiServerAsync();
        _cluster.WriteKubeconfig(_kubeconfig);
    }

    public async Task DisposeAsync()
    {
        File.Delete(_kubeconfig);
        if (Directory.Exists(_cacheDir))
        {
            Directory.Delete(_cacheDir, recursive: true);
        }

        Assert.Empty(_cluster.ApiServer!.UnhandledExceptions);
        await _cluster.DisposeAsync();
    }

    [SkippableFact]
    public async Task GetDescribeScale()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same requests are made through KubernetesClient in ApiServerTests.");

        var (code, pods) = await KubectlAsync("get", "pods");
        Assert.Equal(0, code);
        Assert.Equal(2, pods.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("web-", StringComparison.Ordinal)));
        Assert.Matches(@"NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE", pods); // the server's Table
        Assert.Matches(@"web-\S+\s+1/1\s+Running\s+0\s+\d+s", pods);
        var (_, services) = await KubectlAsync("get", "services", "-o", "wide");
        Assert.Matches(@"web\s+ClusterIP\s+10\.96\.\S+\s+<none>\s+80/TCP\s+\S+\s+app=web", services);

        var (_, describe) = await KubectlAsync("describe", "service", "web");
        Assert.Contains("Selector:", describe, StringComparison.Ordinal);
        Assert.Contains("app=web", describe, StringComparison.Ordinal);

        var (scaleCode, scaled) = await KubectlAsync("scale", "deployment", "web", "--replicas=3");
        Assert.Equal(0, scaleCode);
        Assert.Contains("deployment.apps/web scaled", scaled, StringComparison.Ordinal);
        Assert.Equal(3, _cluster.Get<V1Deployment>("web")!.Spec.Replicas);
        await _cluster.WaitForIdleAsync();

        var (_, replicas) = await KubectlAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}");
        Assert.Equal("3", replicas.Trim());
        var (missingCode, missing) = await KubectlAsync("get", "pod", "nope");
        Assert.NotEqual(0, missingCode);
        Assert.Contains("NotFound", missing, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Apply_CreatesThenPatches_WithTheDefaultValidation()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); strategic merge patch is tested through KubernetesClient in StrategicMergePatchTests.");
        var file = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.yaml");
        try
        {
            // The default --validate=strict: kubectl reads /openapi/v3, sees the fieldValidation parameter and leaves
            // validation to the server (fieldValidation=Strict).
            await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {a: \"1\"}\n");
            var (created, createdText) = await KubectlAsync("apply", "-f", file);
            Assert.True(created == 0, createdText);
            Assert.Contains("configmap/settings created", createdText, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {b: \"2\"}\n");
            var (configured, configuredText) = await KubectlAsync("apply", "-f", file);
            Assert.True(configured == 0, configuredText);
            Assert.Contains("configmap/settings configured", configuredText, StringComparison.Ordinal);
            var data = _cluster.Get<V1ConfigMap>("settings")!.Data;
            Assert.Equal(["b"], data.Keys); // the three-way patch removed what the last applied configuration had
            Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", _cluster.Get<V1ConfigMap>("settings")!.Annotations().Keys);

            var (unchangedCode, unchangedText) = await KubectlAsync("apply", "-f", file);
            Assert.True(unchangedCode == 0, unchangedText);
            Assert.Contains("configmap/settings unchanged", unchangedText, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndta: {b: \"2\"}\n");
            var (strictCode, strictText) = await KubectlAsync("apply", "-f", file);
            Assert.NotEqual(0, strictCode);
            Assert.Contains("unknown field \"dta\"", strictText, StringComparison.Ordinal); // the server's strict validation

            var (imageCode, imageText) = await KubectlAsync("set", "image", "deployment/web", "app=web:2");
            Assert.True(imageCode == 0, imageText);
            Assert.Equal("web:2", _cluster.Get<V1Deployment>("web")!.Spec.Template.Spec.Containers.Single().Image);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task Apply_OfQuantitiesTheServerRewrites_ReportsConfiguredEveryTime_AsUpstream_AndInvalidObjectsAreRefusedAsUpstream()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); canonical quantities and the validation messages are tested over HTTP in CoreValidationTests and IngressValidationTests.");
        var file = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.yaml");
        try
        {
            // The server stores cpu 0.5 as "500m" and memory 1024Mi as "1Gi". kubectl's three-way patch diffs the live
            // object against the file, finds 0.5 ≠ "500m", and reports "configured" on every apply — as a cluster does
            // (kubernetes/kubernetes#116135, #66450); with canonical values in the file it is "unchanged".
            await File.WriteAllTextAsync(file, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: default}
                spec:
                  selector: {matchLabels: {app: api}}
                  template:
                    metadata: {labels: {app: api}}
                    spec:
                      containers:
                      - name: app
                        image: "api:1"
                        resources: {requests: {cpu: 0.5, memory: 1024Mi}}
                """);
            var (created, createdText) = await KubectlAsync("apply", "-f", file);
            Assert.True(created == 0, createdText);
            var (_, requests) = await KubectlAsync("get", "deployment", "api", "-o", "jsonpath={.spec.template.spec.containers[0].resources.requests}");
            Assert.Equal("{\"cpu\":\"500m\",\"memory\":\"1Gi\"}", requests.Trim());
            var (again, againText) = await KubectlAsync("apply", "-f", file);
            Assert.True(again == 0, againText);
            Assert.Contains("deployment.apps/api configured", againText, StringComparison.Ordinal);
            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file)).Replace("cpu: 0.5, memory: 1024Mi", "cpu: 500m, memory: 1Gi", StringComparison.Ordinal));
            var (canonical, canonicalText) = await KubectlAsync("apply", "-f", file);
            Assert.True(canonical == 0, canonicalText);
            var (unchanged, unchangedText) = await KubectlAsync("apply", "-f", file);
            Assert.True(unchanged == 0, unchangedText);
            Assert.Contains("deployment.apps/api unchanged", unchangedText, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web, namespace: default}
                spec:
                  rules:
                  - host: 127.0.0.1
                    http: {paths: [{path: /api, backend: {service: {name: web, port: {number: 80}}}}]}
                """);
            var (refused, refusedText) = await KubectlAsync("apply", "-f", file);
            Assert.NotEqual(0, refused);
            Assert.Contains("The Ingress \"web\" is invalid: \n* spec.rules[0].host: Invalid value: \"127.0.0.1\": must be a DNS name, not an IP address\n* spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
                refusedText, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task Apply_MultiDocumentFile_CreatesConfiguresAndPrunesAField()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); FakeCluster.Apply reads multi-document YAML in FakeClusterTests.");
        var file = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.yaml");
        const string Manifest = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app-config, namespace: default}
            data: {mode: blue, level: "3"}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: api, namespace: default, labels: {tier: back}}
            spec:
              selector: {app: api}
              ports: [{name: http, port: 80, targetPort: 8080}]
            """;
        try
        {
            await File.WriteAllTextAsync(file, Manifest);
            var (created, createdText) = await KubectlAsync("apply", "-f", file);
            Assert.True(created == 0, createdText);
            Assert.Contains("configmap/app-config created", createdText, StringComparison.Ordinal);
            Assert.Contains("service/api created", createdText, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, Manifest.Replace("mode: blue, level: \"3\"", "mode: green", StringComparison.Ordinal).Replace("labels: {tier: back}", "labels: {}", StringComparison.Ordinal));
            var (configured, configuredText) = await KubectlAsync("apply", "-f", file);
            Assert.True(configured == 0, configuredText);
            Assert.Contains("configmap/app-config configured", configuredText, StringComparison.Ordinal);
            Assert.Contains("service/api configured", configuredText, StringComparison.Ordinal);

            Assert.Equal(new Dictionary<string, string> { ["mode"] = "green" }, _cluster.Get<V1ConfigMap>("app-config")!.Data); // level pruned
            Assert.False(_cluster.Get<V1Service>("api")!.Labels()?.ContainsKey("tier") ?? false); // label pruned
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task OutputFormats_AndEveryPatchType()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); JSON, merge and strategic merge patches are tested through KubernetesClient in ApiServerTests and StrategicMergePatchTests.");

        var (yamlCode, yaml) = await KubectlAsync("get", "service", "web", "-o", "yaml");
        Assert.True(yamlCode == 0, yaml);
        Assert.Contains("kind: Service", yaml, StringComparison.Ordinal);
        Assert.Matches(@"clusterIP: 10\.96\.", yaml);
        var (jsonCode, json) = await KubectlAsync("get", "deployments", "-o", "json");
        Assert.True(jsonCode == 0, json);
        var list = System.Text.Json.JsonDocument.Parse(json).RootElement;
        Assert.Equal("List", list.GetProperty("kind").GetString());
        Assert.Equal("web", list.GetProperty("items")[0].GetProperty("metadata").GetProperty("name").GetString());

        var (mergeCode, merge) = await KubectlAsync("patch", "service", "web", "--type", "merge", "-p", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
        Assert.True(mergeCode == 0, merge);
        Assert.Contains("service/web patched", merge, StringComparison.Ordinal);
        var (jsonPatchCode, jsonPatch) = await KubectlAsync("patch", "deployment", "web", "--type", "json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]");
        Assert.True(jsonPatchCode == 0, jsonPatch);
        var (strategicCode, strategic) = await KubectlAsync("patch", "deployment", "web", "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"MODE\",\"value\":\"on\"}]}]}}}}");
        Assert.True(strategicCode == 0, strategic);

        Assert.Equal("front", _cluster.Get<V1Service>("web")!.Labels()["tier"]);
        var deployment = _cluster.Get<V1Deployment>("web")!;
        Assert.Equal(4, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers); // merged by name, not replaced
        Assert.Equal("web:1", container.Image);
        Assert.Equal(("MODE", "on"), (container.Env.Single().Name, container.Env.Single().Value));
        var (badCode, bad) = await KubectlAsync("patch", "deployment", "web", "--type", "json", "-p", "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9}]");
        Assert.NotEqual(0, badCode);
        Assert.False(string.IsNullOrWhiteSpace(bad));
    }

    [SkippableFact]
    public async Task RolloutStatus_Wait_Selectors_AllNamespaces_Names_ForceDelete()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same list/watch requests are made through KubernetesClient in WatchAndFaultTests.");

        var (rolloutCode, rollout) = await KubectlAsync("rollout", "status", "deployment/web", "--timeout=30s");
        Assert.True(rolloutCode == 0, rollout);
        Assert.Contains("deployment \"web\" successfully rolled out", rollout, StringComparison.Ordinal);

        var (_, names) = await KubectlAsync("get", "pods", "-l", "app in (web,other)", "-o", "name");
        var pods = names.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, pods.Length);
        Assert.All(pods, p => Assert.StartsWith("pod/web-", p, StringComparison.Ordinal));

        var (waitCode, waited) = await KubectlAsync("wait", "--for=condition=Ready", pods[0], "--timeout=30s");
        Assert.True(waitCode == 0, waited);
        Assert.Contains("condition met", waited, StringComparison.Ordinal);

        var (_, all) = await KubectlAsync("get", "pods", "-A", "--field-selector", "status.phase=Running");
        Assert.Matches(@"NAMESPACE\s+NAME\s+READY", all);
        Assert.Equal(2, all.Split('\n').Count(l => l.StartsWith("default", StringComparison.Ordinal)));

        // A graceful delete: kubectl waits (list + watch by name) until the kubelet has removed the pod.
        var (deleteCode, deleted) = await KubectlAsync("delete", pods[0], "--timeout=30s");
        Assert.True(deleteCode == 0, deleted);
        Assert.Contains($"pod \"{pods[0]["pod/".Length..]}\" deleted", deleted, StringComparison.Ordinal);
        Assert.Null(_cluster.Get<V1Pod>(pods[0]["pod/".Length..]));

        var (forceCode, forced) = await KubectlAsync("delete", pods[1], "--grace-period=0", "--force");
        Assert.True(forceCode == 0, forced);
        Assert.Null(_cluster.Get<V1Pod>(pods[1]["pod/".Length..]));
    }

    [SkippableFact]
    public async Task ApplyServerSide_CreatesConfigures_ConflictsWithClientSideApply_UntilForced()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); server-side apply is tested over HTTP and KubernetesClient in ServerSideApplyTests.");
        var file = Path.Combine(Path.GetTempPath(), $"k8snet-ssa-{Guid.NewGuid():N}.yaml");
        const string Manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: default}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec: {containers: [{name: app, image: \"api:1\"}]}\n";
        try
        {
            await File.WriteAllTextAsync(file, Manifest);
            var (createdCode, created) = await KubectlAsync("apply", "--server-side", "-f", file);
            Assert.True(createdCode == 0, created);
            Assert.Contains("deployment.apps/api serverside-applied", created, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, Manifest.Replace("api:1", "api:2", StringComparison.Ordinal));
            var (configuredCode, configured) = await KubectlAsync("apply", "--server-side", "-f", file);
            Assert.True(configuredCode == 0, configured);
            Assert.Equal("api:2", _cluster.Get<V1Deployment>("api")!.Spec.Template.Spec.Containers[0].Image);

            // A Deployment made by client-side apply: kubectl-client-side-apply owns its fields (operation Update).
            var web = Path.Combine(Path.GetTempPath(), $"k8snet-ssa-{Guid.NewGuid():N}.yaml");
            const string Web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web2, namespace: default}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web2}}\n  template:\n    metadata: {labels: {app: web2}}\n    spec: {containers: [{name: app, image: \"web:1\"}]}\n";
            try
            {
                await File.WriteAllTextAsync(web, Web);
                var (clientSideCode, clientSide) = await KubectlAsync("apply", "-f", web);
                Assert.True(clientSideCode == 0, clientSide);

                await File.WriteAllTextAsync(web, Web.Replace("replicas: 2", "replicas: 4", StringComparison.Ordinal));
                var (conflictCode, conflict) = await KubectlAsync("apply", "--server-side", "-f", web);
                Assert.NotEqual(0, conflictCode);
                Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", conflict, StringComparison.Ordinal);
                Assert.Equal(2, _cluster.Get<V1Deployment>("web2")!.Spec.Replicas);

                var (forcedCode, forced) = await KubectlAsync("apply", "--server-side", "--force-conflicts", "-f", web);
                Assert.True(forcedCode == 0, forced);
                Assert.Equal(4, _cluster.Get<V1Deployment>("web2")!.Spec.Replicas);

                var (_, yaml) = await KubectlAsync("get", "deployment", "web2", "-o", "yaml", "--show-managed-fields");
                Assert.Contains("manager: kubectl", yaml, StringComparison.Ordinal);
                Assert.Contains("operation: Apply", yaml, StringComparison.Ordinal);
            }
            finally
            {
                File.Delete(web);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task Explain_ReadsTheSchemasFromOpenApiV3()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the schemas are read over HTTP in ApiServerTests.");

        var (code, replicas) = await KubectlAsync("explain", "deployment.spec.replicas");
        Assert.True(code == 0, replicas);
        Assert.Contains("KIND:", replicas, StringComparison.Ordinal);
        Assert.Contains("Deployment", replicas, StringComparison.Ordinal);
        Assert.Contains("replicas", replicas, StringComparison.Ordinal);
        Assert.Contains("<integer>", replicas, StringComparison.Ordinal);

        var (containersCode, containers) = await KubectlAsync("explain", "pods.spec.containers");
        Assert.True(containersCode == 0, containers);
        Assert.Contains("image", containers, StringComparison.Ordinal);
        Assert.Contains("<string>", containers, StringComparison.Ordinal);

        var (missingCode, missing) = await KubectlAsync("explain", "deployment.spec.nosuchfield");
        Assert.NotEqual(0, missingCode);
        Assert.Contains("nosuchfield", missing, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RolloutStatus_FollowsARollingUpdate_AndTheSlicesFollowThePods()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); rolling updates and slices are tested through KubernetesClient in ApiServerTests and the controller tests.");
        var before = _cluster.List<V1Pod>("default", "app=web").Select(p => p.Status.PodIP).ToHashSet();

        var (imageCode, image) = await KubectlAsync("set", "image", "deployment/web", "app=web:2");
        Assert.True(imageCode == 0, image);
        var (rolloutCode, rollout) = await KubectlAsync("rollout", "status", "deployment/web", "--timeout=60s");

        Assert.True(rolloutCode == 0, rollout);
        Assert.Contains("deployment \"web\" successfully rolled out", rollout, StringComparison.Ordinal);
        var pods = _cluster.List<V1Pod>("default", "app=web").Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p => Assert.Equal("web:2", p.Spec.Containers[0].Image));

        // The old pods terminate (a second: PodShutdownTime) and leave the slice; kubectl prints at most three addresses.
        for (var waited = 0; _cluster.List<V1Pod>("default", "app=web").Count > 2 && waited < 100; waited++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        await _cluster.WaitForIdleAsync();
        var (slicesCode, slices) = await KubectlAsync("get", "endpointslices", "-l", "kubernetes.io/service-name=web");
        Assert.True(slicesCode == 0, slices);
        Assert.Matches(@"NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE", slices);
        Assert.Matches(@"web-\w+\s+IPv4\s+8080\s+", slices);
        var printed = System.Text.RegularExpressions.Regex.Matches(slices, @"\b\d+\.\d+\.\d+\.\d+\b").Select(m => m.Value).ToHashSet();
        Assert.Equal(pods.Select(p => p.Status.PodIP).ToHashSet(), printed); // the new pods' addresses, the old ones gone
        Assert.Empty(before.Intersect(printed));
    }

    // Issue 23: undo made a third ReplicaSet (history 1, 2, 3); a cluster reuses the first (history 2, 3).
    [SkippableFact]
    public async Task RolloutUndo_ReusesTheEarlierReplicaSet_HistoryAsOnACluster()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same patch is tested in process in WorkloadControllerTests.");
        var (imageCode, image) = await KubectlAsync("set", "image", "deployment/web", "app=web:2");
        Assert.True(imageCode == 0, image);
        await _cluster.WaitForIdleAsync();

        var (undoCode, undo) = await KubectlAsync("rollout", "undo", "deployment/web");
        await _cluster.WaitForIdleAsync();
        var (historyCode, history) = await KubectlAsync("rollout", "history", "deployment/web");

        Assert.True(undoCode == 0, undo);
        Assert.Contains("deployment.apps/web rolled back", undo, StringComparison.Ordinal);
        Assert.True(historyCode == 0, history);
        Assert.Equal(["2", "3"], System.Text.RegularExpressions.Regex.Matches(history, @"(?m)^(\d+)\s").Select(m => m.Groups[1].Value));
        Assert.Equal(2, _cluster.List<V1ReplicaSet>("default", "app=web").Count);
        Assert.All(_cluster.List<V1Pod>("default", "app=web").Where(p => p.Metadata.DeletionTimestamp is null), p => Assert.Equal("web:1", p.Spec.Containers[0].Image));
    }

    [SkippableFact]
    public async Task GetWatch_PrintsLaterChangesAsTableRows()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); watches are tested through KubernetesClient in WatchAndFaultTests.");
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--kubeconfig", _kubeconfig, "--cache-dir", _cacheDir, "get", "pods", "-w", "--request-timeout=20s" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        try
        {
            var header = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Matches(@"NAME\s+READY\s+STATUS", header!);
            Assert.NotNull(await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10))); // the two pods
            Assert.NotNull(await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));

            _cluster.Create(Cluster.FakeClusterTests.Pod("late"));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            while (line is not null && !(line.StartsWith("late ", StringComparison.Ordinal) && line.Contains("Running", StringComparison.Ordinal)));

            Assert.NotNull(line); // the new pod's row, as a Table row, up to Running
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [SkippableFact]
    public async Task CreateCommands_SendProtobuf_AndCreateWhatTheySay()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); protobuf bodies are sent through HTTP in ProtobufTests.");

        // kubectl's typed clients send application/vnd.kubernetes.protobuf for built-in kinds (issue 23).
        var (ns, nsText) = await KubectlAsync("create", "namespace", "t1", "-v=8");
        Assert.True(ns == 0, nsText);
        Assert.Contains("namespace/t1 created", nsText, StringComparison.Ordinal);
        Assert.Contains("Accept: application/vnd.kubernetes.protobuf,application/json", nsText, StringComparison.Ordinal);
        Assert.Equal(2, nsText.Split("Content-Type: application/vnd.kubernetes.protobuf").Length - 1); // what kubectl sent, and its answer
        Assert.NotNull(_cluster.Get<V1Namespace>("t1"));

        var (deploy, deployText) = await KubectlAsync("create", "deployment", "api", "-n", "t1", "--image=api:1", "--replicas=2", "--port=8080");
        Assert.True(deploy == 0, deployText);
        Assert.Contains("deployment.apps/api created", deployText, StringComparison.Ordinal);
        var created = _cluster.Get<V1Deployment>("api", "t1")!;
        Assert.Equal(2, created.Spec.Replicas);
        Assert.Equal("api", created.Spec.Selector.MatchLabels["app"]);
        Assert.Equal(8080, created.Spec.Template.Spec.Containers.Single().Ports.Single().ContainerPort);

        var (svc, svcText) = await KubectlAsync("create", "service", "clusterip", "api", "-n", "t1", "--tcp=80:8080");
        Assert.True(svc == 0, svcText);
        var service = _cluster.Get<V1Service>("api", "t1")!;
        Assert.Equal(80, service.Spec.Ports.Single().Port);
        Assert.Equal("8080", service.Spec.Ports.Single().TargetPort.Value);
        Assert.StartsWith("10.96.", service.Spec.ClusterIP, StringComparison.Ordinal);

        var (cm, cmText) = await KubectlAsync("create", "configmap", "settings", "-n", "t1", "--from-literal=mode=fast");
        Assert.True(cm == 0, cmText);
        Assert.Equal("fast", _cluster.Get<V1ConfigMap>("settings", "t1")!.Data["mode"]);

        var (run, runText) = await KubectlAsync("run", "probe", "-n", "t1", "--image=busybox:1", "--labels=app=probe", "--port=9000");
        Assert.True(run == 0, runText);
        Assert.Contains("pod/probe created", runText, StringComparison.Ordinal);
        var (expose, exposeText) = await KubectlAsync("expose", "pod", "probe", "-n", "t1", "--port=90", "--target-port=9000");
        Assert.True(expose == 0, exposeText);
        Assert.Equal("probe", _cluster.Get<V1Service>("probe", "t1")!.Spec.Selector["app"]);

        await _cluster.WaitForIdleAsync();
        var (get, getText) = await KubectlAsync("get", "deploy,svc,pods", "-n", "t1");
        Assert.True(get == 0, getText);
        Assert.Matches(@"deployment\.apps/api\s+2/2", getText);
    }

    [SkippableFact]
    public async Task Apply_OfAnUnknownKind_WithValidationOn_SaysWhatKubectlSaysAgainstACluster()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the /openapi/v2 answer it relies on is tested in ApiServerTests.");
        var file = Path.Combine(Path.GetTempPath(), $"k8snet-{Guid.NewGuid():N}.yaml");
        try
        {
            await File.WriteAllTextAsync(file, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: default}\nspec: {size: 3}\n");
            var (code, text) = await KubectlAsync("apply", "-f", file); // the default --validate=strict

            Assert.NotEqual(0, code);
            Assert.Contains("no matches for kind \"Widget\" in version \"example.com/v1\"", text, StringComparison.Ordinal);
            Assert.Contains("ensure CRDs are installed first", text, StringComparison.Ordinal);
            Assert.DoesNotContain("error validating", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [SkippableFact]
    public async Task CreateCommands_ForTheKindsAnAppCarries()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same kinds are created over HTTP in AppKindsTests.");

        async Task Ok(params string[] args)
        {
            var (code, text) = await KubectlAsync(args);
            Assert.True(code == 0, $"kubectl {string.Join(' ', args)}: {text}");
        }

        await Ok("create", "secret", "generic", "db", "--from-literal=user=admin", "--from-literal=password=s3cret");
        await Ok("create", "serviceaccount", "app");
        await Ok("create", "role", "reader", "--verb=get,list", "--resource=pods,deployments.apps");
        await Ok("create", "rolebinding", "read", "--role=reader", "--user=jane", "--serviceaccount=default:app");
        await Ok("create", "clusterrole", "probe", "--verb=get", "--non-resource-url=/healthz");
        await Ok("create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=1");
        await Ok("autoscale", "deployment", "web", "--min=2", "--max=4", "--cpu-percent=70"); // autoscaling/v1, in protobuf
        await _cluster.WaitForIdleAsync();

        var (_, secrets) = await KubectlAsync("get", "secret", "db");
        Assert.Matches(@"db\s+Opaque\s+2\s+\d+s", secrets);
        var (_, role) = await KubectlAsync("get", "role", "reader", "-o", "jsonpath={.rules[*].apiGroups}");
        Assert.Equal("[\"\"] [\"apps\"]", role.Trim()); // kubectl resolved deployments to apps through discovery
        var (_, bindings) = await KubectlAsync("get", "rolebinding", "read", "-o", "wide");
        Assert.Matches(@"read\s+Role/reader\s+\d+s\s+jane\s+default/app", bindings);
        var (_, pdb) = await KubectlAsync("get", "pdb", "web");
        Assert.Matches(@"web\s+1\s+N/A\s+1\s+\d+s", pdb); // 2 ready pods, 1 must stay
        var (_, hpa) = await KubectlAsync("get", "hpa", "web");
        Assert.Matches(@"web\s+Deployment/web\s+cpu: <unknown>/70%\s+2\s+4", hpa);
        var (_, resources) = await KubectlAsync("api-resources", "--api-group=rbac.authorization.k8s.io");
        Assert.Contains("clusterrolebindings", resources, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GetEvents_AndDescribe_ShowWhatTheComponentsDid()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same requests are made over HTTP in EventTests.");

        var (code, events) = await KubectlAsync("get", "events", "--sort-by=.lastTimestamp");
        Assert.True(code == 0, events);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+deployment/web\s+Scaled up replica set web-\S+ from 0 to 2", events);
        Assert.Matches(@"Normal\s+SuccessfulCreate\s+replicaset/web-\S+\s+Created pod: web-", events);
        Assert.Matches(@"Normal\s+Started\s+pod/web-\S+\s+Started container app", events);

        var pod = _cluster.List<V1Pod>("default", "app=web")[0].Metadata.Name;
        var (_, describe) = await KubectlAsync("describe", "pod", pod);
        Assert.Matches(@"Events:\s+Type\s+Reason\s+Age\s+From\s+Message", describe);
        Assert.Matches($@"Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default/{pod} to node-\d", describe);
        Assert.Matches(@"Normal\s+Created\s+\S+\s+kubelet\s+Created container: app", describe);
        var (_, deployment) = await KubectlAsync("describe", "deployment", "web");
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+\S+\s+deployment-controller\s+Scaled up replica set web-\S+ from 0 to 2", deployment);
        Assert.DoesNotContain("<none>", deployment[deployment.IndexOf("Events:", StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ARealisticManifestSet_Applies_AndGetAllShowsIt()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same kinds are created over HTTP in AppKindsTests, DaemonSetTests, BatchTests and CustomResourceDefinitionTests.");
        var dir = Directory.CreateTempSubdirectory("k8snet-manifests-");
        try
        {
            // The CRD first: kubectl maps every object of a file before it applies any, as against a cluster.
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "crd.yaml"), """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {plural: widgets, kind: Widget, categories: [all]}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    additionalPrinterColumns: [{name: Size, type: integer, jsonPath: .spec.size}]
                    schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
                """);
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "app.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: orders, namespace: shop}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: config-reader, namespace: shop}
                rules: [{apiGroups: [""], resources: [configmaps, secrets], verbs: [get, list, watch]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: orders-config, namespace: shop}
                roleRef: {kind: Role, name: config-reader}
                subjects: [{kind: ServiceAccount, name: orders, namespace: shop}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: node-reader}
                rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: orders-nodes}
                roleRef: {kind: ClusterRole, name: node-reader}
                subjects: [{kind: ServiceAccount, name: orders, namespace: shop}]
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: shop-tls, namespace: shop}
                type: kubernetes.io/tls
                data: {tls.crt: Y2VydA==, tls.key: a2V5}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: orders, namespace: shop}
                data: {mode: fast}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: orders, namespace: shop}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: orders}}
                  template:
                    metadata: {labels: {app: orders}}
                    spec:
                      serviceAccountName: orders
                      containers: [{name: app, image: "orders:1", ports: [{containerPort: 8080}], resources: {requests: {cpu: 100m}}}]
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: log-agent, namespace: shop}
                spec:
                  selector: {matchLabels: {app: log-agent}}
                  template:
                    metadata: {labels: {app: log-agent}}
                    spec: {containers: [{name: agent, image: "agent:1"}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: orders, namespace: shop}
                spec: {selector: {app: orders}, ports: [{port: 80, targetPort: 8080}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: shop}
                spec:
                  tls: [{hosts: [shop.example], secretName: shop-tls}]
                  rules: [{host: shop.example, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: orders, port: {number: 80}}}}]}}]
                ---
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: orders, namespace: shop}
                spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: orders}, minReplicas: 2, maxReplicas: 5}
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: orders, namespace: shop}
                spec: {minAvailable: 1, selector: {matchLabels: {app: orders}}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: orders, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: orders}}
                  ingress: [{from: [{podSelector: {}}], ports: [{port: 8080}]}]
                ---
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: blue, namespace: shop}
                spec: {size: 3}
                """);

            var (crdCode, crdText) = await KubectlAsync("apply", "-f", Path.Combine(dir.FullName, "crd.yaml"));
            Assert.True(crdCode == 0, crdText);
            var (code, text) = await KubectlAsync("apply", "-f", Path.Combine(dir.FullName, "app.yaml"));
            Assert.True(code == 0, text);
            Assert.Contains("daemonset.apps/log-agent created", text, StringComparison.Ordinal);
            Assert.Contains("widget.example.com/blue created", text, StringComparison.Ordinal);
            await _cluster.WaitForIdleAsync();

            var (_, all) = await KubectlAsync("get", "all", "-n", "shop");
            Assert.Matches(@"deployment\.apps/orders\s+2/2", all);
            Assert.Matches(@"daemonset\.apps/log-agent\s+3\s+3\s+3\s+3\s+3", all);
            Assert.Matches(@"horizontalpodautoscaler\.autoscaling/orders\s+Deployment/orders\s+cpu: <unknown>/80%\s+2\s+5\s+2", all);
            Assert.Matches(@"service/orders\s+ClusterIP", all);
            Assert.Matches(@"widget\.example\.com/blue\s+3", all);
            var (_, rest) = await KubectlAsync("get", "sa,role,rolebinding,secret,pdb,netpol,ingress", "-n", "shop");
            Assert.Matches(@"rolebinding\.rbac\.authorization\.k8s\.io/orders-config\s+Role/config-reader", rest);
            Assert.Matches(@"secret/shop-tls\s+kubernetes\.io/tls\s+2", rest);
            Assert.Matches(@"poddisruptionbudget\.policy/orders\s+1\s+N/A\s+1", rest);
            Assert.Matches(@"networkpolicy\.networking\.k8s\.io/orders\s+app=orders", rest);

            var (again, unchanged) = await KubectlAsync("apply", "-f", Path.Combine(dir.FullName, "app.yaml"));
            Assert.True(again == 0, unchanged);
            // A second apply changes nothing but what kubectl always re-sends against a cluster too: a PDB's selector
            // (patchStrategy replace: the computed patch is never empty) and a NetworkPolicy's port list (atomic, and
            // the server defaulted each port's protocol).
            var configured = unchanged.Split('\n').Where(l => l.EndsWith(" configured", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["networkpolicy.networking.k8s.io/orders configured", "poddisruptionbudget.policy/orders configured"], configured);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Logs_Show_AndExecSaysWhyNot()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the same requests are made over HTTP in PodLogTests.");
        var pod = _cluster.List<V1Pod>("default", "app=web")[0].Metadata.Name;
        foreach (var each in _cluster.List<V1Pod>("default", "app=web")) // deploy/web: kubectl picks one of them
        {
            _cluster.WritePodLog(each.Metadata.Name, "default", "listening on :8080");
            _cluster.WritePodLog(each.Metadata.Name, "default", "GET /healthz 200");
        }

        var (code, logs) = await KubectlAsync("logs", pod);
        Assert.True(code == 0, logs);
        Assert.Equal("listening on :8080\nGET /healthz 200\n", logs);
        var (_, tail) = await KubectlAsync("logs", "deploy/web", "--tail=1");
        Assert.Contains("GET /healthz 200", tail, StringComparison.Ordinal);

        var (execCode, exec) = await KubectlAsync("exec", pod, "--", "ls");
        Assert.NotEqual(0, execCode);
        Assert.Contains("Error from server (BadRequest): exec is not supported by the K8sNet fake API server", exec, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task GetGateway_Wide_ShowsTheCrdsPrinterColumns()
    {
        Skip.If(Which("kubectl") is null, "kubectl is not on PATH (https://kubernetes.io/docs/tasks/tools/); the Table is tested over HTTP in TableTests.");
        _cluster.EnsureGatewayClass();
        _cluster.Apply("""
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata: {name: shop, namespace: default}
            spec:
              gatewayClassName: k8snet
              listeners: [{name: http, protocol: HTTP, port: 80}]
            ---
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata: {name: web, namespace: default}
            spec:
              parentRefs: [{name: shop}]
              hostnames: [shop.example]
              rules: [{backendRefs: [{name: web, port: 80}]}]
            """);
        await _cluster.WaitForIdleAsync();

        var (code, gateways) = await KubectlAsync("get", "gateway", "-o", "wide");
        Assert.True(code == 0, gateways);
        Assert.Matches(@"NAME\s+CLASS\s+ADDRESS\s+PROGRAMMED\s+AGE", gateways);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(gateways, @"shop\s+k8snet\s+\S+\s+True\s+\d+s"), gateways);
        var (_, routes) = await KubectlAsync("get", "httproute");
        Assert.Matches(@"web\s+\[""shop\.example""\]\s+\d+s", routes);
    }

    internal static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);

    private Task<(int Code, string Output)> KubectlAsync(params string[] args) => RunKubectlAsync(_kubeconfig, _cacheDir, args);

    internal static async Task<(int Code, string Output)> RunKubectlAsync(string kubeconfig, string cacheDir, params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--kubeconfig");
        start.ArgumentList.Add(kubeconfig);
        start.ArgumentList.Add("--cache-dir"); // discovery cached per test, not in ~/.kube
        start.ArgumentList.Add(cacheDir);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
