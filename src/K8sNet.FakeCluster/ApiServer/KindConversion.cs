using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.ApiServer;

/// <summary>
/// A version the API serves of a kind it stores in another, converted both ways as kube-apiserver's conversions do:
/// autoscaling/v1 HorizontalPodAutoscalers (what <c>kubectl autoscale</c> 1.32 posts) over autoscaling/v2, and
/// events.k8s.io/v1 Events over core/v1 Events.
/// </summary>
internal sealed record KindConversion(ResourceType Served, ResourceType Storage, Func<JsonObject, JsonObject> ToStorage, Func<JsonObject, JsonObject> FromStorage, IReadOnlyDictionary<string, string> Fields)
{
    private const string MetricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
    private const string ConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
    private const string CurrentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";

    private static readonly KindConversion[] All =
    [
        new(ResourceType.HorizontalPodAutoscalerV1, ResourceType.HorizontalPodAutoscaler, AutoscalerToV2, AutoscalerToV1, new Dictionary<string, string>()),
        new(ResourceType.EventsV1, ResourceType.Event, EventToCore, EventToV1, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["regarding.kind"] = "involvedObject.kind", ["regarding.namespace"] = "involvedObject.namespace", ["regarding.name"] = "involvedObject.name",
            ["regarding.uid"] = "involvedObject.uid", ["regarding.apiVersion"] = "involvedObject.apiVersion",
            ["regarding.resourceVersion"] = "involvedObject.resourceVersion", ["regarding.fieldPath"] = "involvedObject.fieldPath",
            ["reportingController"] = "reportingComponent",
        }),
    ];

    public static KindConversion? For(ResourceType served) => All.FirstOrDefault(c => c.Served == served);

    /// <summary>A stored object (or Status, Table...) as the served version shows it; others pass through.</summary>
    public JsonNode Out(JsonNode node) =>
        node is JsonObject obj && Json.Str(obj["kind"]) == Storage.Kind && Json.Str(obj["apiVersion"]) == Storage.ApiVersion ? FromStorage(obj) : node;

    /// <summary>A field selector in the served version's words, in the stored one's.</summary>
    public string? Selector(string? selector)
    {
        if (string.IsNullOrEmpty(selector) || Fields.Count == 0)
        {
            return selector;
        }

        return string.Join(",", selector.Split(',').Select(term =>
        {
            var end = term.IndexOfAny(['=', '!']);
            var field = end < 0 ? term : term[..end];
            return Fields.TryGetValue(field.Trim(), out var stored) ? stored + term[end..] : term;
        }));
    }

    // ---------------------------------------------------------------- autoscaling/v1 <-> v2 (pkg/apis/autoscaling/v1/conversion.go)

    private static JsonObject AutoscalerToV2(JsonObject v1)
    {
        var v2 = (JsonObject)v1.DeepClone();
        v2["apiVersion"] = "autoscaling/v2";
        var spec = Json.Obj(v2, "spec");
        var metrics = new JsonArray();
        if (Json.Num(spec["targetCPUUtilizationPercentage"]) is { } cpu)
        {
            metrics.Add(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = cpu } } });
        }

        spec.Remove("targetCPUUtilizationPercentage");
        var annotations = v2["metadata"]?["annotations"] as JsonObject;
        if (Json.Str(annotations?[MetricsAnnotation]) is { } more && JsonNode.Parse(more) is JsonArray extra)
        {
            foreach (var metric in extra)
            {
                metrics.Add(metric?.DeepClone());
            }
        }

        annotations?.Remove(MetricsAnnotation);
        annotations?.Remove(ConditionsAnnotation);
        annotations?.Remove(CurrentMetricsAnnotation);
        if (metrics.Count > 0)
        {
            spec["metrics"] = metrics;
        }

        if (v2["status"] is JsonObject status)
        {
            var converted = new JsonObject();
            foreach (var field in new[] { "observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas" })
            {
                if (status[field] is { } value)
                {
                    converted[field] = value.DeepClone();
                }
            }

            v2["status"] = converted;
        }

        return v2;
    }

    private static JsonObject AutoscalerToV1(JsonObject v2)
    {
        var v1 = (JsonObject)v2.DeepClone();
        v1["apiVersion"] = "autoscaling/v1";
        var spec = Json.Obj(v1, "spec");
        var metrics = (spec["metrics"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        spec.Remove("metrics");
        spec.Remove("behavior");
        var cpu = metrics.FirstOrDefault(m => Json.Str(m["type"]) == "Resource" && Json.Str(m["resource"]?["name"]) == "cpu" && Json.Str(m["resource"]?["target"]?["type"]) == "Utilization");
        if (cpu is not null)
        {
            spec["targetCPUUtilizationPercentage"] = cpu["resource"]!["target"]!["averageUtilization"]?.DeepClone();
        }

        var others = metrics.Where(m => m != cpu).ToList();
        var status = v1["status"] as JsonObject;
        if (others.Count > 0 || status?["conditions"] is JsonArray { Count: > 0 })
        {
            var annotations = Json.Obj(ObjectStore.Metadata(v1), "annotations");
            if (others.Count > 0)
            {
                annotations[MetricsAnnotation] = new JsonArray([.. others.Select(m => (JsonNode)m.DeepClone())]).ToJsonString();
            }

            if (status?["conditions"] is JsonArray { Count: > 0 } conditions)
            {
                annotations[ConditionsAnnotation] = conditions.ToJsonString();
            }
        }

        if (status is not null)
        {
            status.Remove("conditions");
            status.Remove("currentMetrics");
        }

        return v1;
    }

    // ---------------------------------------------------------------- events.k8s.io/v1 <-> core/v1 (pkg/apis/events/v1/conversion.go)

    private static readonly (string V1, string Core)[] EventFields =
    [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"), ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ];

    private static JsonObject EventToCore(JsonObject v1) => Rename(v1, "v1", EventFields.Select(f => (f.V1, f.Core)));

    private static JsonObject EventToV1(JsonObject core)
    {
        var v1 = Rename(core, "events.k8s.io/v1", EventFields.Select(f => (f.Core, f.V1)));
        foreach (var (field, value) in v1.ToList())
        {
            // omitempty in events.k8s.io/v1: zero values and empty sources are not written
            if (value is null || (value is JsonObject { Count: 0 }) || (value is JsonValue v && ((v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length == 0) || (v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() == "0"))))
            {
                if (field is not ("eventTime"))
                {
                    v1.Remove(field);
                }
            }
        }

        return v1;
    }

    private static JsonObject Rename(JsonObject source, string apiVersion, IEnumerable<(string From, string To)> names)
    {
        var copy = (JsonObject)source.DeepClone();
        copy["apiVersion"] = apiVersion;
        foreach (var (from, to) in names)
        {
            if (copy.Remove(from, out var value))
            {
                copy[to] = value;
            }
        }

        return copy;
    }
}
