using K8sNet.Dns;
using Microsoft.Extensions.Logging;

namespace K8sNet.Routing;

/// <summary>
/// Sends each request for a Service straight to one of its pods, an adapter over the Service-following core
/// (<see cref="ServiceRouterPool"/>): the host is read as this pod's resolver would (<see cref="ServiceUriResolver"/>,
/// cached per host), the core finds the first candidate that exists, the port is chosen by
/// <see cref="ServicePortSelector"/>, the Service's router picks an endpoint, and the request URI is rewritten to the
/// pod's address with the Host header kept. Connect failures are retried on another endpoint.
/// </summary>
internal sealed partial class K8sNetServiceDiscoveryHandler : DelegatingHandler
{
    private readonly ServiceRouterPool _pool;
    private readonly ClientRouting _client;
    private readonly ILogger _logger;

    public K8sNetServiceDiscoveryHandler(ServiceRouterPool pool, ClientRouting client, ILogger logger)
    {
        _pool = pool;
        _client = client;
        _logger = logger;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri;
        if (original is null || !original.IsAbsoluteUri)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var entry = _client.GetTarget(original);
        if (entry.Target is null)
        {
            // Not a Service this client may call. A host that names one in another namespace is checked once, off the
            // request path; Strict waits for the check and fails the request when the Service exists.
            if (entry.Excluded is not null)
            {
                var check = entry.ExcludedCheck;
                var first = check is null;
                check ??= entry.ExcludedCheck = CheckExcludedAsync(entry, original); // the check counts the request that started it
                if (_client.Options.Strict)
                {
                    return SendCheckedAsync(request, original, check, cancellationToken);
                }

                if (check.IsCompletedSuccessfully)
                {
                    if (check.Result is not null)
                    {
                        _pool.Diagnostics.TryPassedThroughAgain(_client.Name, entry.Authority, PassThroughReason.NamespaceNotAllowed, out _); // counted
                    }
                }
                else if (!first)
                {
                    // Sent while the check still runs: counted once it has found the Service.
                    _ = check.ContinueWith(
                        static (t, state) =>
                        {
                            var (handler, authority) = ((K8sNetServiceDiscoveryHandler, string))state!;
                            if (t.IsCompletedSuccessfully && t.Result is not null)
                            {
                                handler._pool.Diagnostics.TryPassedThroughAgain(handler._client.Name, authority, PassThroughReason.NamespaceNotAllowed, out _);
                            }
                        },
                        (this, entry.Authority),
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }
            }

            return base.SendAsync(request, cancellationToken);
        }

        if (entry.Resolved is { } resolved && resolved.Router.IsActive && resolved.Router.State is { Exists: true } current && ReferenceEquals(current.Spec, resolved.Choice.Spec))
        {
            // The common case: the host was resolved before, its router is still followed and the Service's spec has
            // not changed since.
            return SendFirstAttempt(request, original, entry, resolved.Router, resolved.Choice, cancellationToken);
        }

        return ResolveAndSendAsync(request, original, entry, cancellationToken);
    }

    private async Task<HttpResponseMessage> ResolveAndSendAsync(HttpRequestMessage request, Uri original, TargetEntry entry, CancellationToken cancellationToken)
    {
        var target = entry.Target!;
        var options = _client.Options;
        var lookup = await _pool.FindAsync(target, _client.Profile, options.SyncTimeout, cancellationToken).ConfigureAwait(false);
        if (lookup.Status == ServiceLookupStatus.NotSynced)
        {
            var candidate = lookup.Router.Service;
            _pool.Metrics.Failed(lookup.Router, "not_synced");
            throw new K8sNetRoutingException(candidate, RoutingFailureReason.NotSynced,
                $"The endpoint source has not synced Service '{candidate}' within {options.SyncTimeout.TotalSeconds:0.###} s, so K8sNet cannot tell whether it exists or where its pods are.");
        }

        if (lookup.Status != ServiceLookupStatus.Found || lookup.State?.Spec is not { } spec)
        {
            // No such Service: it may be an external name, which DNS finds; said once (with the nearest Service), and
            // an error in Strict mode.
            entry.Resolved = null;
            var report = ReportNotFoundAsync(original, lookup.Router.Service);
            if (options.Strict)
            {
                var record = await report.ConfigureAwait(false);
                throw new K8sNetRoutingException(lookup.Router.Service, RoutingFailureReason.ServiceNotFound, record.Message.Replace(
                    "so the request went to DNS as it is. Check the name, or set Strict to make this an error.", "so the request was not sent (Strict).", StringComparison.Ordinal));
            }

            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var found = lookup.Router;

        if (spec.Type == ServiceType.ExternalName && !string.IsNullOrEmpty(spec.ExternalName))
        {
            return await SendToExternalNameAsync(request, original, spec.ExternalName, cancellationToken).ConfigureAwait(false);
        }

        var choice = ChoosePort(found.Service, spec, target);

        // Only the first candidate is remembered: a later one must give way if an earlier Service appears.
        entry.Resolved = lookup.CandidateIndex == 0 ? new ResolvedTarget(found, choice) : null;
        return await SendFirstAttempt(request, original, entry, found, choice, cancellationToken).ConfigureAwait(false);
    }

    // Picks an endpoint and sends, without an async frame of its own: when the inner handler completes at once and
    // well, its own task is returned (no allocation here); otherwise the retry loop takes the attempt over.
    private Task<HttpResponseMessage> SendFirstAttempt(HttpRequestMessage request, Uri original, TargetEntry entry, ServiceRouter router, PortChoice choice, CancellationToken cancellationToken)
    {
        var hashKey = HashKey(request, _client.Options);
        var setHost = request.Headers.Host is null;
        if (setHost)
        {
            // The authority came from a parsed Uri, so it needs no validation; stored raw, it costs no parse and no
            // parsed-value object per request.
            request.Headers.TryAddWithoutValidation("Host", entry.Authority);
        }

        if (RoutingTelemetry.Source.HasListeners())
        {
            return SendTracedAsync(request, original, entry, router, choice, hashKey, setHost, cancellationToken);
        }

        var lease = router.Pick(choice.Port.Key, hashKey, null);
        if (lease.Endpoint is not { } endpoint)
        {
            Restore(request, original, setHost);
            return Task.FromException<HttpResponseMessage>(NoEndpoint(router, choice.Port, lease.Set!));
        }

        request.RequestUri = _client.Rewrite(original, choice.Scheme, endpoint);
        Task<HttpResponseMessage> attempt;
        try
        {
            attempt = base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            attempt = Task.FromException<HttpResponseMessage>(ex); // the loop treats it as an awaited failure would be
        }

        if (attempt.IsCompletedSuccessfully && !Buffers(request, _client.Options))
        {
            lease.Complete((int)attempt.Result.StatusCode >= 500 ? EndpointOutcome.ServerError : EndpointOutcome.Success);
            Restore(request, original, setHost);
            return attempt;
        }

        return SendLoopAsync(request, original, router, choice, hashKey, setHost, (attempt, lease), cancellationToken);
    }

    // The attempts (the first one possibly already in flight): connect failures are retried on another endpoint, and
    // transport failures too for idempotent requests without a body when the options allow it.
    // The logical request's span, the attempts' spans beneath it (started and stopped with each lease).
    private async Task<HttpResponseMessage> SendTracedAsync(HttpRequestMessage request, Uri original, TargetEntry entry, ServiceRouter router, PortChoice choice, ulong? hashKey, bool setHost, CancellationToken cancellationToken)
    {
        using var activity = RoutingTelemetry.Source.StartActivity("K8sNet.Routing.Request", System.Diagnostics.ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.DisplayName = $"{request.Method.Method} {router.Service}";
            activity.SetTag("k8s.namespace.name", router.Service.Namespace);
            activity.SetTag("k8snet.service.name", router.Service.Name);
            activity.SetTag("k8snet.service.port", choice.Port.Name.Length > 0 ? choice.Port.Name : choice.Port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("k8snet.client", router.Profile.Name);
            activity.SetTag("k8snet.policy", router.PolicyName);
            activity.SetTag("server.address", entry.Authority);
            activity.SetTag("http.request.method", request.Method.Method);
        }

        try
        {
            var response = await SendLoopAsync(request, original, router, choice, hashKey, setHost, null, cancellationToken, activity).ConfigureAwait(false);
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            return response;
        }
        catch (Exception ex)
        {
            activity?.SetTag("error.type", ex is K8sNetRoutingException routing ? routing.Reason.ToString() : ex.GetType().FullName);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendLoopAsync(HttpRequestMessage request, Uri original, ServiceRouter router, PortChoice choice, ulong? hashKey, bool setHost,
        (Task<HttpResponseMessage> Task, RoutedLease Lease)? inFlight, CancellationToken cancellationToken, System.Diagnostics.Activity? trace = null)
    {
        var options = _client.Options;
        List<ServiceEndpoint>? tried = null;
        var attempts = 0;
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                attempts = attempt + 1;
                RoutedLease lease;
                Task<HttpResponseMessage> sending;
                if (inFlight is { } first)
                {
                    (sending, lease) = first;
                    inFlight = null;
                }
                else
                {
                    lease = router.Pick(choice.Port.Key, hashKey, tried);
                    if (lease.Endpoint is null)
                    {
                        throw NoEndpoint(router, choice.Port, lease.Set!);
                    }

                    request.RequestUri = _client.Rewrite(original, choice.Scheme, lease.Endpoint);
                    sending = base.SendAsync(request, cancellationToken);
                }

                var endpoint = lease.Endpoint!; // the first attempt's lease had an endpoint; later ones are checked above
                var set = lease.Set!;
                HttpResponseMessage response;
                try
                {
                    response = await sending.ConfigureAwait(false);
                }
                catch (HttpRequestException ex) when (ex is not K8sNetRoutingException)
                {
                    var connect = ex.HttpRequestError == HttpRequestError.ConnectionError;
                    var outcome = connect ? EndpointOutcome.ConnectFailure : EndpointOutcome.TransportFailure;
                    lease.Complete(outcome);
                    if (!RetryRule.MayRetry(outcome, attempt, options.MaxRetries, set.Eligible.Length, request.Content is null && IsIdempotent(request.Method), options.RetryIdempotentAfterSend))
                    {
                        throw;
                    }

                    (tried ??= []).Add(endpoint);
                    _pool.Metrics.Retry(router);
                    Log.Retrying(_logger, router.Service, endpoint.Key, outcome, attempt + 1, ex.Message);
                    continue;
                }
                catch (OperationCanceledException)
                {
                    lease.Complete(EndpointOutcome.Canceled);
                    throw;
                }

                if (Buffers(request, options))
                {
                    try
                    {
                        await ResponseBuffer.ReadAsync(response, options.MaxBufferedResponseBytes, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        // The pod went away after the headers: the attempt failed before the caller saw anything.
                        response.Dispose();
                        lease.Complete(EndpointOutcome.TransportFailure);
                        if (!RetryRule.MayRetry(EndpointOutcome.TransportFailure, attempt, options.MaxRetries, set.Eligible.Length, idempotentWithoutBody: true, retryIdempotentAfterSend: true)) // Buffers: both hold
                        {
                            throw ex as HttpRequestException ?? new HttpRequestException(HttpRequestError.ResponseEnded, $"The response body from {endpoint.Key} ended early: {ex.Message}", ex);
                        }

                        (tried ??= []).Add(endpoint);
                        _pool.Metrics.Retry(router);
                        Log.Retrying(_logger, router.Service, endpoint.Key, EndpointOutcome.TransportFailure, attempt + 1, ex.Message);
                        continue;
                    }
                }

                lease.Complete((int)response.StatusCode >= 500 ? EndpointOutcome.ServerError : EndpointOutcome.Success);
                return response;
            }
        }
        finally
        {
            trace?.SetTag("k8snet.attempts", attempts);
            Restore(request, original, setHost);
        }
    }

    // Whether a host that names no Service this client may call names one in another namespace: reported (logged once
    // with the fix, counted, listed) when the endpoint source has it.
    private async Task<ServiceName?> CheckExcludedAsync(TargetEntry entry, Uri original)
    {
        try
        {
            var lookup = await _pool.FindAsync(entry.Excluded!, ProbeProfile, _client.Options.SyncTimeout, CancellationToken.None).ConfigureAwait(false);
            if (lookup.Status != ServiceLookupStatus.Found)
            {
                return null;
            }

            var service = lookup.Router.Service;
            _pool.Diagnostics.PassedThrough(_client.Name, entry.Authority, PassThroughReason.NamespaceNotAllowed, () =>
                $"HttpClient '{_client.Name}': {original.Scheme}://{entry.Authority}/ names Service {service}, but namespace '{service.Namespace}' is not one "
                + $"this client may call, so the request went to DNS (the Service's ClusterIP: no per-request balancing across its pods). "
                + $"Add '{service.Namespace}' to K8sNet:AllowedNamespaces (or this client's AllowedNamespaces).");
            return service;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.CheckFailed(_logger, entry.Authority, ex.Message);
            return null;
        }
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, Uri original, Task<ServiceName?> check, CancellationToken cancellationToken)
    {
        if (await check.ConfigureAwait(false) is { } service)
        {
            _pool.Diagnostics.TryPassedThroughAgain(_client.Name, original.Authority, PassThroughReason.NamespaceNotAllowed, out _); // counted
            throw new K8sNetRoutingException(service, RoutingFailureReason.NamespaceNotAllowed,
                $"HttpClient '{_client.Name}': {original.Scheme}://{original.Authority}/ names Service {service}, but namespace '{service.Namespace}' is not one "
                + $"this client may call, so the request was not sent (Strict). Add '{service.Namespace}' to K8sNet:AllowedNamespaces (or this client's AllowedNamespaces).");
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    // A Service that does not exist in an allowed namespace: the nearest existing name, when the source can list them.
    private async Task<PassThroughRecord> ReportNotFoundAsync(Uri original, ServiceName missing)
    {
        if (_pool.Diagnostics.TryPassedThroughAgain(_client.Name, original.Authority, PassThroughReason.ServiceNotFound, out var seen))
        {
            return seen; // said once already: counted
        }

        string? nearest = null;
        if (_pool.Source is IServiceCatalog catalog)
        {
            try
            {
                nearest = RoutingDiagnostics.Nearest(missing.Name, await catalog.ListServiceNamesAsync(missing.Namespace).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Log.CheckFailed(_logger, original.Authority, ex.Message);
            }
        }

        return _pool.Diagnostics.PassedThrough(_client.Name, original.Authority, PassThroughReason.ServiceNotFound, () =>
            $"HttpClient '{_client.Name}': {original.Scheme}://{original.Authority}/ names no Service in namespace '{missing.Namespace}' "
            + (nearest is null ? $"('{missing.Name}' does not exist there), " : $"('{missing.Name}' does not exist there; nearest: '{nearest}'), ")
            + "so the request went to DNS as it is. Check the name, or set Strict to make this an error.");
    }

    private static void Restore(HttpRequestMessage request, Uri original, bool setHost)
    {
        request.RequestUri = original;
        if (setHost)
        {
            request.Headers.Remove("Host");
        }
    }

    private static PortChoice ChoosePort(ServiceName service, ServiceSpecInfo spec, ServiceUriTarget target)
    {
        if (!ServicePortSelector.TrySelect(service, spec.Ports, target.Port, out var port, out var matchedScheme, out var error))
        {
            throw new K8sNetRoutingException(service, RoutingFailureReason.UnknownPort, error.Message, error);
        }

        var scheme = matchedScheme ?? (target.Schemes.IsEmpty ? "http" : target.Schemes[0]);
        return new PortChoice(spec, service, port, scheme);
    }

    private async Task<HttpResponseMessage> SendToExternalNameAsync(HttpRequestMessage request, Uri original, string externalName, CancellationToken cancellationToken)
    {
        var builder = new UriBuilder(original) { Host = externalName.TrimEnd('.') };
        request.RequestUri = builder.Uri;
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            request.RequestUri = original;
        }
    }

    private K8sNetRoutingException NoEndpoint(ServiceRouter router, ServicePortInfo port, EndpointSet set)
    {
        var service = router.Service;
        var portName = port.Name.Length == 0 ? port.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : port.Name;
        var (reason, why) = set.Status switch
        {
            EndpointSetStatus.NotSynced => (RoutingFailureReason.NotSynced, "the endpoint source has not synced it yet"),
            EndpointSetStatus.NoneEligible => (RoutingFailureReason.NoEligibleEndpoints,
                $"none of its {set.All.Length} endpoint(s) may be used by this client (internalTrafficPolicy Local with none on this node, or topology)"),
            _ => (RoutingFailureReason.NoEndpoints,
                set.All.IsEmpty ? "it has no endpoints" : $"none of its {set.All.Length} endpoint(s) is ready or serving"),
        };
        _pool.Metrics.Failed(router, "no_endpoint");
        Log.NoEndpoint(_logger, service, portName, why);
        return new K8sNetRoutingException(service, reason, $"Service '{service}' port {portName}: no endpoint to send to: {why}.");
    }

    private static ulong? HashKey(HttpRequestMessage request, K8sNetRoutingOptions options)
    {
        if (options.HashKeyHeader is { } header && request.Headers.NonValidated.TryGetValues(header, out var values))
        {
            foreach (var v in values)
            {
                return StableHash.Hash(v);
            }
        }

        if (options.HashKeyCookie is { } cookie && request.Headers.NonValidated.TryGetValues("Cookie", out var cookies))
        {
            foreach (var line in cookies)
            {
                foreach (var part in line.Split(';'))
                {
                    var kv = part.AsSpan().Trim();
                    var eq = kv.IndexOf('=');
                    if (eq > 0 && kv[..eq].SequenceEqual(cookie))
                    {
                        return StableHash.Hash(kv[(eq + 1)..]);
                    }
                }
            }
        }

        return options.HashKeySelector?.Invoke(request) is { } key ? StableHash.Hash(key) : null;
    }

    // Response buffering applies to the requests a failure after sending may retry.
    private static bool Buffers(HttpRequestMessage request, K8sNetRoutingOptions options) =>
        options.MaxBufferedResponseBytes > 0 && options.RetryIdempotentAfterSend && request.Content is null && IsIdempotent(request.Method);

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace
        || method == HttpMethod.Put || method == HttpMethod.Delete;

    // Probes of Services in namespaces a client may not call: existence only, let go soon.
    private static readonly RoutingProfile ProbeProfile = new(
        "probe",
        time => K8sNetLoadBalancers.Create(LoadBalancingPolicy.RoundRobin, time),
        new OutlierDetectionOptions { Enabled = false }) { IdleTimeout = TimeSpan.FromMinutes(1) };

    private static partial class Log
    {
        [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Checking whether {Host} names a Service failed: {Error}")]
        public static partial void CheckFailed(ILogger logger, string host, string error);

        [LoggerMessage(EventId = 3010, Level = LogLevel.Debug, Message = "Service {Service}: {Outcome} on {Endpoint}; retrying on another endpoint (retry {Retry}): {Error}")]
        public static partial void Retrying(ILogger logger, ServiceName service, string endpoint, EndpointOutcome outcome, int retry, string error);

        [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Service {Service} port {Port}: no endpoint to send to: {Why}.")]
        public static partial void NoEndpoint(ILogger logger, ServiceName service, string port, string why);
    }
}
