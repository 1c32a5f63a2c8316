using System.Text;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// What kube-apiserver fills in before it validates an object of the kinds an app's manifests carry (the
/// <c>SetDefaults_*</c> functions of pkg/apis/*/v1 and the conversions that act as defaults, 1.32): a Secret's
/// <c>stringData</c> merged into <c>data</c> and its type, binding API groups, NetworkPolicy protocols and policy types,
/// a HorizontalPodAutoscaler's minimum and its CPU target, and the pod-template defaults of workload templates.
/// </summary>
internal static class KindDefaults
{
    private const string RbacGroup = "rbac.authorization.k8s.io";

    public static void Apply(ResourceType type, JsonObject obj)
    {
        if (type == ResourceType.Secret)
        {
            Secret(obj);
        }
        else if (type == ResourceType.IngressClass)
        {
            // networking/v1 SetDefaults_IngressClass: parameters without a scope are cluster-scoped.
            if (obj["spec"]?["parameters"] is JsonObject parameters && parameters["scope"] is null)
            {
                parameters["scope"] = "Cluster";
            }
        }
        else if (type == ResourceType.EndpointSlice)
        {
            // discovery/v1 SetDefaults_EndpointPort: a port's name "" and protocol TCP.
            foreach (var port in (obj["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["name"] ??= string.Empty;
                port["protocol"] ??= "TCP";
            }
        }
        else if (type == ResourceType.ServiceAccount)
        {
            // The strategy keeps only each secret reference's name (cleanSecretReferences).
            foreach (var reference in (obj["secrets"] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var key in reference.Select(kv => kv.Key).Where(k => k != "name").ToList())
                {
                    reference.Remove(key);
                }
            }
        }
        else if (type == ResourceType.RoleBinding || type == ResourceType.ClusterRoleBinding)
        {
            if (obj["roleRef"] is JsonObject roleRef && string.IsNullOrEmpty(Json.Str(roleRef["apiGroup"])))
            {
                roleRef["apiGroup"] = RbacGroup;
            }

            foreach (var subject in (obj["subjects"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (string.IsNullOrEmpty(Json.Str(subject["apiGroup"])))
                {
                    switch (Json.Str(subject["kind"]))
                    {
                        case "ServiceAccount":
                            subject.Remove("apiGroup"); // "" (omitempty: not written)
                            break;
                        case "User" or "Group":
                            subject["apiGroup"] = RbacGroup;
                            break;
                    }
                }
            }
        }
        else if (type == ResourceType.NetworkPolicy)
        {
            NetworkPolicy(Json.Obj(obj, "spec"));
        }
        else if (type == ResourceType.HorizontalPodAutoscaler)
        {
            Autoscaler(Json.Obj(obj, "spec"));
        }
        else if (type == ResourceType.Job)
        {
            JobSpec(Json.Obj(obj, "spec"));
        }
        else if (type == ResourceType.CronJob)
        {
            // SetDefaults_CronJob; the job template gets the pod-template defaults only (SetDefaults_Job takes a Job).
            var spec = Json.Obj(obj, "spec");
            spec["concurrencyPolicy"] ??= "Allow";
            spec["suspend"] ??= false;
            spec["successfulJobsHistoryLimit"] ??= 3;
            spec["failedJobsHistoryLimit"] ??= 1;
            PodTemplate(spec["jobTemplate"]?["spec"]?["template"] as JsonObject);
        }
        else if (type == ResourceType.DaemonSet)
        {
            // SetDefaults_DaemonSet: RollingUpdate, one unavailable and no surge; ten revisions kept.
            var spec = Json.Obj(obj, "spec");
            var strategy = Json.Obj(spec, "updateStrategy");
            strategy["type"] ??= "RollingUpdate";
            if (Json.Str(strategy["type"]) == "RollingUpdate")
            {
                var rolling = Json.Obj(strategy, "rollingUpdate");
                rolling["maxUnavailable"] ??= 1;
                rolling["maxSurge"] ??= 0;
            }

            spec["revisionHistoryLimit"] ??= 10;
            PodTemplate(spec["template"] as JsonObject);
        }
    }

    // SetDefaults_Job: one pod at a time and one completion unless told; 6 retries; NonIndexed; not suspended; pods
    // replaced once terminating or failed (once failed with a pod failure policy).
    private static void JobSpec(JsonObject spec)
    {
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
            spec["parallelism"] = 1;
        }

        spec["parallelism"] ??= 1;
        spec["backoffLimit"] ??= spec["backoffLimitPerIndex"] is null ? 6 : int.MaxValue;
        spec["completionMode"] ??= "NonIndexed";
        spec["suspend"] ??= false;
        spec["manualSelector"] ??= false;
        spec["podReplacementPolicy"] ??= spec["podFailurePolicy"] is null ? "TerminatingOrFailed" : "Failed";
        PodTemplate(spec["template"] as JsonObject);
    }

    /// <summary>
    /// A Job's generated selector (the job strategy's PrepareForCreate, which knows the uid): the template gets
    /// <c>batch.kubernetes.io/controller-uid</c>, <c>batch.kubernetes.io/job-name</c> and their legacy twins, the
    /// selector matches the uid; and the Job's labels, when it has none, are the template's (SetDefaults_Job).
    /// </summary>
    public static void JobIdentity(JsonObject job)
    {
        var meta = ObjectStore.Metadata(job);
        var spec = Json.Obj(job, "spec");
        var uid = Json.Str(meta["uid"]) ?? string.Empty;
        var name = Json.Str(meta["name"]) ?? string.Empty;
        if (Json.Bool(spec["manualSelector"]) != true)
        {
            var labels = Json.Obj(Json.Obj(Json.Obj(spec, "template"), "metadata"), "labels");
            labels["batch.kubernetes.io/controller-uid"] ??= uid;
            labels["batch.kubernetes.io/job-name"] ??= name;
            labels["controller-uid"] ??= uid;
            labels["job-name"] ??= name;
            var matchLabels = Json.Obj(Json.Obj(spec, "selector"), "matchLabels");
            matchLabels["batch.kubernetes.io/controller-uid"] ??= uid;
        }

        if ((meta["labels"] as JsonObject ?? []).Count == 0 && spec["template"]?["metadata"]?["labels"] is JsonObject templateLabels)
        {
            meta["labels"] = templateLabels.DeepClone();
        }
    }

    /// <summary>
    /// A DaemonSet's template generation (<c>deprecated.daemonset.template.generation</c>): 1 on create, one more each
    /// time an update changes the template.
    /// </summary>
    public static void TemplateGeneration(ResourceType type, JsonObject obj, JsonObject? current)
    {
        if (type != ResourceType.DaemonSet)
        {
            return;
        }

        var annotations = Json.Obj(ObjectStore.Metadata(obj), "annotations");
        var before = current is null ? 0 : long.TryParse(Json.Str(current["metadata"]?["annotations"]?[Controllers.DaemonSetController.GenerationAnnotation]), System.Globalization.CultureInfo.InvariantCulture, out var g) ? g : 1;
        var changed = current is null || !JsonNode.DeepEquals(obj["spec"]?["template"], current["spec"]?["template"]);
        annotations[Controllers.DaemonSetController.GenerationAnnotation] = (changed ? before + 1 : Math.Max(before, 1)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    // Convert_v1_Secret_To_core_Secret: each stringData value replaces data's (as UTF-8), and stringData is never
    // stored; SetDefaults_Secret: type Opaque.
    private static void Secret(JsonObject obj)
    {
        if (obj["stringData"] is JsonObject stringData)
        {
            var data = Json.Obj(obj, "data");
            foreach (var (key, value) in stringData)
            {
                data[key] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Str(value) ?? string.Empty));
            }
        }

        obj.Remove("stringData");
        if (string.IsNullOrEmpty(Json.Str(obj["type"])))
        {
            obj["type"] = "Opaque";
        }
    }

    // SetDefaults_NetworkPolicy: each port's protocol TCP; policyTypes Ingress, plus Egress when there are egress rules.
    private static void NetworkPolicy(JsonObject spec)
    {
        foreach (var direction in new[] { "ingress", "egress" })
        {
            foreach (var rule in (spec[direction] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }

        if ((spec["policyTypes"] as JsonArray ?? []).Count == 0)
        {
            spec["policyTypes"] = (spec["egress"] as JsonArray)?.Count > 0 ? new JsonArray("Ingress", "Egress") : new JsonArray("Ingress");
        }
    }

    // SetDefaults_HorizontalPodAutoscaler (autoscaling/v2): minReplicas 1; no metrics → CPU at 80% utilization; a
    // behavior that is given gets its unset parts.
    private static void Autoscaler(JsonObject spec)
    {
        spec["minReplicas"] ??= 1;
        if ((spec["metrics"] as JsonArray ?? []).Count == 0)
        {
            spec["metrics"] = new JsonArray(new JsonObject
            {
                ["type"] = "Resource",
                ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 } },
            });
        }

        if (spec["behavior"] is JsonObject behavior)
        {
            var up = behavior["scaleUp"] as JsonObject ?? (JsonObject)(behavior["scaleUp"] = new JsonObject());
            up["stabilizationWindowSeconds"] ??= 0;
            up["selectPolicy"] ??= "Max";
            up["policies"] ??= new JsonArray(
                new JsonObject { ["type"] = "Pods", ["value"] = 4, ["periodSeconds"] = 15 },
                new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
            var down = behavior["scaleDown"] as JsonObject ?? (JsonObject)(behavior["scaleDown"] = new JsonObject());
            down["selectPolicy"] ??= "Max";
            down["policies"] ??= new JsonArray(new JsonObject { ["type"] = "Percent", ["value"] = 100, ["periodSeconds"] = 15 });
        }
    }

    /// <summary>The PodSpec defaults inside a workload's pod template (SetDefaults_PodSpec and its containers).</summary>
    public static void PodTemplate(JsonObject? template)
    {
        if (template is null)
        {
            return;
        }

        var spec = Json.Obj(template, "spec");
        spec["restartPolicy"] ??= "Always";
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["schedulerName"] ??= "default-scheduler";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["securityContext"] ??= new JsonObject();
        foreach (var container in (spec["containers"] as JsonArray ?? []).Concat(spec["initContainers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var image = Json.Str(container["image"]) ?? string.Empty;
            var tagged = image.LastIndexOf(':') > image.LastIndexOf('/');
            container["imagePullPolicy"] ??= !tagged || image.EndsWith(":latest", StringComparison.Ordinal) ? "Always" : "IfNotPresent";
            container["terminationMessagePath"] ??= "/dev/termination-log";
            container["terminationMessagePolicy"] ??= "File";
            container["resources"] ??= new JsonObject();
            foreach (var port in (container["ports"] as JsonArray ?? []).OfType<JsonObject>())
            {
                port["protocol"] ??= "TCP";
            }
        }
    }

    /// <summary>
    /// Where Go's base64 decoder (the standard encoding, with padding; <c>\r</c> and <c>\n</c> skipped) stops on
    /// <paramref name="text"/>: the input byte it reports in <c>illegal base64 data at input byte N</c>, or
    /// <see langword="null"/> when the text decodes.
    /// </summary>
    public static int? Base64Error(string text)
    {
        var i = 0;
        while (true)
        {
            var got = 0;
            while (got < 4)
            {
                if (i == text.Length)
                {
                    // The end inside a group: a group of one, or any unpadded group, is refused where it began.
                    return got == 0 ? null : i - got;
                }

                var c = text[i++];
                if (c is '\r' or '\n')
                {
                    continue;
                }

                if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
                {
                    got++;
                    continue;
                }

                if (c != '=' || got < 2)
                {
                    return i - 1; // not of the alphabet, or padding too early
                }

                if (got == 2)
                {
                    while (i < text.Length && text[i] is '\r' or '\n')
                    {
                        i++;
                    }

                    if (i == text.Length)
                    {
                        return text.Length; // "xx=" wants a second '='
                    }

                    if (text[i] != '=')
                    {
                        return i - 1;
                    }

                    i++;
                }

                while (i < text.Length && text[i] is '\r' or '\n')
                {
                    i++;
                }

                return i < text.Length ? i : null; // nothing may follow the padding
            }
        }
    }
}
