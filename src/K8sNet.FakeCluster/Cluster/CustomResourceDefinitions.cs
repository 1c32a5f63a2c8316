using System.Text.Json.Nodes;
using K8sNet.Testing.Store;

namespace K8sNet.Testing.Cluster;

/// <summary>
/// CustomResourceDefinitions (apiextensions.k8s.io/v1) as apiextensions-apiserver 1.32 takes them: defaulted (singular,
/// list kind, conversion None, stored versions), validated with its messages, and established at once — accepted
/// names and the NamesAccepted and Established conditions set as its naming and establishing controllers set them, so
/// the kinds are served (discovery, OpenAPI, CRUD, watch, tables) as soon as the create returns.
/// </summary>
internal static class CustomResourceDefinitions
{
    /// <summary>SetDefaults_CustomResourceDefinitionSpec, and the strategy's stored versions and cleared status.</summary>
    public static void Default(JsonObject crd, bool create)
    {
        var spec = Json.Obj(crd, "spec");
        var names = Json.Obj(spec, "names");
        if (string.IsNullOrEmpty(Json.Str(names["singular"])) && Json.Str(names["kind"]) is { } kind)
        {
            names["singular"] = kind.ToLowerInvariant();
        }

        if (string.IsNullOrEmpty(Json.Str(names["listKind"])) && Json.Str(names["kind"]) is { Length: > 0 } k)
        {
            names["listKind"] = k + "List";
        }

        spec["conversion"] ??= new JsonObject { ["strategy"] = "None" };
        if (create)
        {
            crd.Remove("status");
        }
    }

