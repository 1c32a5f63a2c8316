using k8s;
using k8s.Models;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K8sNet.Gateway.Yaml;
using K8sNet.Testing.ApiServer.Protobuf;
using K8sNet.Testing.Selectors;
using K8sNet.Testing.Store;
using Microsoft.AspNetCore.Http;

namespace K8sNet.Testing.ApiServer;

/// <summary>The verbs of the fake API server, answered as a real API server answers them.</summary>
internal sealed partial class ApiHandler(FakeCluster cluster, FakeApiServer server)
{
    /// <summary>The API server's request body limit (3 MiB).</summary>
    internal const int MaxBodyBytes = 3 * 1024 * 1024;

    private static readonly TimeSpan ContinueTokenLifetime = TimeSpan.FromMinutes(5);
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    // Go's encoding/json escapes only what JSON needs (and <, >, &): quotes come out as \" rather than \u0022.
    // Deep enough for the deepest body read (YamlManifest.MaxDepth) inside a list, a watch event or a Table.
    private static readonly JsonSerializerOptions Wire = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = YamlManifest.MaxDepth + 16 };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ContinueState> _continues = new(StringComparer.Ordinal);
    private long _nextToken;

    public void ExpireContinueTokens()
    {
        lock (_gate)
        {
            _continues.Clear();
        }
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (KubernetesStatusException ex) when (!context.Response.HasStarted)
        {
            await WriteStatusAsync(context, ex).ConfigureAwait(false);
        }
        catch (K8sNetFormatException ex) when (!context.Response.HasStarted)
        {
            await WriteStatusAsync(context, KubernetesStatusException.BadRequest(ex.Message)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the client went away
        }
#pragma warning disable CA1031 // a server answers every request: a bug in the fake is recorded and answered, not thrown into Kestrel
        catch (Exception ex) when (context.RequestAborted.IsCancellationRequested || server.IsStopping)
#pragma warning restore CA1031
        {
            // The client left or the server is stopping mid-response (a write to a closed connection): not a fault of
            // the fake, and nobody is left to answer.
            _ = ex;
        }
#pragma warning disable CA1031
        catch (Exception ex)
#pragma warning restore CA1031
        {
            server.RecordUnhandled(ex);
            if (!context.Response.HasStarted)
            {
                await WriteStatusAsync(context, new KubernetesStatusException(500, "InternalError", "Internal error occurred: " + ex.Message)).ConfigureAwait(false);
            }
        }
    }

    // An Accept that a JSON answer satisfies (none, */*, application/*, application/json, with parameters or not).
    private static bool AcceptsJson(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        return accept.Length == 0 || accept.Split(',').Select(a => a.Split(';')[0].Trim()).Any(a => a is "*/*" or "application/*" or "application/json");
    }

    private const string OpenApiV2Protobuf = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    private const string OpenApiV2ProtobufAnswered = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    // An Accept of protobuf alone (with parameters or not).
    private static bool OnlyProtobuf(HttpContext context)
    {
        var accept = context.Request.Headers.Accept.ToString();
        return accept.Length > 0 && accept.Split(',').All(a => a.Split(';')[0].Trim().Equals(KubeProtobuf.MediaType, StringComparison.OrdinalIgnoreCase));
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var method = context.Request.Method;
        var trimmed = path.TrimEnd('/');
        var served = cluster.Kinds.All;
        if (trimmed == "/openapi/v2" && method == "GET" && !AcceptsJson(context)
            && context.Request.Headers.Accept.ToString() is var v2Accept
            && (v2Accept.Contains(OpenApiV2Protobuf, StringComparison.OrdinalIgnoreCase) || v2Accept.Contains(OpenApiV2ProtobufAnswered, StringComparison.OrdinalIgnoreCase)))
        {
            // client-go's v2 request (kubectl's client-side validation when /openapi/v3 does not know a kind): an empty
            // openapi_v2.Document, which is zero bytes of protobuf. kubectl then finds no schema for the kind and goes on to
            // its own "no matches for kind ... ensure CRDs are installed first", as against a cluster without that CRD.
            // kube-openapi answers the "@v1.0" type asked for with ".v1.0" (Go's mime parser refuses the '@').
            context.Response.StatusCode = 200;
            context.Response.ContentType = OpenApiV2ProtobufAnswered;
            context.Response.ContentLength = 0;
            return;
        }

        JsonObject? discovery = trimmed switch
        {
            "/version" => ApiDiscovery.Version(),
            "/api" => ApiDiscovery.CoreVersions($"127.0.0.1:{server.Port}"),
            "/api/v1" => ApiDiscovery.Resources(served, string.Empty, "v1"),
            "/apis" => ApiDiscovery.Groups(served),
            "/openapi/v3" => ApiDiscovery.OpenApiIndex(served),
            "/openapi/v2" => AcceptsJson(context) ? ApiDiscovery.OpenApiV2(served) : throw new KubernetesStatusException(406, "NotAcceptable",
                $"only the following media types are accepted: application/json, {OpenApiV2ProtobufAnswered}"),
            _ when trimmed.StartsWith("/openapi/v3/api/", StringComparison.Ordinal) && trimmed.Count(c => c == '/') == 4 => ApiDiscovery.OpenApiDocument(served, string.Empty, trimmed.Split('/')[4]),
            _ when trimmed.StartsWith("/openapi/v3/apis/", StringComparison.Ordinal) && trimmed.Count(c => c == '/') == 5 => ApiDiscovery.OpenApiDocument(served, trimmed.Split('/')[4], trimmed.Split('/')[5]),
            _ when trimmed.StartsWith("/apis/", StringComparison.Ordinal) && trimmed.Count(c => c == '/') == 2 => ApiDiscovery.Group(served, trimmed[6..]),
            _ when trimmed.StartsWith("/apis/", StringComparison.Ordinal) && trimmed.Count(c => c == '/') == 3 => ApiDiscovery.Resources(served, trimmed.Split('/')[2], trimmed.Split('/')[3]),
            _ => null,
        };
        if (discovery is not null)
        {
            if (method != "GET")
            {
                throw MethodNotAllowed();
            }

            await WriteJsonAsync(context, 200, discovery).ConfigureAwait(false);
            return;
        }

        if (!ApiPath.TryParse(path, cluster.Kinds, out var route))
        {
            throw new KubernetesStatusException(404, "NotFound", "the server could not find the requested resource");
        }

        if (OnlyProtobuf(context) && !KubeProtobuf.Supports(route.Type.ApiVersion, route.Type.Kind))
        {
            throw new KubernetesStatusException(406, "NotAcceptable", "only the following media types are accepted: application/json, application/yaml"); // custom resources: no protobuf
        }

        if (KindConversion.For(route.Type) is { } conversion)
        {
            // A version served over another's storage: the request is the stored kind's, converted at the edges.
            context.Items[ConversionKey] = conversion;
            route = route with { Type = conversion.Storage };
        }

        if (route.Type == ResourceType.Pod && route.Name is not null && route.Subresource is "log" or "exec" or "attach" or "portforward")
        {
            await PodStreamAsync(context, route).ConfigureAwait(false);
            return;
        }

        if (route.Subresource is { } sub
            && !(sub == "status" && ApiDiscovery.HasStatus(route.Type))
            && !(sub == "scale" && ScaleSubresource.Supports(route.Type) && route.Name is not null))
        {
            throw new KubernetesStatusException(404, "NotFound", "the server could not find the requested resource");
        }

        if (route.Subresource == "scale")
        {
            await ScaleAsync(context, route, method).ConfigureAwait(false);
            return;
        }

        if (method != "GET" && ApiDiscovery.IsReadOnly(route.Type))
        {
            throw MethodNotAllowed();
        }

        var query = context.Request.Query;
        switch (method)
        {
            case "GET" when route.Name is null && IsTrue(query["watch"]):
                await WatchAsync(context, route).ConfigureAwait(false);
                break;
            case "GET" when route.Name is null && TablePrinter.Wanted(context.Request.Headers.Accept):
                var (listMeta, listItems) = List(context, route);
                await WriteJsonAsync(context, 200, TablePrinter.Table(route.Type, listItems, listMeta, query["includeObject"], cluster.TimeProvider.GetUtcNow())).ConfigureAwait(false);
                break;
            case "GET" when route.Name is null:
                await WriteListAsync(context, route, List(context, route)).ConfigureAwait(false);
                break;
            case "GET":
                var one = cluster.Store.Get(route.Type, route.Namespace, route.Name) ?? throw KubernetesStatusException.NotFound(route.Type, route.Name);
                await WriteJsonAsync(
                    context,
                    200,
                    TablePrinter.Wanted(context.Request.Headers.Accept)
                        ? TablePrinter.Table(route.Type, [one], new JsonObject { ["resourceVersion"] = Json.Str(one["metadata"]?["resourceVersion"]) }, query["includeObject"], cluster.TimeProvider.GetUtcNow())
                        : one).ConfigureAwait(false);
                break;
            case "POST" when route.Name is null:
                var (toCreate, createFindings) = await ReadObjectAsync(context, route).ConfigureAwait(false);
                toCreate = Conversion(context)?.ToStorage(toCreate) ?? toCreate;
                await WriteJsonAsync(context, 201, Create(context, route, toCreate, createFindings)).ConfigureAwait(false);
                break;
            case "PUT" when route.Name is not null:
                var (toUpdate, updateFindings) = await ReadObjectAsync(context, route).ConfigureAwait(false);
                toUpdate = Conversion(context)?.ToStorage(toUpdate) ?? toUpdate;
                await WriteJsonAsync(context, 200, Update(context, route, toUpdate, updateFindings)).ConfigureAwait(false);
                break;
            case "PATCH" when route.Name is not null:
                var (patched, created) = await PatchAsync(context, route).ConfigureAwait(false);
                await WriteJsonAsync(context, created ? 201 : 200, patched).ConfigureAwait(false); // an apply that creates answers 201
                break;
            case "DELETE" when route.Name is not null && route.Subresource is null:
                await DeleteAsync(context, route).ConfigureAwait(false);
                break;
            case "DELETE" when route.Name is null:
                await DeleteCollectionAsync(context, route).ConfigureAwait(false);
                break;
            default:
                throw MethodNotAllowed();
        }
    }

    private static KubernetesStatusException MethodNotAllowed() =>
        new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");

    // apimachinery's Convert_Slice_string_To_bool for query parameters: absent, "false" (any case) and "0" are false;
    // any other value, the empty one included, is true.
    private static bool IsTrue(string? value) => value is not null && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value != "0";

    // ---------------------------------------------------------------- list

    private (JsonObject Metadata, List<JsonObject> Items) List(HttpContext context, ApiRoute route)
    {
        var q = context.Request.Query;
        var (labels, fields) = Selectors(context, route);
        var limit = ParseLimit(q["limit"]);
        var rv = (string?)q["resourceVersion"];
        var match = (string?)q["resourceVersionMatch"];
        var token = (string?)q["continue"];
        CheckResourceVersionMatch(rv, match);

        List<JsonObject> items;
        long listVersion;
        if (!string.IsNullOrEmpty(token))
        {
            if (!string.IsNullOrEmpty(rv) && rv != "0")
            {
                throw KubernetesStatusException.BadRequest("specifying resource version is not allowed when using continue");
            }

            if (!IsContinueToken(token))
            {
                throw KubernetesStatusException.BadRequest("continue key is not valid: it is not a continue token this server issued (illegal base64 data or content)");
            }

            ContinueState? state;
            lock (_gate)
            {
                state = _continues.GetValueOrDefault(token);
                _continues.Remove(token);
            }

            if (state is null || state.Expires <= cluster.TimeProvider.GetUtcNow() || state.ResourceVersion < cluster.Store.OldestResumableVersion)
            {
                throw new KubernetesStatusException(410, "Expired",
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            }

            items = state.Items;
            listVersion = state.ResourceVersion;
        }
        else
        {
            var requested = ParseResourceVersion(rv);
            var current = cluster.Store.ResourceVersion;
            if (requested > current)
            {
                context.Response.Headers.RetryAfter = "1";
                throw new KubernetesStatusException(504, "Timeout", $"Too large resource version: {requested}, current: {current}");
            }

            var exact = requested > 0 && (match == "Exact" || (match is null && limit > 0));
            (items, listVersion) = exact
                ? cluster.Store.ListAt(route.Type, route.Namespace, labels, fields, requested)
                : cluster.Store.ListAt(route.Type, route.Namespace, labels, fields, long.MaxValue);
        }

        var meta = new JsonObject { ["resourceVersion"] = listVersion.ToString(CultureInfo.InvariantCulture) };
        if (limit > 0 && items.Count > limit)
        {
            var rest = items[limit..];
            items = items[..limit];
            var next = $"{listVersion}-{Interlocked.Increment(ref _nextToken)}";
            lock (_gate)
            {
                _continues[Convert.ToBase64String(Encoding.UTF8.GetBytes(next))] = new ContinueState(rest, listVersion, cluster.TimeProvider.GetUtcNow() + ContinueTokenLifetime);
            }

            meta["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(next));
            if (labels.IsEmpty && fields.Terms.IsEmpty)
            {
                meta["remainingItemCount"] = rest.Count;
            }
        }

        return (meta, items);
    }

    // The list streamed: each item's cached bytes, flushed every 64 KiB, no copy of the stored objects.
    private static async Task WriteListAsync(HttpContext context, ApiRoute route, (JsonObject Metadata, List<JsonObject> Items) list)
    {
        if (Conversion(context) is { } conversion)
        {
            await WriteJsonAsync(context, 200, new JsonObject
            {
                ["kind"] = conversion.Served.ListKind,
                ["apiVersion"] = conversion.Served.ApiVersion,
                ["metadata"] = list.Metadata.DeepClone(),
                ["items"] = new JsonArray([.. list.Items.Select(i => conversion.Out(i))]),
            }).ConfigureAwait(false);
            return;
        }

        if (Negotiated(context, route.Type.ApiVersion, route.Type.ListKind) && ProtoBytes.TryList(route.Type.ApiVersion, route.Type.ListKind, route.Type.Kind, list.Metadata, list.Items) is { } proto)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = KubeProtobuf.MediaType;
            await context.Response.Body.WriteAsync(proto, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        var body = context.Response.Body;
        var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = Wire.Encoder, SkipValidation = true });
        await using var _ = writer.ConfigureAwait(false);
        writer.WriteStartObject();
        writer.WriteString("kind", route.Type.ListKind);
        writer.WriteString("apiVersion", route.Type.ApiVersion);
        writer.WritePropertyName("metadata");
        list.Metadata.WriteTo(writer, Wire);
        writer.WriteStartArray("items");
        foreach (var item in list.Items)
        {
            writer.WriteRawValue(WireBytes.Of(item, Wire), skipInputValidation: true);
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static (LabelSelector Labels, FieldSelector Fields) Selectors(HttpContext context, ApiRoute route)
    {
        var q = context.Request.Query;
        var labels = LabelSelector.TryParse(q["labelSelector"], out var l, out var labelError)
            ? l
            : throw KubernetesStatusException.BadRequest($"unable to parse requirement: {labelError.Rule}");
        var fieldText = q["fieldSelector"].Count > 0 ? Conversion(context)?.Selector(q["fieldSelector"]) ?? (string?)q["fieldSelector"] : null;
        if (!FieldSelector.TryParse(fieldText, out var fields, out var fieldError))
        {
            throw KubernetesStatusException.BadRequest($"invalid field selector: {fieldError.Rule}");
        }

        if (!fields.IsSupportedFor(route.Type.Kind, out var unsupported))
        {
            throw KubernetesStatusException.BadRequest(route.Type.Group.Length == 0
                ? $"field label not supported: {unsupported}"
                : $"\"{unsupported}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        }

        return (labels, fields);
    }

    private static int ParseLimit(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : throw KubernetesStatusException.BadRequest($"invalid limit: {value}");
    }

    private static long ParseResourceVersion(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var rv)
            ? rv
            : throw KubernetesStatusException.BadRequest($"invalid resource version: strconv.ParseUint: parsing {Json.Quote(value)}: invalid syntax");
    }

    private static void CheckResourceVersionMatch(string? rv, string? match)
    {
        if (string.IsNullOrEmpty(match))
        {
            return;
        }

        if (match is not ("Exact" or "NotOlderThan"))
        {
            throw Invalid("resourceVersionMatch", $"Unsupported value: {Json.Quote(match)}: supported values: \"Exact\", \"NotOlderThan\", \"\"");
        }

        if (string.IsNullOrEmpty(rv))
        {
            throw Invalid("resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
        }

        if (match == "Exact" && rv == "0")
        {
            throw Invalid("resourceVersionMatch", "Forbidden: resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
        }
    }

    private static KubernetesStatusException Invalid(string field, string detail) =>
        new(422, "Invalid", $"ListOptions.meta.k8s.io \"\" is invalid: {field}: {detail}", "ListOptions", string.Empty, "meta.k8s.io");

    // ---------------------------------------------------------------- watch

    private async Task WatchAsync(HttpContext context, ApiRoute route)
    {
        var q = context.Request.Query;
        var (labels, fields) = Selectors(context, route);
        var rv = (string?)q["resourceVersion"];
        var match = (string?)q["resourceVersionMatch"];
        var bookmarks = IsTrue(q["allowWatchBookmarks"]);
        var asTable = TablePrinter.Wanted(context.Request.Headers.Accept); // kubectl get -w: each event's object a Table
        if (!asTable && Negotiated(context, route.Type.ApiVersion, route.Type.Kind))
        {
            context.Items[ProtoWatch] = true; // frames of protobuf WatchEvents
        }
        var initialEvents = q["sendInitialEvents"] is { Count: > 0 } sie ? IsTrue(sie) : (bool?)null;
        if (initialEvents is not null && match != "NotOlderThan")
        {
            throw Invalid("sendInitialEvents", "Forbidden: sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to \"NotOlderThan\"");
        }

        if (!string.IsNullOrEmpty(match) && initialEvents is null)
        {
            throw Invalid("resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
        }

        if (match == "NotOlderThan" && string.IsNullOrEmpty(rv))
        {
            throw Invalid("resourceVersionMatch", "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
        }

        var timeout = q["timeoutSeconds"] is { Count: > 0 } ts
            ? (long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : throw KubernetesStatusException.BadRequest($"invalid timeoutSeconds: {ts}"))
            : (TimeSpan?)null;
        var requested = ParseResourceVersion(rv);
        var fromState = initialEvents == true || requested == 0;

        using var stream = new WatchStream();
        using var timeoutSource = timeout is { } t ? new CancellationTokenSource(t, cluster.TimeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stream.Ended, timeoutSource.Token);
        server.Watches[stream] = 0;
        if (server.IsStopping)
        {
            stream.End(); // opened while the server stops: it ends with the others
        }
        try
        {
            System.Threading.Channels.ChannelReader<StoreEvent> events;
            long startVersion;
            int initialPending;
            try
            {
                // One consistent view: the initial state queued, its size and its version.
                (events, startVersion, initialPending) = cluster.Store.Atomically(() =>
                {
                    var reader = cluster.Store.Watch(route.Type, route.Namespace, labels, fields, fromState ? null : requested, linked.Token);
                    return (reader, fromState ? cluster.Store.ResourceVersion : requested, fromState ? reader.Count : 0);
                });
            }
            catch (KubernetesStatusException gone) when (gone.Code == 410)
            {
                // Past admission, a too-old version is a watch event (ERROR with a 410 Expired Status), not an HTTP error.
                await StartStreamAsync(context).ConfigureAwait(false);
                await WriteLineAsync(context, new JsonObject { ["type"] = "ERROR", ["object"] = StatusObject(gone) }).ConfigureAwait(false);
                return;
            }

            await StartStreamAsync(context).ConfigureAwait(false);
            var lastSent = startVersion;
            if (bookmarks && initialPending == 0)
            {
                await WriteLineAsync(context, Bookmark(route.Type, startVersion, initialEvents == true)).ConfigureAwait(false);
            }

            using var bookmarkTimer = new PeriodicTimer(server.BookmarkInterval, cluster.TimeProvider);
            var tick = bookmarks ? bookmarkTimer.WaitForNextTickAsync(linked.Token).AsTask() : Task.Delay(Timeout.InfiniteTimeSpan, cluster.TimeProvider, linked.Token);
            var read = events.WaitToReadAsync(linked.Token).AsTask();
            while (!linked.IsCancellationRequested)
            {
                var done = await Task.WhenAny(read, tick).ConfigureAwait(false);
                if (done == tick)
                {
                    if (tick.IsCanceled || tick.IsFaulted)
                    {
                        break;
                    }

                    if (!stream.Silent && events.Count == 0)
                    {
                        lastSent = Math.Max(lastSent, cluster.Store.Atomically(() => events.Count == 0 ? cluster.Store.ResourceVersion : lastSent));
                        await WriteLineAsync(context, Bookmark(route.Type, lastSent, false)).ConfigureAwait(false);
                    }

                    tick = bookmarkTimer.WaitForNextTickAsync(linked.Token).AsTask();
                    continue;
                }

                if (read.IsCanceled || read.IsFaulted || !await read.ConfigureAwait(false))
                {
                    break; // ended: dropped, timed out, or the client left
                }

                read = events.WaitToReadAsync(linked.Token).AsTask();
                while (events.TryRead(out var e))
                {
                    if (stream.Silent)
                    {
                        continue;
                    }

                    if (asTable && e.Type != StoreEventType.Bookmark)
                    {
                        var table = TablePrinter.Table(route.Type, [e.Object], new JsonObject { ["resourceVersion"] = e.ResourceVersion.ToString(CultureInfo.InvariantCulture) }, q["includeObject"], cluster.TimeProvider.GetUtcNow());
                        await WriteLineAsync(context, new JsonObject { ["type"] = EventType(e.Type), ["object"] = table }).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteEventAsync(context, e).ConfigureAwait(false);
                    }
                    lastSent = Math.Max(lastSent, e.ResourceVersion);
                    if (initialPending > 0 && --initialPending == 0 && bookmarks)
                    {
                        await WriteLineAsync(context, Bookmark(route.Type, startVersion, initialEvents == true)).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // ended
        }
        catch (IOException)
        {
            // the client went away mid-write
        }
        finally
        {
            server.Watches.TryRemove(stream, out _);
        }
    }

    private static JsonObject Bookmark(ResourceType type, long version, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject
        {
            ["type"] = "BOOKMARK",
            ["object"] = new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion, ["metadata"] = meta },
        };
    }

    private static string EventType(StoreEventType type) => type switch
    {
        StoreEventType.Added => "ADDED",
        StoreEventType.Modified => "MODIFIED",
        StoreEventType.Deleted => "DELETED",
        StoreEventType.Bookmark => "BOOKMARK",
        _ => "ERROR",
    };

    private const string ProtoWatch = "k8snet.protobuf-watch";

    private const string ConversionKey = "k8snet.conversion";

    private static KindConversion? Conversion(HttpContext context) => context.Items.TryGetValue(ConversionKey, out var c) ? c as KindConversion : null;

    private static bool IsProtoWatch(HttpContext context) => context.Items.ContainsKey(ProtoWatch);

    private static async Task StartStreamAsync(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = IsProtoWatch(context) ? KubeProtobuf.MediaType + ";stream=watch" : "application/json";
        await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static readonly byte[] Added = """{"type":"ADDED","object":"""u8.ToArray();
    private static readonly byte[] Modified = """{"type":"MODIFIED","object":"""u8.ToArray();
    private static readonly byte[] Deleted = """{"type":"DELETED","object":"""u8.ToArray();
    private static readonly byte[] EventEnd = "}\n"u8.ToArray();

    // One event line from the object's cached bytes: shared by every watcher, no copy of the stored object.
    private static async Task WriteEventAsync(HttpContext context, StoreEvent e)
    {
        if (Conversion(context) is { } conversion)
        {
            await WriteLineAsync(context, new JsonObject { ["type"] = EventType(e.Type), ["object"] = conversion.Out(e.Object) }).ConfigureAwait(false);
            return;
        }

        var head = e.Type switch
        {
            StoreEventType.Added => Added,
            StoreEventType.Modified => Modified,
            StoreEventType.Deleted => Deleted,
            _ => null,
        };
        if (head is null || IsProtoWatch(context))
        {
            if (IsProtoWatch(context) && ProtoBytes.Enveloped(e.Object) is { } proto)
            {
                await context.Response.Body.WriteAsync(KubeProtobuf.WatchFrame(EventType(e.Type), proto), context.RequestAborted).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await WriteLineAsync(context, new JsonObject { ["type"] = EventType(e.Type), ["object"] = e.Object.DeepClone() }).ConfigureAwait(false);
            return;
        }

        var body = context.Response.Body;
        await body.WriteAsync(head, context.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(WireBytes.Of(e.Object, Wire), context.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(EventEnd, context.RequestAborted).ConfigureAwait(false);
        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteLineAsync(HttpContext context, JsonObject line)
    {
        var body = context.Response.Body;
        if (IsProtoWatch(context) && line["object"] is JsonObject lineObject && TryProtobuf(lineObject) is { } proto)
        {
            await body.WriteAsync(KubeProtobuf.WatchFrame(Json.Str(line["type"]) ?? "ERROR", proto), context.RequestAborted).ConfigureAwait(false);
            await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(line, Wire), context.RequestAborted).ConfigureAwait(false);
        await body.WriteAsync(NewLine, context.RequestAborted).ConfigureAwait(false);
        await body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- writes

    private JsonObject Create(HttpContext context, ApiRoute route, JsonObject obj, BodyFindings findings)
    {
        var dryRun = DryRun(context, "CreateOptions");
        BodyShape.Check(route.Type, obj);
        if (route.Subresource is not null)
        {
            throw MethodNotAllowed();
        }

        CheckKind(route, obj);
        PlaceInNamespace(route, obj);
        FieldValidation.Check(context, route.Type, obj, findings);
        FieldManager.RecordUpdate(route.Type, obj, null, Manager(context), cluster.TimeProvider.GetUtcNow());
        var created = cluster.Create(route.Type, obj, dryRun);
        FieldValidation.WarnOnCreate(context, route.Type, obj);
        return created;
    }

    private JsonObject Update(HttpContext context, ApiRoute route, JsonObject obj, BodyFindings findings)
    {
        var dryRun = DryRun(context, "UpdateOptions");
        BodyShape.Check(route.Type, obj);
        CheckKind(route, obj);
        PlaceInNamespace(route, obj);
        var bodyName = Json.Name(obj);
        if (bodyName.Length == 0)
        {
            Json.Obj(obj, "metadata")["name"] = route.Name;
        }
        else if (bodyName != route.Name)
        {
            throw KubernetesStatusException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({route.Name})");
        }

        FieldValidation.Check(context, route.Type, obj, findings);
        RecordUpdate(context, route, obj);
        return Write(route, obj, dryRun);
    }

    // dryRun=All runs a write to its end without storing it (nothing is kept, no watch hears of it); any other value is
    // refused as apimachinery's ValidateDryRun refuses it.
    private static bool DryRun(HttpContext context, string options, IReadOnlyList<string>? fromBody = null)
    {
        IReadOnlyList<string> values = fromBody ?? [.. context.Request.Query["dryRun"].Select(v => v ?? string.Empty)];
        if (values.Count == 0)
        {
            return false;
        }

        if (values.Any(v => v != "All"))
        {
            throw new KubernetesStatusException(422, "Invalid",
                $"{options}.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: []string{{{string.Join(", ", values.Select(Json.Quote))}}}: supported values: \"All\"");
        }

        return true;
    }

    private static string Manager(HttpContext context) =>
        FieldManager.Manager(context.Request.Query["fieldManager"].FirstOrDefault(), context.Request.Headers.UserAgent.FirstOrDefault());

    // A write through the main resource gives its manager the fields it changes (status writes own nothing here).
    private void RecordUpdate(HttpContext context, ApiRoute route, JsonObject obj)
    {
        if (route.Subresource is null && cluster.Store.Get(route.Type, route.Namespace, route.Name!) is { } current)
        {
            FieldManager.RecordUpdate(route.Type, obj, current, Manager(context), cluster.TimeProvider.GetUtcNow());
        }
    }

    // The main resource ignores status changes and the status subresource ignores everything but status, for kinds
    // with a status subresource, as their registry strategies do.
    private JsonObject Write(ApiRoute route, JsonObject obj, bool dryRun)
    {
        var current = cluster.Store.Get(route.Type, route.Namespace, route.Name!) ?? throw KubernetesStatusException.NotFound(route.Type, route.Name!);
        JsonObject result;
        if (route.Subresource == "status")
        {
            result = (JsonObject)current.DeepClone();
            result["status"] = obj["status"]?.DeepClone();
            if (Json.Str(obj["metadata"]?["resourceVersion"]) is { Length: > 0 } version)
            {
                Json.Obj(result, "metadata")["resourceVersion"] = version;
            }

            return cluster.Store.Update(route.Type, result, dryRun);
        }

        result = obj;
        if (ApiDiscovery.HasStatus(route.Type) && route.Type != ResourceType.Namespace)
        {
            result["status"] = current["status"]?.DeepClone();
        }

        return cluster.Update(route.Type, result, dryRun);
    }

    // GET, PUT and PATCH (merge or JSON patch, applied to the Scale) of the scale subresource.
    private async Task ScaleAsync(HttpContext context, ApiRoute route, string method)
    {
        var current = cluster.Store.Get(route.Type, route.Namespace, route.Name!) ?? throw KubernetesStatusException.NotFound(route.Type, route.Name!);
        JsonObject scale;
        switch (method)
        {
            case "GET":
                await WriteJsonAsync(context, 200, ScaleSubresource.ToScale(current, route.Type)).ConfigureAwait(false);
                return;
            case "PUT":
                (scale, _) = await ReadObjectAsync(context, route).ConfigureAwait(false);
                break;
            case "PATCH":
                var mediaType = MediaType(context.Request.ContentType);
                var body = await ReadBodyAsync(context).ConfigureAwait(false);
                var patch = ParsePatch(body, out _);
                var original = ScaleSubresource.ToScale(current, route.Type);
                scale = (mediaType switch
                {
                    "application/merge-patch+json" or "application/strategic-merge-patch+json" => JsonPatches.MergePatch(original, patch), // a Scale has no lists: both merge alike
                    "application/json-patch+json" => JsonPatches.Apply(original, patch),
                    _ => throw new KubernetesStatusException(415, "UnsupportedMediaType",
                        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
                }) as JsonObject ?? throw new KubernetesStatusException(422, "Invalid", "the patch did not produce an object");
                break;
            default:
                throw MethodNotAllowed();
        }

        var updated = cluster.Update(route.Type, ScaleSubresource.Apply(current, scale, route.Type), DryRun(context, method == "PUT" ? "UpdateOptions" : "PatchOptions"));
        await WriteJsonAsync(context, 200, ScaleSubresource.ToScale(updated, route.Type)).ConfigureAwait(false);
    }

    private async Task<(JsonObject Object, bool Created)> PatchAsync(HttpContext context, ApiRoute route)
    {
        var mediaType = MediaType(context.Request.ContentType);
        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        var dryRun = DryRun(context, "PatchOptions");
        if (mediaType == "application/apply-patch+yaml")
        {
            return ServerSideApply(context, route, body, dryRun);
        }

        if (mediaType == "application/strategic-merge-patch+json" && route.Type.IsCustomResource)
        {
            // As the API server for custom resources: no strategic merge patch (it needs a Go type's patch strategies).
            throw new KubernetesStatusException(415, "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        }

        var patch = ParsePatch(body, out var duplicates);
        var findings = new BodyFindings(duplicates, [], OfPatch: true)
        {
            Leading = mediaType == "application/json-patch+json" ? JsonPatches.OperationProblems(patch, duplicates) : [],
        };
        if (mediaType == "application/json-patch+json")
        {
            findings = findings with { JsonDuplicates = [] }; // the operations' own fields, said above; evanphx/json-patch drops the values' duplicates
        }

        // As the API server's GuaranteedUpdate: a patch without its own resourceVersion is applied again to the newest
        // object when a concurrent write wins the race (a controller updating status, say).
        var warnings = context.Response.Headers.Warning;
        for (var attempt = 0; ; attempt++)
        {
            context.Response.Headers.Warning = warnings; // a retry warns once, not once per attempt
            var current = cluster.Store.Get(route.Type, route.Namespace, route.Name!) ?? throw KubernetesStatusException.NotFound(route.Type, route.Name!);
            var conversion = Conversion(context);
            if (conversion is not null)
            {
                current = conversion.FromStorage(current); // the patch is in the served version's shape
            }

            var patched = mediaType switch
            {
                "application/merge-patch+json" => JsonPatches.MergePatch(current, patch),
                "application/json-patch+json" => JsonPatches.Apply(current, patch),
                "application/strategic-merge-patch+json" => patch is JsonObject strategic
                    ? StrategicMergePatch.Apply(current, strategic, route.Type)
                    : throw KubernetesStatusException.BadRequest("json: cannot unmarshal array into Go value of type map[string]interface {}"),
                _ => throw new KubernetesStatusException(415, "UnsupportedMediaType",
                    $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
            } as JsonObject ?? throw new KubernetesStatusException(422, "Invalid", "the patch did not produce an object");
            if (conversion is not null)
            {
                patched = conversion.ToStorage(patched);
            }

            BodyShape.Check(route.Type, patched);
            if (Json.Name(patched) != route.Name || (route.Type.Namespaced && Json.Namespace(patched) != route.Namespace))
            {
                throw KubernetesStatusException.BadRequest("the name and namespace of an object cannot be changed by a patch");
            }

            CheckKind(route, patched); // a patch cannot make the object another kind

            FieldValidation.Check(context, route.Type, patched, findings);
            RecordUpdate(context, route, patched);
            try
            {
                return (Write(route, patched, dryRun), false);
            }
            catch (KubernetesStatusException conflict) when (conflict.Code == 409 && attempt < 5 && Json.Str((patch as JsonObject)?["metadata"]?["resourceVersion"]) is null)
            {
                // lost the race to another writer: apply the patch to the newer object
            }
        }
    }

    // Server-side apply: the body (YAML or JSON) is the manager's whole intent for the object; a missing object is created.
    private (JsonObject Object, bool Created) ServerSideApply(HttpContext context, ApiRoute route, string body, bool dryRun)
    {
        if (route.Subresource is not null)
        {
            throw MethodNotAllowed();
        }

        var manager = context.Request.Query["fieldManager"].FirstOrDefault();
        if (string.IsNullOrEmpty(manager))
        {
            throw new KubernetesStatusException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }

        manager = FieldManager.Manager(manager, null);
        var forceText = context.Request.Query["force"].FirstOrDefault();
        var force = IsTrue(forceText);
        ManifestDocument document;
        try
        {
            document = YamlManifest.Read(body) is [var single] ? single : throw KubernetesStatusException.BadRequest("an apply patch holds exactly one object");
        }
        catch (K8sNetFormatException ex)
        {
            throw KubernetesStatusException.BadRequest($"error decoding YAML: error converting YAML to JSON: {ex.Rule}");
        }

        FieldValidation.CheckApplyDuplicates(context, document.DuplicateKeys);
        var config = document.Object;
        BodyShape.Check(route.Type, config);

        if (Json.Str(config["kind"]) is null || Json.Str(config["apiVersion"]) is null)
        {
            throw KubernetesStatusException.BadRequest($"error decoding YAML: Object '{(Json.Str(config["kind"]) is null ? "Kind" : "apiVersion")}' is missing in '{config.ToJsonString()}'");
        }

        CheckKind(route, config);
        PlaceInNamespace(route, config);
        var name = Json.Name(config);
        if (name != route.Name)
        {
            throw KubernetesStatusException.BadRequest($"the name of the object ({name}) does not match the name on the URL ({route.Name})");
        }

        FieldValidation.Check(context, route.Type, config);
        for (var attempt = 0; ; attempt++)
        {
            var current = cluster.Store.Get(route.Type, route.Namespace, route.Name!);
            var applied = FieldManager.Apply(route.Type, current, config, manager, force, cluster.TimeProvider.GetUtcNow());
            try
            {
                if (current is null)
                {
                    return (cluster.Create(route.Type, applied, dryRun), true);
                }

                if (Json.Str(config["metadata"]?["resourceVersion"]) is null)
                {
                    // Without a resourceVersion of its own the apply is to whatever is current (with one, it is a precondition).
                    Json.Obj(applied, "metadata")["resourceVersion"] = current["metadata"]?["resourceVersion"]?.DeepClone();
                }

                return (Write(route, applied, dryRun), false);
            }
            catch (KubernetesStatusException raced) when (raced.Code == 409 && raced.Reason is "Conflict" or "AlreadyExists" && raced.Causes is null && attempt < 5
                                                           && Json.Str(config["metadata"]?["resourceVersion"]) is null)
            {
                // another write won the race: apply again to the newer object
            }
        }
    }

    private async Task DeleteAsync(HttpContext context, ApiRoute route)
    {
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var current = cluster.Store.Get(route.Type, route.Namespace, route.Name!) ?? throw KubernetesStatusException.NotFound(route.Type, route.Name!);
        if (options.ResourceVersion is { } version && version != Json.Str(current["metadata"]?["resourceVersion"]))
        {
            throw new KubernetesStatusException(409, "Conflict",
                $"Operation cannot be fulfilled on {Qualified(route.Type)} \"{route.Name}\": Precondition failed: ResourceVersion in precondition: {version}, ResourceVersion in object meta: {Json.Str(current["metadata"]?["resourceVersion"])}",
                route.Type.Plural, route.Name, route.Type.Group);
        }

        var result = cluster.Store.Delete(route.Type, route.Namespace, route.Name!, options.GracePeriodSeconds, options.Finalizer, options.Uid, options.DryRun);
        if (route.Type == ResourceType.Pod || route.Type == ResourceType.Service)
        {
            await WriteJsonAsync(context, 200, result).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject { ["name"] = route.Name, ["group"] = route.Type.Group, ["kind"] = route.Type.Plural, ["uid"] = Json.Uid(result) },
        }).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ApiRoute route)
    {
        var options = await ReadDeleteOptionsAsync(context).ConfigureAwait(false);
        var (labels, fields) = Selectors(context, route);
        var deleted = new JsonArray();
        foreach (var item in cluster.Store.List(route.Type, route.Namespace, labels, fields).Items)
        {
            try
            {
                deleted.Add(cluster.Store.Delete(route.Type, Json.Namespace(item), Json.Name(item), options.GracePeriodSeconds, options.Finalizer, dryRun: options.DryRun));
            }
            catch (KubernetesStatusException ex) when (ex.Code == 404)
            {
            }
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = route.Type.ListKind,
            ["apiVersion"] = route.Type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = cluster.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        }).ConfigureAwait(false);
    }

    private sealed record DeleteOptions(long? GracePeriodSeconds, string? Finalizer, string? Uid, string? ResourceVersion, bool DryRun);

    private static async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpContext context)
    {
        var q = context.Request.Query;
        JsonObject body = [];
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var bytes = await ReadBytesAsync(context).ConfigureAwait(false);
            var text = MediaType(context.Request.ContentType) == KubeProtobuf.MediaType ? null : Encoding.UTF8.GetString(bytes);
            if (text is null)
            {
                try
                {
                    body = KubeProtobuf.DecodeObject(bytes);
                }
                catch (ProtoFormatException ex)
                {
                    throw KubernetesStatusException.BadRequest($"couldn't decode DeleteOptions: {ex.Message}");
                }
            }
            else if (text.Length > 0)
            {
                try
                {
                    body = JsonBody.Parse(text, out _) as JsonObject ?? throw KubernetesStatusException.BadRequest("DeleteOptions must be a JSON object");
                    _ = KubernetesJson.Deserialize<V1DeleteOptions>(body.ToJsonString()); // fields of the wrong type do not decode, as upstream's
                }
                catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
                {
                    throw KubernetesStatusException.BadRequest($"couldn't decode DeleteOptions: {ex.Message}");
                }
            }
        }

        long? grace = Json.Num(body["gracePeriodSeconds"]);
        if (q["gracePeriodSeconds"] is { Count: > 0 } g)
        {
            grace = long.TryParse(g, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw KubernetesStatusException.BadRequest($"invalid gracePeriodSeconds: {g}");
        }

        var policy = (string?)q["propagationPolicy"] ?? Json.Str(body["propagationPolicy"]);
        var orphan = q["orphanDependents"] is { Count: > 0 } o ? IsTrue(o) : Json.Bool(body["orphanDependents"]);
        var finalizer = policy switch
        {
            "Foreground" => "foregroundDeletion",
            "Orphan" => "orphan",
            "Background" or null => orphan == true ? "orphan" : null,
            _ => throw new KubernetesStatusException(422, "Invalid", $"DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: {Json.Quote(policy)}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
        };
        // kubectl sends dryRun in the DeleteOptions body; other clients in the query.
        var dryRun = DryRun(context, "DeleteOptions", body["dryRun"] is JsonArray values ? [.. values.Select(v => Json.Str(v) ?? string.Empty)] : null);
        return new DeleteOptions(grace, finalizer, Json.Str(body["preconditions"]?["uid"]), Json.Str(body["preconditions"]?["resourceVersion"]), dryRun);
    }

    private static void CheckKind(ApiRoute route, JsonObject obj)
    {
        var apiVersion = Json.Str(obj["apiVersion"]);
        var kind = Json.Str(obj["kind"]);
        if ((kind is not null && kind != route.Type.Kind) || (apiVersion is not null && apiVersion != route.Type.ApiVersion))
        {
            throw KubernetesStatusException.BadRequest(
                $"the API version in the data ({apiVersion}) and kind ({kind}) do not match the expected {route.Type.ApiVersion}, Kind={route.Type.Kind}");
        }

        obj["apiVersion"] = route.Type.ApiVersion;
        obj["kind"] = route.Type.Kind;
    }

    private static void PlaceInNamespace(ApiRoute route, JsonObject obj)
    {
        if (!route.Type.Namespaced)
        {
            return;
        }

        if (route.Namespace is null)
        {
            throw MethodNotAllowed(); // a namespaced kind is written under its namespace
        }

        var meta = Json.Obj(obj, "metadata");
        var given = Json.Str(meta["namespace"]);
        if (!string.IsNullOrEmpty(given) && given != route.Namespace)
        {
            throw KubernetesStatusException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        meta["namespace"] = route.Namespace;
    }

    private static async Task<(JsonObject Object, BodyFindings Findings)> ReadObjectAsync(HttpContext context, ApiRoute route)
    {
        var mediaType = MediaType(context.Request.ContentType);
        if (mediaType == KubeProtobuf.MediaType && !route.Type.IsCustomResource)
        {
            var bytes = await ReadBytesAsync(context).ConfigureAwait(false);
            try
            {
                return (KubeProtobuf.DecodeObject(bytes), new BodyFindings([], [], OfPatch: false));
            }
            catch (ProtoFormatException ex)
            {
                throw KubernetesStatusException.BadRequest(ex.Message);
            }
        }

        var text = await ReadBodyAsync(context).ConfigureAwait(false);
        JsonNode? node;
        BodyFindings findings;
        if (mediaType is "application/json" or "")
        {
            try
            {
                node = JsonBody.Parse(text, out var duplicates);
                findings = new BodyFindings(duplicates, [], OfPatch: false);
            }
            catch (JsonException ex)
            {
                throw KubernetesStatusException.BadRequest($"json: cannot decode the request body: {ex.Message}");
            }
        }
        else if (mediaType is "application/yaml")
        {
            IReadOnlyList<ManifestDocument> docs;
            try
            {
                docs = YamlManifest.Read(text);
            }
            catch (K8sNetFormatException ex)
            {
                throw KubernetesStatusException.BadRequest($"error converting YAML to JSON: {ex.Rule}");
            }

            var doc = docs.Count == 1 ? docs[0] : throw KubernetesStatusException.BadRequest("the request body must hold exactly one YAML document");
            node = doc.Object;
            findings = new BodyFindings([], doc.DuplicateKeys, OfPatch: false);
        }
        else
        {
            throw new KubernetesStatusException(415, "UnsupportedMediaType",
                route.Type.IsCustomResource
                    ? "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml"
                    : "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }

        return (node as JsonObject ?? throw KubernetesStatusException.BadRequest("the request body must be a JSON object"), findings);
    }

    private static JsonNode? ParsePatch(string body, out IReadOnlyList<JsonDuplicate> duplicates)
    {
        try
        {
            return JsonBody.Parse(body, out duplicates);
        }
        catch (JsonException ex)
        {
            throw KubernetesStatusException.BadRequest($"error decoding patch: {ex.Message}");
        }
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        var bytes = await ReadBytesAsync(context).ConfigureAwait(false);
        return Encoding.UTF8.GetString(bytes);
    }

    private static async Task<byte[]> ReadBytesAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                throw TooLarge();
            }
        }

        return buffer.ToArray();
    }

    private static KubernetesStatusException TooLarge() =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBodyBytes}");

    internal static string MediaType(string? contentType) =>
        (contentType ?? string.Empty).Split(';')[0].Trim().ToLowerInvariant();

    private static string Qualified(ResourceType type) => type.Group.Length == 0 ? type.Plural : $"{type.Plural}.{type.Group}";

    // ---------------------------------------------------------------- responses

    // The media type the answer takes, as upstream negotiates it: the first range of Accept that the server can give
    // for this kind, in order (client-go's typed clients send "application/vnd.kubernetes.protobuf, */*"; kubectl's
    // tables and the dynamic client ask for JSON first). Protobuf only for built-in kinds; none of the ranges it can give:
    // 406, as upstream, for a request that asks for protobuf alone of a kind that has none.
    private static bool Negotiated(HttpContext context, string? apiVersion, string? kind)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return false;
        }

        foreach (var range in accept.Split(','))
        {
            var parts = range.Split(';');
            var type = parts[0].Trim().ToLowerInvariant();
            if (parts.Skip(1).Any(p => p.Trim() is "q=0" or "q=0.0"))
            {
                continue;
            }

            if (type == KubeProtobuf.MediaType)
            {
                if (KubeProtobuf.Supports(apiVersion, kind))
                {
                    return true;
                }

                continue;
            }

            if (type is "application/json" or "*/*" or "application/*" or "application/yaml")
            {
                return false;
            }
        }

        return false;
    }

    // An answer in protobuf, when every field of the object has its protobuf form (else JSON, which every client that
    // asks for protobuf also accepts).
    private static byte[]? TryProtobuf(JsonObject obj)
    {
        try
        {
            return KubeProtobuf.EncodeObject(obj);
        }
        catch (ProtoFormatException)
        {
            return null;
        }
    }

    internal static async Task WriteJsonAsync(HttpContext context, int status, JsonNode body)
    {
        if (Conversion(context) is { } conversion && body is JsonObject { } served && Json.Str(served["kind"]) != conversion.Served.ListKind)
        {
            body = conversion.Out(served);
        }

        context.Response.StatusCode = status;
        if (body is JsonObject obj && Negotiated(context, Json.Str(obj["apiVersion"]), Json.Str(obj["kind"])) && TryProtobuf(obj) is { } proto)
        {
            context.Response.ContentType = KubeProtobuf.MediaType;
            await context.Response.Body.WriteAsync(proto, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body, Wire), context.RequestAborted).ConfigureAwait(false);
    }

    internal static Task WriteStatusAsync(HttpContext context, KubernetesStatusException ex) =>
        WriteJsonAsync(context, ex.Code, StatusObject(ex));

    internal static JsonObject StatusObject(KubernetesStatusException ex)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = ex.Message,
            ["reason"] = ex.Reason,
        };
        if (ex.Name is not null || ex.Kind is not null)
        {
            var details = new JsonObject();
            if (!string.IsNullOrEmpty(ex.Name))
            {
                details["name"] = ex.Name;
            }

            if (!string.IsNullOrEmpty(ex.Group))
            {
                details["group"] = ex.Group;
            }

            if (ex.Kind is not null)
            {
                details["kind"] = ex.Kind;
            }

            if (ex.Code == 422 && ex.Message.IndexOf(" is invalid: ", StringComparison.Ordinal) is var at and >= 0)
            {
                details["causes"] = new JsonArray([.. Causes(ex.Message[(at + 13)..]).Select(c => (JsonNode)c)]);
            }

            status["details"] = details;
        }

        if (ex.Causes is { Count: > 0 } causes)
        {
            var details = status["details"] as JsonObject ?? new JsonObject();
            details["causes"] = new JsonArray([.. causes.Select(c => (JsonNode)c.DeepClone())]);
            status["details"] = details;
        }

        status["code"] = ex.Code;
        return status;
    }

    // "field: Reason text: detail, field2: ..." (optionally in [ ]) → causes with the field and the upstream cause type.
    private static IEnumerable<JsonObject> Causes(string errors)
    {
        var text = errors.StartsWith('[') && errors.EndsWith(']') ? errors[1..^1] : errors;
        foreach (var part in text.Split(", ", StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var field = part[..colon];
            var message = part[(colon + 2)..];
            var reason = message switch
            {
                _ when message.StartsWith("Required value", StringComparison.Ordinal) => "FieldValueRequired",
                _ when message.StartsWith("Duplicate value", StringComparison.Ordinal) => "FieldValueDuplicate",
                _ when message.StartsWith("Unsupported value", StringComparison.Ordinal) => "FieldValueNotSupported",
                _ when message.StartsWith("Forbidden", StringComparison.Ordinal) => "FieldValueForbidden",
                _ when message.StartsWith("Too long", StringComparison.Ordinal) => "FieldValueTooLong",
                _ when message.StartsWith("Not found", StringComparison.Ordinal) => "FieldValueNotFound",
                _ => "FieldValueInvalid",
            };
            yield return new JsonObject { ["reason"] = reason, ["message"] = message, ["field"] = field };
        }
    }

    // What a token this server issued decodes to: the list's version and a sequence number.
    private static bool IsContinueToken(string token)
    {
        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, written);
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    private sealed record ContinueState(List<JsonObject> Items, long ResourceVersion, DateTimeOffset Expires);
}