    /// <summary>ValidateCustomResourceDefinition: the rules users meet first.</summary>
    public static List<FieldError> Validate(JsonObject crd)
    {
        var errors = new List<FieldError>();
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var group = Json.Str(spec["group"]) ?? string.Empty;
        var plural = Json.Str(names["plural"]) ?? string.Empty;
        if (Json.Name(crd) != $"{plural}.{group}")
        {
            errors.Add(new FieldError("metadata.name", "Invalid value", Json.Quote(Json.Name(crd)), "must be spec.names.plural+\".\"+spec.group"));
        }

        if (group.Length == 0)
        {
            errors.Add(new FieldError("spec.group", "Required value", null, string.Empty));
        }
        else if (KubernetesNames.ValidateDns1123Subdomain(group) is { Count: > 0 } groupErrors)
        {
            errors.Add(new FieldError("spec.group", "Invalid value", Json.Quote(group), string.Join(",", groupErrors)));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            errors.Add(new FieldError("spec.group", "Invalid value", Json.Quote(group), "should be a domain with at least one dot"));
        }

        var scope = Json.Str(spec["scope"]) ?? string.Empty;
        if (scope.Length == 0)
        {
            errors.Add(new FieldError("spec.scope", "Required value", null, string.Empty));
        }
        else if (scope is not ("Cluster" or "Namespaced"))
        {
            errors.Add(new FieldError("spec.scope", "Unsupported value", Json.Quote(scope), "supported values: \"Cluster\", \"Namespaced\""));
        }

        foreach (var field in new[] { "plural", "singular", "kind", "listKind" })
        {
            var value = Json.Str(names[field]) ?? string.Empty;
            if (value.Length == 0)
            {
                errors.Add(new FieldError($"spec.names.{field}", "Required value", null, string.Empty));
            }
            else if (KubernetesNames.ValidateDns1035Label(field is "kind" or "listKind" ? value.ToLowerInvariant() : value) is { Count: > 0 } nameErrors)
            {
                errors.Add(new FieldError($"spec.names.{field}", "Invalid value", Json.Quote(value), (field is "kind" or "listKind" ? "may have mixed case, but should otherwise match: " : string.Empty) + string.Join(",", nameErrors)));
            }
        }

        if (Json.Str(names["kind"]) is { Length: > 0 } sameKind && sameKind == Json.Str(names["listKind"]))
        {
            errors.Add(new FieldError("spec.names.listKind", "Invalid value", Json.Quote(sameKind), "kind and listKind may not be the same"));
        }

        var versions = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var versionsText = "[]apiextensions.CustomResourceDefinitionVersion{...}";
        if (versions.Select(v => Json.Str(v["name"])).Distinct().Count() != versions.Count)
        {
            errors.Add(new FieldError("spec.versions", "Invalid value", versionsText, "must contain unique version names"));
        }

        if (versions.Count(v => Json.Bool(v["storage"]) == true) != 1)
        {
            errors.Add(new FieldError("spec.versions", "Invalid value", versionsText, "must have exactly one version marked as storage version"));
        }

        for (var i = 0; i < versions.Count; i++)
        {
            var version = versions[i];
            var path = $"spec.versions[{i}]";
            var name = Json.Str(version["name"]) ?? string.Empty;
            if (KubernetesNames.ValidateDns1035Label(name) is { Count: > 0 } versionErrors)
            {
                errors.Add(new FieldError($"{path}.name", "Invalid value", Json.Quote(name), string.Join(",", versionErrors)));
            }

            if (version["schema"]?["openAPIV3Schema"] is not JsonObject schema)
            {
                errors.Add(new FieldError($"{path}.schema.openAPIV3Schema", "Required value", null, "schemas are required"));
            }
            else
            {
                Structural(schema, $"{path}.schema.openAPIV3Schema", root: true, errors);
            }

            var columns = (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            for (var j = 0; j < columns.Count; j++)
            {
                var column = columns[j];
                var at = $"{path}.additionalPrinterColumns[{j}]";
                if (string.IsNullOrEmpty(Json.Str(column["name"])))
                {
                    errors.Add(new FieldError($"{at}.name", "Required value", null, string.Empty));
                }

                var type = Json.Str(column["type"]) ?? string.Empty;
                if (type.Length == 0)
                {
                    errors.Add(new FieldError($"{at}.type", "Required value", null, "must be one of boolean,date,integer,number,string"));
                }
                else if (type is not ("boolean" or "date" or "integer" or "number" or "string"))
                {
                    errors.Add(new FieldError($"{at}.type", "Invalid value", Json.Quote(type), "must be one of boolean,date,integer,number,string"));
                }

                var jsonPath = Json.Str(column["jsonPath"]) ?? string.Empty;
                if (jsonPath.Length == 0)
                {
                    errors.Add(new FieldError($"{at}.JSONPath", "Required value", null, string.Empty));
                }
                else if (!jsonPath.StartsWith('.'))
                {
                    errors.Add(new FieldError($"{at}.JSONPath", "Invalid value", Json.Quote(jsonPath), "must be a simple json path starting with ."));
                }
            }
        }

        if (Json.Bool(spec["preserveUnknownFields"]) == true)
        {
            errors.Add(new FieldError("spec.preserveUnknownFields", "Invalid value", "true", "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
        }

        return errors;
    }

    // The structural schema's first rule: every level says its type (unless it preserves unknown fields or is an
    // int-or-string), objects at the root.
    private static void Structural(JsonObject schema, string path, bool root, List<FieldError> errors)
    {
        var type = Json.Str(schema["type"]);
        var exempt = Json.Bool(schema["x-kubernetes-preserve-unknown-fields"]) == true || Json.Bool(schema["x-kubernetes-int-or-string"]) == true;
        if (type is null && !exempt)
        {
            errors.Add(new FieldError($"{path}.type", "Required value", null, root ? "must not be empty at the root" : path.EndsWith(".items", StringComparison.Ordinal) ? "must not be empty for specified array items" : "must not be empty for specified object fields"));
        }
        else if (root && type is not null && type != "object")
        {
            errors.Add(new FieldError($"{path}.type", "Invalid value", Json.Quote(type), "must be object at the root"));
        }

        if (type == "array" && schema["items"] is null)
        {
            errors.Add(new FieldError($"{path}.items", "Required value", null, "must be specified"));
        }

        foreach (var (name, child) in schema["properties"] as JsonObject ?? [])
        {
            if (child is JsonObject c)
            {
                Structural(c, $"{path}.properties[{name}]", root: false, errors);
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Structural(items, $"{path}.items", root: false, errors);
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Structural(additional, $"{path}.additionalProperties", root: false, errors);
        }
    }

    /// <summary>The naming and establishing controllers' work, done at once: accepted names, conditions, stored versions.</summary>
    public static void Establish(JsonObject crd, IEnumerable<JsonObject> others, string now)
    {
        var spec = crd["spec"] as JsonObject ?? [];
        var names = (JsonObject)(spec["names"]?.DeepClone() ?? new JsonObject());
        var group = Json.Str(spec["group"]);
        var status = crd["status"] as JsonObject ?? (JsonObject)(crd["status"] = new JsonObject());
        var conflict = others.Where(o => Json.Str(o["spec"]?["group"]) == group && Json.Name(o) != Json.Name(crd))
            .Select(o => o["status"]?["acceptedNames"] as JsonObject ?? [])
            .Select(accepted => Conflict(names, accepted)).FirstOrDefault(c => c is not null);
        var previous = status["conditions"] as JsonArray ?? [];
        string Since(string type, string value) =>
            previous.OfType<JsonObject>().FirstOrDefault(c => Json.Str(c["type"]) == type && Json.Str(c["status"]) == value)?["lastTransitionTime"]?.GetValue<string>() ?? now;
        if (conflict is { } c)
        {
            status["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "False", ["lastTransitionTime"] = Since("NamesAccepted", "False"), ["reason"] = c.Reason, ["message"] = c.Message },
                new JsonObject { ["type"] = "Established", ["status"] = "False", ["lastTransitionTime"] = Since("Established", "False"), ["reason"] = "NotAccepted", ["message"] = "not all names are accepted" });
        }
        else
        {
            status["acceptedNames"] = names;
            status["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = Since("NamesAccepted", "True"), ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = Since("Established", "True"), ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" });
        }

        var stored = status["storedVersions"] as JsonArray ?? (JsonArray)(status["storedVersions"] = new JsonArray());
        if ((spec["versions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(v => Json.Bool(v["storage"]) == true) is { } storage
            && Json.Str(storage["name"]) is { } storageName && !stored.Any(s => Json.Str(s) == storageName))
        {
            stored.Add(storageName);
        }
    }

    private static (string Reason, string Message)? Conflict(JsonObject wanted, JsonObject accepted)
    {
        bool Same(string field, string otherField) => Json.Str(wanted[field]) is { Length: > 0 } w && Json.Str(accepted[otherField]) == w;
        if (Same("plural", "plural") || Same("plural", "singular"))
        {
            return ("PluralConflict", $"\"{Json.Str(wanted["plural"])}\" is already in use");
        }

        if (Same("singular", "singular") || Same("singular", "plural"))
        {
            return ("SingularConflict", $"\"{Json.Str(wanted["singular"])}\" is already in use");
        }

        var shortNames = (accepted["shortNames"] as JsonArray ?? []).Select(Json.Str).ToHashSet();
        if ((wanted["shortNames"] as JsonArray ?? []).Select(Json.Str).FirstOrDefault(shortNames.Contains) is { } shortName)
        {
            return ("ShortNamesConflict", $"\"{shortName}\" is already in use");
        }

        if (Same("kind", "kind") || Same("kind", "listKind"))
        {
            return ("KindConflict", $"\"{Json.Str(wanted["kind"])}\" is already in use");
        }

        return Same("listKind", "listKind") || Same("listKind", "kind") ? ("ListKindConflict", $"\"{Json.Str(wanted["listKind"])}\" is already in use") : null;
    }

    /// <summary>The kinds an established CRD serves: one per served version.</summary>
    public static IEnumerable<ResourceType> Types(JsonObject crd)
    {
        if (!(crd["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().Any(c => Json.Str(c["type"]) == "Established" && Json.Str(c["status"]) == "True")
            || Json.IsDeleting(crd))
        {
            yield break;
        }

        var spec = crd["spec"] as JsonObject ?? [];
        var names = crd["status"]?["acceptedNames"] as JsonObject ?? [];
        var storage = (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().Where(v => Json.Bool(v["storage"]) == true).Select(v => Json.Str(v["name"])).FirstOrDefault() ?? string.Empty;
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>().Where(v => Json.Bool(v["served"]) == true))
        {
            var columns = (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>()
                .Select(c => new CustomResourceColumn(Json.Str(c["name"]) ?? string.Empty, Json.Str(c["type"]) ?? "string", Json.Str(c["format"]) ?? string.Empty,
                    Json.Str(c["description"]) ?? string.Empty, Json.Str(c["jsonPath"]) ?? string.Empty, (int)(Json.Num(c["priority"]) ?? 0)))
                .ToList();
            yield return new ResourceType(
                Json.Str(spec["group"]) ?? string.Empty,
                Json.Str(version["name"]) ?? string.Empty,
                Json.Str(names["kind"]) ?? string.Empty,
                Json.Str(names["plural"]) ?? string.Empty,
                Json.Str(spec["scope"]) == "Namespaced",
                [.. (names["shortNames"] as JsonArray ?? []).Select(Json.Str).OfType<string>()])
            {
                Definition = new CustomResourceVersion(
                    Json.Name(crd),
                    Json.Str(names["singular"]) ?? string.Empty,
                    [.. (names["categories"] as JsonArray ?? []).Select(Json.Str).OfType<string>()],
                    version["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
                    columns,
                    version["subresources"]?["status"] is not null,
                    version["subresources"]?["scale"]?.DeepClone() as JsonObject,
                    storage),
            };
        }
    }
}
